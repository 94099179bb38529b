"""Spoiled (challenged) ballots: a committed ballot opened by its encryption nonces.

Benaloh challenge: after the review the kiosk encrypts the voter's choice and commits to
it (shows and prints the tracking code) before the voter says "cast" or "check this
ballot". A checked ballot is spoiled: the kiosk reveals every ElGamal randomness r_i, so
anyone can re-encrypt the claimed candidate and compare with the committed ciphertexts.
Because the kiosk cannot know which ballots will be checked, a kiosk that encrypts a
different candidate than shown is caught with probability 1/2 per challenge.

Record `SD/spoiled` v1 (docs/PROTOCOL.md 4.10), signed by the kiosk with label
`spoiled-ballot`: `ballot` (the committed ballot body, 4.1), `candidate` (the ballot number
it encrypts, what the challenge receipt printed) and `nonces` (r_i per selection, hex).

Guarantees: `verify_spoiled` accepts only a record whose ballot is well formed (proofs),
whose nonces re-encrypt exactly `candidate` (1 there, 0 elsewhere) and whose candidate
exists. A spoiled ballot is never counted: it is not in the ballot box, the aggregate or
the box root. Not guaranteed: that the voter who challenged saw this candidate on screen
(the voter compares the receipt, and the board, with what they chose).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ballotcore import elgamal
from ballotcore.ballot import EncryptedBallot, verify_ballot
from ballotcore.codec import (
    decode_record,
    encode_record,
    expect_keys,
    field,
    hex_bytes,
    hex_scalar,
    scalar_hex,
)
from ballotcore.errors import ProofError, RecordError, VerificationError

SPOILED_KIND = "spoiled"
SPOILED_VERSION = 1
SPOILED_LABEL = "spoiled-ballot"


@dataclass(frozen=True, slots=True)
class SpoiledBallot:
    """A committed ballot with its revealed nonces and the candidate it claims to encrypt."""

    ballot: EncryptedBallot
    candidate: int  # ballot number (nomor urut), 1..n
    nonces: tuple[int, ...]  # the ElGamal r of each selection

    @property
    def ballot_id(self) -> bytes:
        return self.ballot.context.ballot_id

    def to_body(self) -> dict[str, Any]:
        return {
            "ballot": self.ballot.to_body(),
            "candidate": self.candidate,
            "nonces": [scalar_hex(r) for r in self.nonces],
        }

    def to_bytes(self) -> bytes:
        return encode_record(SPOILED_KIND, SPOILED_VERSION, self.to_body())

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> SpoiledBallot:
        expect_keys(body, {"ballot", "candidate", "nonces"}, "spoiled ballot")
        ballot = EncryptedBallot.from_body(field(body, "ballot", dict))
        nonces = tuple(
            hex_scalar(r, "spoiled ballot nonce") for r in field(body, "nonces", list)
        )
        return cls(ballot, field(body, "candidate", int), nonces)

    @classmethod
    def from_bytes(cls, data: bytes) -> SpoiledBallot:
        return cls.from_body(decode_record(SPOILED_KIND, SPOILED_VERSION, data))


@dataclass(frozen=True, slots=True)
class SignedSpoiled:
    """A spoiled ballot as it travels in a bundle: the record and the kiosk's signature."""

    spoiled: SpoiledBallot
    signature: bytes

    def to_body(self) -> dict[str, Any]:
        return {"sig": self.signature.hex(), "spoiled": self.spoiled.to_body()}

    @classmethod
    def from_body(cls, item: object, where: str) -> SignedSpoiled:
        if not isinstance(item, dict):
            raise RecordError(f"{where} is not an object")
        expect_keys(item, {"spoiled", "sig"}, where)
        return cls(
            SpoiledBallot.from_body(field(item, "spoiled", dict)),
            hex_bytes(item["sig"], 64, f"{where}.sig"),
        )


def sort_spoiled(items: Sequence[SignedSpoiled]) -> tuple[SignedSpoiled, ...]:
    """Spoiled ballots in export order: by random ballot id, never by challenge order."""
    return tuple(sorted(items, key=lambda s: s.spoiled.ballot_id))


def verify_spoiled(spoiled: SpoiledBallot, public_key: bytes, n_candidates: int) -> None:
    """Raise VerificationError / ProofError unless the spoiled ballot opens to `candidate`.

    In order: the candidate exists; the ballot's proofs verify (6.3); one nonce per
    selection; re-encrypting 1 at the candidate's position and 0 elsewhere with the revealed
    nonces gives exactly the committed ciphertexts.
    """
    if not 1 <= spoiled.candidate <= n_candidates:
        raise VerificationError(f"spoiled ballot names candidate {spoiled.candidate}, not on the ballot")
    try:
        verify_ballot(spoiled.ballot, public_key, n_candidates)
    except ProofError as exc:
        raise ProofError(f"spoiled ballot: {exc}") from exc
    if len(spoiled.nonces) != n_candidates:
        raise VerificationError(
            f"spoiled ballot reveals {len(spoiled.nonces)} nonces for {n_candidates} selections"
        )
    for i, (ct, r) in enumerate(zip(spoiled.ballot.ciphertexts, spoiled.nonces, strict=True)):
        m = 1 if i == spoiled.candidate - 1 else 0
        if elgamal.encrypt(public_key, m, r) != ct:
            raise VerificationError(
                f"spoiled ballot: selection {i} does not re-encrypt to {m} with its nonce "
                f"(it does not encrypt candidate {spoiled.candidate})"
            )
