"""Poll-book paper: the attendance list (the four counts and their differences are a
section of the close summary, `hardware.receipts.PollbookSection`).

The content class (checked on construction, like `hardware.receipts`) and its layout in
one small module, so the other receipts stay untouched. The attendance list (daftar
hadir) names voters and their check-in time and is printed for the witnesses, never for the public: it is
in check-in order, which is the queue everyone at the station saw, and holds no ballot,
activation or session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hardware import layout as lo
from hardware import text as tx
from hardware.document import Block, Document, Line, PaperWidth
from hardware.errors import ReceiptContentError
from hardware.receipts import Station


@dataclass(frozen=True)
class AttendanceRow:
    label: str  # "12" (DPT number) or "DPTb 1"
    name: str
    time: str  # local time, HH:MM


@dataclass(frozen=True)
class AttendanceList:
    """The daftar hadir for the witnesses: who checked in, in check-in order."""

    station: Station
    rows: tuple[AttendanceRow, ...]
    printed_at: datetime

    def __post_init__(self) -> None:
        for row in self.rows:
            if not row.label or not row.name.strip():
                raise ReceiptContentError("an attendance row needs a number and a name")


def layout_attendance(report: AttendanceList, width: PaperWidth) -> Document:
    blocks: list[Block] = lo._title("DAFTAR HADIR", "Attendance list", width)
    blocks += [lo._rule(width, "=")]
    blocks += lo._station(report.station, width)
    blocks += lo._kv("Waktu", lo._when(report.printed_at), width)
    blocks += [lo._rule(width)]
    blocks += [Line(tx.columns("No DPT  Nama", "Jam", width.chars)[0], bold=True)]
    for row in report.rows:
        blocks += [Line(p) for p in tx.columns(f"{row.label:>6}  {row.name}", row.time,
                                               width.chars)]
    blocks += [lo._rule(width)]
    blocks += lo._count_row("Jumlah hadir", len(report.rows), width, bold=True)
    blocks += lo._signatures(width)
    return Document("attendance-list", width, tuple(blocks))


__all__ = ["AttendanceList", "AttendanceRow", "layout_attendance"]
