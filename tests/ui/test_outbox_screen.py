"""The officer's outbox screen in a real window on a bare Xvfb (no window manager), every
tap a real X pointer event (xdotool), against a real `tally serve` on 127.0.0.1: the
bundle is "not yet sent" while the server is down and "sent" once it is up."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.programs import require_program
from tests.ui.conftest import run_scenario

pytestmark = pytest.mark.gui


@pytest.mark.parametrize(("size", "lang"), [("1024x600", "id"), ("1280x800", "en")])
def test_outbox_screen_shows_not_yet_sent_then_sent(tmp_path: Path, size: str, lang: str
                                                    ) -> None:
    require_program("xdotool", "xdotool")
    result = run_scenario(tmp_path, "outbox", "--size", size, "--lang", lang, screen=size,
                          timeout=300)
    names = {c["name"] for c in result["checks"]}
    assert {"bundle listed, not yet sent", "still not yet sent while the server is down",
            "sent once the server is up", "sent shown", "the server holds the station",
            "back to the officer menu"} <= names
    shots = [s for s in result["shots"] if s["screen"] == "outbox"]
    assert len(shots) == 3 and all(not s["broken"] for s in shots), shots
