"""Encrypted ballots: one ciphertext per candidate, proofs that the ballot is well formed.

A ballot for a contest with n candidates (ordered by ballot number, `nomor urut`) is n
exponential-ElGamal ciphertexts under the village election key; position i encrypts 1
for the chosen candidate and 0 for every other. Each ciphertext carries a 0/1 proof and
the ballot carries one proof that the sum of its ciphertexts encrypts exactly 1. Every
proof's challenge binds the `BallotContext` (election, village, station, kiosk, ballot id)
and the candidate position.

Guarantees: anyone can check a ballot is a valid vote for exactly one candidate without
learning which. Individual ballots are never decrypted by the normal flow; only sums are.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from ballotcore import elgamal, group, proofs
from ballotcore.codec import (
    canonical_json,
    decode_record,
    encode_record,
    expect_keys,
    field,
    hex_bytes,
    hex_scalar,
    scalar_hex,
)
from ballotcore.elgamal import Ciphertext
from ballotcore.errors import ProofError, RecordError, VerificationError
from ballotcore.group import G, L
from ballotcore.hashing import digest32
from ballotcore.proofs import EqualityProof, ZeroOneProof
from ballotcore.rng import OS_RANDOM, RandomSource

KIND = "ballot"
VERSION = 1
BALLOT_ID_BYTES = 16
EXACTLY_ONE_LABEL = "proof/exactly-one"


@dataclass(frozen=True, slots=True)
class BallotContext:
    """Who and where a ballot belongs to; bound into every proof challenge."""

    election_id: str
    village: str
    station: str
    kiosk: str
    ballot_id: bytes

    def to_bytes(self) -> bytes:
        """Canonical bytes hashed into every challenge of this ballot."""
        return canonical_json(
            {
                "ballot_id": self.ballot_id.hex(),
                "election_id": self.election_id,
                "kiosk": self.kiosk,
                "station": self.station,
                "village": self.village,
            }
        )


def new_ballot_id(rng: RandomSource = OS_RANDOM) -> bytes:
    """A fresh random ballot id (no order, no time): 16 bytes from `rng` (`secrets`)."""
    return rng.token_bytes(BALLOT_ID_BYTES)


@dataclass(frozen=True, slots=True)
class EncryptedBallot:
    """A well-formed encrypted ballot (see module docstring)."""

    context: BallotContext
    ciphertexts: tuple[Ciphertext, ...]
    proofs: tuple[ZeroOneProof, ...]
    sum_proof: EqualityProof
    #: The canonical record bytes, computed once: a bundle's ballot is encoded for its
    #: signature, its digest, the box root, the tracking-code scan and the tally's facts,
    #: and canonical encoding is the largest non-crypto cost of verifying a station.
    _bytes: bytes | None = dataclass_field(default=None, init=False, compare=False, repr=False)

    # ------------------------------------------------------------ encoding
    def to_body(self) -> dict[str, Any]:
        ctx = self.context
        return {
            "ballot_id": ctx.ballot_id.hex(),
            "election_id": ctx.election_id,
            "village": ctx.village,
            "station": ctx.station,
            "kiosk": ctx.kiosk,
            "selections": [
                {
                    "ct": ct.to_hex(),
                    "proof": [
                        scalar_hex(p.c0),
                        scalar_hex(p.c1),
                        scalar_hex(p.v0),
                        scalar_hex(p.v1),
                    ],
                }
                for ct, p in zip(self.ciphertexts, self.proofs, strict=True)
            ],
            "sum_proof": [scalar_hex(self.sum_proof.c), scalar_hex(self.sum_proof.v)],
        }

    def to_bytes(self) -> bytes:
        if self._bytes is None:  # frozen: the cache is set once, bypassing __setattr__
            object.__setattr__(self, "_bytes", encode_record(KIND, VERSION, self.to_body()))
        assert self._bytes is not None
        return self._bytes

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> EncryptedBallot:
        expect_keys(
            body,
            {"ballot_id", "election_id", "village", "station", "kiosk", "selections", "sum_proof"},
            "ballot",
        )
        context = BallotContext(
            field(body, "election_id", str),
            field(body, "village", str),
            field(body, "station", str),
            field(body, "kiosk", str),
            hex_bytes(body["ballot_id"], BALLOT_ID_BYTES, "ballot_id"),
        )
        selections = field(body, "selections", list)
        if not selections:
            raise RecordError("ballot has no selections")
        cts: list[Ciphertext] = []
        prfs: list[ZeroOneProof] = []
        for i, sel in enumerate(selections):
            if not isinstance(sel, dict):
                raise RecordError(f"selection {i} is not an object")
            expect_keys(sel, {"ct", "proof"}, f"selection {i}")
            cts.append(Ciphertext.from_hex(sel["ct"]))
            p = sel["proof"]
            if not isinstance(p, list) or len(p) != 4:
                raise RecordError(f"selection {i}: proof must be four scalars")
            prfs.append(ZeroOneProof(*(hex_scalar(x, f"selection {i} proof") for x in p)))
        sp = field(body, "sum_proof", list)
        if len(sp) != 2:
            raise RecordError("sum_proof must be two scalars")
        return cls(
            context,
            tuple(cts),
            tuple(prfs),
            EqualityProof(hex_scalar(sp[0], "sum_proof"), hex_scalar(sp[1], "sum_proof")),
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> EncryptedBallot:
        return cls.from_body(decode_record(KIND, VERSION, data))

    def digest(self) -> bytes:
        """32-byte hash of the canonical ballot record (tracking code, box root)."""
        return digest32("ballot", self.to_bytes())


def _position_context(context: bytes, index: int) -> bytes:
    return context + index.to_bytes(4, "big")


def encrypt_ballot(
    context: BallotContext,
    public_key: bytes,
    n_candidates: int,
    choice: int,
    rng: RandomSource = OS_RANDOM,
) -> EncryptedBallot:
    """Encrypt a vote for the candidate at position `choice` (0-based) with proofs.

    All randomness (ElGamal r, proof nonces) comes fresh from `rng`, the OS CSPRNG unless a
    caller (the golden vectors) passes a seeded source.
    """
    return encrypt_ballot_with_nonces(context, public_key, n_candidates, choice, rng)[0]


def encrypt_ballot_with_nonces(
    context: BallotContext,
    public_key: bytes,
    n_candidates: int,
    choice: int,
    rng: RandomSource = OS_RANDOM,
) -> tuple[EncryptedBallot, tuple[int, ...]]:
    """`encrypt_ballot`, also returning the ElGamal randomness r_i of each selection.

    The kiosk keeps the nonces in memory between the commitment and the voter's answer: a
    challenged ballot reveals them (`ballotcore.spoiled`), a cast ballot forgets them.
    Same draws from `rng` in the same order as `encrypt_ballot`.
    """
    if n_candidates < 1:
        raise ValueError("a contest has at least one candidate")
    if not 0 <= choice < n_candidates:
        raise ValueError("choice is not a candidate position")
    group.decode_point(public_key)  # never encrypt under the identity (votes in the clear)
    ctx = context.to_bytes()
    cts: list[Ciphertext] = []
    prfs: list[ZeroOneProof] = []
    r_sum = 0
    nonces: list[int] = []
    for i in range(n_candidates):
        m = 1 if i == choice else 0
        r = group.random_scalar(rng)
        nonces.append(r)
        r_sum += r
        ct = elgamal.encrypt(public_key, m, r)
        cts.append(ct)
        prfs.append(
            proofs.prove_zero_one(public_key, ct.a, ct.b, m, r, _position_context(ctx, i), rng)
        )
    total = elgamal.aggregate(cts)
    sum_proof = proofs.prove_equality(
        EXACTLY_ONE_LABEL, G, total.a, public_key, group.sub(total.b, G), r_sum % L, ctx, rng
    )
    return EncryptedBallot(context, tuple(cts), tuple(prfs), sum_proof), tuple(nonces)


def verify_ballot(ballot: EncryptedBallot, public_key: bytes, n_candidates: int) -> None:
    """Raise ProofError / VerificationError unless the ballot is a valid single vote."""
    group.decode_point(public_key)
    if len(ballot.ciphertexts) != n_candidates:
        raise VerificationError(
            f"ballot has {len(ballot.ciphertexts)} selections, the contest {n_candidates}"
        )
    ctx = ballot.context.to_bytes()
    for i, (ct, proof) in enumerate(zip(ballot.ciphertexts, ballot.proofs, strict=True)):
        try:
            proofs.verify_zero_one(public_key, ct.a, ct.b, proof, _position_context(ctx, i))
        except ProofError as exc:
            raise ProofError(f"selection {i}: {exc}") from exc
    total = elgamal.aggregate(ballot.ciphertexts)
    try:
        proofs.verify_equality(
            EXACTLY_ONE_LABEL, G, total.a, public_key, group.sub(total.b, G), ballot.sum_proof, ctx
        )
    except ProofError as exc:
        raise ProofError("the ballot does not select exactly one candidate") from exc
