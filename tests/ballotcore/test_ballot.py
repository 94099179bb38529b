"""Encrypted ballots: round trips through threshold decryption, proofs, context binding."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballotcore import elgamal, group, proofs, trustees
from ballotcore.ballot import (
    EXACTLY_ONE_LABEL,
    BallotContext,
    EncryptedBallot,
    encrypt_ballot,
    new_ballot_id,
    verify_ballot,
)
from ballotcore.elgamal import DiscreteLogTable
from ballotcore.errors import CryptoError, ProofError, VerificationError
from ballotcore.group import IDENTITY, G, L
from ballotcore.trustees import KeyCeremony
from tests.ballotcore.strategies import Deck, contexts, decks, quorums, thresholds

TALLY_CONTEXT = b"tally-context"


@given(decks(max_candidates=4, max_ballots=4), thresholds(max_n=4), contexts, st.data())
@settings(max_examples=12, deadline=None)
def test_encrypt_aggregate_threshold_decrypt_round_trip(
    deck: Deck, nk: tuple[int, int], context: BallotContext, data: st.DataObject
) -> None:
    n, k = nk
    kc = trustees.deal(n, k)
    for share in kc.shares:
        trustees.check_share(kc.commitments, share)
    ballots = []
    for choice in deck.choices:
        ctx = dataclasses.replace(context, ballot_id=new_ballot_id())
        b = encrypt_ballot(ctx, kc.public_key, deck.n_candidates, choice)
        verify_ballot(b, kc.public_key, deck.n_candidates)
        again = EncryptedBallot.from_bytes(b.to_bytes())
        assert again == b and again.digest() == b.digest()
        ballots.append(again)
    aggregates = [
        elgamal.aggregate(b.ciphertexts[i] for b in ballots) for i in range(deck.n_candidates)
    ]
    quorum = data.draw(quorums(n, k))
    partials = [
        trustees.partial_decrypt(kc.shares[i - 1], aggregates, TALLY_CONTEXT) for i in quorum
    ]
    for p in partials:
        trustees.verify_partial(kc.commitments, aggregates, p, TALLY_CONTEXT, n)
    maximum = max(len(deck.choices), 1)
    assert trustees.combine(aggregates, partials, k, maximum) == deck.counts()
    if k > 1:
        with pytest.raises(VerificationError, match="trustees needed"):
            trustees.combine(aggregates, partials[:-1], k, maximum)


@given(contexts, st.integers(2, 5), st.data())
@settings(max_examples=10, deadline=None)
def test_proofs_are_bound_to_the_context(
    context: BallotContext, n: int, data: st.DataObject
) -> None:
    kc = trustees.deal(1, 1)
    choice = data.draw(st.integers(0, n - 1))
    ballot = encrypt_ballot(context, kc.public_key, n, choice)
    verify_ballot(ballot, kc.public_key, n)
    for name in ("election_id", "village", "station", "kiosk"):
        other = getattr(context, name) + "x"
        moved = dataclasses.replace(ballot, context=dataclasses.replace(context, **{name: other}))
        with pytest.raises(ProofError):
            verify_ballot(moved, kc.public_key, n)
    other_id = bytes([context.ballot_id[0] ^ 1]) + context.ballot_id[1:]
    moved = dataclasses.replace(ballot, context=dataclasses.replace(context, ballot_id=other_id))
    with pytest.raises(ProofError):
        verify_ballot(moved, kc.public_key, n)
    # positions are bound too: swapping two selections breaks their proofs
    i, j = 0, n - 1
    cts, prfs = list(ballot.ciphertexts), list(ballot.proofs)
    cts[i], cts[j] = cts[j], cts[i]
    prfs[i], prfs[j] = prfs[j], prfs[i]
    swapped = dataclasses.replace(ballot, ciphertexts=tuple(cts), proofs=tuple(prfs))
    with pytest.raises(ProofError, match="selection"):
        verify_ballot(swapped, kc.public_key, n)
    # and the key
    with pytest.raises(ProofError):
        verify_ballot(ballot, trustees.deal(1, 1).public_key, n)


def test_wrong_number_of_selections(ceremony: KeyCeremony, ctx: BallotContext) -> None:
    ballot = encrypt_ballot(ctx, ceremony.public_key, 3, 0)
    with pytest.raises(VerificationError):
        verify_ballot(ballot, ceremony.public_key, 2)
    with pytest.raises(VerificationError):
        verify_ballot(ballot, ceremony.public_key, 4)
    with pytest.raises(ValueError):
        encrypt_ballot(ctx, ceremony.public_key, 3, 3)
    with pytest.raises(ValueError):
        encrypt_ballot(ctx, ceremony.public_key, 0, 0)
    with pytest.raises(ValueError):
        encrypt_ballot(ctx, ceremony.public_key, 2, -1)


def test_single_candidate_ballot(ceremony: KeyCeremony, ctx: BallotContext) -> None:
    ballot = encrypt_ballot(ctx, ceremony.public_key, 1, 0)
    verify_ballot(ballot, ceremony.public_key, 1)


def _forged_ballot(kc: KeyCeremony, ctx: BallotContext, votes: list[int]) -> EncryptedBallot:
    """A ballot built with the library's own provers but an invalid vote vector."""
    c = ctx.to_bytes()
    rs = [group.random_scalar() for _ in votes]
    cts = [elgamal.encrypt(kc.public_key, m, r) for m, r in zip(votes, rs, strict=True)]
    prfs = []
    for i, (ct, m, r) in enumerate(zip(cts, votes, rs, strict=True)):
        claimed = min(m, 1)  # lie about m = 2
        prfs.append(
            proofs.prove_zero_one(kc.public_key, ct.a, ct.b, claimed, r, c + i.to_bytes(4, "big"))
        )
    total = elgamal.aggregate(cts)
    sp = proofs.prove_equality(
        EXACTLY_ONE_LABEL, G, total.a, kc.public_key, group.sub(total.b, G), sum(rs) % L, c
    )
    return EncryptedBallot(ctx, tuple(cts), tuple(prfs), sp)


@pytest.mark.parametrize(
    "votes, error",
    [
        ([0, 0, 0], "exactly one"),  # blank
        ([1, 1, 0], "exactly one"),  # two candidates
        ([1, 0, 1], "exactly one"),
        ([2, 0, 0], "selection 0"),  # one vote counted twice: the 0/1 proof fails
        ([0, 3, -2 % L], "selection 1"),
    ],
)
def test_invalid_votes_cannot_be_proven(
    ceremony: KeyCeremony, ctx: BallotContext, votes: list[int], error: str
) -> None:
    forged = _forged_ballot(ceremony, ctx, votes)
    with pytest.raises(ProofError, match=error):
        verify_ballot(forged, ceremony.public_key, 3)


def test_valid_forgery_helper_is_accepted(ceremony: KeyCeremony, ctx: BallotContext) -> None:
    # The helper above really builds valid ballots when the vote is valid, so the
    # failures above come from the vote, not from the helper.
    verify_ballot(_forged_ballot(ceremony, ctx, [0, 1, 0]), ceremony.public_key, 3)


def test_prove_zero_one_refuses_other_values(ceremony: KeyCeremony) -> None:
    ct = elgamal.encrypt(ceremony.public_key, 2, 5)
    with pytest.raises(ValueError):
        proofs.prove_zero_one(ceremony.public_key, ct.a, ct.b, 2, 5, b"")


def test_ciphertext_with_identity_parts_still_needs_proofs(ceremony: KeyCeremony) -> None:
    # r = 0 gives A = identity; a valid proof exists (the prover knows r) and verifies,
    # but a bare plaintext m*G with a made-up proof does not.
    ct = elgamal.encrypt(ceremony.public_key, 1, 0)
    assert ct.a == IDENTITY
    prf = proofs.prove_zero_one(ceremony.public_key, ct.a, ct.b, 1, 0, b"c")
    proofs.verify_zero_one(ceremony.public_key, ct.a, ct.b, prf, b"c")
    with pytest.raises(ProofError):
        proofs.verify_zero_one(
            ceremony.public_key, ct.a, ct.b, proofs.ZeroOneProof(0, 0, 0, 0), b"c"
        )


def test_identity_public_key_is_refused(ceremony: KeyCeremony, ctx: BallotContext) -> None:
    # Regression (found by this suite): the identity as election key would encrypt the vote
    # in the clear (B = m*G).
    with pytest.raises(CryptoError, match="identity"):
        encrypt_ballot(ctx, IDENTITY, 2, 0)
    ballot = encrypt_ballot(ctx, ceremony.public_key, 2, 0)
    with pytest.raises(CryptoError, match="identity"):
        verify_ballot(ballot, IDENTITY, 2)


def test_discrete_log_table() -> None:
    table = DiscreteLogTable(50)
    for m in (0, 1, 17, 50):
        assert table.lookup(group.base_mul(m)) == m
    assert table.lookup(group.base_mul(51)) is None
    assert table.lookup(group.base_mul(L - 1)) is None


def test_aggregate_of_nothing_is_zero(ceremony: KeyCeremony) -> None:
    assert elgamal.aggregate([]) == elgamal.ZERO
    ct = elgamal.encrypt(ceremony.public_key, 1, 7)
    assert ct + elgamal.ZERO == ct
    assert elgamal.encrypt(ceremony.public_key, 3, 9) == elgamal.Ciphertext(
        group.base_mul(9), group.add(group.mul(9, ceremony.public_key), group.base_mul(3))
    )


def test_ballot_ids_are_random() -> None:
    ids = {new_ballot_id() for _ in range(100)}
    assert len(ids) == 100 and all(len(i) == 16 for i in ids)
