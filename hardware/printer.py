"""Receipt printers: the `ReceiptPrinter` protocol, print jobs, and the serial driver.

A job's outcome is a value: `PrintCompleted` or `PrintFailed`, never an exception.
After a failure the caller shows the fault, waits for the officer to fix it
(`wait_until_ready`) and prints `job.reprint()`, which prints the whole receipt again
from the top with a "CETAK ULANG / REPRINT" banner.

How `SerialPrinter` runs a job:

1. If the previous job failed, send DLE DC4 8 (clear buffers) so its unprinted tail
   cannot come out when the fault is fixed.
2. Query status (DLE EOT 1..4); refuse to start on a fault.
3. Send the ESC/POS program in chunks of about `chunk_bytes`, on command boundaries,
   querying status after each chunk. A fault stops the job at once, clears the
   printer's buffers and returns `PrintFailed`.
4. Send GS r 1 and wait for its reply, which the printer sends only after printing
   everything before it, querying status meanwhile. Only then is the job completed.
   (`confirm_printed=False` skips this for printers without GS r.)

Logs name jobs by id, kind and size, never by content: a voter record holds a choice.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

from hardware import escpos
from hardware import timeouts as t
from hardware.document import Document, PaperWidth
from hardware.errors import StatusReplyError, TransportError
from hardware.escpos import Program, QrMode
from hardware.layout import layout_receipt
from hardware.receipts import ReceiptContent
from hardware.status import (
    PrinterFault,
    PrinterStatus,
    is_print_ack,
    is_status_reply,
    parse_status_reply,
)
from hardware.transport import Transport, open_serial

log = logging.getLogger(__name__)

Clock = Callable[[], float]
Sleep = Callable[[float], None]
Opener = Callable[[str, int, float], Transport]

DEFAULT_BAUDRATE = 19200
#: How long the printer may take to print a job after its last byte (GS r 1 reply).
PRINT_COMPLETION_TIMEOUT = 30.0


@dataclass(frozen=True)
class PrintJob:
    """A document to print, and which attempt this is (1 = first print)."""

    document: Document
    attempt: int = 1
    job_id: str = field(default_factory=lambda: secrets.token_hex(4))

    @classmethod
    def of(cls, content: ReceiptContent, width: PaperWidth) -> PrintJob:
        """Lay out `content` for `width` paper as a new job."""
        return cls(layout_receipt(content, width))

    def reprint(self) -> PrintJob:
        """The same job, next attempt: printed from the top, marked as a reprint."""
        return replace(self, attempt=self.attempt + 1)

    @property
    def printed_document(self) -> Document:
        """What is actually sent: the document, with the reprint banner after attempt 1."""
        return self.document.as_reprint() if self.attempt > 1 else self.document


@dataclass(frozen=True)
class PrintCompleted:
    """Every byte was printed and the printer reported no fault."""

    job: PrintJob
    status: PrinterStatus
    bytes_sent: int


@dataclass(frozen=True)
class PrintFailed:
    """The job stopped on a fault; reprint it from the top once the fault is fixed.

    `detected_at` is the driver clock reading when the fault was seen.
    """

    job: PrintJob
    status: PrinterStatus
    bytes_sent: int
    total_bytes: int
    detected_at: float


PrintOutcome = PrintCompleted | PrintFailed


class ReceiptPrinter(Protocol):
    """What the kiosk needs from a receipt printer."""

    def status(self) -> PrinterStatus:
        """Current status; never raises."""
        ...

    def print_job(self, job: PrintJob) -> PrintOutcome:
        """Print `job`; never raises for device faults."""
        ...

    def close(self) -> None: ...


def chunk_segments(program: Program, chunk_bytes: int) -> list[bytes]:
    """Group whole segments into chunks of at most `chunk_bytes` (bigger segments alone)."""
    chunks: list[bytes] = []
    current = b""
    for segment in program.segments:
        if current and len(current) + len(segment) > chunk_bytes:
            chunks.append(current)
            current = b""
        current += segment
    if current:
        chunks.append(current)
    return chunks


class SerialPrinter:
    """An ESC/POS printer on a serial port (or USB-serial, or a simulator's pty).

    Thread-safe: a status poll from one thread waits while another prints. The port is
    opened lazily and reopened after an I/O error, so a replugged printer comes back.
    """

    def __init__(
        self,
        url: str,
        *,
        baudrate: int = DEFAULT_BAUDRATE,
        qr_mode: QrMode = QrMode.NATIVE,
        confirm_printed: bool = True,
        chunk_bytes: int = t.PRINT_CHUNK_BYTES,
        reply_timeout: float = t.STATUS_REPLY_TIMEOUT,
        completion_timeout: float = PRINT_COMPLETION_TIMEOUT,
        clock: Clock = time.monotonic,
        opener: Opener = open_serial,
    ) -> None:
        self.url = url
        self.qr_mode = qr_mode
        self._baudrate = baudrate
        self._confirm = confirm_printed
        self._chunk_bytes = chunk_bytes
        self._reply_timeout = reply_timeout
        self._completion_timeout = completion_timeout
        self._clock = clock
        self._opener = opener
        self._port: Transport | None = None
        self._lock = threading.RLock()
        self._needs_clear = False
        self._last_status: PrinterStatus | None = None
        self._ack_seen = False

    # -- port handling -------------------------------------------------------------

    def _open(self) -> Transport:
        if self._port is None:
            self._port = self._opener(self.url, self._baudrate, t.WRITE_TIMEOUT)
            self._port.reset_input()
        return self._port

    def _drop_port(self) -> None:
        if self._port is not None:
            self._port.close()
            self._port = None

    def close(self) -> None:
        with self._lock:
            self._drop_port()

    def __enter__(self) -> SerialPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- status --------------------------------------------------------------------

    def _note(self, status: PrinterStatus) -> PrinterStatus:
        if status != self._last_status:
            old = self._last_status.code if self._last_status else "unknown"
            log.info(
                "printer status %s -> %s",
                old,
                status.code,
                extra={"event": "hw.printer.status", "old": old, "new": status.code},
            )
            self._last_status = status
        return status

    def _query(self) -> PrinterStatus:
        """One DLE EOT 1..4 exchange on an open port; remembers a GS r ack seen meanwhile."""
        port = self._open()
        port.write(escpos.STATUS_QUERY)
        replies = b""
        deadline = self._clock() + self._reply_timeout
        while len(replies) < 4:
            remaining = deadline - self._clock()
            if remaining <= 0:
                return PrinterStatus(PrinterFault.NOT_RESPONDING)
            for byte in port.read_available(remaining):
                if is_status_reply(byte):
                    replies += bytes([byte])
                elif is_print_ack(byte):
                    self._ack_seen = True
                else:
                    return PrinterStatus(PrinterFault.NOT_RESPONDING)
        try:
            return parse_status_reply(replies)
        except StatusReplyError:  # pragma: no cover - bytes were pre-checked above
            return PrinterStatus(PrinterFault.NOT_RESPONDING)

    def _safe_query(self) -> PrinterStatus:
        try:
            return self._query()
        except TransportError as exc:
            log.debug("printer port error: %s", exc, extra={"event": "hw.printer.io-error"})
            self._drop_port()
            return PrinterStatus(PrinterFault.DISCONNECTED)

    def status(self) -> PrinterStatus:
        """Query the printer now. Never raises: an absent printer is DISCONNECTED."""
        with self._lock:
            if self._port is not None:
                try:
                    self._port.reset_input()  # drop late replies to an earlier query
                except TransportError:
                    self._drop_port()
            return self._note(self._safe_query())

    def wait_until_ready(
        self, timeout: float, sleep: Sleep = time.sleep, poll: float = t.READY_POLL_INTERVAL
    ) -> PrinterStatus:
        """Poll until the printer reports no fault or `timeout` passes; return the last status."""
        deadline = self._clock() + timeout
        while True:
            status = self.status()
            if status.ok or self._clock() >= deadline:
                return status
            sleep(poll)

    # -- printing ------------------------------------------------------------------

    def _fail(self, job: PrintJob, status: PrinterStatus, sent: int, total: int) -> PrintFailed:
        detected = self._clock()
        self._needs_clear = True
        if self._port is not None:
            try:
                self._port.write(escpos.CLEAR_BUFFERS)
            except TransportError:
                self._drop_port()
        log.warning(
            "print job %s failed: %s after %d of %d bytes",
            job.job_id,
            status.code,
            sent,
            total,
            extra={"event": "hw.printer.job-failed", "job": job.job_id, "fault": status.code},
        )
        return PrintFailed(job, self._note(status), sent, total, detected)

    def print_job(self, job: PrintJob) -> PrintOutcome:
        """Print `job` and report how it went (see the module docstring for the steps)."""
        program = escpos.render(job.printed_document, self.qr_mode)
        total = len(program)
        with self._lock:
            log.info(
                "print job %s: %s attempt %d, %d bytes",
                job.job_id,
                job.document.kind,
                job.attempt,
                total,
                extra={"event": "hw.printer.job-start", "job": job.job_id},
            )
            sent = 0
            try:
                port = self._open()
                port.reset_input()
                if self._needs_clear:
                    port.write(escpos.CLEAR_BUFFERS)
                    self._needs_clear = False
                status = self._query()
                if not status.ok:
                    return self._fail(job, status, 0, total)
                for chunk in chunk_segments(program, self._chunk_bytes):
                    port.write(chunk)
                    sent += len(chunk)
                    status = self._query()
                    if not status.ok:
                        return self._fail(job, status, sent, total)
                if self._confirm:
                    status = self._await_printed(port)
                    if not status.ok:
                        return self._fail(job, status, sent, total)
            except TransportError as exc:
                log.debug("printer port error: %s", exc, extra={"event": "hw.printer.io-error"})
                self._drop_port()
                return self._fail(job, PrinterStatus(PrinterFault.DISCONNECTED), sent, total)
            log.info(
                "print job %s completed",
                job.job_id,
                extra={"event": "hw.printer.job-completed", "job": job.job_id},
            )
            return PrintCompleted(job, self._note(status), sent)

    def _await_printed(self, port: Transport) -> PrinterStatus:
        """Send GS r 1 and wait for its reply, polling DLE EOT status meanwhile."""
        self._ack_seen = False
        port.write(escpos.CONFIRM_PRINTED)
        deadline = self._clock() + self._completion_timeout
        while True:
            status = self._query()
            if not status.ok or self._ack_seen:
                return status
            if self._clock() >= deadline:
                return PrinterStatus(PrinterFault.NOT_RESPONDING)
            for byte in port.read_available(t.READY_POLL_INTERVAL):
                if is_print_ack(byte):
                    self._ack_seen = True
