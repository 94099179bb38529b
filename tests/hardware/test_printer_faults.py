"""One scenario per printer fault, at 10%, 50% and 90% of a job.

Each fault must be detected by a status query within FAULT_DETECTION_BUDGET (2 s),
reported as a PrintFailed value, and after the officer fixes it the job is reprinted
from the top, marked "CETAK ULANG / REPRINT", with nothing of the failed attempt
coming out after the fix.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hardware import escpos, samples
from hardware.document import REPRINT_BANNER, PaperWidth
from hardware.printer import PrintCompleted, PrintFailed, PrintJob, SerialPrinter
from hardware.sim.printer_sim import PrinterSimulator
from hardware.status import PrinterFault
from hardware.timeouts import FAULT_DETECTION_BUDGET

FIX = {
    "paper-out": (PrinterFault.PAPER_OUT, lambda sim: sim.load_paper()),
    "cover-open": (PrinterFault.COVER_OPEN, lambda sim: sim.close_cover()),
    "unplugged": (PrinterFault.DISCONNECTED, lambda sim: sim.replug()),
}


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
@pytest.mark.parametrize("kind", sorted(FIX))
def test_fault_mid_job_is_detected_reported_and_reprinted(
    tmp_path: Path, kind: str, fraction: float
) -> None:
    expected_fault, fix = FIX[kind]
    job = PrintJob.of(samples.results_report(), PaperWidth.MM58)
    total = len(escpos.render(job.document))
    with PrinterSimulator(tmp_path) as sim, SerialPrinter(sim.path) as printer:
        sim.fault_after(int(total * fraction), kind)

        failed = printer.print_job(job)

        assert isinstance(failed, PrintFailed), failed
        assert failed.status.fault is expected_fault
        (fault,) = sim.faults
        assert fault.kind == kind
        assert 0 <= failed.detected_at - fault.at < FAULT_DETECTION_BUDGET
        assert fault.bytes_printed <= total * fraction
        assert failed.bytes_sent < failed.total_bytes or kind != "unplugged"
        (torn,) = sim.wait_for_receipts(1, complete=False)
        assert not torn.complete and "TORN" in torn.text

        fix(sim)
        assert printer.wait_until_ready(timeout=5).ok
        reprinted = printer.print_job(job.reprint())

        assert isinstance(reprinted, PrintCompleted), reprinted
        receipts = sim.wait_for_receipts(1)
        assert len(receipts) == 1, "the failed attempt's tail must not print after the fix"
        (receipt,) = receipts
        assert receipt.reprint
        assert receipt.text.splitlines()[0].strip() == REPRINT_BANNER
        # From the top: the whole receipt, every QR part, after the banner.
        assert "LAPORAN HASIL" in receipt.text and "Saksi" in receipt.text
        assert len(receipt.qr_payloads) == 3


def test_printer_going_silent_mid_job_is_reported(tmp_path: Path) -> None:
    job = PrintJob.of(samples.results_report(), PaperWidth.MM58)
    with PrinterSimulator(tmp_path) as sim, SerialPrinter(sim.path) as printer:
        sim.set_responding(False)
        outcome = printer.print_job(job)
    assert isinstance(outcome, PrintFailed)
    assert outcome.status.fault is PrinterFault.NOT_RESPONDING


def test_buffered_data_would_print_after_the_fix_without_clearing(tmp_path: Path) -> None:
    """Why the driver clears the printer's buffers: a raw stream resumes after the fix."""
    data = escpos.render(
        __import__("hardware.layout", fromlist=["layout_receipt"]).layout_receipt(
            samples.voter_record(), PaperWidth.MM58
        )
    ).data
    with PrinterSimulator(tmp_path) as sim:
        sim.paper_out_after(len(data) // 2)
        with open(sim.path, "wb", buffering=0) as raw:
            raw.write(data)
            sim.wait_for_receipts(1, complete=False)
            sim.load_paper()
            (tail,) = sim.wait_for_receipts(1)
    assert "CATATAN PILIHAN" not in tail.text  # a half receipt: the bottom part only
    assert "kotak audit" in tail.text
