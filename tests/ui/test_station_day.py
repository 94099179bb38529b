"""A station day in a real window: printer faults, training, shut-down, fullscreen."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.conftest import run_scenario

pytestmark = pytest.mark.gui


@pytest.mark.parametrize(("size", "lang"), [("1024x600", "id"), ("1280x800", "en")])
def test_paper_out_is_named_reprinted_behind_the_pin_and_nothing_is_lost(
        tmp_path: Path, size: str, lang: str) -> None:
    result = run_scenario(tmp_path, "printer_fault", "--size", size, "--lang", lang)
    names = {c["name"] for c in result["checks"]}
    assert {"training banner", "activation refused", "fault named",
            "feedback while fault persists", "reprinted", "shut down"} <= names


@pytest.mark.parametrize("screen", ["1024x600", "1280x800", "800x1280"])
def test_fullscreen_fills_the_screen_with_no_window_manager(tmp_path: Path, screen: str) -> None:
    """`kiosk run`'s default window on a bare Xvfb (no window manager) of each target size."""
    result = run_scenario(tmp_path, "fills_screen", "--fullscreen", "--size", screen,
                          screen=screen)
    assert {"window fills the screen", "layout fills the window"} <= {
        c["name"] for c in result["checks"]}
