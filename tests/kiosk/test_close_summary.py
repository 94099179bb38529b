"""The close summary: printed by `close_polls` on the real ESC/POS driver and the pty
printer simulator, read back from the simulator's rendered receipt (text and PNG); its
time is the election's local time, its box root the one the results later carry; a
printer fault does not undo the close and the reprint is marked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ballotcore.results import StationResults, box_root
from ballotcore.signing import SignedRecord
from hardware import text as tx
from hardware.document import REPRINT_BANNER
from hardware.printer import SerialPrinter
from hardware.sim.printer_sim import PrinterSimulator
from kiosk.clock import FakeClock
from kiosk.devices import HardwarePrinter
from provisioning.testing import ElectionFixture
from tests.kiosk.helpers import add_trustees, officer_pins, open_engine, vote


def _start(election: ElectionFixture) -> dt.datetime:
    """00:30 UTC (07:30 WIB) on the election's day. The sample election is dated the day
    the suite runs and its kiosk certificates are valid around that day, so a fixed date
    would start failing a week after it was written."""
    day = dt.date.fromisoformat(election.package(0).public_record.definition.date)
    return dt.datetime.combine(day, dt.time(0, 30), tzinfo=dt.UTC)


def _codes(e: Any) -> list[str]:
    return [x["event"] for x in e.event_log()]


def test_close_prints_the_summary_in_local_time_with_the_box_root(
    election3: ElectionFixture, data_dir: Path, tmp_path: Path
) -> None:
    start = _start(election3)
    clock = FakeClock(start)
    with PrinterSimulator(tmp_path / "paper") as sim, SerialPrinter(sim.path) as driver:
        printer: Any = HardwarePrinter(driver)
        e = open_engine(election3, data_dir, printer=printer, clock=clock)
        pin = officer_pins(election3)[0]
        vote(e, pin, 1)
        vote(e, pin, 2)
        e.activate_ballot(pin)
        e.void_session()  # one voided session
        clock.advance(6 * 3600 + 15 * 60)  # 06:45 UTC = 13:45 WIB
        e.close_polls(pin)
        receipts = sim.wait_for_receipts(1 + 2 * 2 + 1)  # zero, 2 x (record, slip), summary
        summary = receipts[-1]
        text = summary.text
        assert "RINGKASAN\n" in text and "PENUTUPAN" in text and not summary.reprint
        assert f"{start:%d-%m-%Y} 13:45 WIB" in text  # the election's time zone, never UTC
        assert "06:45" not in text  # positive control: the UTC time is in the event log
        assert any(x["time"].endswith("06:45:00Z") for x in e.event_log())
        lines = {ln.split()[0] + " " + ln.split()[1]: ln.split()[-1]
                 for ln in text.splitlines() if len(ln.split()) >= 3}
        assert lines["Surat suara"] == "2" and lines["Aktivasi pemilih"] == "3"
        assert lines["Sesi dibatalkan"] == "1"
        assert summary.png_path.is_file() and summary.png_path.stat().st_size > 1000
        assert e.close_summary_status() == "ready"
        assert "report.close_printed" in _codes(e)
        add_trustees(e, election3, [1, 2, 3])
        view = e.compute_results()
        results = StationResults.from_bytes(SignedRecord.from_bytes(view.signed_results).record)
        grouped = tx.grouped(results.box_root.hex())
        assert grouped.split()[0] in text and grouped.split()[-1] in text
        assert grouped in " ".join(text.split())  # the whole root, wrapped lines joined
        zero = " ".join(receipts[0].text.split())
        assert "LAPORAN NOL" in zero  # the zero report shows the EMPTY root
        assert tx.grouped(box_root([]).hex()) in zero and grouped not in zero
        e.close()


def test_summary_fault_at_close_keeps_the_close_and_reprints_marked(
    election3: ElectionFixture, data_dir: Path, tmp_path: Path
) -> None:
    with PrinterSimulator(tmp_path / "paper") as sim, SerialPrinter(sim.path) as driver:
        printer: Any = HardwarePrinter(driver)
        e = open_engine(election3, data_dir, printer=printer)
        pin = officer_pins(election3)[0]
        vote(e, pin, 3)
        sim.wait_for_receipts(3)
        sim.open_cover()
        e.close_polls(pin)
        assert e.status().polls == "closed"  # the fault did not undo the close
        assert e.close_summary_status() == "cover-open"
        assert "report.close_failed" in _codes(e)
        sim.close_cover()
        assert e.print_close_summary() == "ready"
        again = sim.wait_for_receipts(4)[-1]
        assert again.reprint and again.text.lstrip().startswith(REPRINT_BANNER)
        assert "PENUTUPAN" in again.text
        assert _codes(e).count("report.close_reprinted") == 1
        e.close()
