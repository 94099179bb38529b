"""A receipt as the printer sees it: a paper width and a list of blocks.

Layout (`hardware.layout`) turns receipt content into a `Document`; the ESC/POS encoder
(`hardware.escpos`) turns a `Document` into bytes. Keeping this intermediate form makes
layout testable without bytes, and lets a reprint be "the same document with a banner".

Text in a document is already laid out: every `Line` fits the paper at its font and
size, and holds only code-page characters (see `hardware.text`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from hardware import text as tx

#: Width in dots of one Font A character (12x24) and one Font B character (9x17).
FONT_A_DOTS = 12
FONT_B_DOTS = 9


class PaperWidth(Enum):
    """Supported roll widths, with the printable dots and Font A/B columns of each."""

    MM58 = "58"
    MM80 = "80"

    @property
    def dots(self) -> int:
        """Printable width in dots (8 dots per mm, 203 dpi)."""
        return 384 if self is PaperWidth.MM58 else 576

    @property
    def chars(self) -> int:
        """Columns of Font A (12x24 dots) at normal size: 32 or 48."""
        return self.dots // FONT_A_DOTS

    @property
    def small_chars(self) -> int:
        """Columns of Font B (9x17 dots), used for English glosses: 42 or 64."""
        return self.dots // FONT_B_DOTS


class Align(Enum):
    """Justification, with the ESC a argument."""

    LEFT = 0
    CENTER = 1
    RIGHT = 2


class Size(Enum):
    """Character size, with the GS ! argument (width and height multipliers)."""

    NORMAL = 0x00
    TALL = 0x01
    DOUBLE = 0x11

    @property
    def width_factor(self) -> int:
        return (self.value >> 4) + 1

    @property
    def height_factor(self) -> int:
        return (self.value & 0x0F) + 1


@dataclass(frozen=True)
class Line:
    """One printed line of text (Font A unless `small`, which selects Font B)."""

    text: str
    align: Align = Align.LEFT
    bold: bool = False
    size: Size = Size.NORMAL
    small: bool = False

    def __post_init__(self) -> None:
        if tx.printable(self.text) != self.text:
            raise ValueError("Line text must be printable; lay it out with hardware.text")


@dataclass(frozen=True)
class Qr:
    """One QR code (error correction M), centred, holding ASCII `data`."""

    data: str


@dataclass(frozen=True)
class Feed:
    """Blank paper: `lines` empty lines."""

    lines: int = 1


Block = Line | Qr | Feed

#: Text of the banner on top of every reprinted receipt.
REPRINT_BANNER = "*** CETAK ULANG / REPRINT ***"


@dataclass(frozen=True)
class Document:
    """A laid-out receipt. `kind` names the receipt type for logs and file names only."""

    kind: str
    width: PaperWidth
    blocks: tuple[Block, ...]

    def as_reprint(self) -> Document:
        """The same receipt marked "CETAK ULANG / REPRINT" at the top.

        Marking is idempotent: reprinting a reprint does not stack banners.
        """
        if self.is_reprint:
            return self
        banner = (
            Line(REPRINT_BANNER, align=Align.CENTER, bold=True),
            Line("=" * self.width.chars),
        )
        return replace(self, blocks=banner + self.blocks)

    @property
    def is_reprint(self) -> bool:
        return bool(self.blocks) and self.blocks[0] == Line(
            REPRINT_BANNER, align=Align.CENTER, bold=True
        )

    def plain_text(self) -> str:
        """The document as plain text, QR codes shown as "[QR n chars]".

        For tests and debugging only: never log it, a voter record holds a choice.
        """
        out: list[str] = []
        for block in self.blocks:
            if isinstance(block, Line):
                out.append(block.text)
            elif isinstance(block, Qr):
                out.append(f"[QR {len(block.data)} chars]")
            else:
                out.extend([""] * block.lines)
        return "\n".join(out)
