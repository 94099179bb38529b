"""Done-when of issue 15: a station cannot give more ballots than checked-in voters
without it showing on its close report and in the tally.

The kiosk's check-in gate is removed (a changed program: `checkin_count` patched), so
it activates three ballots on one check-in. The bundle still verifies (its counts agree
with its own signed log), the close report flags it, and the tally makes the station an
anomaly whose numbers appear in the JSON, CSV, HTML and PDF reports; an honest station
with a list (positive control) is complete with its counts shown and no anomaly.
"""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

import pytest

from hardware.receipts import CloseSummary
from kiosk.devices import MemoryContentPrinter
from kiosk.engine import KioskEngine
from provisioning.testing import ElectionFixture
from tally.db import TallyDB
from tally.importer import import_paths
from tally.model import build_view
from tally.report import to_csv, to_dict
from tally.report_html import to_html
from tally.report_pdf import to_pdf
from tests.kiosk.helpers import add_trustees, officer_pins, vote
from tests.kiosk.voters import pollbook_engine, voters_for
from tests.programs import require_program

FINDING = "3 ballots but only 1 voters checked in"


def _day(e: KioskEngine, fx: ElectionFixture, usb: Path, paper: int) -> Path:
    pin = officer_pins(fx)[0]
    usb.mkdir()
    e.close_polls(pin, paper_records=paper)
    add_trustees(e, fx, [1, 2, 3])
    e.compute_results()
    return e.export(usb).path


def _tally(fx: ElectionFixture, bundle: Path, tmp_path: Path) -> dict[str, object]:
    db = TallyDB.open(tmp_path / "tally.sqlite", fx.election_json.read_bytes(),
                      fx.authority_id)
    try:
        import_paths(db, [bundle])
        view = build_view(db)
    finally:
        db.close()
    (station,) = [s for v in view.villages for s in v.stations if s.bundle]
    return {"station": station, "json": to_dict(view), "csv": to_csv(view),
            "html": to_html(view), "pdf": to_pdf(view)}


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    pdftotext = require_program("pdftotext", "poppler-utils")
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    return " ".join(subprocess.run([pdftotext, str(path), "-"], capture_output=True,
                                   text=True, check=True, timeout=60).stdout.split())


def test_more_ballots_than_checkins_is_an_anomaly_everywhere(
        election3: ElectionFixture, data_dir: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    printer = MemoryContentPrinter()
    e = pollbook_engine(election3, data_dir, voters_for(election3, 30), printer=printer)
    pin = officer_pins(election3)[1]
    e.check_in(1)
    assert e.store is not None
    monkeypatch.setattr(e.store, "checkin_count", lambda: 10**6)  # the gate removed
    for n in (1, 2, 2):
        vote(e, pin, n)
    bundle = _day(e, election3, tmp_path / "usb", paper=3)
    report = [d for d in printer.printed if isinstance(d, CloseSummary)][-1]
    assert report.pollbook is not None and any(FINDING in f for f in report.pollbook.findings)
    assert any(FINDING in f for f in e.status().pollbook_findings)
    out = _tally(election3, bundle, tmp_path)
    station = out["station"]
    assert station.status == "anomaly" and station.counted  # type: ignore[attr-defined]
    assert any(FINDING in n for n in station.notes)  # type: ignore[attr-defined]
    data = out["json"]
    assert isinstance(data, dict)
    (problem,) = data["problems"]
    assert problem["status"] == "anomaly" and any(FINDING in n for n in problem["notes"])
    book = [s for v in data["villages"] for s in v["stations"] if s["pollbook"]][0]["pollbook"]
    assert (book["checkins"], book["activations"], book["ballots"], book["paper_records"]) == (
        1, 3, 3, 3)
    assert {a["code"] for a in book["anomalies"]} == {"ballots_over_checkins",
                                                      "activations_over_checkins"}
    rows = [r for r in csv.DictReader(io.StringIO(str(out["csv"]))) if r["checkins"]]
    assert rows and all(r["status"] == "anomaly" and r["checkins"] == "1"
                        and r["paper_records"] == "3" and FINDING in r["pollbook_anomalies"]
                        for r in rows)
    assert FINDING in str(out["html"]) and "checked in 1 (L" in str(out["html"])
    text = _pdf_text(out["pdf"], tmp_path)  # type: ignore[arg-type]
    assert FINDING in text and "paper records 3" in text


def test_honest_station_with_a_list_is_complete(election3: ElectionFixture, data_dir: Path,
                                                tmp_path: Path) -> None:
    e = pollbook_engine(election3, data_dir, voters_for(election3, 30))
    pin = officer_pins(election3)[1]
    for dpt, n in ((4, 1), (8, 2)):
        e.check_in(dpt)
        vote(e, pin, n)
    out = _tally(election3, _day(e, election3, tmp_path / "usb", paper=2), tmp_path)
    station = out["station"]
    assert station.status == "complete"  # type: ignore[attr-defined]
    assert station.pollbook is not None and not station.pollbook.anomalies  # type: ignore[attr-defined]
    assert (station.pollbook.checkins, station.pollbook.paper_records) == (2, 2)  # type: ignore[attr-defined]
    assert "checked in 2 (L" in str(out["html"]) and "ballots but only" not in str(out["html"])
