"""Tally reports as data: JSON and CSV renderings of `tally.model.TallyView`.

Both are deterministic functions of the view (no generation time inside), so the same
bundles give byte-identical reports whatever order they were imported in. The HTML and
PDF reports (`tally.report_html`, `tally.report_pdf`) render the same dictionary. A
station with a voter list has its four poll-book counts under "pollbook" (JSON), in the
last CSV columns, and anomalies among them in its notes (`tally.pollbook`). The
officials' hand count of the audit box is under "paper_count" (`tally.paper`) and, as
their attributed statement with any difference, in the notes every format prints.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from suaradesa.i18n import N_, _
from tally.model import PROBLEMS, StationView, TallyView, VillageView
from tally.pollbook import CSV_COLUMNS as POLLBOOK_COLUMNS
from tally.pollbook import pollbook_csv, pollbook_dict


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


def pct_text(value: float | None, digits: int = 2) -> str:
    """A percentage for a document: "-" when there is nothing counted to divide."""
    return "-" if value is None else f"{value:.{digits}f}%"


#: Why a delivery was refused, for officials (Indonesian / English).
CAUSE_TEXT = {
    "signature": "tanda tangan tidak sah / invalid signature",
    "verification": "verifikasi gagal / verification failed",
    "malformed": "berkas rusak / corrupt file",
    "test-mode": "mode uji / test mode",
    "replay": "ekspor lama / older export",
    "proofs": "bukti kriptografis tidak sah / proofs do not verify",
    "database": "basis data tally diubah / tally database altered",
    "file": "berkas tidak sah / invalid file",
    "qr": "QR tidak sah / invalid QR",
}


def station_dict(s: StationView) -> dict[str, Any]:
    return {
        "code": s.code,
        "dpt": s.dpt,
        "status": s.status,
        "source": s.source,
        "counted": s.counted,
        "votes": None if s.votes is None else list(s.votes),
        "ballots": s.ballots,
        "activations": s.activations,
        "voided": s.voided,
        "turnout_percent": _pct(s.ballots, s.dpt) if s.counted else None,
        "kiosk_id": s.kiosk_id,
        "bundle": s.bundle,
        "held_bundles": [
            {"digest": h.digest, "kiosk_id": h.kiosk_id, "ballots": h.ballots,
             "exported_at": h.exported_at, "proofs": h.proofs, "state": h.state,
             "differs": list(h.differs)}
            for h in s.held
        ],
        "notes": list(s.notes),
        "cause": s.cause,
        "resolve_command": s.resolve,
        "pollbook": pollbook_dict(s.pollbook),
        "exported_at": s.exported_at,
        "dpt_male": s.dpt_male,
        "dpt_female": s.dpt_female,
        "dptb": s.dptb,
        "paper_count": None if s.paper is None else s.paper.to_dict(),
    }


def _sum_or_none(stations: list[dict[str, Any]], key: str) -> int | None:
    """A village total of an optional definition field: None unless every station has it."""
    values = [s[key] for s in stations]
    return None if any(x is None for x in values) else sum(values)


def village_dict(v: VillageView) -> dict[str, Any]:
    total = sum(v.votes)
    stations = [station_dict(s) for s in v.stations]
    exports = [s.exported_at for s in v.stations if s.exported_at]
    return {
        "code": v.code,
        "name": v.name,
        "district": v.district,
        "dpt": v.dpt,
        "ballots": v.ballots,
        "turnout_percent": v.turnout,
        "dpt_reporting": v.dpt_reporting,
        "turnout_reporting_percent": v.turnout_reporting,
        "dpt_male": _sum_or_none(stations, "dpt_male"),
        "dpt_female": _sum_or_none(stations, "dpt_female"),
        "dptb": _sum_or_none(stations, "dptb"),
        "last_export": max(exports) if exports else "",
        "committee": [{"name": n, "role": r, "signs": signs} for n, r, signs in v.committee],
        "status": list(v.status),
        "winner": v.winner,
        "tie": v.tie,
        "leading": list(v.leading),
        "candidates": [
            {"number": num, "name": name, "votes": votes, "percent": _pct(votes, total)}
            for (num, name), votes in zip(v.candidates, v.votes, strict=True)
        ],
        "stations": stations,
    }


def to_dict(view: TallyView) -> dict[str, Any]:
    """The whole report as plain data (the JSON report)."""
    return {
        "report": "suaradesa-tally",
        "version": 1,
        "election": {
            "election_id": view.election_id,
            "name": view.name,
            "date": view.date,
            "regency": view.regency,
            "authority": view.authority,
            "record_digest": view.record_digest,
            "time_zone": view.time_zone,
        },
        "summary": view.summary(),
        "villages": [village_dict(v) for v in view.villages],
        "problems": [
            {"village": v.code, "station": s.code, "status": s.status, "cause": s.cause,
             "notes": list(s.notes), "resolve_command": s.resolve,
             "held_bundles": station_dict(s)["held_bundles"] if s.status == "conflict" else []}
            for v in view.villages for s in v.stations if s.status in PROBLEMS
        ],
        "resolutions": list(view.resolutions),
        "incidents": list(view.incidents),
    }


def to_json(view: TallyView) -> str:
    return json.dumps(to_dict(view), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


#: CSV header names (msgids of the officials' catalog: `--lang id` writes kode_desa, ...;
#: `--lang en` these names, for programs that read the file).
CSV_COLUMNS = (
    "village_code", "village_name", "district", "station", "status", "dpt", "ballots",
    "turnout_percent", "candidate_number", "candidate_name", "votes", "result",
    *POLLBOOK_COLUMNS,
)
#: The `result` column's words, also from the catalog.
CSV_RESULTS = (N_("winner"), N_("tie"), N_("leading"))


def to_csv(view: TallyView) -> str:
    """Long format: one row per village (station "JUMLAH") or station, and candidate."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([_(c) for c in CSV_COLUMNS])
    for v in view.villages:
        for (num, name), votes in zip(v.candidates, v.votes, strict=True):
            if v.winner == num:
                result = _("winner")
            elif v.tie and num in v.leading:
                result = _("tie")
            elif num in v.leading:
                result = _("leading")
            else:
                result = ""
            writer.writerow([v.code, v.name, v.district, "JUMLAH", "+".join(v.status), v.dpt,
                             v.ballots, "" if v.turnout is None else v.turnout, num, name,
                             votes, result, *pollbook_csv(None)])
        for s in v.stations:
            for i, (num, name) in enumerate(v.candidates):
                writer.writerow([
                    v.code, v.name, v.district, s.code, s.status, s.dpt, s.ballots,
                    _pct(s.ballots, s.dpt), num, name,
                    "" if s.votes is None else s.votes[i], "",
                    *pollbook_csv(pollbook_dict(s.pollbook)),
                ])
    return out.getvalue()
