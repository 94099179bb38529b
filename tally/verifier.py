"""`tally verify`: re-derive everything the database holds from the signed bytes, and compare.

Always: every held bundle goes through `ballotcore.verify.verify_bundle(...)` again, and
the facts it yields (`tally.lineage.BundleFacts`: station, kiosk, event log, ballots, box
root, aggregate, counts, partials, signed results) must equal what the database stores
beside the bytes; every results QR is re-verified; the tally view is rebuilt and every
station that cannot be counted is listed. A stored value that differs from what the
signed bytes say is an **error**: `tally verify` exits 1, and the reports, which check
the same signatures when they are made, refuse to count that station.

With `full=True` every proof is checked as well (every ballot's kiosk signature and
proofs, the aggregate recomputed, every partial-decryption proof against the trustees'
Feldman commitments, the combination equal to the signed results). A bundle imported
with `--defer-proofs` becomes `verified` (and is counted) when it passes, `failed` (never
counted, station "rejected") when it does not; both are recorded as incidents.

The work runs through `tally.engine.check_stream`: in this process, local processes
(`workers`) or a Dask cluster (`dask`: a scheduler address or a Client). Findings are the
same whatever the engine: they come from the same function and are sorted.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, fields
from typing import Any

from tally import qr
from tally.db import BundleRow, TallyDB
from tally.engine import check_stream
from tally.errors import RejectedInput
from tally.importer import utc_now
from tally.lineage import BundleFacts
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
    """Verify everything held (see module docstring); return sorted findings."""
    digests = db.bundle_digests()
    if on_start is not None:
        on_start(len(digests))

    def tasks() -> Iterator[tuple[str, bytes]]:
        for digest in digests:
            yield digest, db.bundle_data(digest)

    findings: list[Finding] = []
    changes: list[tuple[BundleRow, str, str]] = []  # (row, new proofs state, reason)
    for checked in check_stream(db.record, db.authority, tasks(), full=full,
                                workers=workers, dask=dask):
        row = db.bundle_row(checked.key)
        subject = f"bundle {row.digest[:16]}"
        if checked.facts is None:
            assert checked.error is not None
            findings.append(Finding(row.village, row.station, "error", subject, checked.error))
            if row.proofs != "failed":
                changes.append((row, "failed", checked.error))
        else:
            findings.extend(Finding(row.village, row.station, "error", subject, m)
                            for m in _compare(row, checked.facts))
            if full and row.proofs == "deferred":
                changes.append((row, "verified", "every proof verified"))
            elif full and row.proofs == "failed":
                findings.append(Finding(row.village, row.station, "error", subject,
                                        "marked as failed but verifies now: the database was "
                                        "altered"))
            elif row.proofs == "deferred":
                findings.append(Finding(row.village, row.station, "warning", subject,
                                        "proofs not yet verified; run tally verify --full"))
        if on_done is not None:
            on_done()
    findings.extend(_qr_findings(db))
    if changes:
        at = utc_now()
        with db.transaction():
            for row, state, reason in changes:
                db.set_proofs(row.digest, state, "" if state == "verified" else reason)
                db.add_incident(at, "verify", row.source,
                                "verified" if state == "verified" else "rejected", reason,
                                cause="" if state == "verified" else "proofs",
                                village=row.village, station=row.station, bundle=row.digest)
    failing = {(f.village, f.station) for f in findings if f.severity == "error"}
    findings.extend(_status_findings(db, failing))
    findings = sorted(set(findings))
    engine = "dask" if dask is not None else ("in-process" if workers <= 1 else
                                              f"processes:{workers}")
    if record_run:
        with db.transaction() as conn:
            conn.execute(
                "INSERT INTO verifications (at, full, engine, findings) VALUES (?, ?, ?, ?)",
                (utc_now(), int(full), engine, json.dumps([f.to_dict() for f in findings])),
            )
    return findings


def _compare(row: BundleRow, derived: BundleFacts) -> list[str]:
    """Every stored fact that differs from what the bundle bytes say."""
    stored = (row.digest, row.village, row.station, row.kiosk_id)
    if stored != (derived.digest, derived.village, derived.station, derived.kiosk_id):
        return [f"stored identity {stored[1]}/{stored[2]} kiosk {stored[3]} digest "
                f"{stored[0][:16]} differs from the bundle bytes ({derived.village}/"
                f"{derived.station} kiosk {derived.kiosk_id} digest {derived.digest[:16]}): "
                "the database was altered"]
    wrong = [f.name for f in fields(BundleFacts)
             if getattr(row.facts, f.name) != getattr(derived, f.name)]
    if wrong:
        return [f"stored {', '.join(wrong)} differ from the bundle bytes: the database was "
                "altered"]
    return []


def _qr_findings(db: TallyDB) -> list[Finding]:
    findings: list[Finding] = []
    for row in db.qr_results():
        try:
            result = qr.verify_results_qr(row.envelope, db.record)
        except RejectedInput as exc:
            findings.append(
                Finding(row.village, row.station, "error", f"qr {row.digest[:16]}", exc.reason)
            )
            continue
        r = result.results
        if (result.digest, r.village, r.station, r.kiosk_id) != (
            row.digest, row.village, row.station, row.kiosk_id
        ):
            findings.append(Finding(row.village, row.station, "error", f"qr {row.digest[:16]}",
                                    "stored QR identity differs from its signed record: the "
                                    "database was altered"))
    return findings


def _status_findings(db: TallyDB, failing: set[tuple[str, str]]) -> list[Finding]:
    """Every station that is not simply counted, from the tally view (a station whose
    failed proofs this run already reported as an error is not listed twice)."""
    findings: list[Finding] = []
    for v in build_view(db).villages:
        for s in v.stations:
            if s.status == "complete":
                continue
            if s.status == "rejected" and s.cause == "proofs" and (v.code, s.code) in failing:
                continue
            severity = "error" if s.status == "rejected" and s.cause in ("database", "proofs") \
                else "warning"
            if s.status == "missing" and not s.notes:
                findings.append(Finding(v.code, s.code, "warning", "missing",
                                        "no bundle or results QR yet"))
            findings.extend(Finding(v.code, s.code, severity, s.status, n) for n in s.notes)
        if v.ballots > v.dpt:
            findings.append(Finding(v.code, "", "warning", "turnout",
                                    f"{v.ballots} ballots exceed the village DPT of {v.dpt}"))
    return findings
