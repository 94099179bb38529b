"""The injectable randomness of ballotcore.rng: the seeded source is reproducible and
uniform in range, every drawing function takes it, and the default stays the OS CSPRNG."""

from __future__ import annotations

import secrets

import pytest

from ballotcore import group, rng, trustees
from ballotcore.ballot import BallotContext, encrypt_ballot, verify_ballot

CTX = BallotContext("E", "V", "S", "K", bytes(16))


def test_default_source_is_the_secrets_module() -> None:
    assert rng.OS_RANDOM is secrets
    assert group.random_scalar.__defaults__ == (secrets,)
    for fn in (encrypt_ballot, trustees.deal, trustees.partial_decrypt):
        assert fn.__defaults__ is not None and fn.__defaults__[-1] is secrets, fn


def test_seeded_source_is_reproducible_and_seed_dependent() -> None:
    a, b, c = rng.SeededRandom(b"s"), rng.SeededRandom(b"s"), rng.SeededRandom(b"t")
    assert a.token_bytes(100) == b.token_bytes(100)
    assert a.token_bytes(64) != c.token_bytes(64)
    assert len(a.token_bytes(3)) == 3


def test_seeded_randbelow_stays_in_range_and_hits_every_value() -> None:
    source = rng.SeededRandom(b"range")
    draws = [source.randbelow(7) for _ in range(700)]
    assert set(draws) == set(range(7))
    assert all(source.randbelow(1) == 0 for _ in range(10))
    with pytest.raises(ValueError):
        source.randbelow(0)


def test_ballots_and_keys_are_reproducible_under_a_seed_and_fresh_by_default() -> None:
    kc1 = trustees.deal(3, 2, rng.SeededRandom(b"k"))
    kc2 = trustees.deal(3, 2, rng.SeededRandom(b"k"))
    assert kc1 == kc2
    b1 = encrypt_ballot(CTX, kc1.public_key, 3, 1, rng.SeededRandom(b"b"))
    b2 = encrypt_ballot(CTX, kc1.public_key, 3, 1, rng.SeededRandom(b"b"))
    assert b1.to_bytes() == b2.to_bytes()
    verify_ballot(b1, kc1.public_key, 3)
    # positive control: without a seed two encryptions of the same vote differ
    assert encrypt_ballot(CTX, kc1.public_key, 3, 1).to_bytes() != b1.to_bytes()
    assert trustees.deal(3, 2) != kc1
