"""Reprints: the results report (states results/exported) and voter receipts after a fault,
through the hardware job's `reprint()` ("CETAK ULANG / REPRINT")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hardware import fakes, receipts
from hardware.document import REPRINT_BANNER
from hardware.status import PrinterFault, PrinterStatus
from kiosk.devices import HardwarePrinter, MemoryContentPrinter
from kiosk.engine import KioskEngine
from kiosk.errors import TransitionRefused
from provisioning.testing import ElectionFixture
from tests.kiosk.helpers import add_trustees, custom_election, officer_pins, open_engine, vote


def _codes(e: KioskEngine) -> list[str]:
    return [x["event"] for x in e.event_log()]


def test_results_report_reprint_in_results_and_exported(
    election3: ElectionFixture, data_dir: Path, tmp_path: Path
) -> None:
    hw = fakes.MemoryPrinter()
    e = open_engine(election3, data_dir, printer=HardwarePrinter(hw))
    pin = officer_pins(election3)[0]
    vote(e, pin, 2)
    e.close_polls(pin)
    with pytest.raises(TransitionRefused):
        e.reprint_results()  # closed: nothing to reprint yet
    add_trustees(e, election3, [1, 2, 3])
    first = e.compute_results()
    original = hw.completed[-1]
    assert original.document.kind == "results-report" and not original.printed_document.is_reprint
    again = e.reprint_results()
    assert again.report_status == "ready" and again.signed_results == first.signed_results
    job = hw.completed[-1]
    assert job.job_id == original.job_id and job.attempt == 2  # the same job, reprinted
    assert job.printed_document.is_reprint
    assert REPRINT_BANNER in job.printed_document.plain_text()
    assert job.document == original.document  # same content, same time: only the banner
    assert _codes(e).count("report.results_reprinted") == 1
    usb = tmp_path / "usb"
    usb.mkdir()
    e.export(usb)
    hw.fail_next(PrinterFault.PAPER_OUT)
    failed = e.reprint_results()  # exported: still allowed; a failure is a value
    assert failed.report_status == "paper-out"
    assert "report.results_reprint_failed" in _codes(e)
    hw.set_status(PrinterStatus())
    assert e.reprint_results().report_status == "ready"
    assert e.status().polls == "exported"


def test_results_reprint_on_memory_printer_is_marked(
    election3: ElectionFixture, data_dir: Path
) -> None:
    printer = MemoryContentPrinter()
    e = open_engine(election3, data_dir, printer=printer)
    pin = officer_pins(election3)[0]
    vote(e, pin, 1)
    e.close_polls(pin)
    add_trustees(e, election3, [2, 4, 5])
    e.compute_results()
    e.reprint_results()
    report = printer.printed[-1]
    assert isinstance(report, receipts.ResultsReport)
    assert printer.printed[-1] == printer.printed[-2]
    # the station's record: its DPT, official mode, and the election's local time
    assert report.dpt >= 1 and report.test_mode is False
    assert report.closed_at.tzname() == "WIB"  # the sample's Banyuasin definition
    assert printer.reprints[-2:] == [False, True]


def test_results_report_is_in_the_definitions_time_zone(tmp_path: Path, data_dir: Path) -> None:
    """The printed results report closes in the election's local time: WITA for a
    definition that says so, at the same instant as the signed UTC event (positive
    control: the WIB election above prints WIB)."""
    fx = custom_election(tmp_path / "wita", ["Ani", "Budi"], 50, time_zone="WITA")
    printer = MemoryContentPrinter()
    e = open_engine(fx, data_dir, printer=printer)
    pin = officer_pins(fx)[0]
    vote(e, pin, 1)
    e.close_polls(pin)
    add_trustees(e, fx, [1, 2, 3])
    e.compute_results()
    report = printer.printed[-1]
    assert isinstance(report, receipts.ResultsReport)
    assert report.closed_at.tzname() == "WITA"
    assert report.closed_at.utcoffset() == dt.timedelta(hours=8)
    computed = next(x for x in e.event_log() if x["event"] == "results.computed")
    assert report.closed_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") == computed["time"]
    assert [(c.number, c.name) for c in report.candidates] == [(1, "Ani"), (2, "Budi")]
