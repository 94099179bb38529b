"""`tally import`: verify station bundles and results QR photos, and record them.

Every input is verified first, in memory: bundles only through
`ballotcore.verify.verify_bundle(data, record)`, QR photos through `tally.qr`. Then the
accepted ones are written in a single transaction; if nothing is accepted nothing is
written, so a rejected file leaves the database byte for byte unchanged.

Decisions per bundle, against what the database (and this import) already holds for the
same station:

- the same bytes again: a duplicate, counted once;
- a test-mode bundle: rejected, a test count never enters an official tally;
- from the same kiosk, its event log a strict prefix of one already held: an older
  export, rejected as a replay;
- from the same kiosk, an active bundle's event log a strict prefix of its own: a newer
  export, which supersedes the older one;
- otherwise, if another bundle is active for the station: a conflict, both held and
  neither counted until an official runs `tally resolve`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ballotcore.errors import BallotCoreError
from ballotcore.verify import VerifiedBundle, verify_bundle
from tally import qr
from tally.db import TallyDB
from tally.errors import RejectedInput
from tally.files import Kind, discover, read_input

#: Exceptions that malformed input can raise inside record parsing besides BallotCoreError.
MALFORMED = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    RecursionError,
    OverflowError,
)


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one input (a file, or a joined set of QR parts)."""

    source: str
    status: str  # accepted | superseding | conflict | provisional | duplicate | rejected
    message: str
    station: str = ""


@dataclass(slots=True)
class ImportReport:
    outcomes: list[Outcome] = field(default_factory=list)
    written: bool = False

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def rejected(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "rejected"]


@dataclass(slots=True)
class _Held:
    digest: str
    kiosk_id: str
    events: tuple[str, ...]
    state: str
    new: bool = False


@dataclass(slots=True)
class _Plan:
    """Rows to write, collected while deciding."""

    bundles: list[tuple[VerifiedBundle, str, bytes]] = field(default_factory=list)
    state_changes: dict[str, str] = field(default_factory=dict)
    qrs: list[tuple[qr.QrResult, str]] = field(default_factory=list)


def check_bundle(data: bytes, db: TallyDB) -> VerifiedBundle:
    """Verify one bundle against the database's public record; `RejectedInput` if bad."""
    try:
        verified = verify_bundle(data, db.record, full=False)
    except BallotCoreError as exc:
        raise RejectedInput(str(exc)) from exc
    except MALFORMED as exc:
        raise RejectedInput(f"bundle is malformed ({type(exc).__name__})") from exc
    if verified.bundle.mode != "official":
        raise RejectedInput("test-mode bundle: a test count is never part of an official tally")
    return verified


def import_paths(
    db: TallyDB,
    paths: list[Path],
    *,
    clock: Callable[[], str] = utc_now,
    on_file: Callable[[Path], None] | None = None,
) -> ImportReport:
    """Import bundles, folders and QR photos (see module docstring)."""
    report = ImportReport()
    files, refused = discover(paths)
    for r in refused:
        report.outcomes.append(Outcome(str(r.path), "rejected", r.reason))
    held: dict[tuple[str, str], list[_Held]] = {}
    for row in db.bundles():
        held.setdefault((row.village, row.station), []).append(
            _Held(row.digest, row.kiosk_id, row.events, row.state)
        )
    known_qr = {row.digest for row in db.qr_results()}
    plan = _Plan()
    qr_texts: list[tuple[str, str]] = []  # (text, source)
    for path in files:
        if on_file is not None:
            on_file(path)
        try:
            item = read_input(path)
            if item.kind is Kind.BUNDLE:
                report.outcomes.append(_decide_bundle(db, item.data, str(path), held, plan))
            else:
                qr_texts.extend((text, str(path)) for text in qr.read_qr_texts(item.data))
        except RejectedInput as exc:
            report.outcomes.append(Outcome(str(path), "rejected", exc.reason))
    report.outcomes.extend(_decide_qrs(db, qr_texts, known_qr, plan))
    if plan.bundles or plan.qrs:
        _write(db, plan, clock())
        report.written = True
    return report


def _decide_bundle(
    db: TallyDB,
    data: bytes,
    source: str,
    held: dict[tuple[str, str], list[_Held]],
    plan: _Plan,
) -> Outcome:
    verified = check_bundle(data, db)
    bundle = verified.bundle
    where = f"{bundle.village}/{bundle.station}"
    digest = verified.digest.hex()
    events = tuple(e.digest().hex() for e in bundle.events)
    others = held.setdefault((bundle.village, bundle.station), [])
    for other in others:
        if other.digest == digest:
            return Outcome(source, "duplicate", "already imported; counted once", where)
    same_kiosk = [o for o in others if o.kiosk_id == bundle.kiosk_id]
    for other in same_kiosk:
        if _strict_prefix(events, other.events):
            raise RejectedInput(
                f"replay of an older export: kiosk {bundle.kiosk_id} already delivered a "
                f"newer export for {where}"
            )
    superseded = [
        o for o in same_kiosk if o.state == "active" and _strict_prefix(o.events, events)
    ]
    for other in superseded:
        other.state = "superseded"
        if other.new:
            plan.bundles = [b for b in plan.bundles if b[0].digest.hex() != other.digest]
            others.remove(other)
        else:
            plan.state_changes[other.digest] = "superseded"
    others.append(_Held(digest, bundle.kiosk_id, events, "active", new=True))
    plan.bundles.append((verified, source, data))
    active = [o for o in others if o.state == "active"]
    if len(active) > 1:
        return Outcome(
            source,
            "conflict",
            f"{len(active)} different bundles for {where}: held, not counted until resolved",
            where,
        )
    if superseded:
        return Outcome(source, "superseding", "newer export replaces the older one", where)
    note = "" if bundle.results is not None else " (no decrypted results in it)"
    return Outcome(source, "accepted", f"verified{note}", where)


def _strict_prefix(shorter: tuple[str, ...], longer: tuple[str, ...]) -> bool:
    return len(shorter) < len(longer) and longer[: len(shorter)] == shorter


def _decide_qrs(
    db: TallyDB, texts: list[tuple[str, str]], known: set[str], plan: _Plan
) -> list[Outcome]:
    """Group QR texts of all photos by payload id, join, verify, and decide each."""
    outcomes: list[Outcome] = []
    parts: dict[str, list[str]] = {}
    sources: dict[str, list[str]] = {}
    for text, source in texts:
        try:
            (pid,) = qr.group_parts([text])
        except RejectedInput as exc:
            outcomes.append(Outcome(source, "rejected", exc.reason))
            continue
        if text not in parts.setdefault(pid, []):
            parts[pid].append(text)
        if source not in sources.setdefault(pid, []):
            sources[pid].append(source)
    for pid, group in sorted(parts.items()):
        source = " + ".join(sources[pid])
        try:
            result = qr.verify_results_qr(qr.join_group(group), db.record)
        except RejectedInput as exc:
            outcomes.append(Outcome(source, "rejected", exc.reason))
            continue
        where = f"{result.results.village}/{result.results.station}"
        if result.digest in known:
            outcomes.append(Outcome(source, "duplicate", "results QR already imported", where))
            continue
        known.add(result.digest)
        plan.qrs.append((result, source))
        outcomes.append(
            Outcome(source, "provisional", "results QR verified (provisional until bundle)", where)
        )
    return outcomes


def _write(db: TallyDB, plan: _Plan, at: str) -> None:
    with db.transaction() as conn:
        no = db.next_import_no()
        conn.execute(
            "INSERT INTO imports VALUES (?, ?, ?)", (no, at, len(plan.bundles) + len(plan.qrs))
        )
        for digest, state in plan.state_changes.items():
            conn.execute("UPDATE bundles SET state = ? WHERE digest = ?", (state, digest))
        for verified, source, data in plan.bundles:
            b = verified.bundle
            conn.execute(
                "INSERT INTO bundles VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    verified.digest.hex(),
                    b.village,
                    b.station,
                    b.kiosk_id,
                    "active",
                    json.dumps([e.digest().hex() for e in b.events]),
                    None if b.results is None else b.results.record,
                    b.ballot_count,
                    b.activations,
                    b.voided,
                    json.dumps(list(verified.findings)),
                    Path(source).name,
                    no,
                    data,
                ),
            )
        for result, source in plan.qrs:
            r = result.results
            conn.execute(
                "INSERT INTO qr_results VALUES (?,?,?,?,?,?,?,?)",
                (
                    result.digest,
                    r.village,
                    r.station,
                    r.kiosk_id,
                    r.to_bytes(),
                    result.envelope,
                    source[:500],
                    no,
                ),
            )
