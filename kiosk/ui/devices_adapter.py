"""Adapters from the `hardware` drivers to the engine's device Protocols (kiosk.devices).

The hardware package's printer takes `PrintJob`s and returns a `PrintOutcome`; its scanner
pushes payloads through a callback. The engine wants `print_receipt(content) -> status`
and `read(timeout) -> text | None`. These two classes bridge that and nothing more.
(They belong in kiosk/devices.py; they live here until the engine adopts them.)
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from typing import Any

from hardware.document import PaperWidth
from hardware.printer import PrintJob
from hardware.receipts import ReceiptContent
from hardware.scanner import ScannerState
from hardware.status import PrinterStatus


class PrinterAdapter:
    """A hardware `ReceiptPrinter` (SerialPrinter, MemoryPrinter) as a kiosk.devices printer."""

    def __init__(self, printer: Any, width: PaperWidth = PaperWidth.MM58) -> None:
        self.printer = printer
        self.width = width

    def status(self) -> PrinterStatus:
        status: PrinterStatus = self.printer.status()
        return status

    def print_receipt(self, content: ReceiptContent) -> PrinterStatus:
        outcome = self.printer.print_job(PrintJob.of(content, self.width))
        status: PrinterStatus = outcome.status
        return status


class ScannerAdapter:
    """A callback-driven hardware scanner as a kiosk.devices scanner with `read(timeout)`."""

    def __init__(self, make: Callable[[Callable[[str], None]], Any]) -> None:
        self._queue: queue.Queue[str] = queue.Queue()
        self.scanner = make(self._queue.put)
        self.scanner.start()

    def status(self) -> str:
        status = self.scanner.status
        state = status().state if callable(status) else status.state
        return "ready" if state is ScannerState.CONNECTED else str(state.value)

    def read(self, timeout: float) -> str | None:
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def stop(self) -> None:
        self.scanner.stop()
