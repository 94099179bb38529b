"""The station export bundle: everything a district needs to verify one polling station.

Kind "bundle", signed by the kiosk with label "bundle"; the file on the USB stick is the
signed envelope (`ballotcore.signing.SignedRecord.to_bytes()`), conventionally named
`<village>_<station>.sdbundle`. Body fields:

    election_id, definition_hash, public_record_hash, village, station, kiosk_id, mode
    certificate   the kiosk certificate as signed by the authority (envelope object)
    ballots       [{"ballot": <ballot record>, "sig": <kiosk signature, label "ballot">}]
                  sorted by ballot id (random), so export order reveals no cast order
    aggregate     [[A, B], ...] per candidate: the sum of all ballots' ciphertexts
    partials      [{"index": i, "shares": [D_i per candidate], "proofs": [[c, v], ...]}]
    results       the signed results envelope, or null when fewer than k trustees came
    events        the hash-chained event log up to the close/results (no ballot content)
    counts        {"activations": .., "ballots": .., "voided": ..}
    spoiled       [{"spoiled": <spoiled record>, "sig": <kiosk signature, "spoiled-ballot">}]
                  challenged ballots with their nonces (`ballotcore.spoiled`), sorted by
                  ballot id; OPTIONAL: present only when not empty, so a bundle without a
                  challenge is byte-identical to one made before challenges existed, and a
                  verifier that predates them refuses (unknown field) rather than miscounts

Building is deterministic: the same kiosk state always gives byte-identical bundles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ballotcore.ballot import EncryptedBallot
from ballotcore.codec import (
    decode_record,
    encode_record,
    expect_keys,
    field,
    hex_bytes,
    hex_point,
    hex_scalar,
    parse_canonical_json,
    scalar_hex,
)
from ballotcore.elgamal import Ciphertext
from ballotcore.errors import RecordError
from ballotcore.eventlog import EventEntry
from ballotcore.proofs import EqualityProof
from ballotcore.signing import SignedRecord
from ballotcore.spoiled import SignedSpoiled, sort_spoiled
from ballotcore.trustees import PartialDecryption

KIND = "bundle"
VERSION = 1
LABEL = "bundle"
BALLOT_LABEL = "ballot"
SUFFIX = ".sdbundle"


@dataclass(frozen=True, slots=True)
class SignedBallot:
    ballot: EncryptedBallot
    signature: bytes


@dataclass(frozen=True, slots=True)
class StationBundle:
    election_id: str
    definition_hash: bytes
    public_record_hash: bytes
    village: str
    station: str
    kiosk_id: str
    mode: str
    certificate: SignedRecord
    ballots: tuple[SignedBallot, ...]
    aggregate: tuple[Ciphertext, ...]
    partials: tuple[PartialDecryption, ...]
    results: SignedRecord | None
    events: tuple[EventEntry, ...]
    activations: int
    ballot_count: int
    voided: int
    spoiled: tuple[SignedSpoiled, ...] = ()

    def to_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "election_id": self.election_id,
            "definition_hash": self.definition_hash.hex(),
            "public_record_hash": self.public_record_hash.hex(),
            "village": self.village,
            "station": self.station,
            "kiosk_id": self.kiosk_id,
            "mode": self.mode,
            "certificate": _envelope_body(self.certificate),
            "ballots": [
                {"ballot": b.ballot.to_body(), "sig": b.signature.hex()}
                for b in sorted(self.ballots, key=lambda b: b.ballot.context.ballot_id)
            ],
            "aggregate": [ct.to_hex() for ct in self.aggregate],
            "partials": [
                {
                    "index": p.index,
                    "shares": [d.hex() for d in p.shares],
                    "proofs": [[scalar_hex(x.c), scalar_hex(x.v)] for x in p.proofs],
                }
                for p in sorted(self.partials, key=lambda p: p.index)
            ],
            "results": None if self.results is None else _envelope_body(self.results),
            "events": [e.to_body() for e in self.events],
            "counts": {
                "activations": self.activations,
                "ballots": self.ballot_count,
                "voided": self.voided,
            },
        }
        if self.spoiled:
            body["spoiled"] = [s.to_body() for s in sort_spoiled(self.spoiled)]
        return body

    def to_bytes(self) -> bytes:
        return encode_record(KIND, VERSION, self.to_body())

    @classmethod
    def from_bytes(cls, data: bytes) -> StationBundle:
        return cls.from_body(decode_record(KIND, VERSION, data))

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> StationBundle:
        expect_keys(
            body,
            {
                "election_id",
                "definition_hash",
                "public_record_hash",
                "village",
                "station",
                "kiosk_id",
                "mode",
                "certificate",
                "ballots",
                "aggregate",
                "partials",
                "results",
                "events",
                "counts",
            }
            | ({"spoiled"} if "spoiled" in body else set()),
            "bundle",
        )
        ballots: list[SignedBallot] = []
        for i, item in enumerate(field(body, "ballots", list)):
            if not isinstance(item, dict):
                raise RecordError(f"ballots[{i}] is not an object")
            expect_keys(item, {"ballot", "sig"}, f"ballots[{i}]")
            ballot = EncryptedBallot.from_body(field(item, "ballot", dict))
            ballots.append(SignedBallot(ballot, hex_bytes(item["sig"], 64, f"ballots[{i}].sig")))
        ids = [b.ballot.context.ballot_id for b in ballots]
        if ids != sorted(ids) or len(set(ids)) != len(ids):
            raise RecordError("ballots must be sorted by ballot id without duplicates")
        partials: list[PartialDecryption] = []
        for i, item in enumerate(field(body, "partials", list)):
            if not isinstance(item, dict):
                raise RecordError(f"partials[{i}] is not an object")
            expect_keys(item, {"index", "shares", "proofs"}, f"partials[{i}]")
            shares = tuple(
                hex_point(d, allow_identity=True, name=f"partials[{i}].shares")
                for d in field(item, "shares", list)
            )
            prfs: list[EqualityProof] = []
            for p in field(item, "proofs", list):
                if not isinstance(p, list) or len(p) != 2:
                    raise RecordError(f"partials[{i}]: a proof is two scalars")
                prfs.append(EqualityProof(hex_scalar(p[0]), hex_scalar(p[1])))
            partials.append(PartialDecryption(field(item, "index", int), shares, tuple(prfs)))
        indexes = [p.index for p in partials]
        if indexes != sorted(set(indexes)):
            raise RecordError("partials must be sorted by trustee index without duplicates")
        counts = field(body, "counts", dict)
        expect_keys(counts, {"activations", "ballots", "voided"}, "counts")
        spoiled = _spoiled(body)
        results = body.get("results")
        return cls(
            field(body, "election_id", str),
            hex_bytes(body["definition_hash"], 32, "definition_hash"),
            hex_bytes(body["public_record_hash"], 32, "public_record_hash"),
            field(body, "village", str),
            field(body, "station", str),
            field(body, "kiosk_id", str),
            field(body, "mode", str),
            SignedRecord.from_body(field(body, "certificate", dict)),
            tuple(ballots),
            tuple(Ciphertext.from_hex(x) for x in field(body, "aggregate", list)),
            tuple(partials),
            None if results is None else SignedRecord.from_body(field(body, "results", dict)),
            tuple(EventEntry.from_body(_object(e, "event")) for e in field(body, "events", list)),
            field(counts, "activations", int),
            field(counts, "ballots", int),
            field(counts, "voided", int),
            spoiled,
        )


def _spoiled(body: dict[str, Any]) -> tuple[SignedSpoiled, ...]:
    """The optional `spoiled` list: absent when empty, sorted by id, no duplicates."""
    if "spoiled" not in body:
        return ()
    items = field(body, "spoiled", list)
    if not items:
        raise RecordError("an empty spoiled list is written by omitting the field")
    spoiled = tuple(SignedSpoiled.from_body(x, f"spoiled[{i}]") for i, x in enumerate(items))
    ids = [s.spoiled.ballot_id for s in spoiled]
    if ids != sorted(ids) or len(set(ids)) != len(ids):
        raise RecordError("spoiled ballots must be sorted by ballot id without duplicates")
    return spoiled


def _object(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RecordError(f"an {what} is not an object")
    return value


def _envelope_body(signed: SignedRecord) -> dict[str, Any]:
    return {
        "body": parse_canonical_json(signed.record),
        "label": signed.label,
        "sig": signed.signature.hex(),
        "signer": signed.signer,
    }


def sort_ballots(ballots: Sequence[SignedBallot]) -> tuple[SignedBallot, ...]:
    """Ballots in export order: by random ballot id, never by cast order."""
    return tuple(sorted(ballots, key=lambda b: b.ballot.context.ballot_id))
