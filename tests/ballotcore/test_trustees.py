"""Threshold trustees: Feldman shares, partial decryptions with proofs, any k of n."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballotcore import elgamal, group, trustees
from ballotcore.elgamal import Ciphertext
from ballotcore.errors import CryptoError, ProofError, VerificationError
from ballotcore.group import IDENTITY, L
from ballotcore.proofs import EqualityProof
from ballotcore.trustees import KeyCeremony, TrusteeShare
from tests.ballotcore.strategies import thresholds

CTX = b"partial-context"


def _aggregates(kc: KeyCeremony, counts: list[int]) -> list[Ciphertext]:
    return [elgamal.encrypt(kc.public_key, m, group.random_scalar()) for m in counts]


@given(thresholds(max_n=5), st.lists(st.integers(0, 30), min_size=1, max_size=3))
@settings(max_examples=15, deadline=None)
def test_every_k_subset_decrypts_and_no_k_minus_1_subset_does(
    nk: tuple[int, int], counts: list[int]
) -> None:
    n, k = nk
    kc = trustees.deal(n, k)
    assert kc.public_key == kc.commitments[0] and len(kc.commitments) == k
    aggs = _aggregates(kc, counts)
    partials = {s.index: trustees.partial_decrypt(s, aggs, CTX) for s in kc.shares}
    table = elgamal.DiscreteLogTable(30)
    for quorum in itertools.combinations(range(1, n + 1), k):
        got = trustees.combine(aggs, [partials[i] for i in quorum], k, 30, table)
        assert got == tuple(counts)
    if k == 1:
        return
    for fewer in itertools.combinations(range(1, n + 1), k - 1):
        with pytest.raises(VerificationError):
            trustees.combine(aggs, [partials[i] for i in fewer], k, 30, table)
        # Interpolating k-1 shares (as if the threshold were k-1) gives garbage, not M*G.
        lambdas = {i: group.lagrange_at_zero(i, fewer) for i in fewer}
        for pos, ct in enumerate(aggs):
            mg = ct.b
            for i in fewer:
                mg = group.sub(mg, group.mul(lambdas[i], partials[i].shares[pos]))
            assert mg != group.base_mul(counts[pos])


@given(thresholds(max_n=4))
@settings(max_examples=10, deadline=None)
def test_shares_match_commitments(nk: tuple[int, int]) -> None:
    n, k = nk
    kc = trustees.deal(n, k)
    assert [s.index for s in kc.shares] == list(range(1, n + 1))
    for s in kc.shares:
        trustees.check_share(kc.commitments, s)
        assert trustees.share_public_key(kc.commitments, s.index) == group.base_mul(s.secret)
        with pytest.raises(CryptoError):
            trustees.check_share(kc.commitments, TrusteeShare(s.index, (s.secret + 1) % L))
        if k > 1:  # with k = 1 every share is s itself
            other = s.index % n + 1
            with pytest.raises(CryptoError):
                trustees.check_share(kc.commitments, TrusteeShare(other, s.secret))


def test_deal_rejects_bad_parameters() -> None:
    for n, k in [(3, 4), (3, 0), (0, 0)]:
        with pytest.raises(ValueError):
            trustees.deal(n, k)


def test_partial_decryption_proofs(ceremony: KeyCeremony) -> None:
    aggs = _aggregates(ceremony, [3, 0, 5])
    s1, s2 = ceremony.shares[0], ceremony.shares[1]
    p1 = trustees.partial_decrypt(s1, aggs, CTX)
    trustees.verify_partial(ceremony.commitments, aggs, p1, CTX, 3)
    # bound to the context
    with pytest.raises(ProofError):
        trustees.verify_partial(ceremony.commitments, aggs, p1, CTX + b"x", 3)
    # bound to the trustee: trustee 1's shares presented as trustee 2's
    with pytest.raises(ProofError):
        trustees.verify_partial(
            ceremony.commitments, aggs, dataclasses.replace(p1, index=2), CTX, 3
        )
    # bound to the position: shares and proofs of positions 0 and 2 swapped
    swapped = dataclasses.replace(
        p1,
        shares=(p1.shares[2], p1.shares[1], p1.shares[0]),
        proofs=(p1.proofs[2], p1.proofs[1], p1.proofs[0]),
    )
    with pytest.raises(ProofError):
        trustees.verify_partial(ceremony.commitments, aggs, swapped, CTX, 3)
    # a wrong D_i with trustee 2's proof
    p2 = trustees.partial_decrypt(s2, aggs, CTX)
    wrong = dataclasses.replace(p1, shares=(p2.shares[0], *p1.shares[1:]))
    with pytest.raises(ProofError):
        trustees.verify_partial(ceremony.commitments, aggs, wrong, CTX, 3)
    # combine() does not verify: a share off by a random point gives an out-of-range
    # count (a share off by a small multiple of G could give a wrong in-range count, so
    # callers must run verify_partial first)
    offset = group.base_mul(group.random_scalar())
    bad = dataclasses.replace(p1, shares=(group.add(p1.shares[0], offset), *p1.shares[1:]))
    with pytest.raises(VerificationError, match="count is not within"):
        trustees.combine(aggs, [bad, p2], 2, 10)
    for index in (0, 4, -1):
        with pytest.raises(VerificationError, match="out of range"):
            trustees.verify_partial(
                ceremony.commitments, aggs, dataclasses.replace(p1, index=index), CTX, 3
            )
    with pytest.raises(VerificationError, match="every candidate"):
        trustees.verify_partial(ceremony.commitments, aggs[:2], p1, CTX, 3)
    short = dataclasses.replace(p1, proofs=p1.proofs[:2])
    with pytest.raises(VerificationError, match="every candidate"):
        trustees.verify_partial(ceremony.commitments, aggs, short, CTX, 3)
    with pytest.raises(ProofError):
        trustees.verify_partial(
            ceremony.commitments,
            aggs,
            dataclasses.replace(p1, proofs=(EqualityProof(0, 0), *p1.proofs[1:])),
            CTX,
            3,
        )


def test_empty_aggregate(ceremony: KeyCeremony) -> None:
    aggs = [elgamal.ZERO, elgamal.ZERO]
    partials = [trustees.partial_decrypt(s, aggs, CTX) for s in ceremony.shares[:2]]
    for p in partials:
        assert p.shares == (IDENTITY, IDENTITY)
        trustees.verify_partial(ceremony.commitments, aggs, p, CTX, 3)
    assert trustees.combine(aggs, partials, 2, 5) == (0, 0)
    bad = dataclasses.replace(partials[0], shares=(group.G, IDENTITY))
    with pytest.raises(VerificationError, match="empty aggregate"):
        trustees.verify_partial(ceremony.commitments, aggs, bad, CTX, 3)


def test_combine_uses_distinct_trustees(ceremony: KeyCeremony) -> None:
    aggs = _aggregates(ceremony, [2])
    p1 = trustees.partial_decrypt(ceremony.shares[0], aggs, CTX)
    with pytest.raises(VerificationError, match="1 of the 2"):
        trustees.combine(aggs, [p1, p1], 2, 5)
