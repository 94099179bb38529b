"""In-memory stand-ins for the printer and scanner, for tests of code that uses them.

They implement `ReceiptPrinter` and `QrScanner` without a pty or thread, so the kiosk
engine's unit tests can run fast and script faults directly. For tests of the byte
level, use the simulators in `hardware.sim` with the real drivers instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Self

from hardware import escpos
from hardware.printer import PrintCompleted, PrintFailed, PrintJob, PrintOutcome
from hardware.scanner import ScannerState, ScannerStatus
from hardware.status import READY, PrinterFault, PrinterStatus


class MemoryPrinter:
    """A `ReceiptPrinter` that records jobs; `fail_next()` scripts a fault."""

    def __init__(self, clock: Callable[[], float] = lambda: 0.0) -> None:
        self.jobs: list[PrintJob] = []
        self.completed: list[PrintJob] = []
        self._status = READY
        self._next_fault: tuple[PrinterFault, float] | None = None
        self._clock = clock

    def status(self) -> PrinterStatus:
        return self._status

    def set_status(self, status: PrinterStatus) -> None:
        """Set what `status()` reports (e.g. READY after the officer loads paper)."""
        self._status = status

    def fail_next(self, fault: PrinterFault, fraction: float = 0.5) -> None:
        """Make the next job fail with `fault` after `fraction` of its bytes."""
        self._next_fault = (fault, fraction)

    def print_job(self, job: PrintJob) -> PrintOutcome:
        self.jobs.append(job)
        total = len(escpos.render(job.printed_document))
        if not self._status.ok:
            return PrintFailed(job, self._status, 0, total, self._clock())
        if self._next_fault is not None:
            fault, fraction = self._next_fault
            self._next_fault = None
            self._status = PrinterStatus(fault)
            return PrintFailed(job, self._status, int(total * fraction), total, self._clock())
        self.completed.append(job)
        return PrintCompleted(job, self._status, total)

    def close(self) -> None:
        pass


class ManualScanner:
    """A `QrScanner` whose payloads are pushed by the test with `scan()`."""

    def __init__(
        self,
        on_payload: Callable[[str], None],
        on_status: Callable[[ScannerStatus], None] | None = None,
    ) -> None:
        self._on_payload = on_payload
        self._on_status = on_status
        self._status = ScannerStatus(ScannerState.STOPPED)

    @property
    def status(self) -> ScannerStatus:
        return self._status

    def _set(self, state: ScannerState) -> None:
        self._status = ScannerStatus(state)
        if self._on_status is not None:
            self._on_status(self._status)

    def start(self) -> Self:
        self._set(ScannerState.CONNECTED)
        return self

    def stop(self) -> None:
        self._set(ScannerState.STOPPED)

    def unplug(self) -> None:
        self._set(ScannerState.DISCONNECTED)

    def replug(self) -> None:
        self._set(ScannerState.CONNECTED)

    def scan(self, text: str) -> None:
        """Deliver `text` as if scanned; ignored unless connected, like a real scanner."""
        if self._status.state is ScannerState.CONNECTED:
            self._on_payload(text)
