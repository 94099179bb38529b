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


@pytest.mark.parametrize(("size", "lang"), [("1024x600", "id"), ("1280x800", "en")])
def test_close_summary_prints_at_close_and_results_reprint_after_export(
        tmp_path: Path, size: str, lang: str) -> None:
    """X pointer events only (xdotool) on a bare Xvfb: close summary, its fault and
    reprint, then results viewed and reprinted twice after the export."""
    result = run_scenario(tmp_path, "close_summary", "--size", size, "--lang", lang,
                          "--deadline", "500", screen=size, timeout=540)
    names = {c["name"] for c in result["checks"]}
    assert {"close summary printed at close", "summary shows the box root",
            "summary in local time", "cover open named", "summary reprinted, marked",
            "results shown after export", "two witness copies after export"} <= names


@pytest.mark.parametrize("lang", ["id", "en"])
def test_boot_names_the_package_and_a_cover_open_printer(tmp_path: Path, lang: str) -> None:
    result = run_scenario(tmp_path, "boot_cover", "--lang", lang, screen="1024x600")
    assert {"boot names the package", "cover open named", "continue disabled",
            "cover closed: ready"} <= {c["name"] for c in result["checks"]}
