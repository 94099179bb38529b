"""Tally reports as data: JSON and CSV renderings of `tally.model.TallyView`.

Both are deterministic functions of the view (no generation time inside), so the same
bundles give byte-identical reports whatever order they were imported in. The HTML and
PDF reports (`tally.report_html`, `tally.report_pdf`) render the same dictionary.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from tally.model import StationView, TallyView, VillageView


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


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
        "turnout_percent": _pct(s.ballots, s.dpt),
        "kiosk_id": s.kiosk_id,
        "bundle": s.bundle,
        "held_bundles": list(s.held),
        "notes": list(s.notes),
    }


def village_dict(v: VillageView) -> dict[str, Any]:
    total = sum(v.votes)
    return {
        "code": v.code,
        "name": v.name,
        "district": v.district,
        "dpt": v.dpt,
        "ballots": v.ballots,
        "turnout_percent": v.turnout,
        "status": list(v.status),
        "winner": v.winner,
        "tie": v.tie,
        "leading": list(v.leading),
        "candidates": [
            {"number": num, "name": name, "votes": votes, "percent": _pct(votes, total)}
            for (num, name), votes in zip(v.candidates, v.votes, strict=True)
        ],
        "stations": [station_dict(s) for s in v.stations],
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
        },
        "summary": view.summary(),
        "villages": [village_dict(v) for v in view.villages],
        "resolutions": list(view.resolutions),
    }


def to_json(view: TallyView) -> str:
    return json.dumps(to_dict(view), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


CSV_COLUMNS = (
    "village_code", "village_name", "district", "station", "status", "dpt", "ballots",
    "turnout_percent", "candidate_number", "candidate_name", "votes", "result",
)


def to_csv(view: TallyView) -> str:
    """Long format: one row per village (station "JUMLAH") or station, and candidate."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for v in view.villages:
        for (num, name), votes in zip(v.candidates, v.votes, strict=True):
            if v.winner == num:
                result = "winner"
            elif v.tie and num in v.leading:
                result = "tie"
            elif num in v.leading:
                result = "leading"
            else:
                result = ""
            writer.writerow([v.code, v.name, v.district, "JUMLAH", "+".join(v.status), v.dpt,
                             v.ballots, v.turnout, num, name, votes, result])
        for s in v.stations:
            for i, (num, name) in enumerate(v.candidates):
                writer.writerow([
                    v.code, v.name, v.district, s.code, s.status, s.dpt, s.ballots,
                    _pct(s.ballots, s.dpt), num, name,
                    "" if s.votes is None else s.votes[i], "",
                ])
    return out.getvalue()
