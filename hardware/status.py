"""Printer status as a value, and the DLE EOT status bytes both ways.

The driver sends the four real-time queries DLE EOT 1..4 (`escpos.STATUS_QUERY`) and
reads four bytes back. Each reply byte has bits 1 and 4 set and bits 0 and 7 clear;
the other bits mean (Epson ESC/POS):

====  ======================  ===============================================
n     reply                   bits used
====  ======================  ===============================================
1     printer status          3: offline
2     offline cause           2: cover open, 5: stopped by paper end, 6: error
3     error cause             3: autocutter error, 5: unrecoverable,
                              6: auto-recoverable error
4     roll paper sensor       2+3: paper near end, 5+6: paper end
====  ======================  ===============================================

To learn when a job has really been printed, the driver ends it with GS r 1 ("transmit
paper sensor status"). Unlike DLE EOT it is not real-time: the printer answers only
after printing everything before it, and never while offline. Its reply has bits 4 and
7 clear (bits 0-1 near end, 2-3 paper end), so it cannot be confused with a DLE EOT
reply, whose bit 4 is always set.

`parse_status_reply` reads the four DLE EOT bytes; `status_reply_byte` produces one, and is
what the printer simulator answers with, so both sides are tested against each other.

A status is never an exception. The worst fault wins when several apply, in the order
of `PrinterFault` below; "paper near end" is a warning that does not stop printing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from hardware.errors import StatusReplyError

_FIXED_MASK = 0b1001_0011
_FIXED_BITS = 0b0001_0010


class PrinterFault(Enum):
    """Why the printer cannot print, most serious first. The value is a stable code."""

    DISCONNECTED = "disconnected"  # the port cannot be opened, read or written
    NOT_RESPONDING = "not-responding"  # no reply, or a garbled one, to a status query
    COVER_OPEN = "cover-open"
    PAPER_OUT = "paper-out"
    CUTTER_ERROR = "cutter-error"
    ERROR = "error"  # another unrecoverable or auto-recoverable printer error
    OFFLINE = "offline"  # offline for another reason (paper feed button held)


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer reported: a fault (or None) and the paper-near-end warning."""

    fault: PrinterFault | None = None
    paper_near_end: bool = False

    @property
    def ok(self) -> bool:
        """True when the printer can print (a near-end warning still counts as ok)."""
        return self.fault is None

    @property
    def code(self) -> str:
        """Stable code for message catalogs and logs: "ready", "paper-near-end" or the fault."""
        if self.fault is not None:
            return self.fault.value
        return "paper-near-end" if self.paper_near_end else "ready"


READY = PrinterStatus()


@dataclass(frozen=True)
class PrinterCondition:
    """The simulator's view of a printer's physical state, to answer status queries."""

    cover_open: bool = False
    paper_out: bool = False
    paper_near_end: bool = False
    cutter_error: bool = False

    @property
    def online(self) -> bool:
        return not (self.cover_open or self.paper_out or self.cutter_error)


def _bit(flag: bool, *positions: int) -> int:
    return sum(1 << p for p in positions) if flag else 0


def status_reply_byte(query: int, condition: PrinterCondition) -> int:
    """The byte a printer in `condition` answers to DLE EOT `query` (1..4)."""
    if query == 1:
        bits = _bit(not condition.online, 3)
    elif query == 2:
        bits = (
            _bit(condition.cover_open, 2)
            | _bit(condition.paper_out, 5)
            | _bit(condition.cutter_error, 6)
        )
    elif query == 3:
        bits = _bit(condition.cutter_error, 3)
    elif query == 4:
        bits = _bit(condition.paper_near_end or condition.paper_out, 2, 3) | _bit(
            condition.paper_out, 5, 6
        )
    else:
        raise ValueError(f"DLE EOT query must be 1..4, not {query}")
    return _FIXED_BITS | bits


def print_ack_byte(condition: PrinterCondition) -> int:
    """The byte a printer answers to GS r 1 once everything before it is printed."""
    return _bit(condition.paper_near_end, 0, 1)


def is_status_reply(byte: int) -> bool:
    """True if `byte` looks like a DLE EOT reply (fixed bits 1 and 4 set, 0 and 7 clear)."""
    return byte & _FIXED_MASK == _FIXED_BITS


def is_print_ack(byte: int) -> bool:
    """True if `byte` is a GS r 1 reply (bits 4 and 7 clear)."""
    return byte & 0b1001_0000 == 0


def parse_status_reply(reply: bytes) -> PrinterStatus:
    """Parse the four reply bytes to DLE EOT 1, 2, 3, 4 into a `PrinterStatus`.

    Raises `StatusReplyError` if the reply is short or a byte lacks the fixed bits;
    the driver reports that as `PrinterFault.NOT_RESPONDING`.
    """
    if len(reply) != 4:
        raise StatusReplyError(f"expected 4 status bytes, got {len(reply)}")
    for index, byte in enumerate(reply, start=1):
        if byte & _FIXED_MASK != _FIXED_BITS:
            raise StatusReplyError(f"reply to DLE EOT {index} is not a status byte: {byte:#04x}")
    printer, offline, error, paper = reply
    paper_end = bool(paper & 0b0110_0000) or bool(offline & 0b0010_0000)
    near_end = bool(paper & 0b0000_1100)
    if offline & 0b0000_0100:
        fault: PrinterFault | None = PrinterFault.COVER_OPEN
    elif paper_end:
        fault = PrinterFault.PAPER_OUT
    elif error & 0b0000_1000:
        fault = PrinterFault.CUTTER_ERROR
    elif error & 0b0110_0000 or offline & 0b0100_0000:
        fault = PrinterFault.ERROR
    elif printer & 0b0000_1000:
        fault = PrinterFault.OFFLINE
    else:
        fault = None
    return PrinterStatus(fault=fault, paper_near_end=near_end and not paper_end)
