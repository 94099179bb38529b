"""The PDF page machinery shared by the summary and the Berita Acara pages.

`Doc` is an A4 fpdf2 document with DejaVu Sans when the system has it (any Unicode name
prints; otherwise Helvetica with text reduced to Latin-1), a footer, and `grid`: tables
whose cells wrap instead of being cut and whose header row repeats on every page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from babel.dates import format_date
from fpdf import FPDF, FontFace

from tally.report import CAUSE_TEXT

_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
STATUS = {
    "complete": "lengkap",
    "provisional": "sementara (QR)",
    "missing": "belum masuk",
    "missing stations": "ada TPS belum masuk",
    "conflict": "konflik",
    "anomaly": "anomali",
    "rejected": "ditolak",
    "unverified": "belum diverifikasi",
}


def station_status(s: dict[str, Any]) -> str:
    """"ditolak (tanda tangan tidak sah)" and the like: the status with its cause."""
    text = STATUS.get(s["status"], s["status"])
    if s["status"] == "rejected" and s["cause"]:
        text += f" ({CAUSE_TEXT.get(s['cause'], s['cause']).split(' / ')[0]})"
    return text


def tanggal(iso: str) -> str:
    """An ISO date as Indonesian prose: 'Minggu, 22 November 2026' (CLDR's id_ID names)."""
    return format_date(dt.date.fromisoformat(iso), format="EEEE, d MMMM y", locale="id_ID")


class Doc(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.family = "Helvetica"
        self.unicode = False
        for folder in _FONT_DIRS:
            regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
            if regular.exists() and bold.exists():
                self.add_font("DejaVu", "", str(regular))
                self.add_font("DejaVu", "B", str(bold))
                self.family, self.unicode = "DejaVu", True
                break
        self.set_auto_page_break(True, margin=18)
        self.set_margins(18, 16, 18)
        self.footer_text = ""

    def t(self, text: object) -> str:
        s = str(text)
        return s if self.unicode else s.encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)

    def line_text(self, text: str, size: float = 10, bold: bool = False, align: str = "L",
                  h: float = 5.5) -> None:
        self.font(size, bold)
        self.multi_cell(0, h, self.t(text), align=align, new_x="LMARGIN", new_y="NEXT")

    def footer(self) -> None:
        self.set_y(-12)
        self.font(7.5)
        self.cell(0, 5, self.t(f"{self.footer_text}  -  halaman {self.page_no()}"), align="C")

    def grid(self, header: list[str], rows: list[list[str]], widths: list[float],
             right: set[int] | None = None, size: float = 8.5) -> None:
        """A bordered table whose cells wrap (never cut) and whose header row repeats on
        every page the table runs onto (fpdf2's table API)."""
        right = right or set()
        self.font(size)
        aligns = tuple("RIGHT" if i in right else "LEFT" for i in range(len(widths)))
        with self.table(
            col_widths=tuple(widths), width=sum(widths), text_align=aligns, align="LEFT",
            line_height=size * 0.55, padding=(0.8, 1.0), repeat_headings=1,
            headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
        ) as table:
            for row in [header, *rows]:
                cells = table.row()
                for text in row:
                    cells.cell(self.t(text))
        self.ln(1)
