"""`tally verify`: re-check everything the database holds, optionally down to every proof.

Always: every held bundle goes through `ballotcore.verify.verify_bundle(..., full=False)`
again (signatures, certificates, event-log chains, results agreeing with the bundle),
every results QR is re-verified, and counts are reconciled (activations >= ballots,
ballots = sum of votes, turnout <= DPT per station and per village).

With `full=True` each bundle is verified with `full=True` (every ballot's signature and
proofs, the aggregate recomputed from the ballots, every partial-decryption proof against
the trustees' Feldman commitments, and the counts recomputed). That work is split per
station across local processes (`ProcessPoolExecutor`, `workers`) or, given a Dask
scheduler address or client, across a Dask distributed cluster. Each worker parses the
public record once and caches it. The findings do not depend on the engine: they are
computed by the same function and sorted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from typing import Any

from ballotcore.errors import BallotCoreError
from ballotcore.public_record import PublicRecord, parse_public_record
from ballotcore.verify import verify_bundle
from tally import qr
from tally.db import TallyDB
from tally.errors import RejectedInput
from tally.importer import MALFORMED, utc_now
from tally.model import build_view


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One thing verification found; `severity` is "error" or "warning"."""

    village: str
    station: str
    severity: str
    subject: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


# Work item: (village, station, digest, bundle bytes)
Task = tuple[str, str, str, bytes]
Outcome = tuple[str, str, str, str | None, tuple[str, ...]]

_RECORDS: dict[str, PublicRecord] = {}


def _record(record_bytes: bytes, authority: str) -> PublicRecord:
    """The parsed public record, cached per process (workers parse it once)."""
    key = hashlib.sha256(record_bytes).hexdigest() + authority
    if key not in _RECORDS:
        _RECORDS.clear()
        _RECORDS[key] = parse_public_record(record_bytes, authority)
    return _RECORDS[key]


def check_one(record: PublicRecord, task: Task, full: bool) -> Outcome:
    """Verify one station's bundle: (village, station, digest, error or None, findings)."""
    village, station, digest, data = task
    try:
        verified = verify_bundle(data, record, full=full)
    except BallotCoreError as exc:
        return village, station, digest, str(exc), ()
    except MALFORMED as exc:
        return village, station, digest, f"bundle is malformed ({type(exc).__name__})", ()
    return village, station, digest, None, verified.findings


def remote_check(record_bytes: bytes, authority: str, task: Task, full: bool) -> Outcome:
    """`check_one` for a worker process or a Dask worker (importable by name)."""
    return check_one(_record(record_bytes, authority), task, full)


def _init_worker(record_bytes: bytes, authority: str) -> None:
    _record(record_bytes, authority)


def _pool_check(task: Task, full: bool) -> Outcome:
    (record,) = _RECORDS.values()
    return check_one(record, task, full)


def run_local(
    record_bytes: bytes,
    authority: str,
    tasks: list[Task],
    full: bool,
    workers: int,
    on_done: Callable[[], None] | None = None,
) -> list[Outcome]:
    """Verify tasks across `workers` local processes."""
    outcomes: list[Outcome] = []
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_init_worker, initargs=(record_bytes, authority)
    ) as pool:
        futures = [pool.submit(_pool_check, t, full) for t in tasks]
        for fut in as_completed(futures):
            outcomes.append(fut.result())
            if on_done is not None:
                on_done()
    return outcomes


def run_dask(
    client: Any,
    record_bytes: bytes,
    authority: str,
    tasks: list[Task],
    full: bool,
    on_done: Callable[[], None] | None = None,
) -> list[Outcome]:
    """Verify tasks on a Dask distributed cluster through `client`."""
    from dask.distributed import as_completed as dask_completed

    shared = client.scatter(record_bytes, broadcast=True)
    futures = [
        client.submit(remote_check, shared, authority, t, full, pure=False) for t in tasks
    ]
    outcomes: list[Outcome] = []
    for fut in dask_completed(futures):
        outcomes.append(fut.result())
        if on_done is not None:
            on_done()
    return outcomes


def verify_database(
    db: TallyDB,
    *,
    full: bool = False,
    workers: int = 1,
    dask: Any = None,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[], None] | None = None,
    record_run: bool = True,
) -> list[Finding]:
    """Verify everything held (see module docstring); return sorted findings.

    `dask` is a scheduler address (str) or a `dask.distributed.Client`; None means local
    processes for `full` (and in-process checks otherwise).
    """
    record = db.record
    authority = db.authority
    rows = db.bundles()
    tasks: list[Task] = [(r.village, r.station, r.digest, db.bundle_data(r.digest)) for r in rows]
    if on_start is not None:
        on_start(len(tasks))
    engine = "in-process"
    if full and dask is not None:
        engine = "dask"
        if isinstance(dask, str):
            from dask.distributed import Client

            with Client(dask) as client:
                outcomes = run_dask(client, record.raw, authority, tasks, full, on_done)
        else:
            outcomes = run_dask(dask, record.raw, authority, tasks, full, on_done)
    elif full:
        engine = f"processes:{workers}"
        outcomes = run_local(record.raw, authority, tasks, full, workers, on_done)
    else:
        outcomes = []
        for t in tasks:
            outcomes.append(check_one(record, t, False))
            if on_done is not None:
                on_done()
    findings = _bundle_findings(outcomes, {r.digest: r.state for r in rows})
    findings.extend(_qr_findings(db))
    seen = {(f.village, f.station, f.message) for f in findings}
    findings.extend(f for f in _status_findings(db) if (f.village, f.station, f.message) not in seen)
    findings = sorted(set(findings))
    if record_run:
        with db.transaction() as conn:
            conn.execute(
                "INSERT INTO verifications (at, full, engine, findings) VALUES (?, ?, ?, ?)",
                (utc_now(), int(full), engine, json.dumps([f.to_dict() for f in findings])),
            )
    return findings


def _bundle_findings(outcomes: Iterable[Outcome], states: dict[str, str]) -> list[Finding]:
    findings: list[Finding] = []
    for village, station, digest, error, notes in outcomes:
        subject = f"bundle {digest[:16]} ({states.get(digest, '?')})"
        if error is not None:
            findings.append(Finding(village, station, "error", subject, error))
        findings.extend(Finding(village, station, "warning", subject, n) for n in notes)
    return findings


def _qr_findings(db: TallyDB) -> list[Finding]:
    findings: list[Finding] = []
    for row in db.qr_results():
        try:
            qr.verify_results_qr(row.envelope, db.record)
        except RejectedInput as exc:
            findings.append(
                Finding(row.village, row.station, "error", f"qr {row.digest[:16]}", exc.reason)
            )
    return findings


def _status_findings(db: TallyDB) -> list[Finding]:
    """Reconciliation and status facts from the tally view (station and village level)."""
    findings: list[Finding] = []
    for v in build_view(db).villages:
        for s in v.stations:
            if s.counted and s.votes is not None and sum(s.votes) != s.ballots:
                findings.append(Finding(v.code, s.code, "error", "counts",
                                        f"{sum(s.votes)} votes for {s.ballots} ballots"))
            if s.status in ("conflict", "anomaly"):
                findings.extend(
                    Finding(v.code, s.code, "warning", s.status, n) for n in s.notes
                )
            if s.status == "missing":
                findings.append(Finding(v.code, s.code, "warning", "missing",
                                        "; ".join(s.notes) or "no bundle or results QR yet"))
        if v.ballots > v.dpt:
            findings.append(Finding(v.code, "", "warning", "turnout",
                                    f"{v.ballots} ballots exceed the village DPT of {v.dpt}"))
    return findings
