"""Logs never carry a voter's choice, a tracking code or a scanned payload."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from hardware.document import PaperWidth
from hardware.printer import PrintCompleted, PrintJob, SerialPrinter
from hardware.receipts import TakeHomeSlip, VoterRecord
from hardware.scanner import ScannerState, SerialScanner
from hardware.sim.printer_sim import PrinterSimulator
from hardware.sim.scanner_sim import ScannerSimulator

from .conftest import Collector

SECRETS = ("Zulkarnaen Wibisono", "ZULKARNAEN", "TRK-SECRET-7731", "trustee-share-9f8e7d")


def _logged_text(records: list[logging.LogRecord]) -> str:
    return "\n".join(f"{r.getMessage()} {r.__dict__!r}" for r in records)


def test_printing_and_scanning_log_no_content(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    record = VoterRecord("Sukamaju", "TPS 03", 7, "Zulkarnaen Wibisono")
    with PrinterSimulator(tmp_path) as sim, SerialPrinter(sim.path) as printer:
        assert isinstance(printer.print_job(PrintJob.of(record, PaperWidth.MM58)), PrintCompleted)
        sim.paper_out_after(100)
        printer.print_job(
            PrintJob.of(TakeHomeSlip("TRK-SECRET-7731", "Balai Desa"), PaperWidth.MM58)
        )
        sim.wait_for_receipts(1)
    payloads = Collector()
    with ScannerSimulator() as scanner_sim, SerialScanner(scanner_sim.path, payloads) as reader:
        assert reader.wait_for(ScannerState.CONNECTED, 5)
        scanner_sim.emit("trustee-share-9f8e7d")
        scanner_sim.emit_bytes(b"trustee-share-9f8e7d\x07\r\n")  # rejected as garbage
        scanner_sim.emit("x" * 5000 + "trustee-share-9f8e7d")  # rejected as oversize
        scanner_sim.emit("end")
        payloads.wait(2)
    assert len(reader.rejections) == 2
    logged = _logged_text(caplog.records)
    assert "print job" in logged and "scanner ignored" in logged  # we did capture logs
    for secret in SECRETS:
        assert secret not in logged
