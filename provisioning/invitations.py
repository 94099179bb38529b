"""Invitation letters (surat pemberitahuan) of a station's voters: one PDF per station.

Eight letters per A4 page (2 x 4, each 105 x 74 mm) with dashed cut lines between them.
Each letter: the voter's name, DPT number, village, TPS, the election's day and date, the
voting hours and time zone, where the TPS is, and a QR code with `invitation_text`
(ballotcore.voterlist: the station and DPT number bound by a MAC; no name in it), which
the kiosk's scanner reads at check-in.

The PDFs are personal data (UU 27/2022): they are written under `personal-data/` beside
the packages, never inside a package, and are for the village committee (PPS) who hands
them out. The QR is a 1-bit image at one pixel per module with a 4-module quiet zone,
scaled up without interpolation (sharp at any print resolution, ~600 bytes a letter);
segno chooses the mask by the standard's penalty rules, the slow part (~5 ms a letter).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import segno
from fpdf import FPDF
from PIL import Image

from ballotcore.election import ElectionDefinition, Village
from ballotcore.voterlist import VoterList, invitation_text

PERSONAL_DATA_DIR = "personal-data"
INVITATIONS_DIR = f"{PERSONAL_DATA_DIR}/invitations"
DEFAULT_HOURS = "07.00-13.00"  # the usual Pilkades voting hours, when settings give none
NO_LOCATION = "diumumkan panitia desa (PPS) / announced by the village committee"
QUIET_ZONE = 4
QR_MM = 34.0
CELL_W, CELL_H = 105.0, 74.25  # A4 in 2 x 4
PER_PAGE = 8
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")
README = """DATA PRIBADI - RAHASIA / PERSONAL DATA - CONFIDENTIAL

Folder ini berisi surat pemberitahuan (undangan memilih) dengan nama dan nomor DPT setiap
pemilih (UU 27/2022 tentang Pelindungan Data Pribadi). Cetak, serahkan kepada panitia desa
(PPS) untuk dibagikan, lalu hapus. Jangan salin ke flashdisk kios atau ke tempat umum.

This folder holds the invitation letters with every voter's name and DPT number. Print
them, hand them to the village committee to deliver, then delete it. Never copy it to a
kiosk's USB stick or anywhere public.
"""


def long_date(iso: str) -> str:
    """"Minggu, 10 Mei 2026" for "2026-05-10"."""
    day = dt.date.fromisoformat(iso)
    return f"{DAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year}"


def qr_bitmap(text: str) -> Image.Image:
    """The QR code of `text` (level M, byte mode) as a 1-bit image, one pixel a module."""
    qr = segno.make(text, error="m", mode="byte", micro=False, boost_error=False)
    rows = list(qr.matrix_iter(scale=1, border=QUIET_ZONE))
    size = len(rows)
    raw = bytes(0 if dark else 255 for row in rows for dark in row)
    return Image.frombytes("L", (size, size), raw).convert("1")


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def _text(pdf: FPDF, x: float, y: float, width: float, text: str, size: float,
          bold: bool = False) -> None:
    """One line at (x, y baseline), shrunk until it fits `width`."""
    text = _latin1(text)
    style = "B" if bold else ""
    pdf.set_font("Helvetica", style, size)
    while size > 5 and pdf.get_string_width(text) > width:
        size -= 0.5
        pdf.set_font("Helvetica", style, size)
    pdf.text(x, y, text)


def _cut_lines(pdf: FPDF) -> None:
    pdf.set_draw_color(150, 150, 150)
    pdf.set_line_width(0.2)
    pdf.set_dash_pattern(dash=1.5, gap=1.5)
    pdf.line(CELL_W, 0, CELL_W, pdf.h)
    for row in range(1, 4):
        pdf.line(0, row * CELL_H, pdf.w, row * CELL_H)
    pdf.set_dash_pattern()
    pdf.set_draw_color(0, 0, 0)


def invitations_pdf(definition: ElectionDefinition, village: Village, voters: VoterList,
                    out: Path, hours: str = DEFAULT_HOURS, location: str | None = None) -> int:
    """Write the invitation letters of every voter on `voters` to `out`; returns the count.

    `definition` gives the election's name, date and time zone (its villages may be
    empty); `hours` is "HH.MM-HH.MM" in that zone; `location` says where the TPS is."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_creator("SuaraDesa provisioning")
    pdf.set_title(f"Surat pemberitahuan {village.code} {voters.station}")
    zone = definition.time_zone or "WIB"
    when = long_date(definition.date)
    place = location or NO_LOCATION
    for i, voter in enumerate(voters.voters):
        if i % PER_PAGE == 0:
            pdf.add_page()
            _cut_lines(pdf)
        x0 = (i % 2) * CELL_W + 6
        y0 = ((i % PER_PAGE) // 2) * CELL_H + 5
        text_w = CELL_W - 12 - QR_MM - 2
        _text(pdf, x0, y0 + 4, CELL_W - 12, "SURAT PEMBERITAHUAN / INVITATION TO VOTE", 9.5,
              bold=True)
        _text(pdf, x0, y0 + 8.5, CELL_W - 12, definition.name, 7)
        _text(pdf, x0, y0 + 15, text_w, "Kepada Yth. / To:", 7.5)
        _text(pdf, x0, y0 + 20.5, text_w, voter.name, 11, bold=True)
        _text(pdf, x0, y0 + 27, text_w, f"No. DPT {voter.dpt_number}  -  {voters.station}", 10,
              bold=True)
        _text(pdf, x0, y0 + 33, text_w, f"Desa {village.name}", 8)
        _text(pdf, x0, y0 + 37, text_w, f"Kec. {village.district}", 8)
        _text(pdf, x0, y0 + 43, text_w, when, 8.5, bold=True)
        _text(pdf, x0, y0 + 47.5, text_w, f"Pukul {hours} {zone}", 8.5, bold=True)
        _text(pdf, x0, y0 + 53.5, CELL_W - 12, f"Tempat / Place: {place}", 7.5)
        _text(pdf, x0, y0 + 59.5, CELL_W - 12,
              "Bawa surat ini dan KTP-el ke TPS. Bring this letter and your KTP.", 7)
        _text(pdf, x0, y0 + 63.5, CELL_W - 12,
              "Kode QR hanya untuk TPS ini. The QR code is valid at this TPS only.", 6.5)
        qr = qr_bitmap(invitation_text(voters, voter.dpt_number))
        pdf.image(qr, x=x0 + CELL_W - 12 - QR_MM, y=y0 + 11, w=QR_MM, h=QR_MM)
    pdf.output(str(out))
    return len(voters.voters)


def write_readme(root: Path) -> None:
    """The bilingual note that marks `personal-data/` for what it is."""
    path = root / PERSONAL_DATA_DIR / "BACA-README.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(README, encoding="utf-8")


__all__ = ["DEFAULT_HOURS", "INVITATIONS_DIR", "PERSONAL_DATA_DIR", "invitations_pdf",
           "long_date", "qr_bitmap", "write_readme"]
