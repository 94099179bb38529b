"""QR code geometry for receipts: the version a text needs and its module matrix.

The printer draws native QR codes itself (GS ( k), choosing the version; the raster
fallback and the simulator draw them with the `qrcode` library. Both use byte mode and
error correction M, so the version computed here is the one the printer will use.
"""

from __future__ import annotations

import qrcode
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


def qr_version(data: str) -> int:
    """The smallest QR version (1..40) holding `data` in byte mode at level M."""
    version = _code(data).version
    assert version is not None
    return version


def qr_matrix(data: str) -> list[list[bool]]:
    """The module matrix of `data` (True = dark), without quiet zone."""
    return [list(row) for row in _code(data).get_matrix()]


def module_dots(data: str, width: PaperWidth) -> int:
    """Module size in dots so the code plus its quiet zone fits the paper width."""
    modules = 17 + 4 * qr_version(data) + 2 * QUIET_ZONE
    return max(1, min(MAX_MODULE_DOTS, width.dots // modules))
