"""The station results record: what the kiosk prints, signs and exports at close.

Kind "results", signed by the kiosk with label "results". It states, for one station:
the vote count per candidate (decrypted from the homomorphic aggregate by k trustees),
the counts of activations, ballots and voided sessions, the ballot-box root, the hash
of the aggregate ciphertexts and the head of the event log at close, the trustees whose
partial decryptions were used, and the mode ("official" or "test").

The same bytes travel in the export bundle and, split into QR parts, on the printed
results report, so a phone photo of the receipt can be checked against the bundle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ballotcore.codec import (
    canonical_json,
    decode_record,
    encode_record,
    expect_keys,
    field,
    hex_bytes,
)
from ballotcore.elgamal import Ciphertext
from ballotcore.errors import RecordError
from ballotcore.hashing import digest32

KIND = "results"
VERSION = 1
LABEL = "results"
MODES = ("official", "test")


@dataclass(frozen=True, slots=True)
class StationResults:
    election_id: str
    definition_hash: bytes
    village: str
    station: str
    kiosk_id: str
    mode: str
    votes: tuple[tuple[int, int], ...]  # (ballot number, votes), by ballot number
    ballots: int
    activations: int
    voided: int
    box_root: bytes
    aggregate_hash: bytes
    log_head: bytes
    trustees: tuple[int, ...]

    @property
    def total_votes(self) -> int:
        return sum(v for _, v in self.votes)

    def to_body(self) -> dict[str, Any]:
        return {
            "election_id": self.election_id,
            "definition_hash": self.definition_hash.hex(),
            "village": self.village,
            "station": self.station,
            "kiosk_id": self.kiosk_id,
            "mode": self.mode,
            "votes": [{"number": n, "votes": v} for n, v in self.votes],
            "ballots": self.ballots,
            "activations": self.activations,
            "voided": self.voided,
            "box_root": self.box_root.hex(),
            "aggregate_hash": self.aggregate_hash.hex(),
            "log_head": self.log_head.hex(),
            "trustees": list(self.trustees),
        }

    def to_bytes(self) -> bytes:
        return encode_record(KIND, VERSION, self.to_body())

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> StationResults:
        expect_keys(
            body,
            {
                "election_id",
                "definition_hash",
                "village",
                "station",
                "kiosk_id",
                "mode",
                "votes",
                "ballots",
                "activations",
                "voided",
                "box_root",
                "aggregate_hash",
                "log_head",
                "trustees",
            },
            "results",
        )
        mode = field(body, "mode", str)
        if mode not in MODES:
            raise RecordError(f"results mode {mode!r} is neither official nor test")
        votes: list[tuple[int, int]] = []
        for i, item in enumerate(field(body, "votes", list)):
            if not isinstance(item, dict):
                raise RecordError(f"votes[{i}] is not an object")
            expect_keys(item, {"number", "votes"}, f"votes[{i}]")
            number, count = field(item, "number", int), field(item, "votes", int)
            if count < 0:
                raise RecordError(f"votes[{i}] is negative")
            votes.append((number, count))
        if [n for n, _ in votes] != list(range(1, len(votes) + 1)):
            raise RecordError("results must list ballot numbers 1, 2, 3, ... in order")
        trustees = field(body, "trustees", list)
        if not all(isinstance(t, int) and not isinstance(t, bool) for t in trustees):
            raise RecordError("trustees must be integers")
        counts = [field(body, k, int) for k in ("ballots", "activations", "voided")]
        if min(counts) < 0:
            raise RecordError("counts may not be negative")
        return cls(
            field(body, "election_id", str),
            hex_bytes(body["definition_hash"], 32, "definition_hash"),
            field(body, "village", str),
            field(body, "station", str),
            field(body, "kiosk_id", str),
            mode,
            tuple(votes),
            counts[0],
            counts[1],
            counts[2],
            hex_bytes(body["box_root"], 32, "box_root"),
            hex_bytes(body["aggregate_hash"], 32, "aggregate_hash"),
            hex_bytes(body["log_head"], 32, "log_head"),
            tuple(trustees),
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> StationResults:
        return cls.from_body(decode_record(KIND, VERSION, data))


def box_root(ballot_digests: Sequence[bytes]) -> bytes:
    """Commitment to the ballot box: H32 over the sorted ballot digests.

    Sorting makes the root independent of cast order; the empty box has a fixed root,
    printed on the zero report.
    """
    return digest32("ballot-box", *sorted(ballot_digests))


def aggregate_hash(aggregates: Sequence[Ciphertext]) -> bytes:
    """H32 over the aggregate ciphertexts (A_1, B_1, A_2, B_2, ...) by candidate."""
    parts: list[bytes] = []
    for ct in aggregates:
        parts.extend((ct.a, ct.b))
    return digest32("aggregate", *parts)


def decryption_context(election_id: str, village: str, station: str, kiosk_id: str) -> bytes:
    """Context bound into every trustee's partial-decryption proof for one station."""
    return canonical_json(
        {
            "election_id": election_id,
            "kiosk_id": kiosk_id,
            "purpose": "station-aggregate",
            "station": station,
            "village": village,
        }
    )
