"""Non-interactive zero-knowledge proofs (Chaum-Pedersen family, Fiat-Shamir).

Three proofs, each with its own hash label and a challenge that hashes the whole
statement (G, K, the ciphertext or public values, every commitment) *and* a context
string that binds the election, village, station, kiosk, ballot id and position, so a
proof cannot be moved to another ballot or station ("Frozen Heart" and replay pitfalls).

* `ZeroOneProof` (disjunctive Chaum-Pedersen, Cramer-Damgard-Schoenmakers): (A, B)
  encrypts 0 or 1. Stored as (c0, c1, v0, v1); the verifier recomputes
  a_j = v_j*G - c_j*A, b_j = v_j*K - c_j*(B - j*G) and checks c0 + c1 = H(...).
* `EqualityProof` (Chaum-Pedersen): log_X1(Y1) = log_X2(Y2), stored as (c, v) with
  commitments a = v*X1 - c*Y1, b = v*X2 - c*Y2 recomputed by the verifier. Used for
  "the ballot's sum encrypts exactly 1" (X1=G, Y1=A*, X2=K, Y2=B*-G) and for a trustee's
  partial decryption (X1=G, Y1=S_i, X2=A, Y2=D_i).

Guarantees: soundness and special honest-verifier zero knowledge in the random-oracle
model. Not guaranteed: anything about the voter's intent or the kiosk's honesty beyond
what is encrypted.
"""

from __future__ import annotations

from dataclasses import dataclass

from ballotcore import group
from ballotcore.errors import ProofError
from ballotcore.group import G, L
from ballotcore.hashing import hash_to_scalar
from ballotcore.rng import OS_RANDOM, RandomSource

ZERO_ONE_LABEL = "proof/zero-one"


@dataclass(frozen=True, slots=True)
class ZeroOneProof:
    """Proof that a ciphertext encrypts 0 or 1."""

    c0: int
    c1: int
    v0: int
    v1: int


@dataclass(frozen=True, slots=True)
class EqualityProof:
    """Proof of equality of two discrete logarithms, as (challenge, response)."""

    c: int
    v: int


def prove_zero_one(
    public_key: bytes,
    a: bytes,
    b: bytes,
    m: int,
    r: int,
    context: bytes,
    rng: RandomSource = OS_RANDOM,
) -> ZeroOneProof:
    """Prove that (a, b) = (r*G, m*G + r*K) with m in {0, 1}; m and r stay secret.

    The nonce and the simulated branch's (c, v) are drawn from `rng` (the OS CSPRNG).
    """
    if m not in (0, 1):
        raise ValueError("m must be 0 or 1")
    w = group.random_scalar(rng)
    c_fake = group.random_scalar(rng)
    v_fake = group.random_scalar(rng)
    j = 1 - m
    # The simulated branch is a_j = v*G - c*A and b_j = v*K - c*(B - j*G). The prover knows
    # r (A = r*G, B = r*K + m*G), so it computes the same points with fewer variable-base
    # multiplications: a_j = (v - c*r)*G, b_j = (v - c*r)*K + c*(j - m)*G.
    t = (v_fake - c_fake * r) % L
    a_fake = group.base_mul(t)
    b_fake = group.add(group.mul(t, public_key), group.base_mul(c_fake * (j - m)))
    a_real = group.base_mul(w)
    b_real = group.mul(w, public_key)
    if m == 0:
        a0, b0, a1, b1 = a_real, b_real, a_fake, b_fake
    else:
        a0, b0, a1, b1 = a_fake, b_fake, a_real, b_real
    c = hash_to_scalar(ZERO_ONE_LABEL, context, G, public_key, a, b, a0, b0, a1, b1)
    c_real = (c - c_fake) % L
    v_real = (w + c_real * r) % L
    if m == 0:
        return ZeroOneProof(c_real, c_fake, v_real, v_fake)
    return ZeroOneProof(c_fake, c_real, v_fake, v_real)


def verify_zero_one(
    public_key: bytes, a: bytes, b: bytes, proof: ZeroOneProof, context: bytes
) -> None:
    """Raise ProofError unless `proof` shows (a, b) encrypts 0 or 1 under `public_key`."""
    b_minus_1 = group.sub(b, G)
    a0 = group.sub(group.base_mul(proof.v0), group.mul(proof.c0, a))
    b0 = group.sub(group.mul(proof.v0, public_key), group.mul(proof.c0, b))
    a1 = group.sub(group.base_mul(proof.v1), group.mul(proof.c1, a))
    b1 = group.sub(group.mul(proof.v1, public_key), group.mul(proof.c1, b_minus_1))
    c = hash_to_scalar(ZERO_ONE_LABEL, context, G, public_key, a, b, a0, b0, a1, b1)
    if (proof.c0 + proof.c1) % L != c:
        raise ProofError("0/1 proof does not verify")


def prove_equality(
    label: str,
    x1: bytes,
    y1: bytes,
    x2: bytes,
    y2: bytes,
    secret: int,
    context: bytes,
    rng: RandomSource = OS_RANDOM,
) -> EqualityProof:
    """Prove y1 = secret*x1 and y2 = secret*x2 without revealing `secret` (nonce from `rng`)."""
    w = group.random_scalar(rng)
    commit1 = group.mul(w, x1) if x1 != G else group.base_mul(w)
    commit2 = group.mul(w, x2)
    c = hash_to_scalar(label, context, x1, y1, x2, y2, commit1, commit2)
    return EqualityProof(c, (w + c * secret) % L)


def verify_equality(
    label: str, x1: bytes, y1: bytes, x2: bytes, y2: bytes, proof: EqualityProof, context: bytes
) -> None:
    """Raise ProofError unless `proof` shows log_x1(y1) = log_x2(y2)."""
    v_x1 = group.base_mul(proof.v) if x1 == G else group.mul(proof.v, x1)
    commit1 = group.sub(v_x1, group.mul(proof.c, y1))
    commit2 = group.sub(group.mul(proof.v, x2), group.mul(proof.c, y2))
    if hash_to_scalar(label, context, x1, y1, x2, y2, commit1, commit2) != proof.c:
        raise ProofError(f"{label} proof does not verify")
