"""ESC/POS: the command subset SuaraDesa sends, as pure byte builders.

Subset (Epson ESC/POS, as implemented by common 58/80 mm thermal printers):

========================  =====================  =====================================
command                   bytes                  use
========================  =====================  =====================================
ESC @                     1B 40                  initialise (reset modes)
ESC t n                   1B 74 13               code page PC858 (see hardware.text)
ESC a n                   1B 61 n                align: 0 left, 1 centre, 2 right
ESC E n                   1B 45 n                bold off/on
ESC M n                   1B 4D n                font A (12x24) / B (9x17)
GS ! n                    1D 21 n                character size (0x00, 0x01, 0x11)
LF                        0A                     print the line, feed one line
ESC d n                   1B 64 n                print and feed n lines
GS ( k ... cn=49          1D 28 6B pL pH 31 fn   native QR: model 2, module size, ECC M,
                                                 store data (fn 80), print (fn 81)
GS v 0 m xL xH yL yH d..  1D 76 30 00 ...        raster bit image (QR fallback), sent in
                                                 bands of RASTER_BAND_ROWS rows
GS V 66 n                 1D 56 42 n             feed n lines and partial cut
GS r 1                    1D 72 01               reply once all before it is printed
DLE EOT n                 10 04 n                real-time status query (n = 1..4)
DLE DC4 8 1 3 20 1 6 2 8  10 14 08 ...           real-time: clear receive/print buffers
========================  =====================  =====================================

`render()` turns a `Document` into a `Program`: a tuple of segments, each a whole
number of commands. The driver sends segments and queries status only between them,
so a status query never lands inside a command's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from hardware import text as tx
from hardware.document import Align, Document, Feed, Line, PaperWidth, Qr, Size
from hardware.qrcodes import QUIET_ZONE, module_dots, qr_matrix

ESC = 0x1B
GS = 0x1D
DLE = 0x10
LF = b"\n"

INIT = bytes([ESC, 0x40])
#: Real-time "clear buffers" (DLE DC4 fn=8); honoured while offline, e.g. out of paper.
CLEAR_BUFFERS = bytes([DLE, 0x14, 0x08, 1, 3, 20, 1, 6, 2, 8])
#: The four real-time status queries the driver sends, in order (see hardware.status).
STATUS_QUERY = bytes([DLE, 0x04, 1, DLE, 0x04, 2, DLE, 0x04, 3, DLE, 0x04, 4])

#: GS r 1: answered only after everything sent before it has been printed.
CONFIRM_PRINTED = bytes([GS, 0x72, 1])

#: Rows per GS v 0 band: one band is a few hundred bytes, so status stays fresh.
RASTER_BAND_ROWS = 24
#: Lines fed before the cut so the last printed line clears the cutter.
CUT_FEED_LINES = 4


class QrMode(Enum):
    """How QR codes are sent: the printer's own encoder, or as a raster image."""

    NATIVE = "native"
    RASTER = "raster"


def select_code_page(number: int = tx.ESCPOS_CODE_PAGE) -> bytes:
    return bytes([ESC, 0x74, number])


def align(value: Align) -> bytes:
    return bytes([ESC, 0x61, value.value])


def bold(on: bool) -> bytes:
    return bytes([ESC, 0x45, 1 if on else 0])


def font_b(on: bool) -> bytes:
    return bytes([ESC, 0x4D, 1 if on else 0])


def char_size(size: Size) -> bytes:
    return bytes([GS, 0x21, size.value])


def feed_lines(count: int) -> bytes:
    if not 0 <= count <= 255:
        raise ValueError("feed count must be 0..255")
    return bytes([ESC, 0x64, count])


def cut(feed: int = CUT_FEED_LINES) -> bytes:
    """Feed `feed` lines and partial-cut (GS V 66 n)."""
    return bytes([GS, 0x56, 66, feed])


def _qr_function(fn: int, params: bytes) -> bytes:
    length = len(params) + 2  # cn and fn
    return bytes([GS, 0x28, 0x6B, length & 0xFF, length >> 8, 49, fn]) + params


def qr_native(data: str, module: int) -> bytes:
    """GS ( k: model 2, module size, ECC level M, store `data`, print."""
    if not 1 <= module <= 16:
        raise ValueError("QR module size must be 1..16 dots")
    payload = data.encode("ascii")
    if len(payload) > 7089:
        raise ValueError("QR data too long for GS ( k")
    return (
        _qr_function(65, bytes([50, 0]))  # model 2
        + _qr_function(67, bytes([module]))
        + _qr_function(69, bytes([49]))  # error correction M
        + _qr_function(80, b"0" + payload)  # store in symbol area (m = 48)
        + _qr_function(81, b"0")  # print
    )


def _pack_row(row: list[bool], width_bytes: int) -> bytes:
    bits = "".join("1" if dark else "0" for dark in row).ljust(width_bytes * 8, "0")
    return int(bits, 2).to_bytes(width_bytes, "big") if bits else b""


def _band(packed_rows: list[bytes], width_bytes: int) -> bytes:
    height = len(packed_rows)
    header = bytes(
        [GS, 0x76, 0x30, 0, width_bytes & 0xFF, width_bytes >> 8, height & 0xFF, height >> 8]
    )
    return header + b"".join(packed_rows)


def raster_band(rows: list[list[bool]]) -> bytes:
    """GS v 0 for one band of pixel rows (True = black, MSB = leftmost); rows share one width."""
    width_bytes = (len(rows[0]) + 7) // 8 if rows else 0
    return _band([_pack_row(row, width_bytes) for row in rows], width_bytes)


def qr_raster(data: str, module: int, width: PaperWidth) -> list[bytes]:
    """The QR code as centred raster bands (quiet zone included), for printers without GS ( k."""
    matrix = qr_matrix(data)
    width_bytes = width.dots // 8
    left = (width.dots - len(matrix) * module) // 2
    blank = bytes(width_bytes)
    rows: list[bytes] = [blank] * (QUIET_ZONE * module)
    for matrix_row in matrix:
        pixels = [False] * left + [dark for dark in matrix_row for _ in range(module)]
        rows.extend([_pack_row(pixels, width_bytes)] * module)
    rows.extend([blank] * (QUIET_ZONE * module))
    return [
        _band(rows[i : i + RASTER_BAND_ROWS], width_bytes)
        for i in range(0, len(rows), RASTER_BAND_ROWS)
    ]


def line(block: Line) -> bytes:
    """One text line with its modes set explicitly, then reset to the defaults."""
    return (
        align(block.align)
        + font_b(block.small)
        + bold(block.bold)
        + char_size(block.size)
        + tx.encode(block.text)
        + LF
        + char_size(Size.NORMAL)
        + bold(False)
        + font_b(False)
        + align(Align.LEFT)
    )


@dataclass(frozen=True)
class Program:
    """The bytes of one print job, split into segments on command boundaries."""

    segments: tuple[bytes, ...]

    @property
    def data(self) -> bytes:
        return b"".join(self.segments)

    def __len__(self) -> int:
        return sum(len(segment) for segment in self.segments)


def render(document: Document, qr_mode: QrMode = QrMode.NATIVE) -> Program:
    """Encode `document` as ESC/POS: initialise, every block, feed and cut."""
    segments: list[bytes] = [INIT + select_code_page()]
    for block in document.blocks:
        if isinstance(block, Line):
            segments.append(line(block))
        elif isinstance(block, Feed):
            segments.append(feed_lines(block.lines))
        elif isinstance(block, Qr):
            module = module_dots(block.data, document.width)
            if qr_mode is QrMode.NATIVE:
                segments.append(align(Align.CENTER) + qr_native(block.data, module) + LF)
                segments.append(align(Align.LEFT))
            else:
                segments.extend(qr_raster(block.data, module, document.width))
        else:  # pragma: no cover - Block is a closed union
            raise TypeError(f"unknown block {block!r}")
    segments.append(cut())
    return Program(tuple(segments))
