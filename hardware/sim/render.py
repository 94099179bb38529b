"""Render a simulated receipt to a PNG image, one pixel per printer dot.

Text is drawn character by character into fixed cells (12x24 dots for Font A, 9x17
for Font B, multiplied by the character size), so columns line up exactly as on the
thermal printer whatever font is installed. QR codes are drawn from their stored data
with `segno` (through `hardware.qrcodes.encode`) at the module size the job asked for; raster images are
unpacked bit by bit. A white margin is added above and below so QR codes at the very
top or bottom keep a quiet zone.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from hardware.document import PaperWidth
from hardware.qrcodes import FEED_DOTS, encode
from hardware.sim.paper import BitmapRow, BlankRow, PrintedReceipt, QrRow, Span, TextRow

LINE_PITCH = FEED_DOTS  # dots per line at the default line spacing (ESC 2)
MARGIN = 32  # white dots above and below the receipt
_FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/TTF/DejaVuSansMono.ttf",
    "/usr/share/fonts/dejavu/DejaVuSansMono.ttf",
)
_ECC_LEVELS = ("L", "M", "Q", "H")

FontType = ImageFont.FreeTypeFont | ImageFont.ImageFont


@cache
def _font(pixel_height: int) -> FontType:
    for candidate in _FONT_FILES:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size=pixel_height)
    return ImageFont.load_default(size=pixel_height)


def _qr_image(row: QrRow) -> Image.Image:
    matrix = encode(row.data, row.ecc if row.ecc in _ECC_LEVELS else "M").matrix
    size = len(matrix)
    pixels = bytes(0 if dark else 255 for line in matrix for dark in line)
    image = Image.frombytes("L", (size, size), pixels)
    return image.resize((size * row.module, size * row.module), Image.Resampling.NEAREST)


def _bitmap_image(row: BitmapRow) -> Image.Image:
    image = Image.frombytes("1", (row.width_bytes * 8, row.height), row.data)
    # Mode "1" frombytes uses 1 = white; printer raster uses 1 = black.
    return Image.eval(image.convert("L"), lambda v: 255 - v)


@cache
def _glyph(char: str, cell_w: int, cell_h: int, bold: bool) -> Image.Image:
    """One character in its cell at normal size (cached: receipts repeat few glyphs)."""
    image = Image.new("L", (cell_w, cell_h), 255)
    if char != " ":
        font = _font(cell_h - (4 if cell_h >= 24 else 3))
        ImageDraw.Draw(image).text((0, 1), char, font=font, fill=0, stroke_width=1 if bold else 0)
    return image


def _span_image(span: Span) -> Image.Image:
    base_w, base_h = span.cell[0] // span.width_factor, span.cell[1] // span.height_factor
    image = Image.new("L", (max(1, base_w * len(span.text)), base_h), 255)
    for index, char in enumerate(span.text):
        if char != " ":
            image.paste(_glyph(char, base_w, base_h, span.bold), (index * base_w, 0))
    if span.width_factor > 1 or span.height_factor > 1:
        image = image.resize((image.width * span.width_factor, image.height * span.height_factor))
    return image


def _row_image(row: TextRow | QrRow | BitmapRow, dots: int) -> tuple[Image.Image, int]:
    """The row's image and its x offset on the paper."""
    if isinstance(row, TextRow):
        height = max(span.cell[1] for span in row.spans)
        pitch = max(LINE_PITCH, height + 6)
        width = sum(span.cell[0] * len(span.text) for span in row.spans)
        image = Image.new("L", (max(1, width), pitch), 255)
        x = 0
        for span in row.spans:
            piece = _span_image(span)
            image.paste(piece, (x, height - piece.height))
            x += piece.width
        align = row.align
    elif isinstance(row, QrRow):
        image, align = _qr_image(row), row.align
    else:
        return _bitmap_image(row), 0
    offset = {1: (dots - image.width) // 2, 2: dots - image.width}.get(align, 0)
    return image, max(0, offset)


def render_png(receipt: PrintedReceipt, width: PaperWidth) -> Image.Image:
    """The receipt as a grayscale image `width.dots` wide."""
    pieces: list[tuple[Image.Image | None, int, int]] = []  # image, x, height
    for row in receipt.rows:
        if isinstance(row, BlankRow):
            pieces.append((None, 0, row.lines * LINE_PITCH))
        else:
            picture, x = _row_image(row, width.dots)
            pieces.append((picture, x, picture.height))
    total = 2 * MARGIN + sum(height for _, _, height in pieces)
    page = Image.new("L", (width.dots, total), 255)
    y = MARGIN
    for piece, x, height in pieces:
        if piece is not None:
            page.paste(piece.crop((0, 0, min(piece.width, width.dots - x), piece.height)), (x, y))
        y += height
    return page
