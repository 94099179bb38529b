"""Simulated voters: one deck of candidate numbers per polling station.

Decks are deterministic for a seed (the same seed gives the same election day) and only
drive the *simulation*; nothing in the voting path uses them. Each village gets its own
popularity per candidate so winners differ from village to village, and each station a
turnout between 55 % and 90 % of its DPT.

A few voters per station (none to two) first check a ballot for their candidate (a
Benaloh challenge: the kiosk opens it, it is spoiled and never counted) and then cast that
candidate: their deck rows read `N,challenge` (the `kiosk simulate` deck format), so the
published board lists spoiled ballots and its browser verifier checks them. They are
drawn from their own seeded stream, so the candidate numbers of a seed stay as they were.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StationDeck:
    village: str
    station: str
    numbers: tuple[int, ...]  # candidate number per voter, in casting order
    challenges: frozenset[int] = frozenset()  # voter indexes that check a ballot first

    def counts(self, candidates: int) -> tuple[int, ...]:
        tally = Counter(self.numbers)
        return tuple(tally.get(n, 0) for n in range(1, candidates + 1))

    def write_csv(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = (f"{n},challenge\n" if i in self.challenges else f"{n}\n"
                for i, n in enumerate(self.numbers))
        path.write_text("nomor_urut\n" + "".join(rows), encoding="utf-8")


def make_deck(
    seed: int, village: str, station: str, candidates: int, dpt: int, max_voters: int | None
) -> StationDeck:
    """A reproducible deck for one station (see module docstring)."""
    # Not secret and not in the voting path: a seeded simulation of voters' choices.
    village_rng = random.Random(f"{seed}/{village}")  # noqa: S311
    weights = [village_rng.uniform(0.2, 1.0) ** 2 for _ in range(candidates)]
    rng = random.Random(f"{seed}/{village}/{station}")  # noqa: S311
    voters = round(dpt * rng.uniform(0.55, 0.90))
    if max_voters is not None:
        voters = min(voters, max_voters)
    numbers = rng.choices(range(1, candidates + 1), weights=weights, k=voters)
    checks = random.Random(f"{seed}/{village}/{station}/challenge")  # noqa: S311
    how_many = min(checks.choice((0, 1, 1, 2)), voters)
    challenges = frozenset(checks.sample(range(voters), how_many))
    return StationDeck(village, station, tuple(numbers), challenges)
