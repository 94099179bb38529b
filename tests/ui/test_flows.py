"""Voter and officer flows in a real window, driven by simulated touches (see driver.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.conftest import run_scenario

pytestmark = pytest.mark.gui


def test_voter_flow_stores_exactly_one_ballot_for_the_last_choice(tmp_path: Path) -> None:
    result = run_scenario(tmp_path, "voter")
    names = {c["name"] for c in result["checks"]}
    assert {"one ballot stored", "right candidate", "change selection"} <= names


def test_a_voter_checks_a_ballot_then_casts_another_choice(tmp_path: Path) -> None:
    result = run_scenario(tmp_path, "challenge")
    names = {c["name"] for c in result["checks"]}
    assert {"checked shows the candidate", "nothing counted after the check",
            "one spoiled ballot for the checked candidate",
            "only the cast ballot counted"} <= names


def test_quick_taps_and_two_fingers_never_select_two(tmp_path: Path) -> None:
    run_scenario(tmp_path, "double_tap")


def test_idle_voter_is_warned_then_voided_without_casting(tmp_path: Path) -> None:
    run_scenario(tmp_path, "timeout")


def test_officer_opens_activates_pauses_closes_collects_trustees_exports(tmp_path: Path) -> None:
    result = run_scenario(tmp_path, "officer")
    assert any(c["name"] == "export verified" for c in result["checks"])


def test_voter_flow_in_portrait_1280x800_rotated(tmp_path: Path) -> None:
    run_scenario(tmp_path, "voter", "--size", "800x1280", "--lang", "en")


def test_unplugged_scanner_warns_and_the_polls_still_open(tmp_path: Path) -> None:
    result = run_scenario(tmp_path, "scanner_absent")
    assert {"scanner warns", "polls open without scanner"} <= {c["name"] for c in result["checks"]}


def test_answering_the_idle_warning_keeps_the_ballot_alive(tmp_path: Path) -> None:
    result = run_scenario(tmp_path, "still_here")
    assert {"session alive", "cast after keep-alive"} <= {c["name"] for c in result["checks"]}
