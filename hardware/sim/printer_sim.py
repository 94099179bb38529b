"""A simulated ESC/POS receipt printer on a pty, rendering receipts to PNG and text.

It behaves like a real printer in the ways the driver depends on:

* Real-time commands (DLE EOT status queries, DLE DC4 clear buffers) are answered at
  once, even while offline. Everything else goes through a print queue.
* While the cover is open or the paper is out, the printer is offline: received data
  waits in the queue and is printed when the fault is fixed, unless cleared.
* GS r 1 is answered when the queue reaches it, i.e. after everything before it has
  been printed.
* A fault tears off what was printed so far: it is saved as an incomplete receipt
  (`receipt-0003-torn.png`), as the officer would tear it off. Unplugging also resets
  the printer, like a power cycle.

Receipts are rendered on a separate thread so that drawing a long receipt never delays
a status reply. Each completed receipt is saved as `receipt-NNNN.png` and `.txt`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hardware.document import PaperWidth
from hardware.errors import SimulatorError
from hardware.escpos_parse import (
    REAL_TIME,
    ClearBuffers,
    Command,
    StatusQuery,
    TransmitStatus,
    parse,
)
from hardware.sim.base import PtySimulator
from hardware.sim.paper import Paper, PrintedReceipt
from hardware.sim.render import render_png
from hardware.status import PrinterCondition, print_ack_byte, status_reply_byte

log = logging.getLogger(__name__)

#: Faults `PrinterSimulator.fault_after` can inject.
FAULT_KINDS = ("paper-out", "cover-open", "unplugged")


@dataclass(frozen=True)
class SimulatedReceipt:
    """One receipt the simulator printed and saved."""

    number: int
    complete: bool
    reprint: bool
    text: str
    qr_payloads: tuple[str, ...]
    png_path: Path
    text_path: Path


@dataclass(frozen=True)
class FaultEvent:
    """A fault the simulator went into: kind ("paper-out", "cover-open", "unplugged"),
    the time (simulator clock) and how many job bytes had been printed."""

    kind: str
    at: float
    bytes_printed: int


class PrinterSimulator(PtySimulator):
    """A thermal printer on a pty. Use as a context manager or call start()/stop()."""

    name = "printer"

    def __init__(
        self,
        out_dir: str | Path,
        *,
        width: PaperWidth = PaperWidth.MM58,
        link_path: str | Path | None = None,
        clock: Callable[[], float] = time.monotonic,
        on_receipt: Callable[[SimulatedReceipt], None] | None = None,
    ) -> None:
        super().__init__(link_path)
        self.out_dir = Path(out_dir)
        self.width = width
        self._clock = clock
        self._on_receipt = on_receipt
        self._condition = PrinterCondition()
        self._responding = True
        self._paper = Paper(width)
        self._pending = b""
        self._queue: deque[tuple[Command, int]] = deque()
        self._printed_bytes = 0
        self._fault_at: tuple[int, str] | None = None
        self._faults: list[FaultEvent] = []
        self._count = 0
        self._receipts: list[SimulatedReceipt] = []
        self._changed = threading.Condition()
        self._render_queue: deque[tuple[int, PrintedReceipt]] = deque()
        self._renderer: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------

    def start(self) -> PrinterSimulator:
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SimulatorError(f"cannot create output directory {self.out_dir}: {exc}") from exc
        if self._renderer is None:
            self._renderer = threading.Thread(
                target=self._render_loop, name="printer-sim-render", daemon=True
            )
            self._renderer.start()
        super().start()
        return self

    def _finished(self) -> None:
        with self._changed:
            self._render_queue.append((0, PrintedReceipt((), False)))  # sentinel
            self._changed.notify_all()
        if self._renderer is not None:
            self._renderer.join(timeout=30)
            self._renderer = None

    # -- observation ---------------------------------------------------------------

    @property
    def receipts(self) -> list[SimulatedReceipt]:
        """Receipts saved so far (complete and torn), oldest first."""
        with self._changed:
            return list(self._receipts)

    @property
    def completed(self) -> list[SimulatedReceipt]:
        """Receipts that were cut (not torn off after a fault)."""
        return [r for r in self.receipts if r.complete]

    @property
    def faults(self) -> list[FaultEvent]:
        with self._changed:
            return list(self._faults)

    @property
    def bytes_printed(self) -> int:
        """Job bytes taken from the print queue since the simulator started."""
        return self._printed_bytes

    @property
    def condition(self) -> PrinterCondition:
        return self._condition

    def wait_for_receipts(
        self, count: int, timeout: float = 10.0, complete: bool = True
    ) -> list[SimulatedReceipt]:
        """Wait until `count` receipts (only cut ones if `complete`) are saved; return them.

        Raises `SimulatorError` on timeout, naming how many arrived.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [r for r in self._receipts if r.complete or not complete]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise SimulatorError(f"expected {count} receipts, got {len(found)}")
                self._changed.wait(remaining)

    # -- fault injection (run on the simulator thread) -----------------------------

    def fault_after(self, count: int, kind: str) -> None:
        """Go into fault `kind` once `count` more job bytes have been printed.

        `kind` is one of FAULT_KINDS: "paper-out", "cover-open" or "unplugged".
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {FAULT_KINDS}, not {kind!r}")
        self._call(lambda: setattr(self, "_fault_at", (self._printed_bytes + count, kind)))

    def paper_out_after(self, count: int) -> None:
        """Run out of paper once `count` more job bytes have been printed."""
        self.fault_after(count, "paper-out")

    def unplug_after(self, count: int) -> None:
        """Pull the cable once `count` more job bytes have been printed."""
        self.fault_after(count, "unplugged")

    def set_paper_out(self, out: bool = True) -> None:
        """Run out of paper now (True) or load a new roll (False)."""
        self._call(lambda: self._set(paper_out=out))

    def load_paper(self) -> None:
        self.set_paper_out(False)

    def open_cover(self) -> None:
        self._call(lambda: self._set(cover_open=True))

    def close_cover(self) -> None:
        self._call(lambda: self._set(cover_open=False))

    def set_paper_near_end(self, near: bool = True) -> None:
        self._call(lambda: self._set(paper_near_end=near))

    def set_responding(self, responding: bool) -> None:
        """Stop (False) or resume answering status queries, like a printer switched off."""
        self._call(lambda: setattr(self, "_responding", responding))

    def _set(self, **changes: bool) -> None:
        old = self._condition
        self._condition = PrinterCondition(**{**old.__dict__, **changes})
        for kind, attribute in (("paper-out", "paper_out"), ("cover-open", "cover_open")):
            if getattr(self._condition, attribute) and not getattr(old, attribute):
                self._fault(kind)
        self._drain()

    def _fault(self, kind: str) -> None:
        with self._changed:
            self._faults.append(FaultEvent(kind, self._clock(), self._printed_bytes))
        torn = self._paper.tear()
        if torn is not None:
            self._save(torn)
        log.info("printer simulator fault: %s", kind)

    def _unplug(self) -> None:
        self._fault("unplugged")
        super()._unplug()
        self._queue.clear()
        self._pending = b""
        self._paper = Paper(self.width)
        self._fault_at = None

    # -- stream processing (simulator thread) --------------------------------------

    def _received(self, data: bytes) -> None:
        commands, self._pending = parse(self._pending + data)
        for command, size in commands:
            if isinstance(command, REAL_TIME):
                self._real_time(command)
            else:
                self._queue.append((command, size))
        self._drain()

    def _real_time(self, command: Command) -> None:
        if isinstance(command, StatusQuery) and self._responding and 1 <= command.n <= 4:
            self._port.write(bytes([status_reply_byte(command.n, self._condition)]))
        elif isinstance(command, ClearBuffers):
            self._queue.clear()

    def _drain(self) -> None:
        while self._queue and self._condition.online and self._port.connected:
            command, size = self._queue[0]
            after = self._printed_bytes + size
            if self._fault_at is not None and after > self._fault_at[0]:
                kind = self._fault_at[1]
                self._fault_at = None
                if kind == "paper-out":
                    self._set(paper_out=True)
                elif kind == "cover-open":
                    self._set(cover_open=True)
                else:
                    self._unplug()
                return
            self._queue.popleft()
            self._printed_bytes = after
            if isinstance(command, TransmitStatus):
                if self._responding:
                    self._port.write(bytes([print_ack_byte(self._condition)]))
                continue
            receipt = self._paper.apply(command)
            if receipt is not None:
                self._save(receipt)

    # -- saving (render thread) ----------------------------------------------------

    def _save(self, receipt: PrintedReceipt) -> None:
        with self._changed:
            self._count += 1
            self._render_queue.append((self._count, receipt))
            self._changed.notify_all()

    def _render_loop(self) -> None:
        while True:
            with self._changed:
                while not self._render_queue:
                    self._changed.wait()
                number, receipt = self._render_queue.popleft()
            if number == 0:
                return
            try:
                saved = self._write_files(number, receipt)
            except Exception:  # keep simulating; the missing file is the visible symptom
                log.exception("printer simulator could not save receipt %d", number)
                continue
            with self._changed:
                self._receipts.append(saved)
                self._changed.notify_all()
            if self._on_receipt is not None:
                try:
                    self._on_receipt(saved)
                except Exception:
                    log.exception("printer simulator on_receipt callback failed")

    def _write_files(self, number: int, receipt: PrintedReceipt) -> SimulatedReceipt:
        stem = f"receipt-{number:04d}" + ("" if receipt.complete else "-torn")
        text = receipt.text(self.width)
        png_path = self.out_dir / f"{stem}.png"
        text_path = self.out_dir / f"{stem}.txt"
        render_png(receipt, self.width).save(png_path)
        text_path.write_text(text, encoding="utf-8")
        log.info("printer simulator saved %s", png_path.name)
        return SimulatedReceipt(
            number=number,
            complete=receipt.complete,
            reprint=receipt.is_reprint,
            text=text,
            qr_payloads=tuple(receipt.qr_payloads),
            png_path=png_path,
            text_path=text_path,
        )
