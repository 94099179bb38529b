"""QR code geometry for receipts: the version a text needs and its module matrix.

The printer draws native QR codes itself (GS ( k), choosing the version; the raster
fallback and the simulator draw them with the `qrcode` library. Both use byte mode and
error correction M, so the version computed here is the one the printer will use.
"""

from __future__ import annotations

from functools import cache

import qrcode
import qrcode.base
import qrcode.constants
from qrcode.util import QRData

from hardware.document import PaperWidth

#: Modules of quiet zone the layout leaves on each side (the standard asks for 4).
QUIET_ZONE = 4
#: Largest module size, in dots, the layout asks for (ESC/POS allows 1..16).
MAX_MODULE_DOTS = 6


def _code(data: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    # One byte-mode segment, as a printer's native encoder produces.
    code.add_data(QRData(data.encode("ascii"), mode=qrcode.util.MODE_8BIT_BYTE))
    code.make(fit=True)
    return code


@cache
def byte_capacity(version: int) -> int:
    """Bytes a byte-mode code of `version` holds at level M (ISO/IEC 18004 table 7)."""
    blocks = qrcode.base.rs_blocks(version, qrcode.constants.ERROR_CORRECT_M)
    data_bits = 8 * sum(block.data_count for block in blocks)
    count_bits = 8 if version <= 9 else 16
    return (data_bits - 4 - count_bits) // 8


def qr_version(data: str) -> int:
    """The smallest QR version (1..40) holding `data` in byte mode at level M.

    Computed from the capacity table rather than by building the code, which is slow.
    """
    size = len(data.encode("ascii"))
    for version in range(1, 41):
        if byte_capacity(version) >= size:
            return version
    raise ValueError(f"{size} bytes do not fit any QR code at level M")


def qr_matrix(data: str) -> list[list[bool]]:
    """The module matrix of `data` (True = dark), without quiet zone."""
    return [list(row) for row in _code(data).get_matrix()]


def module_dots(data: str, width: PaperWidth) -> int:
    """Module size in dots so the code plus its quiet zone fits the paper width."""
    modules = 17 + 4 * qr_version(data) + 2 * QUIET_ZONE
    return max(1, min(MAX_MODULE_DOTS, width.dots // modules))
