"""The installation screen and the officer-PIN lock-out, in a real window (see driver.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.ui.screens.codes import countdown_text
from tests.ui.conftest import run_scenario

pytestmark = pytest.mark.gui


def test_countdown_text_rounds_up_and_shows_hours() -> None:
    assert countdown_text(15) == "0:15" and countdown_text(4.2) == "0:05"
    assert countdown_text(0) == "0:00" and countdown_text(7680) == "2:08:00"


@pytest.mark.parametrize(("size", "lang"), [("1024x600", "id"), ("800x1280", "en")])
def test_first_start_installs_with_the_typed_code(tmp_path: Path, size: str, lang: str) -> None:
    result = run_scenario(tmp_path, "install", "--uninstalled", "--size", size, "--lang", lang)
    names = {c["name"] for c in result["checks"]}
    assert {"garbled code refused", "nothing installed", "installed"} <= names
    for shot in result["shots"]:
        assert shot["min_target"] is None or shot["min_target"] >= shot["touch_px"] - 1, shot


@pytest.mark.parametrize(("size", "lang"), [("1024x600", "en"), ("1280x800", "id")])
def test_lockout_counts_down_locks_and_a_scanned_unlock_code_opens(
        tmp_path: Path, size: str, lang: str) -> None:
    result = run_scenario(tmp_path, "lockout", "--size", size, "--lang", lang)
    names = {c["name"] for c in result["checks"]}
    assert {"countdown is live", "locked screen", "unlocked", "officer after unlock"} <= names
