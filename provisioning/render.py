"""Printable output: trustee card QR images and PDF pages, officer and trustee PIN sheets.

QR codes are made with `segno`: error-correction level M exactly (no error boost) in
byte mode, the mask pattern chosen by the standard's penalty rules (the easiest for a
camera to read; about 10 ms a card, 15 s for the 1,520 cards of a regency). Images are
drawn directly from the module matrix (6 px per module, 4-module quiet zone).
PDFs use fpdf2's core Helvetica font: text is reduced to Latin-1 first.
"""

from __future__ import annotations

import io
from pathlib import Path

import segno
from fpdf import FPDF
from PIL import Image

from ballotcore.codes import QR_PREFIX
from ballotcore.election import ElectionDefinition, Village

MODULE_PX = 6
QUIET_ZONE = 4
CARD_FORMAT = (105.0, 148.0)  # A6 portrait, mm


def qr_image(payload: bytes) -> Image.Image:
    """A black-on-white QR code (level M, byte mode) of `payload`, with its quiet zone."""
    qr = segno.make(payload, error="m", mode="byte", micro=False, boost_error=False)
    rows = list(qr.matrix_iter(scale=1, border=QUIET_ZONE))
    size = len(rows)
    raw = bytes(0 if dark else 255 for row in rows for dark in row)
    img = Image.frombytes("L", (size, size), raw).convert("1")  # 1-bit: 3x faster to save
    return img.resize((size * MODULE_PX, size * MODULE_PX), Image.Resampling.NEAREST)


def png_bytes(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=6)  # ~2 KB for a 1-bit card
    return buf.getvalue()


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def _pdf(fmt: tuple[float, float] | str = "A4") -> FPDF:
    pdf = FPDF(format=fmt)
    pdf.set_auto_page_break(False)
    pdf.set_creator("SuaraDesa provisioning")
    return pdf


def _line(pdf: FPDF, text: str, size: int = 10, bold: bool = False, h: float = 6) -> None:
    """One line of text, shrunk to fit the page width (cell() is ~10x faster than multi_cell)."""
    text = _latin1(text)
    style = "B" if bold else ""
    pdf.set_font("Helvetica", style, size)
    room = pdf.w - pdf.l_margin - pdf.r_margin
    while size > 5 and pdf.get_string_width(text) > room:
        size -= 1
        pdf.set_font("Helvetica", style, size)
    pdf.cell(0, h, text, new_x="LMARGIN", new_y="NEXT")


def trustee_cards_pdf(
    definition: ElectionDefinition,
    village: Village,
    cards: list[tuple[int, bytes]],
    out: Path,
) -> None:
    """One A6 page per trustee card of `village`: who, what, and the QR code. No PIN."""
    pdf = _pdf(CARD_FORMAT)
    pdf.set_margins(8, 8, 8)
    for index, png in cards:
        trustee = next(t for t in village.trustees if t.index == index)
        pdf.add_page()
        _line(pdf, "KARTU WALI AMANAT - RAHASIA / TRUSTEE CARD - SECRET", 11, bold=True)
        _line(pdf, definition.name, 8, h=4)
        _line(pdf, f"Desa {village.name}, Kec. {village.district} ({village.code})", 9)
        _line(pdf, f"Wali amanat {index} dari {len(village.trustees)}: {trustee.name}", 9)
        _line(pdf, f"Diperlukan {village.threshold} kartu untuk membuka hasil.", 8, h=4)
        pdf.image(io.BytesIO(png), x=12.5, y=pdf.get_y() + 3, w=80, h=80)
        pdf.set_y(133)
        _line(pdf, "RAHASIA: jangan difoto, difotokopi atau ditunjukkan. Secret: never copy.", 7, h=4)
        _line(pdf, "PIN dicetak terpisah. Jangan simpan kartu dan PIN bersama-sama.", 7, h=4)
    pdf.output(str(out))


def trustee_pin_sheet(
    definition: ElectionDefinition, village: Village, pins: dict[int, str], out: Path
) -> None:
    """One A6 page per trustee with that trustee's PIN, to be sealed in an envelope."""
    pdf = _pdf(CARD_FORMAT)
    pdf.set_margins(8, 8, 8)
    for trustee in village.trustees:
        pdf.add_page()
        _line(pdf, "PIN WALI AMANAT / TRUSTEE PIN - RAHASIA", 11, bold=True)
        _line(pdf, definition.name, 8, h=4)
        _line(pdf, f"Desa {village.name} ({village.code})", 9)
        _line(pdf, f"Wali amanat {trustee.index}: {trustee.name}", 9)
        pdf.ln(6)
        pin = pins[trustee.index]
        _line(pdf, " ".join(pin[i : i + 5] for i in range(0, len(pin), 5)), 24, bold=True, h=14)
        pdf.ln(4)
        _line(pdf, "Simpan terpisah dari kartu QR. Hafalkan atau segel dalam amplop.", 8, h=4)
    pdf.output(str(out))


def officer_pin_sheet(
    definition: ElectionDefinition,
    village: Village,
    station: str,
    kiosk_id: str,
    pins: list[str],
    out: Path,
    install_code: str,
    unlock_codes: list[str],
) -> None:
    """The sealed officer sheet of a station (A4, two pages).

    Page 1: one cut-off strip per officer (KPPS) with that officer's daily PIN. Page 2:
    the installation code (text and a QR code the kiosk's scanner reads), used once to
    install the package on the kiosk, and the one-time PIN unlock codes."""
    pdf = _pdf("A4")
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    _line(pdf, "PIN PETUGAS KPPS / OFFICER PINS - RAHASIA", 14, bold=True, h=8)
    _line(pdf, definition.name, 10)
    _line(pdf, f"Desa {village.name}, Kec. {village.district} ({village.code})", 10)
    _line(pdf, f"TPS {station} - kios {kiosk_id} - tanggal {definition.date}", 10)
    for slot, pin in enumerate(pins, start=1):
        pdf.ln(10)
        pdf.set_dash_pattern(dash=2, gap=2)
        pdf.line(15, pdf.get_y(), 195, pdf.get_y())
        pdf.set_dash_pattern()
        pdf.ln(6)
        _line(pdf, f"Petugas {slot} / Officer {slot}", 11, bold=True)
        _line(pdf, f"{pin[:3]} {pin[3:]}", 30, bold=True, h=16)
        _line(pdf, "Jangan tunjukkan PIN ini kepada siapa pun.", 9)
    pdf.add_page()
    _line(pdf, "KODE INSTALASI / INSTALLATION CODE - RAHASIA", 14, bold=True, h=8)
    _line(pdf, f"TPS {station} - kios {kiosk_id}", 10)
    _line(pdf, "Dipakai sekali, saat paket dipasang di kios (ketik atau pindai QR).", 9)
    _line(pdf, install_code, 22, bold=True, h=14)
    png = png_bytes(qr_image((QR_PREFIX + install_code).encode("ascii")))
    pdf.image(io.BytesIO(png), x=15, y=pdf.get_y() + 2, w=45, h=45)
    pdf.set_y(pdf.get_y() + 52)
    _line(pdf, "KODE BUKA KUNCI PIN / PIN UNLOCK CODES (masing-masing sekali pakai)", 11, bold=True)
    _line(pdf, "Bila PIN terkunci, minta izin kecamatan, lalu masukkan satu kode di kios.", 9)
    for i, code in enumerate(unlock_codes, start=1):
        _line(pdf, f"{i}.  {code}", 14, bold=True, h=9)
    pdf.output(str(out))
