"""Poll-book paper: the close report with the four counts, and the attendance list.

Content classes (checked on construction, like `hardware.receipts`) and their layouts in
one small module, so the other receipts stay untouched. The close report carries only
counts and the differences among them; the attendance list (daftar hadir) names voters
and their check-in time and is printed for the witnesses, never for the public: it is
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


def _count(value: int, what: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ReceiptContentError(f"{what} must be a non-negative integer")


@dataclass(frozen=True)
class CloseReport:
    """Printed when the officers enter the audit-box count: the four counts and flags."""

    station: Station
    checkins: int
    men: int
    women: int
    dptb: int
    activations: int
    ballots: int
    paper_records: int | None
    findings: tuple[str, ...]  # bilingual lines, "anomaly" ones first
    printed_at: datetime
    training: bool = False

    def __post_init__(self) -> None:
        for name in ("checkins", "men", "women", "dptb", "activations", "ballots"):
            _count(getattr(self, name), name)
        if self.paper_records is not None:
            _count(self.paper_records, "paper_records")


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


def layout_close_report(report: CloseReport, width: PaperWidth) -> Document:
    blocks: list[Block] = lo._training(report.training, width)
    blocks += lo._title("LAPORAN PENUTUPAN", "Close report: poll-book counts", width)
    blocks += [lo._rule(width, "=")]
    blocks += lo._station(report.station, width)
    blocks += lo._kv("Waktu", lo._when(report.printed_at), width)
    blocks += [lo._rule(width)]
    blocks += lo._count_row("Pemilih hadir", report.checkins, width, bold=True)
    blocks += lo._gloss("Voters checked in", width)
    blocks += lo._count_row("  Laki-laki", report.men, width)
    blocks += lo._count_row("  Perempuan", report.women, width)
    blocks += lo._count_row("  DPTb (tambahan)", report.dptb, width)
    blocks += lo._count_row("Aktivasi", report.activations, width, bold=True)
    blocks += lo._gloss("Ballot activations", width)
    blocks += lo._count_row("Surat suara tercatat", report.ballots, width, bold=True)
    blocks += lo._gloss("Ballots recorded", width)
    paper = "-" if report.paper_records is None else str(report.paper_records)
    blocks += [Line(p, bold=True) for p in tx.columns("Catatan kertas", paper, width.chars)]
    blocks += lo._gloss("Paper records in the audit box", width)
    blocks += [lo._rule(width)]
    if report.findings:
        blocks += lo._heading("PERBEDAAN", "Differences", width)
        for finding in report.findings:
            blocks += lo._plain(f"! {finding}", width)
    else:
        blocks += lo._plain("Keempat jumlah cocok.", width)
        blocks += lo._gloss("The four counts agree.", width)
    blocks += lo._signatures(width)
    return Document("close-report", width, tuple(blocks))


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


__all__ = ["AttendanceList", "AttendanceRow", "CloseReport", "layout_attendance",
           "layout_close_report"]
