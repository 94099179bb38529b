"""The demo's decks: a few Benaloh challenges per station, in the `kiosk simulate` format."""

from __future__ import annotations

from pathlib import Path

from kiosk.simulate import read_deck
from suaradesa.demo.decks import make_deck


def test_decks_challenge_a_few_voters_and_keep_their_candidates(tmp_path: Path) -> None:
    decks = [make_deck(11, f"V{v}", f"TPS-{s:02d}", 4, 300, None)
             for v in range(3) for s in range(1, 5)]
    counts = [len(d.challenges) for d in decks]
    assert max(counts) <= 2 and sum(counts) > 0  # a few, somewhere
    assert 0 in counts  # positive control: not every station challenges
    for d in decks:
        path = tmp_path / f"{d.village}_{d.station}.csv"
        d.write_csv(path)
        rows = read_deck(path)
        assert [r.number for r in rows] == list(d.numbers)  # a challenge still casts N
        assert {i for i, r in enumerate(rows) if r.challenge} == d.challenges
    again = make_deck(11, "V0", "TPS-01", 4, 300, None)
    assert again == decks[0]  # the same seed gives the same day


def test_challenges_do_not_change_the_candidates_of_a_seed() -> None:
    """The challenge draw has its own stream: the numbers match a deck made without it."""
    import random

    deck = make_deck(5, "V", "S", 3, 100, None)
    weights_rng = random.Random("5/V")  # the module's own recipe
    weights = [weights_rng.uniform(0.2, 1.0) ** 2 for _ in range(3)]
    rng = random.Random("5/V/S")
    voters = round(100 * rng.uniform(0.55, 0.90))
    assert deck.numbers == tuple(rng.choices(range(1, 4), weights=weights, k=voters))
