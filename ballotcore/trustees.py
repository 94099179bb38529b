"""Village trustees: the election key split k-of-n, and threshold decryption of sums.

Key generation (Feldman verifiable secret sharing, run by the provisioning dealer):
f(x) = s + a_1 x + ... + a_(k-1) x^(k-1) mod L, public commitments C_0 = K = s*G and
C_j = a_j*G. Trustee i (1..n) holds s_i = f(i) and can check s_i*G = sum_j i^j * C_j.
The dealer saw s and every share: provisioning erases them from memory after writing
the cards, and docs/SECURITY.md states this residual risk.

Decryption of an aggregate (A, B) only: trustee i publishes D_i = s_i*A with a
Chaum-Pedersen proof that log_G(S_i) = log_A(D_i), where S_i = sum_j i^j * C_j is
computable by anyone. Any set Q of k trustees gives
M*G = B - sum_{i in Q} lambda_i * D_i (Lagrange at 0); fewer than k learn nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ballotcore import group, proofs
from ballotcore.elgamal import Ciphertext, DiscreteLogTable
from ballotcore.errors import CryptoError, VerificationError
from ballotcore.group import G, L
from ballotcore.proofs import EqualityProof
from ballotcore.rng import OS_RANDOM, RandomSource

PARTIAL_LABEL = "proof/partial-decryption"


@dataclass(frozen=True, slots=True)
class TrusteeShare:
    """Trustee `index`'s share s_i = f(index) of a village election key."""

    index: int
    secret: int


@dataclass(frozen=True, slots=True)
class KeyCeremony:
    """Output of the dealer: public key, Feldman commitments and the n shares."""

    public_key: bytes
    commitments: tuple[bytes, ...]
    shares: tuple[TrusteeShare, ...]


def deal(n: int, k: int, rng: RandomSource = OS_RANDOM) -> KeyCeremony:
    """Create a fresh election key split k-of-n (coefficients from `rng`, the OS CSPRNG)."""
    if not 1 <= k <= n:
        raise ValueError("need 1 <= k <= n")
    coefficients = [group.random_scalar(rng) for _ in range(k)]
    commitments = tuple(group.base_mul(a) for a in coefficients)
    shares = tuple(
        TrusteeShare(i, sum(a * pow(i, j, L) for j, a in enumerate(coefficients)) % L)
        for i in range(1, n + 1)
    )
    coefficients.clear()
    return KeyCeremony(commitments[0], commitments, shares)


def share_public_key(commitments: Sequence[bytes], index: int) -> bytes:
    """S_i = sum_j index^j * C_j: trustee `index`'s public verification key."""
    point = commitments[0]
    for j, c in enumerate(commitments[1:], start=1):
        point = group.add(point, group.mul(pow(index, j, L), c))
    return point


def check_share(commitments: Sequence[bytes], share: TrusteeShare) -> None:
    """Raise CryptoError unless the share matches the public commitments."""
    if group.base_mul(share.secret) != share_public_key(commitments, share.index):
        raise CryptoError(f"trustee {share.index}'s share does not match the commitments")


@dataclass(frozen=True, slots=True)
class PartialDecryption:
    """Trustee `index`'s D_i = s_i*A for each aggregate ciphertext, with proofs."""

    index: int
    shares: tuple[bytes, ...]
    proofs: tuple[EqualityProof, ...]


def _context(context: bytes, index: int, position: int) -> bytes:
    return context + index.to_bytes(4, "big") + position.to_bytes(4, "big")


def partial_decrypt(
    share: TrusteeShare,
    aggregates: Sequence[Ciphertext],
    context: bytes,
    rng: RandomSource = OS_RANDOM,
) -> PartialDecryption:
    """Trustee's partial decryption of every aggregate, each with its proof (nonces: `rng`)."""
    s_i = group.base_mul(share.secret)
    ds: list[bytes] = []
    prfs: list[EqualityProof] = []
    for pos, ct in enumerate(aggregates):
        d = group.mul(share.secret, ct.a)
        ds.append(d)
        prfs.append(
            proofs.prove_equality(
                PARTIAL_LABEL,
                G,
                s_i,
                ct.a,
                d,
                share.secret,
                _context(context, share.index, pos),
                rng,
            )
        )
    return PartialDecryption(share.index, tuple(ds), tuple(prfs))


def verify_partial(
    commitments: Sequence[bytes],
    aggregates: Sequence[Ciphertext],
    partial: PartialDecryption,
    context: bytes,
    n_trustees: int,
) -> None:
    """Raise unless `partial` is trustee `index`'s correct decryption share."""
    if not 1 <= partial.index <= n_trustees:
        raise VerificationError(f"trustee index {partial.index} is out of range")
    if len(partial.shares) != len(aggregates) or len(partial.proofs) != len(aggregates):
        raise VerificationError("partial decryption does not cover every candidate")
    s_i = share_public_key(commitments, partial.index)
    for pos, (ct, d, prf) in enumerate(
        zip(aggregates, partial.shares, partial.proofs, strict=True)
    ):
        if ct.a == group.IDENTITY:
            if d != group.IDENTITY:
                raise VerificationError("partial decryption of an empty aggregate is not zero")
            continue
        proofs.verify_equality(
            PARTIAL_LABEL, G, s_i, ct.a, d, prf, _context(context, partial.index, pos)
        )


def combine(
    aggregates: Sequence[Ciphertext],
    partials: Sequence[PartialDecryption],
    threshold: int,
    maximum: int,
    table: DiscreteLogTable | None = None,
) -> tuple[int, ...]:
    """Counts M_j for each aggregate from any `threshold` verified partials.

    Raises VerificationError with fewer than `threshold` distinct trustees, or when a
    count is not in [0, maximum] (which means a wrong share slipped through).
    """
    chosen: dict[int, PartialDecryption] = {}
    for p in partials:
        chosen.setdefault(p.index, p)
    if len(chosen) < threshold:
        raise VerificationError(f"{len(chosen)} of the {threshold} trustees needed are present")
    quorum = sorted(chosen)[:threshold]
    lambdas = {i: group.lagrange_at_zero(i, quorum) for i in quorum}
    table = table if table is not None and table.maximum >= maximum else DiscreteLogTable(maximum)
    counts: list[int] = []
    for pos, ct in enumerate(aggregates):
        mg = ct.b
        for i in quorum:
            mg = group.sub(mg, group.mul(lambdas[i], chosen[i].shares[pos]))
        m = table.lookup(mg)
        if m is None:
            raise VerificationError(f"candidate position {pos}: count is not within 0..{maximum}")
        counts.append(m)
    return tuple(counts)
