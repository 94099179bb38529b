"""`tally import`: verify station bundles and results QR photos, and record every delivery.

Every bundle is verified **in full** by default (`ballotcore.verify.verify_bundle(...,
full=True)`: every ballot's signature and proofs, the aggregate recomputed, every
partial-decryption proof, the combination equal to the signed results, the counts
reconciled with the event log), across local processes (`workers`) or a Dask cluster
(`tally.engine`). With `defer_proofs=True` only the quick checks run; such a bundle is held
as "not yet verified" and counts only after `tally verify --full` has checked its proofs.

Decisions per verified bundle, against what the database (and this import) holds for the
same station (`tally.lineage`):

- the same bytes again: a duplicate, counted once;
- a test-mode bundle: rejected, a test count never enters an official tally;
- an older export of a bundle already held (the held one extends it): rejected as a replay;
- a pure extension of a held bundle (same ballots, counts and aggregate; only events,
  partial decryptions and results added): superseding;
- any other second bundle for the station: a conflict, held and not counted until
  `tally resolve`.

Every input, whatever becomes of it, is recorded as an incident (time, file name escaped
and bounded, file SHA-256, size, outcome, cause, reason, the station it names). The whole
import is one transaction; a rejected input changes nothing but the incident record.

`import_delivery(db, name, data)` is the same import for one delivery's bytes (a bundle
or a results-QR photo) that arrived without a file path (`tally serve`): the same
classification, the same `_decide_bundle` / `_decide_qrs`, one transaction. Its
verification may be done beforehand (`checked=`, e.g. in a worker process); the decision
against what is held is always made inside the transaction, so concurrent deliveries and
imports are decided one after another.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tally import qr
from tally.db import TallyDB
from tally.engine import MALFORMED, Checked, check, check_stream
from tally.errors import RejectedInput
from tally.files import Kind, classify, discover, read_input
from tally.lineage import BundleFacts, extends, station_lineage

__all__ = ["MALFORMED", "ImportReport", "Outcome", "import_delivery", "import_paths", "utc_now"]


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one input (a file, or a joined set of QR parts)."""

    source: str
    status: str  # accepted | superseding | conflict | provisional | duplicate | rejected
    message: str
    station: str = ""
    cause: str = ""  # why it was refused (tally.report.CAUSE_TEXT), when it was
    digest: str = ""  # the bundle's digest, once it parsed


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
class _Run:
    """State of one import while it decides, inside its transaction.

    What is held is read from the database (inside the transaction, so it includes what
    this import stored, and what a concurrent import committed before) one station at a
    time: memory does not grow with the number of bundles imported, and a delivery stays
    fast as the database grows.
    """

    db: TallyDB
    at: str
    report: ImportReport
    import_no: int | None = None
    stored: int = 0

    def held(self, village: str, station: str) -> list[BundleFacts]:
        return [r.facts for r in self.db.bundles(village, station) if r.proofs != "failed"]

    def resolutions(self, village: str, station: str) -> list[tuple[str, tuple[str, ...]]]:
        return [(r.kept, r.set_aside) for r in self.db.resolutions()
                if (r.village, r.station) == (village, station)]

    def number(self) -> int:
        """This import's number, creating its `imports` row on first use."""
        if self.import_no is None:
            self.import_no = self.db.next_import_no()
            self.db.conn.execute("INSERT INTO imports VALUES (?, ?, 0)", (self.import_no, self.at))
        return self.import_no

    def record(self, outcome: Outcome, kind: str, *, data: bytes | None = None, cause: str = "",
               where: tuple[str, str] = ("", ""), bundle: str = "") -> None:
        self.report.outcomes.append(dataclasses.replace(outcome, cause=cause, digest=bundle))
        self.db.add_incident(
            self.at, kind, Path(outcome.source).name, outcome.status, outcome.message,
            file_digest="" if data is None else hashlib.sha256(data).hexdigest(),
            size=0 if data is None else len(data), cause=cause, village=where[0],
            station=where[1], bundle=bundle,
        )


def import_paths(
    db: TallyDB,
    paths: list[Path],
    *,
    clock: Callable[[], str] = utc_now,
    on_file: Callable[[Path], None] | None = None,
    defer_proofs: bool = False,
    workers: int = 1,
    dask: Any = None,
) -> ImportReport:
    """Import bundles, folders and QR photos (see module docstring)."""
    report = ImportReport()
    files, refused = discover(paths)
    with db.transaction():
        run = _Run(db, clock(), report)
        for r in refused:
            run.record(Outcome(str(r.path), "rejected", r.reason), "file", cause="file")
        images: list[tuple[Path, bytes]] = []
        in_flight: dict[str, bytes] = {}

        def bundles() -> Iterator[tuple[str, bytes]]:
            for path in files:
                if on_file is not None:
                    on_file(path)
                try:
                    item = read_input(path)
                except RejectedInput as exc:
                    run.record(Outcome(str(path), "rejected", exc.reason), "file", cause="file")
                    continue
                if item.kind is Kind.BUNDLE:
                    in_flight[str(path)] = item.data
                    yield str(path), item.data
                else:
                    images.append((path, item.data))

        for checked in check_stream(db.record, db.authority, bundles(), full=not defer_proofs,
                                    workers=workers, dask=dask):
            _decide_bundle(run, checked, in_flight.pop(checked.key), defer_proofs)
        _decide_qrs(run, images)
        _finish(run)
    return report


def import_delivery(
    db: TallyDB,
    name: str,
    data: bytes,
    *,
    clock: Callable[[], str] = utc_now,
    defer_proofs: bool = False,
    checked: Checked | None = None,
) -> ImportReport:
    """Import one delivery's bytes (a bundle or a results-QR photo) as `import_paths` would.

    `name` is the delivery's label (the uploaded file name; stored escaped and bounded).
    `checked` is this bundle's verification if it was done beforehand (with the same
    `full = not defer_proofs`); otherwise it is verified here. One transaction.
    """
    report = ImportReport()
    try:
        kind: Kind | None = classify(data)
        refusal = ""
    except RejectedInput as exc:
        kind, refusal = None, exc.reason
    if kind is Kind.BUNDLE and checked is None:
        checked = check(db.record, name, data, not defer_proofs)
    with db.transaction():
        if kind is Kind.BUNDLE:
            assert checked is not None
            run = _Run(db, clock(), report)
            _decide_bundle(run, dataclasses.replace(checked, key=name), data, defer_proofs)
        else:
            run = _Run(db, clock(), report)
            if kind is None:
                run.record(Outcome(name, "rejected", refusal), "file", cause="file")
            else:
                _decide_qrs(run, [(Path(name), data)])
        _finish(run)
    return report


def _finish(run: _Run) -> None:
    if run.import_no is not None:
        run.db.conn.execute("UPDATE imports SET accepted = ? WHERE no = ?",
                            (run.stored, run.import_no))
        run.report.written = True


def _decide_bundle(run: _Run, checked: Checked, data: bytes, deferred: bool) -> None:
    source = checked.key
    if checked.facts is None:
        assert checked.error is not None
        run.record(Outcome(source, "rejected", checked.error), "bundle", data=data,
                   cause=checked.cause, where=checked.claimed)
        return
    facts = checked.facts
    key = (facts.village, facts.station)
    where = f"{facts.village}/{facts.station}"

    def record(status: str, message: str, cause: str = "") -> None:
        run.record(Outcome(source, status, message, where), "bundle", data=data, cause=cause,
                   where=key, bundle=facts.digest)

    if facts.mode != "official":
        record("rejected", "test-mode bundle: a test count is never part of an official tally",
               "test-mode")
        return
    if run.db.has_bundle(facts.digest):
        record("duplicate", "already imported; counted once")
        return
    others = run.held(*key)
    if any(extends(o, facts) for o in others):
        record("rejected", f"replay of an older export: kiosk {facts.kiosk_id} already "
               f"delivered a newer export for {where}", "replay")
        return
    supersedes = any(extends(facts, o) for o in others)
    run.db.add_bundle(facts, "deferred" if deferred else "verified", source, run.number(), data)
    run.stored += 1
    lineage = station_lineage([*others, facts], run.resolutions(*key))
    later = " (proofs not yet verified: not counted until tally verify --full)" if deferred else ""
    if any(b.digest == facts.digest for b in lineage.conflict):
        record("conflict", f"{len(lineage.conflict)} different bundles for {where}: held, "
               "not counted until resolved")
    elif supersedes:
        record("superseding", f"newer export replaces the older one{later}")
    else:
        note = "" if facts.results is not None else " (no decrypted results in it)"
        record("accepted", f"verified{note}{later}" if not deferred else f"quick checks passed"
               f"{note}{later}")


def _decide_qrs(run: _Run, images: list[tuple[Path, bytes]]) -> None:
    """Group QR texts of all photos by payload id, join, verify, and decide each."""
    known = {row.digest for row in run.db.qr_results()}
    parts: dict[str, list[str]] = {}
    sources: dict[str, list[str]] = {}
    for path, data in images:
        try:
            texts = qr.read_qr_texts(data)
        except RejectedInput as exc:
            run.record(Outcome(str(path), "rejected", exc.reason), "qr", data=data, cause="qr")
            continue
        for text in texts:
            try:
                (pid,) = qr.group_parts([text])
            except RejectedInput as exc:
                run.record(Outcome(str(path), "rejected", exc.reason), "qr", data=data,
                           cause="qr")
                continue
            if text not in parts.setdefault(pid, []):
                parts[pid].append(text)
            if str(path) not in sources.setdefault(pid, []):
                sources[pid].append(str(path))
    for pid, group in sorted(parts.items()):
        source = " + ".join(Path(s).name for s in sources[pid])
        try:
            result = qr.verify_results_qr(qr.join_group(group), run.db.record)
        except RejectedInput as exc:
            run.record(Outcome(source, "rejected", exc.reason), "qr", cause="qr")
            continue
        r = result.results
        where = (r.village, r.station)
        label = f"{r.village}/{r.station}"
        if result.digest in known:
            run.record(Outcome(source, "duplicate", "results QR already imported", label), "qr",
                       where=where)
            continue
        known.add(result.digest)
        run.db.conn.execute(
            "INSERT INTO qr_results VALUES (?,?,?,?,?,?,?)",
            (result.digest, r.village, r.station, r.kiosk_id, result.envelope, source[:500],
             run.number()),
        )
        run.stored += 1
        run.record(Outcome(source, "provisional",
                           "results QR verified (provisional until bundle)", label), "qr",
                   where=where)
