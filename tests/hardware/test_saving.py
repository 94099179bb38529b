"""`SavingPrinter`: what `kiosk run --simulate-hardware` prints lands in a folder as the
printer simulator renders it (PNG one dot per pixel, and text), QR codes decodable."""

from __future__ import annotations

from pathlib import Path

import zxingcpp
from PIL import Image

from hardware import samples
from hardware.document import PaperWidth
from hardware.printer import PrintCompleted, PrintFailed, PrintJob
from hardware.qrparts import join_qr_parts
from hardware.sim.saving import SavingPrinter
from hardware.status import PrinterFault


def test_each_completed_receipt_is_saved_as_png_and_text(tmp_path: Path) -> None:
    printer = SavingPrinter(tmp_path / "struk")
    for content in (samples.voter_record(), samples.results_report()):
        assert isinstance(printer.print_job(PrintJob.of(content, PaperWidth.MM58)),
                          PrintCompleted)
    names = sorted(p.name for p in (tmp_path / "struk").iterdir())
    assert names == ["receipt-0001-voter-record.png", "receipt-0001-voter-record.txt",
                     "receipt-0002-results-report.png", "receipt-0002-results-report.txt"]
    assert "SITI AMINAH" in (tmp_path / "struk" / names[1]).read_text(encoding="utf-8")
    with Image.open(printer.saved[1]) as image:
        assert image.width == PaperWidth.MM58.dots
        codes = zxingcpp.read_barcodes(image.convert("L"))
    codes.sort(key=lambda c: c.position.top_left.y)
    assert join_qr_parts([c.text for c in codes]) == samples.results_report().signed_results


def test_a_restarted_printer_numbers_after_the_saved_ones(tmp_path: Path) -> None:
    SavingPrinter(tmp_path).print_job(PrintJob.of(samples.take_home_slip(), PaperWidth.MM58))
    again = SavingPrinter(tmp_path)
    job = PrintJob.of(samples.take_home_slip(), PaperWidth.MM58)
    again.print_job(job)
    again.print_job(job.reprint())
    assert [p.name for p in again.saved] == ["receipt-0002-take-home-slip.png",
                                             "receipt-0003-take-home-slip.png"]
    assert "CETAK ULANG" in again.saved[1].with_suffix(".txt").read_text(encoding="utf-8")


def test_a_failed_job_saves_nothing(tmp_path: Path) -> None:
    printer = SavingPrinter(tmp_path)
    printer.fail_next(PrinterFault.PAPER_OUT)
    outcome = printer.print_job(PrintJob.of(samples.take_home_slip(), PaperWidth.MM58))
    assert isinstance(outcome, PrintFailed)
    assert list(tmp_path.iterdir()) == [] and printer.saved == []
