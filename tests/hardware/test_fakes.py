"""The in-memory printer and scanner the kiosk's unit tests can use."""

from __future__ import annotations

from hardware import samples
from hardware.document import PaperWidth
from hardware.fakes import ManualScanner, MemoryPrinter
from hardware.printer import PrintCompleted, PrintFailed, PrintJob, ReceiptPrinter
from hardware.scanner import QrScanner, ScannerState, ScannerStatus
from hardware.status import READY, PrinterFault


def test_memory_printer_scripts_a_fault_and_a_reprint() -> None:
    printer: ReceiptPrinter = MemoryPrinter()
    assert isinstance(printer, MemoryPrinter)
    job = PrintJob.of(samples.voter_record(), PaperWidth.MM58)
    printer.fail_next(PrinterFault.PAPER_OUT, fraction=0.9)
    failed = printer.print_job(job)
    assert isinstance(failed, PrintFailed) and failed.status.fault is PrinterFault.PAPER_OUT
    assert 0 < failed.bytes_sent < failed.total_bytes
    assert printer.status().fault is PrinterFault.PAPER_OUT
    assert isinstance(printer.print_job(job.reprint()), PrintFailed)  # still out of paper
    printer.set_status(READY)
    done = printer.print_job(job.reprint())
    assert isinstance(done, PrintCompleted)
    assert [j.attempt for j in printer.completed] == [2]
    assert printer.completed[0].printed_document.is_reprint


def test_manual_scanner_delivers_only_when_connected() -> None:
    got: list[str] = []
    statuses: list[ScannerStatus] = []
    scanner: QrScanner = ManualScanner(got.append, statuses.append)
    assert isinstance(scanner, ManualScanner)
    scanner.scan("ignored: not started")
    scanner.start()
    scanner.scan("one")
    scanner.unplug()
    scanner.scan("lost")
    scanner.replug()
    scanner.scan("two")
    scanner.stop()
    assert got == ["one", "two"]
    assert [s.state for s in statuses] == [
        ScannerState.CONNECTED,
        ScannerState.DISCONNECTED,
        ScannerState.CONNECTED,
        ScannerState.STOPPED,
    ]
