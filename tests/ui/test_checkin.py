"""The poll book's check-in screens in a real window under Xvfb (see driver.py).

Without a voter list the officer's "Activate next ballot" still activates at once: every
scenario of test_flows.py (e.g. `scenario_voter`, whose `activate` step expects the
welcome screen right after that tap) runs on a package without a list.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.conftest import run_scenario

pytestmark = pytest.mark.gui

CHECKS = {"activation goes through the check-in", "search finds the voter", "details for the KTP",
          "checked in and activated", "scan checks in", "two check-ins, two ballots",
          "second check-in refused with the time", "searched again: refused, Hadir off",
          "garbled invitation refused", "forged invitation refused", "refusals record nothing",
          "a waiting check-in is offered", "the waiting voter voted", "nothing waiting after it",
          "DPTb checked in", "DPTb entry", "four ballots"}


@pytest.mark.parametrize(("size", "lang"), [("1024x600", "id"), ("800x1280", "en")])
def test_check_in_by_search_and_invitation_then_a_second_check_in_is_refused(
        tmp_path: Path, size: str, lang: str) -> None:
    result = run_scenario(tmp_path, "checkin", "--voter-lists", "--size", size, "--lang", lang,
                          screen=size, timeout=300)
    assert CHECKS <= {c["name"] for c in result["checks"]}
    shots = [s for s in result["shots"] if s["screen"] in ("checkin", "voter_check", "dptb")]
    assert len(shots) >= 8, shots
    for shot in shots:
        assert not shot["broken"], shot
        assert shot["min_target"] is None or shot["min_target"] >= shot["touch_px"] - 1, shot
