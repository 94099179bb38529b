"""Screenshots of every screen (both languages, high contrast, landscape and portrait).

Each screenshot must not be blank (pixel variance), must show its key texts (read from
the widget tree), and every visible, enabled touch target must be at least 15 mm on the
target panel (`app.touch`, see kiosk/ui/theme.py), and no button may break a word
("High contra st"): the text wraps at spaces or the font shrinks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageStat

from kiosk.ui.i18n import load_translations
from tests.ui.conftest import run_scenario

pytestmark = pytest.mark.gui

KEY_TEXTS = {
    "boot": ["SuaraDesa kiosk: readiness check", "Continue"],
    "pin": ["Officer PIN"],
    "officer": ["Officer menu", "Open polls", "Activate next ballot"],
    "zero": ["Zero report"],
    "welcome": ["Welcome", "Start", "Listen"],
    "ballot": ["Please choose one candidate.", "Next"],
    "ballot-selected": ["SELECTED"],
    "review": ["Yes, that is my choice", "Back"],
    "sealed": ["Your ballot is sealed", "Yes, cast my vote", "Check this ballot"],
    "checked": ["This ballot is not counted", "Back to the ballot"],
    "recorded-hc": ["Your vote has been recorded", "Your tracking code:",
                    "Paper with your choice: put it into the audit box.",
                    "Slip with the tracking code: take it home."],
    "waiting": ["Please wait for the officer"],
    "error-printer_paper": ["Printer out of paper", "Try again"],
    "error-scanner": ["Scanner unplugged"],
    "error-storage": ["Storage failure"],
    "close": ["Close the polls?", "Yes, close the polls"],
    "trustees": ["Trustees", "Scan card"],
    "results": ["Results"],
    "export": ["Export to USB", "Start export"],
    "voided": ["Time is up"],
}


@pytest.mark.parametrize(("size", "lang"), [("1024x600", "id"), ("800x1280", "en"),
                                            ("1280x800", "en")])
def test_every_screen_renders_with_its_texts_and_big_targets(
        tmp_path: Path, size: str, lang: str) -> None:
    result = run_scenario(tmp_path, "screens", "--size", size, "--lang", lang)
    gettext = load_translations(lang).gettext
    shots = {Path(s["file"]).name.split(f"-{lang}-")[0]: s for s in result["shots"]}
    assert set(KEY_TEXTS) <= set(shots), set(KEY_TEXTS) - set(shots)
    for name, shot in shots.items():
        image = Image.open(shot["file"]).convert("L")
        variance = ImageStat.Stat(image).var[0]
        assert variance > 50, f"{name}: looks blank (variance {variance:.1f})"
        for msgid in KEY_TEXTS.get(name, []):
            assert gettext(msgid) in shot["texts"], (name, msgid, shot["texts"])
        assert not shot["broken"], f"{name}: words broken inside buttons: {shot['broken']}"
        if shot["min_target"] is not None:  # screens without buttons (voided) have none
            assert shot["min_target"] >= shot["touch_px"] - 1, (name, shot["min_target"])
    assert result["touch_px"] >= 56  # >= 15 mm even at the 96 dpi Kivy assumes
