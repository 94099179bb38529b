"""The kiosk's hash-chained event log (an audit trail that carries no ballot content).

Entry i is a record (kind "event") with fields seq (0, 1, 2, ...), prev (the hash of
entry i-1, 32 zero bytes for the first), event (a code from the kiosk's event registry),
time (ISO 8601, UTC, seconds) and detail (an object of short strings and integers).
hash(entry) = H32("event", entry bytes). Removing, reordering or altering any entry
breaks the chain from that point on; the head hash is covered by the signed bundle.

What a log entry may never contain: a ballot id, a tracking code, a selection, a PIN or
a key. Cast events say only that *a* ballot was recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from ballotcore.codec import decode_record, encode_record, expect_keys, field, hex_bytes
from ballotcore.errors import RecordError, VerificationError
from ballotcore.hashing import digest32

KIND = "event"
VERSION = 1
GENESIS = bytes(32)
_FORBIDDEN_DETAIL = ("ballot_id", "tracking", "selection", "choice", "candidate", "pin", "key")


def forbidden_detail_key(key: str) -> bool:
    """True for a detail key that could name a ballot or a secret (refused in any log)."""
    return any(word in key.lower() for word in _FORBIDDEN_DETAIL)


@dataclass(frozen=True, slots=True)
class EventEntry:
    seq: int
    prev: bytes
    event: str
    time: str
    detail: dict[str, str | int]
    #: The record bytes, computed once (the chain check, the reconciliation and the
    #: tally's facts all hash every entry).
    _bytes: bytes | None = dataclass_field(default=None, init=False, compare=False, repr=False)

    def to_body(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "prev": self.prev.hex(),
            "event": self.event,
            "time": self.time,
            "detail": dict(self.detail),
        }

    def to_bytes(self) -> bytes:
        if self._bytes is None:  # frozen: the cache is set once, bypassing __setattr__
            object.__setattr__(self, "_bytes", encode_record(KIND, VERSION, self.to_body()))
        assert self._bytes is not None
        return self._bytes

    def digest(self) -> bytes:
        return digest32("event", self.to_bytes())

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> EventEntry:
        expect_keys(body, {"seq", "prev", "event", "time", "detail"}, "event")
        detail = field(body, "detail", dict)
        for k, v in detail.items():
            if isinstance(v, bool) or not isinstance(v, str | int):
                raise RecordError(f"event detail {k!r} must be a string or integer")
        return cls(
            field(body, "seq", int),
            hex_bytes(body["prev"], 32, "prev"),
            field(body, "event", str),
            field(body, "time", str),
            detail,
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> EventEntry:
        return cls.from_body(decode_record(KIND, VERSION, data))


def next_entry(
    previous: EventEntry | None, event: str, time: str, detail: dict[str, str | int] | None = None
) -> EventEntry:
    """The entry that follows `previous` (None for the first entry of a log)."""
    detail = dict(detail or {})
    for key in detail:
        if forbidden_detail_key(key):
            raise ValueError(f"event detail {key!r} could reveal a ballot or a secret")
    if previous is None:
        return EventEntry(0, GENESIS, event, time, detail)
    return EventEntry(previous.seq + 1, previous.digest(), event, time, detail)


def verify_chain(entries: Sequence[EventEntry]) -> bytes:
    """Check seq numbers and hash links; return the head hash (GENESIS for empty)."""
    prev = GENESIS
    for i, entry in enumerate(entries):
        if entry.seq != i:
            raise VerificationError(f"event log: entry {i} has sequence number {entry.seq}")
        if entry.prev != prev:
            raise VerificationError(f"event log: chain broken at entry {i}")
        prev = entry.digest()
    return prev


def count_events(entries: Iterable[EventEntry], event: str) -> int:
    return sum(1 for e in entries if e.event == event)
