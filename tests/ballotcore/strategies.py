"""Shared Hypothesis strategies for the ballotcore tests.

Everything that costs group operations (keys, ballots) is drawn small: a ballot costs
about 1 ms of crypto per candidate to encrypt and as much again to verify, so decks stay
a handful of ballots and contests a handful of candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from ballotcore.ballot import BALLOT_ID_BYTES, BallotContext
from ballotcore.group import L

#: Identifiers as the election definition allows them (letters, digits, . _ -).
identifiers = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,11}", fullmatch=True)
#: Free text such as names: any Unicode except surrogates (not encodable as UTF-8).
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)

scalars = st.integers(min_value=0, max_value=L - 1)
nonzero_scalars = st.integers(min_value=1, max_value=L - 1)
#: Scalars that are not reduced: what a decoder must refuse.
unreduced_scalars = st.integers(min_value=L, max_value=2**256 - 1)

ballot_ids = st.binary(min_size=BALLOT_ID_BYTES, max_size=BALLOT_ID_BYTES)

contexts = st.builds(
    BallotContext,
    election_id=identifiers,
    village=identifiers,
    station=identifiers,
    kiosk=identifiers,
    ballot_id=ballot_ids,
)


@dataclass(frozen=True)
class Deck:
    """A contest of `n_candidates` and the 0-based choices of the voters in cast order."""

    n_candidates: int
    choices: tuple[int, ...]

    def counts(self) -> tuple[int, ...]:
        return tuple(self.choices.count(i) for i in range(self.n_candidates))


@st.composite
def decks(draw: st.DrawFn, max_candidates: int = 5, max_ballots: int = 5) -> Deck:
    """A random contest and a random (possibly empty) list of votes in it."""
    n = draw(st.integers(min_value=1, max_value=max_candidates))
    choices = draw(st.lists(st.integers(min_value=0, max_value=n - 1), max_size=max_ballots))
    return Deck(n, tuple(choices))


@st.composite
def thresholds(draw: st.DrawFn, max_n: int = 5) -> tuple[int, int]:
    """(n, k) with 1 <= k <= n <= max_n."""
    n = draw(st.integers(min_value=1, max_value=max_n))
    k = draw(st.integers(min_value=1, max_value=n))
    return n, k


@st.composite
def quorums(draw: st.DrawFn, n: int, size: int) -> tuple[int, ...]:
    """A random subset of `size` trustee indexes out of 1..n, in random order."""
    chosen = draw(st.permutations(range(1, n + 1)))
    return tuple(chosen[:size])


#: JSON values a canonical record may hold (no floats, integers within +-2**53).
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1) | texts,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4),
    max_leaves=12,
)
