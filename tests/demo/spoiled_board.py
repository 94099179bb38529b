"""Checks on a finished demo's bulletin board: its spoiled (challenged) ballots.

`test_demo.py` calls `assert_board_checks_spoiled` on the clean demo it already ran (one
demo run serves both): every village's board is VALID in the browser verifier (headless
Chromium over file://), and the checked ballots it lists are the deck's `N,challenge`
rows, candidate for candidate, none counted.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from kiosk.simulate import read_deck
from tests.tally.test_webverify_spoiled import run_page


def assert_board_checks_spoiled(out: Path, scratch: Path) -> None:
    site = out / "bulletin"
    villages = sorted(p.name for p in (site / "data").iterdir() if p.is_dir())
    assert villages
    total = 0
    for village in villages:
        verdict, problems, shown = run_page(site, village, scratch / f"profile-{village}")
        assert (verdict, problems) == ("VALID", []), village
        rows = [r for deck in sorted((out / "decks").glob(f"{village}_*.csv"))
                for r in read_deck(deck)]
        want = Counter(r.number for r in rows if r.challenge)
        assert Counter(int(candidate) for _, candidate in shown) == want, village
        total += len(shown)
    assert total > 0  # the decks challenged somewhere: the check saw spoiled ballots
