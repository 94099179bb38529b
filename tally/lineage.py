"""Which bundle counts for a station: facts of a verified bundle, pure extension, conflicts.

A station may be delivered several times: the same file twice, a later export of the same
kiosk (after a reprint, or after the trustees came back to decrypt), or a different bundle
altogether. This module decides, from facts that verification derived from each held
bundle, which one counts. It is a pure function of the set of held bundles and the
officials' resolutions, so import order never matters and nothing stored can override it.

A later export `new` **extends** an earlier one `old` (and so replaces it) only when it is
a pure extension (docs/PROTOCOL.md, "District combination"):

- the same kiosk, station and mode;
- byte-identical signed ballots and signed spoiled (challenged) ballots, box root,
  aggregate and counts;
- `old`'s event log a strict prefix of `new`'s;
- every partial decryption of `old` present, unchanged, in `new`;
- `old` without results, or with the very same signed results record.

Any other difference between two bundles of a station is a **conflict**: both are held and
neither counts until an official resolves it (`tally resolve`), naming the bundle to keep;
the others are set aside by that resolution.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ballotcore.codec import canonical_json, scalar_hex
from ballotcore.results import aggregate_hash, box_root
from ballotcore.verify import VerifiedBundle


@dataclass(frozen=True, slots=True)
class BundleFacts:
    """What verification derived from one bundle: enough to decide lineage and to list it.

    Stored beside the bundle bytes in the tally database; `tally verify` derives them
    again from the bytes and reports any difference as an error.
    """

    digest: str
    village: str
    station: str
    kiosk_id: str
    mode: str
    events: tuple[str, ...]  # digest of every event-log entry, in order
    ballots: str  # SHA-256 over every signed ballot, then every signed spoiled ballot
    box_root: str
    aggregate: str
    activations: int
    ballot_count: int
    voided: int
    partials: tuple[tuple[int, str], ...]  # (trustee index, digest of the partial)
    results: bytes | None  # the signed results envelope, or None
    exported_at: str  # time of the last event-log entry

    def to_json(self) -> str:
        """The facts except identity and results, as canonical JSON (a database column)."""
        return json.dumps(
            {
                "events": list(self.events),
                "ballots": self.ballots,
                "box_root": self.box_root,
                "aggregate": self.aggregate,
                "counts": [self.activations, self.ballot_count, self.voided],
                "partials": [list(p) for p in self.partials],
                "mode": self.mode,
                "exported_at": self.exported_at,
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(
        cls, digest: str, village: str, station: str, kiosk_id: str, text: str,
        results: bytes | None,
    ) -> BundleFacts:
        body = json.loads(text)
        activations, ballots, voided = (int(x) for x in body["counts"])
        return cls(
            digest, village, station, kiosk_id, str(body["mode"]),
            tuple(str(e) for e in body["events"]), str(body["ballots"]), str(body["box_root"]),
            str(body["aggregate"]), activations, ballots, voided,
            tuple((int(i), str(d)) for i, d in body["partials"]), results,
            str(body["exported_at"]),
        )


def facts_of(verified: VerifiedBundle) -> BundleFacts:
    """The facts of a bundle that `ballotcore.verify.verify_bundle` accepted."""
    b = verified.bundle
    ballots = hashlib.sha256()
    for sb in b.ballots:
        ballots.update(sb.ballot.digest())
        ballots.update(sb.signature)
    if b.spoiled:  # absent: the same digest as before challenges existed
        ballots.update(b"spoiled")
        for item in b.spoiled:
            ballots.update(hashlib.sha256(item.spoiled.to_bytes()).digest())
            ballots.update(item.signature)
    partials = tuple(
        (p.index, hashlib.sha256(canonical_json({
            "shares": [d.hex() for d in p.shares],
            "proofs": [[scalar_hex(x.c), scalar_hex(x.v)] for x in p.proofs],
        })).hexdigest())
        for p in b.partials
    )
    return BundleFacts(
        verified.digest.hex(), b.village, b.station, b.kiosk_id, b.mode,
        tuple(e.digest().hex() for e in b.events), ballots.hexdigest(),
        box_root([sb.ballot.digest() for sb in b.ballots]).hex(),
        aggregate_hash(b.aggregate).hex(), b.activations, b.ballot_count, b.voided,
        partials, None if b.results is None else b.results.to_bytes(),
        b.events[-1].time if b.events else "",
    )


def extends(new: BundleFacts, old: BundleFacts) -> bool:
    """True when `new` is a pure extension of `old` (see module docstring)."""
    return (
        new.digest != old.digest
        and (new.village, new.station, new.kiosk_id, new.mode)
        == (old.village, old.station, old.kiosk_id, old.mode)
        and (new.ballots, new.box_root, new.aggregate) == (old.ballots, old.box_root, old.aggregate)
        and (new.activations, new.ballot_count, new.voided)
        == (old.activations, old.ballot_count, old.voided)
        and len(old.events) < len(new.events)
        and new.events[: len(old.events)] == old.events
        and set(old.partials) <= set(new.partials)
        and (old.results is None or old.results == new.results)
    )


def differences(a: BundleFacts, b: BundleFacts) -> list[str]:
    """How two bundles of a station differ, in words an official can check."""
    out: list[str] = []
    if a.kiosk_id != b.kiosk_id:
        out.append(f"kiosk {a.kiosk_id} vs {b.kiosk_id}")
    if a.ballot_count != b.ballot_count:
        out.append(f"ballots {a.ballot_count} vs {b.ballot_count}")
    elif a.ballots != b.ballots:
        out.append("same number of ballots, different ballots")
    if (a.activations, a.voided) != (b.activations, b.voided):
        out.append(f"activations/voided {a.activations}/{a.voided} vs {b.activations}/{b.voided}")
    shorter, longer = sorted((a.events, b.events), key=len)
    if longer[: len(shorter)] != shorter:
        out.append(f"event logs diverge ({len(a.events)} vs {len(b.events)} entries)")
    elif len(a.events) != len(b.events):
        out.append(f"event log {len(a.events)} vs {len(b.events)} entries")
    if a.results is not None and b.results is not None and a.results != b.results:
        out.append("different signed results")
    elif (a.results is None) != (b.results is None):
        out.append("results in only one of them")
    if set(a.partials) != set(b.partials):
        out.append("different partial decryptions")
    return out or ["different bytes"]


@dataclass(frozen=True, slots=True)
class Lineage:
    """The outcome for one station: the bundle that counts, or the conflict."""

    counted: BundleFacts | None
    conflict: tuple[BundleFacts, ...]  # two or more live bundles, none counted
    superseded: frozenset[str]
    set_aside: frozenset[str]


def station_lineage(
    held: Sequence[BundleFacts], resolutions: Iterable[tuple[str, Iterable[str]]] = ()
) -> Lineage:
    """Decide a station from its held bundles and resolutions `(kept, set_aside digests)`.

    A resolution applies while the bundle it kept is held; it sets aside exactly the
    bundles that were in conflict when it was made, so a bundle that arrives later and is
    not an extension of the kept one opens a new conflict.
    """
    superseded = frozenset(
        old.digest for old in held if any(extends(new, old) for new in held)
    )
    digests = {b.digest for b in held}
    aside: set[str] = set()
    for kept, others in resolutions:
        if kept in digests:
            aside.update(d for d in others if d != kept)
    live = tuple(
        sorted((b for b in held if b.digest not in superseded and b.digest not in aside),
               key=lambda b: b.digest)
    )
    if len(live) == 1:
        return Lineage(live[0], (), superseded, frozenset(aside))
    return Lineage(None, live if len(live) > 1 else (), superseded, frozenset(aside))
