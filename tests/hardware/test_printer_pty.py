"""The serial printer driver against the simulator, through a real pseudo-terminal."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from hardware import samples
from hardware.document import PaperWidth
from hardware.escpos import QrMode
from hardware.printer import PrintCompleted, PrintFailed, PrintJob, SerialPrinter
from hardware.qrparts import join_qr_parts
from hardware.sim.printer_sim import PrinterSimulator
from hardware.status import READY, PrinterFault, PrinterStatus
from hardware.timeouts import STATUS_REPLY_TIMEOUT


def _decode_png(path: Path) -> list[str]:
    """Read every QR code in a rendered receipt with zxing-cpp, top to bottom."""
    with Image.open(path) as image:
        results = zxingcpp.read_barcodes(image.convert("L"))
    codes = [r for r in results if r.format == zxingcpp.BarcodeFormat.QRCode]
    codes.sort(key=lambda r: r.position.top_left.y)
    return [code.text for code in codes]


@pytest.mark.parametrize(
    ("width", "mode", "size"),
    [
        (PaperWidth.MM58, QrMode.NATIVE, 700),  # three parts
        (PaperWidth.MM58, QrMode.NATIVE, 200),  # one part
        (PaperWidth.MM80, QrMode.RASTER, 1100),  # four parts, raster fallback
    ],
)
def test_results_report_qr_survives_print_render_and_independent_decode(
    tmp_path: Path, width: PaperWidth, mode: QrMode, size: int
) -> None:
    signed = samples.sample_payload(size, b"signed results record")
    report = samples.results_report(signed)
    with (
        PrinterSimulator(tmp_path, width=width) as sim,
        SerialPrinter(sim.path, qr_mode=mode) as printer,
    ):
        outcome = printer.print_job(PrintJob.of(report, width))
        assert isinstance(outcome, PrintCompleted), outcome
        (receipt,) = sim.wait_for_receipts(1)
    assert receipt.complete and not receipt.reprint
    assert receipt.png_path.exists() and receipt.text_path.exists()
    with Image.open(receipt.png_path) as image:
        assert image.width == width.dots
    decoded = _decode_png(receipt.png_path)
    assert len(decoded) == -(-size // 321)
    assert join_qr_parts(decoded) == signed
    assert "LAPORAN HASIL" in receipt.text and "Siti Aminah" in receipt.text


def test_every_receipt_type_prints(printer_sim: PrinterSimulator, printer: SerialPrinter) -> None:
    for name, content in sorted(samples.SAMPLES.items()):
        outcome = printer.print_job(PrintJob.of(content, PaperWidth.MM58))
        assert isinstance(outcome, PrintCompleted), (name, outcome)
    receipts = printer_sim.wait_for_receipts(len(samples.SAMPLES))
    assert [r.number for r in receipts] == list(range(1, len(samples.SAMPLES) + 1))
    texts = {name: r.text for name, r in zip(sorted(samples.SAMPLES), receipts, strict=True)}
    assert "LAPORAN HASIL" in texts["results"]
    assert "KODE PELACAKAN" in texts["slip"]
    assert "TIDAK DIHITUNG" in texts["challenge"]


def test_completed_means_printed_to_the_cut(
    printer_sim: PrinterSimulator, printer: SerialPrinter
) -> None:
    outcome = printer.print_job(PrintJob.of(samples.voter_record(), PaperWidth.MM58))
    assert isinstance(outcome, PrintCompleted)
    # GS r 1 was answered only after the cut, so the job's bytes are all printed.
    assert printer_sim.bytes_printed >= outcome.bytes_sent


def test_status_values(printer_sim: PrinterSimulator, printer: SerialPrinter) -> None:
    assert printer.status() == READY
    printer_sim.set_paper_near_end(True)
    assert printer.status() == PrinterStatus(paper_near_end=True)
    printer_sim.open_cover()
    assert printer.status().fault is PrinterFault.COVER_OPEN
    printer_sim.close_cover()
    printer_sim.set_paper_out(True)
    assert printer.status().fault is PrinterFault.PAPER_OUT
    printer_sim.load_paper()
    printer_sim.set_paper_near_end(False)
    assert printer.status() == READY


def test_a_silent_printer_is_not_responding(
    printer_sim: PrinterSimulator, printer: SerialPrinter
) -> None:
    """The driver gives up after its reply timeout, not later: the allowance above the
    timeout is a generous multiple of a status round trip measured here, through the same
    pty under the same load (a fixed 2 s limit was at the mercy of machine load)."""
    round_trips = []
    for _ in range(5):
        started = time.perf_counter()
        assert printer.status() == READY
        round_trips.append(time.perf_counter() - started)
    reference = max(round_trips)
    printer_sim.set_responding(False)
    started = time.perf_counter()
    assert printer.status().fault is PrinterFault.NOT_RESPONDING
    elapsed = time.perf_counter() - started
    assert STATUS_REPLY_TIMEOUT <= elapsed, elapsed  # it did wait for a reply
    assert elapsed < 1.5 * STATUS_REPLY_TIMEOUT + 50 * reference, (elapsed, reference)
    printer_sim.set_responding(True)
    assert printer.status() == READY


def test_an_absent_printer_is_disconnected_not_an_exception(tmp_path: Path) -> None:
    with SerialPrinter(str(tmp_path / "no-such-tty")) as printer:
        assert printer.status().fault is PrinterFault.DISCONNECTED
        outcome = printer.print_job(PrintJob.of(samples.take_home_slip(), PaperWidth.MM58))
    assert isinstance(outcome, PrintFailed)
    assert outcome.status.fault is PrinterFault.DISCONNECTED and outcome.bytes_sent == 0


def test_printing_does_not_start_on_a_fault(
    printer_sim: PrinterSimulator, printer: SerialPrinter
) -> None:
    printer_sim.open_cover()
    outcome = printer.print_job(PrintJob.of(samples.take_home_slip(), PaperWidth.MM58))
    assert isinstance(outcome, PrintFailed) and outcome.bytes_sent == 0
    assert outcome.status.fault is PrinterFault.COVER_OPEN
    assert printer_sim.bytes_printed == 0


def test_replugged_printer_comes_back(
    printer_sim: PrinterSimulator, printer: SerialPrinter
) -> None:
    assert printer.status() == READY
    printer_sim.unplug()
    assert printer.status().fault is PrinterFault.DISCONNECTED
    printer_sim.replug()
    assert printer.status() == READY
    outcome = printer.print_job(PrintJob.of(samples.take_home_slip(), PaperWidth.MM58))
    assert isinstance(outcome, PrintCompleted)


def test_wait_until_ready_polls_until_the_fault_clears(
    printer_sim: PrinterSimulator, printer: SerialPrinter
) -> None:
    printer_sim.set_paper_out(True)
    polls: list[float] = []

    def sleep(seconds: float) -> None:
        polls.append(seconds)
        if len(polls) == 3:
            printer_sim.load_paper()  # the officer loads a roll during the third wait

    assert printer.wait_until_ready(timeout=10, sleep=sleep) == READY
    assert len(polls) == 3


def test_wait_until_ready_gives_up_with_the_last_status(
    printer_sim: PrinterSimulator, printer: SerialPrinter
) -> None:
    printer_sim.open_cover()
    status = printer.wait_until_ready(timeout=0.3, poll=0.05)
    assert status.fault is PrinterFault.COVER_OPEN
