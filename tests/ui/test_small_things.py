"""The "smaller things" of issue 12 in a real window under Xvfb, driven by X input (see
tests/ui/scenarios_small.py): the trustee screen and the welcome screen, both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.conftest import run_scenario

pytestmark = pytest.mark.gui

TRUSTEE_CHECKS = {"every trustee named", "the list fits above the buttons",
                  "PIN field shows the trustee PIN's places", "success is green",
                  "accepted card marked, others not", "duplicate refused before its PIN",
                  "a new card asks its PIN", "overflowing list has a wide bar",
                  "dragging the bar shows the last file"}
WELCOME_CHECKS = {"welcome names election, village, TPS", "the place keeps its size at A++",
                  "a candidate name ends in a stop",
                  "review: no double stop", "voter headings have no final stop"}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_trustee_screen_names_marks_refuses_duplicates_and_scrolls_by_touch(
        tmp_path: Path, lang: str) -> None:
    result = run_scenario(tmp_path, "trustee_cards", "--size", "1024x600", "--lang", lang,
                          screen="1024x600", timeout=300)
    assert TRUSTEE_CHECKS <= {c["name"] for c in result["checks"]}
    for shot in result["shots"]:
        assert not shot["broken"], shot
        assert shot["min_target"] is None or shot["min_target"] >= shot["touch_px"] - 1, shot


@pytest.mark.parametrize("lang", ["id", "en"])
def test_welcome_names_the_place_and_sentences_keep_one_stop(tmp_path: Path, lang: str) -> None:
    result = run_scenario(tmp_path, "welcome_place", "--size", "1024x600", "--lang", lang,
                          screen="1024x600", timeout=300)
    assert WELCOME_CHECKS <= {c["name"] for c in result["checks"]}
    for shot in result["shots"]:
        assert not shot["broken"], shot


@pytest.mark.parametrize(("size", "lang"), [("1024x600", "id"), ("800x1280", "en")])
def test_check_in_keyboards_type_a_hyphen(tmp_path: Path, size: str, lang: str) -> None:
    result = run_scenario(tmp_path, "checkin_hyphen", "--voter-lists", "--size", size,
                          "--lang", lang, screen=size, timeout=300)
    assert {"hyphen typed in the search", "hyphen key is a full target",
            "hyphen typed in the DPTb name"} <= {c["name"] for c in result["checks"]}
    for shot in result["shots"]:
        assert not shot["broken"], shot
        assert shot["min_target"] is None or shot["min_target"] >= shot["touch_px"] - 1, shot
