"""The engine's thin adapter to the receipt printer and the QR scanner.

The engine never talks to a serial port. It is handed objects that satisfy the two small
Protocols below: the real drivers and pty simulators of the `hardware` package, or the
in-memory `MemoryContentPrinter` / `MemoryScanner` here (unit tests, the headless simulation).
Receipt *content* is the `hardware.receipts` dataclasses; layout and bytes are the
hardware package's business.

A printer fault is a value, never an exception that could interrupt the engine half-way:
`Devices.print` always returns a `PrintOutcome`, whatever the driver did (it may raise,
return a fault status, or be absent). The engine decides what a failure means: a zero
report that did not print keeps the polls closed; a voter receipt that did not print is
recorded in the event log and never touches the ballot already committed. A driver that
raises is logged as a warning with its traceback (the bug is in the driver, and the
technician needs to see where), then turned into a fault value as above. For the voter's
paper record the exception's message is withheld (a driver might have put the content,
i.e. the vote, into it); its type and every frame are still logged.
"""

from __future__ import annotations

import logging
import queue
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from hardware.receipts import ReceiptContent, VoterRecord
from hardware.status import PrinterFault, PrinterStatus

log = logging.getLogger(__name__)


def _log_driver_error(what: str, exc: BaseException, withhold: bool = False) -> None:
    """Log a driver's exception as a warning with its traceback.

    `withhold` drops the exception's message (kept: type, frames), for jobs whose content
    must never reach a log.
    """
    if not withhold:
        log.warning("%s failed: %s", what, type(exc).__name__, exc_info=exc)
        return
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.warning(
        "%s failed: %s (message withheld: voter's record)\nTraceback (most recent call last):\n%s",
        what, type(exc).__name__, frames.rstrip(),
    )  # fmt: skip


@runtime_checkable
class ContentPrinter(Protocol):
    def status(self) -> PrinterStatus:
        """The printer's current status (a value, never raises for device faults)."""
        ...

    def print_receipt(self, content: ReceiptContent, reprint: bool = False) -> PrinterStatus:
        """Print one receipt; return the status after printing (fault if it failed).

        `reprint=True` (only ever passed as a keyword) asks for the receipt printed
        again, marked "CETAK ULANG / REPRINT" (`hardware.printer.PrintJob.reprint`).
        """
        ...


@runtime_checkable
class PollingScanner(Protocol):
    def status(self) -> str:
        """"ready" or a fault code such as "disconnected"."""
        ...

    def read(self, timeout: float) -> str | None:
        """One scanned QR text, or None when nothing was scanned within `timeout` seconds."""
        ...


@dataclass(frozen=True)
class PrintOutcome:
    """What happened to one print job: ok, and the printer status code."""

    ok: bool
    status: str


class Devices:
    """The printer and scanner the engine was given (either may be None)."""

    def __init__(self, printer: ContentPrinter | None, scanner: PollingScanner | None) -> None:
        self.printer = printer
        self.scanner = scanner

    def printer_status(self) -> str:
        """"ready", "paper-near-end", a fault code, or "absent"."""
        if self.printer is None:
            return "absent"
        try:
            return self.printer.status().code
        except Exception as exc:  # a driver bug must not stop the ballot box
            _log_driver_error("printer status query", exc)
            return PrinterFault.NOT_RESPONDING.value

    def scanner_status(self) -> str:
        if self.scanner is None:
            return "absent"
        try:
            return self.scanner.status()
        except Exception as exc:
            _log_driver_error("scanner status query", exc)
            return "not-responding"

    def print(self, content: ReceiptContent, reprint: bool = False) -> PrintOutcome:
        """Print (or, with `reprint`, print again marked as a reprint), turning every
        failure into a PrintOutcome (see module docstring)."""
        if self.printer is None:
            return PrintOutcome(False, "absent")
        try:
            if reprint:
                status = self.printer.print_receipt(content, reprint=True)
            else:
                status = self.printer.print_receipt(content)
        except Exception as exc:
            _log_driver_error(
                f"printing {type(content).__name__}", exc, withhold=isinstance(content, VoterRecord)
            )
            return PrintOutcome(False, PrinterFault.DISCONNECTED.value)
        return PrintOutcome(status.ok, status.code)


@dataclass
class MemoryContentPrinter:
    """A printer that keeps what it printed in a list; set `fault` to simulate a fault.
    `reprints[i]` says whether `printed[i]` was printed marked as a reprint."""

    printed: list[ReceiptContent] = field(default_factory=list)
    fault: PrinterFault | None = None
    reprints: list[bool] = field(default_factory=list)

    def status(self) -> PrinterStatus:
        return PrinterStatus(self.fault)

    def print_receipt(self, content: ReceiptContent, reprint: bool = False) -> PrinterStatus:
        if self.fault is None:
            self.printed.append(content)
            self.reprints.append(reprint)
        return PrinterStatus(self.fault)


@dataclass
class MemoryScanner:
    """A scanner fed from a list of QR texts (`feed`)."""

    queue: list[str] = field(default_factory=list)
    connected: bool = True

    def status(self) -> str:
        return "ready" if self.connected else "disconnected"

    def read(self, timeout: float) -> str | None:
        return self.queue.pop(0) if self.connected and self.queue else None

    def feed(self, texts: Iterable[str]) -> None:
        self.queue.extend(texts)


class HardwarePrinter:
    """Adapts a `hardware.printer.ReceiptPrinter` (serial driver, pty simulator or
    `hardware.fakes.MemoryPrinter`) to the engine's `ContentPrinter`: lays the content
    out for the paper width and prints it as one job.

    A reprint is the hardware layer's `job.reprint()` (printed from the top under a
    "CETAK ULANG / REPRINT" banner): of the SAME job when the last job of that receipt
    kind had this content (a retry after a fault keeps the job id), otherwise of a new
    job of the content (e.g. a results report reprinted after a restart).
    """

    def __init__(self, printer: Any, width: Any = None) -> None:
        from hardware.document import PaperWidth

        self.printer = printer
        self.width = width or PaperWidth.MM58
        self._last: dict[type, tuple[ReceiptContent, Any]] = {}

    def status(self) -> PrinterStatus:
        status: PrinterStatus = self.printer.status()
        return status

    def print_receipt(self, content: ReceiptContent, reprint: bool = False) -> PrinterStatus:
        from hardware.printer import PrintJob

        last = self._last.get(type(content))
        if not reprint:
            job = PrintJob.of(content, self.width)
        elif last is not None and last[0] == content:
            job = last[1].reprint()
        else:
            job = PrintJob.of(content, self.width).reprint()
        self._last[type(content)] = (content, job)
        outcome = self.printer.print_job(job)
        status: PrinterStatus = outcome.status
        return status

    def close(self) -> None:
        """Close the driver's port (if it has one)."""
        close = getattr(self.printer, "close", None)
        if close is not None:
            close()


class HardwareScanner:
    """Adapts a `hardware.scanner.QrScanner` (serial driver, pty simulator or
    `hardware.fakes.ManualScanner`; payloads arrive by callback there) to the engine's
    `PollingScanner`: texts delivered to `deliver` (from the driver's reader thread)
    are queued for `read(timeout)`, which waits up to `timeout` seconds for one.

    Build it with `HardwareScanner.started(lambda deliver: SerialScanner(url, deliver))`,
    or give it a scanner later (`adapter.scanner = ...`) whose callback is `deliver`.
    """

    def __init__(self, scanner: Any = None) -> None:
        self.scanner = scanner
        self._queue: queue.Queue[str] = queue.Queue()

    @classmethod
    def started(cls, make: Callable[[Callable[[str], None]], Any]) -> HardwareScanner:
        """Build the driver with `make(deliver)`, start it, and return the adapter."""
        adapter = cls()
        adapter.scanner = make(adapter.deliver)
        adapter.scanner.start()
        return adapter

    def deliver(self, text: str) -> None:
        """Pass this as the hardware scanner's payload callback (thread-safe)."""
        self._queue.put(text)

    def status(self) -> str:
        if self.scanner is None:
            return "absent"
        status = self.scanner.status
        state = (status() if callable(status) else status).state.value
        return "ready" if state == "connected" else str(state)

    def read(self, timeout: float) -> str | None:
        try:
            if timeout <= 0:
                return self._queue.get_nowait()
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def stop(self) -> None:
        """Stop the driver's reader (if it was started)."""
        if self.scanner is not None:
            self.scanner.stop()
