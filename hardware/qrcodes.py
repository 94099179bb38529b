"""QR code geometry for receipts: the version a text needs and its module matrix.

The printer draws native QR codes itself (GS ( k), choosing the version; the raster
fallback and the simulator draw them with `segno`. Both use byte mode and error
correction M (segno's error boost is turned off, as a printer has none), so the version
computed here is the one the printer will use. segno chooses the mask pattern by the
standard's penalty rules, as a printer's encoder does.
"""

from __future__ import annotations

import math

import segno

from hardware.document import PaperWidth

#: Modules of quiet zone the layout leaves on each side (the standard asks for 4).
QUIET_ZONE = 4
#: Largest module size, in dots, the layout asks for (ESC/POS allows 1..16).
MAX_MODULE_DOTS = 6
#: Dots one fed line advances at the default line spacing (ESC 2, about 1/6 inch: 30 dots
#: or a little more on 203 dpi printers; the simulator uses exactly 30, the smallest).
FEED_DOTS = 30

#: Bytes a byte-mode code of version 1..40 holds at level M (ISO/IEC 18004 table 7).
#: A table rather than a question to the encoder: computing the version this way is cheap,
#: and tests/hardware/test_qrcodes.py checks every entry against segno.
BYTE_CAPACITY_M = (
    14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560,
    624, 666, 711, 779, 857, 911, 997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628,
    1722, 1809, 1911, 1989, 2099, 2213, 2331,
)  # fmt: skip


def byte_capacity(version: int) -> int:
    """Bytes a byte-mode code of `version` (1..40) holds at level M."""
    if not 1 <= version <= 40:
        raise ValueError(f"QR version {version} is not in 1..40")
    return BYTE_CAPACITY_M[version - 1]


def qr_version(data: str) -> int:
    """The smallest QR version (1..40) holding `data` in byte mode at level M.

    Computed from the capacity table rather than by building the code, which is slow.
    """
    size = len(data.encode("ascii"))
    for version, capacity in enumerate(BYTE_CAPACITY_M, start=1):
        if capacity >= size:
            return version
    raise ValueError(f"{size} bytes do not fit any QR code at level M")


def encode(data: bytes, error: str = "M") -> segno.QRCode:
    """`data` as one byte-mode segment at exactly level `error` (L, M, Q or H)."""
    return segno.make(data, error=error.lower(), mode="byte", micro=False, boost_error=False)


def qr_matrix(data: str) -> list[list[bool]]:
    """The module matrix of `data` (True = dark), without quiet zone."""
    return [[bool(module) for module in row] for row in encode(data.encode("ascii")).matrix]


def module_dots(data: str, width: PaperWidth) -> int:
    """Module size in dots so the code plus its quiet zone fits the paper width."""
    modules = 17 + 4 * qr_version(data) + 2 * QUIET_ZONE
    return max(1, min(MAX_MODULE_DOTS, width.dots // modules))


def quiet_feed_lines(data: str, width: PaperWidth) -> int:
    """Lines to feed above and below a code so at least `QUIET_ZONE` modules of white
    paper surround it (ISO/IEC 18004). A printer draws only the symbol, without its quiet
    zone; across the paper the zone comes from `module_dots` leaving room for it, along the
    paper from these feeds."""
    return max(1, math.ceil(QUIET_ZONE * module_dots(data, width) / FEED_DOTS))
