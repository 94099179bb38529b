"""The simulated printer's paper: ESC/POS commands in, printed receipts out.

`Paper` is the simulator's functional core. It holds the print modes and the rows
printed since the last cut, and does no I/O: `apply()` takes one parsed command and
returns a `PrintedReceipt` when the command cuts the paper; `tear()` returns the
partial receipt an officer tears off after a fault.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hardware.document import REPRINT_BANNER, PaperWidth
from hardware.escpos_parse import (
    Command,
    Cut,
    FeedLines,
    Init,
    LineFeed,
    QrErrorCorrection,
    QrModule,
    QrPrint,
    QrStore,
    Raster,
    SetAlign,
    SetBold,
    SetCodePage,
    SetFont,
    SetSize,
    Text,
)

#: ESC t numbers the simulator knows, with their Python codecs (others print as cp437).
CODE_PAGES = {0: "cp437", 2: "cp850", 16: "cp1252", 19: "cp858"}
FONT_A = (12, 24)
FONT_B = (9, 17)


@dataclass(frozen=True)
class Span:
    """Characters printed with one set of modes."""

    text: str
    bold: bool
    font_b: bool
    width_factor: int
    height_factor: int

    @property
    def cell(self) -> tuple[int, int]:
        base_w, base_h = FONT_B if self.font_b else FONT_A
        return base_w * self.width_factor, base_h * self.height_factor


@dataclass(frozen=True)
class TextRow:
    spans: tuple[Span, ...]
    align: int

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)


@dataclass(frozen=True)
class BlankRow:
    lines: int = 1


@dataclass(frozen=True)
class QrRow:
    data: bytes
    module: int
    ecc: str
    align: int


@dataclass(frozen=True)
class BitmapRow:
    width_bytes: int
    height: int
    data: bytes


Row = TextRow | BlankRow | QrRow | BitmapRow


@dataclass(frozen=True)
class PrintedReceipt:
    """What came out of the printer between two cuts (or a cut and a fault)."""

    rows: tuple[Row, ...]
    complete: bool

    @property
    def qr_payloads(self) -> list[str]:
        """The data of every native QR code, in print order (raster images are opaque)."""
        return [row.data.decode("latin-1") for row in self.rows if isinstance(row, QrRow)]

    @property
    def is_reprint(self) -> bool:
        return any(isinstance(r, TextRow) and r.text == REPRINT_BANNER for r in self.rows[:3])

    def text(self, width: PaperWidth) -> str:
        """A plain-text rendering: text rows aligned, QR codes as "[QR] data"."""
        out: list[str] = []
        previous: Row | None = None
        for row in self.rows:
            if isinstance(row, TextRow):
                small = all(span.font_b for span in row.spans) and bool(row.spans)
                columns = width.small_chars if small else width.chars
                content = row.text
                shown = sum(len(s.text) * s.width_factor for s in row.spans)
                pad = max(0, columns - shown)
                lead = {1: pad // 2, 2: pad}.get(row.align, 0)
                out.append((" " * lead + content).rstrip())
            elif isinstance(row, BlankRow):
                out.extend([""] * row.lines)
            elif isinstance(row, QrRow):
                out.append("[QR] " + row.data.decode("latin-1"))
            elif not isinstance(previous, BitmapRow):
                out.append(f"[raster image {row.width_bytes * 8} dots wide]")
            previous = row
        if not self.complete:
            out.append("~~~ SOBEK / TORN (not cut) ~~~")
        return "\n".join(out) + "\n"


@dataclass
class _Modes:
    align: int = 0
    bold: bool = False
    font_b: bool = False
    size: int = 0
    code_page: int = 0
    qr_module: int = 3
    qr_ecc: str = "M"


@dataclass
class Paper:
    """Print modes plus the rows printed since the last cut."""

    width: PaperWidth
    modes: _Modes = field(default_factory=_Modes)
    rows: list[Row] = field(default_factory=list)
    line: list[Span] = field(default_factory=list)
    line_align: int | None = None
    qr_data: bytes = b""

    def _line_dots(self) -> int:
        return sum(len(span.text) * span.cell[0] for span in self.line)

    def _flush_line(self, blank_if_empty: bool) -> None:
        if self.line:
            align = self.modes.align if self.line_align is None else self.line_align
            self.rows.append(TextRow(tuple(self.line), align))
        elif blank_if_empty:
            self.rows.append(BlankRow())
        self.line = []
        self.line_align = None

    def _add_text(self, data: bytes) -> None:
        codec = CODE_PAGES.get(self.modes.code_page, "cp437")
        for char in data.decode(codec, errors="replace"):
            span = Span(
                char,
                self.modes.bold,
                self.modes.font_b,
                (self.modes.size >> 4 & 0x07) + 1,
                (self.modes.size & 0x07) + 1,
            )
            if self._line_dots() + span.cell[0] > self.width.dots:
                self._flush_line(blank_if_empty=False)  # the printer wraps
            if not self.line:
                self.line_align = self.modes.align  # ESC a counts at the start of a line
            last = self.line[-1] if self.line else None
            if last is not None and (last.bold, last.font_b, last.cell) == (
                span.bold,
                span.font_b,
                span.cell,
            ):
                self.line[-1] = Span(
                    last.text + char, last.bold, last.font_b, last.width_factor, last.height_factor
                )
            else:
                self.line.append(span)

    def apply(self, command: Command) -> PrintedReceipt | None:
        """Apply one non-real-time command; return the receipt if it was cut."""
        modes = self.modes
        if isinstance(command, Text):
            self._add_text(command.data)
        elif isinstance(command, LineFeed):
            self._flush_line(blank_if_empty=True)
        elif isinstance(command, FeedLines):
            self._flush_line(blank_if_empty=False)
            if command.count:
                self.rows.append(BlankRow(command.count))
        elif isinstance(command, Init):
            self.modes = _Modes()
        elif isinstance(command, SetCodePage):
            modes.code_page = command.number
        elif isinstance(command, SetAlign):
            modes.align = {0: 0, 1: 1, 2: 2, 48: 0, 49: 1, 50: 2}.get(command.value, 0)
        elif isinstance(command, SetBold):
            modes.bold = command.on
        elif isinstance(command, SetFont):
            modes.font_b = command.font_b
        elif isinstance(command, SetSize):
            modes.size = command.value
        elif isinstance(command, QrModule):
            modes.qr_module = command.dots
        elif isinstance(command, QrErrorCorrection):
            modes.qr_ecc = command.level
        elif isinstance(command, QrStore):
            self.qr_data = command.data
        elif isinstance(command, QrPrint):
            self._flush_line(blank_if_empty=False)
            if self.qr_data:
                self.rows.append(QrRow(self.qr_data, modes.qr_module, modes.qr_ecc, modes.align))
        elif isinstance(command, Raster):
            self._flush_line(blank_if_empty=False)
            self.rows.append(BitmapRow(command.width_bytes, command.height, command.data))
        elif isinstance(command, Cut):
            self._flush_line(blank_if_empty=False)
            if command.feed:
                self.rows.append(BlankRow(command.feed))
            receipt = PrintedReceipt(tuple(self.rows), complete=True)
            self.rows = []
            return receipt
        return None

    def tear(self) -> PrintedReceipt | None:
        """End the current receipt without a cut (after a fault); None if nothing printed."""
        self._flush_line(blank_if_empty=False)
        if not any(not isinstance(row, BlankRow) for row in self.rows):
            self.rows = []
            return None
        receipt = PrintedReceipt(tuple(self.rows), complete=False)
        self.rows = []
        return receipt
