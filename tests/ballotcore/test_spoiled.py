"""Spoiled (challenged) ballots: the opening check and the record format (PROTOCOL.md 4.10)."""

from __future__ import annotations

import dataclasses

import pytest

from ballotcore import group
from ballotcore.ballot import BallotContext, encrypt_ballot, encrypt_ballot_with_nonces
from ballotcore.errors import ProofError, RecordError, VerificationError
from ballotcore.group import L
from ballotcore.reconcile import replay
from ballotcore.rng import SeededRandom
from ballotcore.spoiled import SignedSpoiled, SpoiledBallot, verify_spoiled
from tests.ballotcore.kiosklog import _Log, station_log

N = 3
SECRET = 123456789
KEY = group.base_mul(SECRET)
CTX = BallotContext("E1", "V1", "S1", "K1", bytes(range(16)))


def _spoiled(position: int = 1, seed: bytes = b"spoil") -> SpoiledBallot:
    ballot, nonces = encrypt_ballot_with_nonces(CTX, KEY, N, position, SeededRandom(seed))
    return SpoiledBallot(ballot, position + 1, nonces)


def test_nonces_are_the_encryption_randomness_and_draws_are_unchanged() -> None:
    ballot, nonces = encrypt_ballot_with_nonces(CTX, KEY, N, 2, SeededRandom(b"x"))
    assert ballot == encrypt_ballot(CTX, KEY, N, 2, SeededRandom(b"x"))  # vectors unchanged
    assert len(nonces) == N and all(ct.a == group.base_mul(r)
                                    for ct, r in zip(ballot.ciphertexts, nonces, strict=True))


@pytest.mark.parametrize("position", range(N))
def test_an_honest_spoiled_ballot_opens_to_its_candidate(position: int) -> None:
    verify_spoiled(_spoiled(position), KEY, N)


def test_a_wrong_nonce_is_rejected() -> None:
    s = _spoiled()
    bad = dataclasses.replace(s, nonces=(s.nonces[0], (s.nonces[1] + 1) % L, s.nonces[2]))
    with pytest.raises(VerificationError, match="selection 1 does not re-encrypt"):
        verify_spoiled(bad, KEY, N)


@pytest.mark.parametrize("claimed", [1, 3])
def test_a_receipt_naming_another_candidate_is_rejected(claimed: int) -> None:
    s = _spoiled(1)  # encrypts candidate 2
    with pytest.raises(VerificationError, match=f"does not encrypt candidate {claimed}"):
        verify_spoiled(dataclasses.replace(s, candidate=claimed), KEY, N)


def test_candidate_out_of_range_and_missing_nonces_are_rejected() -> None:
    s = _spoiled()
    for c in (0, N + 1):
        with pytest.raises(VerificationError, match="not on the ballot"):
            verify_spoiled(dataclasses.replace(s, candidate=c), KEY, N)
    with pytest.raises(VerificationError, match="reveals 2 nonces"):
        verify_spoiled(dataclasses.replace(s, nonces=s.nonces[:2]), KEY, N)


def test_a_ballot_whose_proofs_fail_is_rejected_even_with_a_true_opening() -> None:
    s = _spoiled()
    other = encrypt_ballot(dataclasses.replace(CTX, ballot_id=bytes(16)), KEY, N, 1)
    forged = dataclasses.replace(s.ballot, proofs=other.proofs)
    with pytest.raises(ProofError, match="spoiled ballot"):
        verify_spoiled(dataclasses.replace(s, ballot=forged), KEY, N)


def test_record_round_trips_and_rejects_unknown_fields() -> None:
    s = _spoiled()
    assert SpoiledBallot.from_bytes(s.to_bytes()) == s
    assert s.to_bytes().startswith(b'{"$magic":"SD/spoiled","$v":1,')
    item = SignedSpoiled(s, bytes(64))
    assert SignedSpoiled.from_body(item.to_body(), "x") == item
    body = item.to_body()
    body["spoiled"]["order"] = 1
    with pytest.raises(RecordError, match="unknown field"):
        SignedSpoiled.from_body(body, "x")
    body = s.to_body()
    body["nonces"][0] = "f" * 64  # >= L: not a canonical scalar
    with pytest.raises(RecordError):
        SpoiledBallot.from_body(body)


def test_the_log_counts_challenges_only_inside_an_open_session() -> None:
    events, _ = station_log("K1", 3, 0, challenges=2)
    assert replay(events).challenged == 2
    assert replay(station_log("K1", 3, 0)[0]).challenged == 0  # positive control
    log = _Log("2026-11-22")
    for entry in events:
        log.add(entry.event, dict(entry.detail))
        if entry.event == "polls.open_to_closed":
            log.add("ballot.challenged")
    with pytest.raises(VerificationError, match="challenge outside an open voter session"):
        replay(log.entries)
