"""Printer faults, training mode and shut-down in a real window (see scenarios_printer.py)."""

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
