"""The engine on the real ESC/POS driver and the pty printer simulator (hardware package):
a paper-out in the middle of a voter record, then a retry prints `job.reprint()` of the
SAME job, under the "CETAK ULANG / REPRINT" banner; the ballot is stored once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hardware.document import REPRINT_BANNER
from hardware.printer import PrintJob, PrintOutcome, SerialPrinter
from hardware.sim.printer_sim import PrinterSimulator
from hardware.status import PrinterStatus
from kiosk.devices import HardwarePrinter
from provisioning.testing import ElectionFixture
from tests.kiosk.helpers import officer_pins, open_engine


class Spy:
    """Passes everything to the driver and remembers the jobs it was given."""

    def __init__(self, driver: SerialPrinter) -> None:
        self.driver = driver
        self.jobs: list[PrintJob] = []

    def status(self) -> PrinterStatus:
        return self.driver.status()

    def print_job(self, job: PrintJob) -> PrintOutcome:
        self.jobs.append(job)
        return self.driver.print_job(job)

    def close(self) -> None:
        self.driver.close()


def test_retry_after_paper_out_reprints_the_same_job(
    election3: ElectionFixture, data_dir: Path, tmp_path: Path
) -> None:
    with PrinterSimulator(tmp_path / "paper") as sim, SerialPrinter(sim.path) as driver:
        spy = Spy(driver)
        printer: Any = HardwarePrinter(spy)
        e = open_engine(election3, data_dir, printer=printer)
        sim.wait_for_receipts(1)  # the zero report
        pin = officer_pins(election3)[0]
        e.activate_ballot(pin)
        e.select(2)
        e.review()
        sim.paper_out_after(60)  # in the middle of the voter record
        receipt = e.cast()
        assert not receipt.printed and receipt.voter_record_status == "paper-out"
        assert e.status().ballots == 1
        record_job = spy.jobs[1]
        assert record_job.document.kind == "voter-record"
        sim.load_paper()
        again = e.reprint_receipts()
        assert again.printed and again.tracking_code == receipt.tracking_code
        e.confirm_cast()
        assert e.status().ballots == 1
        reprinted = [j for j in spy.jobs[3:] if j.document.kind == "voter-record"]
        assert len(reprinted) == 1
        assert reprinted[0].job_id == record_job.job_id and reprinted[0].attempt == 2
        done = sim.wait_for_receipts(3)  # zero report, reprinted record, reprinted slip
        torn = [r for r in sim.receipts if not r.complete]
        assert len(torn) == 1 and receipt.tracking_code not in torn[0].text
        assert not done[0].reprint and "LAPORAN NOL" in done[0].text
        record, slip = done[1], done[2]
        assert "CATATAN PILIHAN" in record.text and "BUDI" in record.text
        assert "KODE PELACAKAN" in slip.text
        for paper in (record, slip):
            assert paper.reprint and paper.text.lstrip().startswith(REPRINT_BANNER)
        assert receipt.tracking_code in slip.text  # positive control for the next line
        assert receipt.tracking_code not in record.text  # the audit box record never links


def test_hardware_scanner_read_waits_for_a_scan() -> None:
    import threading

    from hardware.fakes import ManualScanner
    from kiosk.devices import HardwareScanner

    assert HardwareScanner().status() == "absent"
    adapter = HardwareScanner.started(ManualScanner)
    assert adapter.status() == "ready" and adapter.read(0) is None
    threading.Timer(0.2, adapter.scanner.scan, ["SDQR1 card"]).start()
    assert adapter.read(5.0) == "SDQR1 card"  # arrives while read() waits
    adapter.scanner.unplug()
    assert adapter.status() == "disconnected"
    adapter.stop()
