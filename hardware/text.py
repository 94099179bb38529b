"""Text for a thermal printer: one code page, no control bytes, fixed-width lines.

Printers print bytes, not Unicode. We select code page PC858 (ESC t 19: Latin-1-ish
plus the euro sign), which covers Bahasa Indonesia and most names written with Latin
letters. `printable()` maps everything else to something the page can show, so every
character costs exactly one byte and one column, and layout can count columns with
`len()`.

It also guarantees that no text can contain a control byte: a candidate name holding
ESC or GS must not be able to cut the paper or change the code page mid-receipt.
"""

from __future__ import annotations

import textwrap
import unicodedata

#: Python codec matching the printer code page selected by `ESCPOS_CODE_PAGE`.
CODEC = "cp858"
#: ESC t argument selecting PC858 on Epson-compatible printers.
ESCPOS_CODE_PAGE = 19

# Typographic characters common in names and copied text, mapped to plain ones.
_PUNCTUATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u2022": "*",
        "\u00a0": " ",
        "\t": " ",
    }
)


def _fits_code_page(char: str) -> bool:
    try:
        char.encode(CODEC)
    except UnicodeEncodeError:
        return False
    return True


def printable(text: str) -> str:
    """Return `text` using only characters the printer code page can print.

    Typographic quotes and dashes become ASCII, letters with marks the code page lacks
    lose the mark (NFKD), control and format characters become a space, and anything
    else becomes "?". The result encodes to one byte per character.
    """
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text.translate(_PUNCTUATION)):
        if unicodedata.category(char)[0] == "C":
            out.append(" ")
        elif _fits_code_page(char):
            out.append(char)
        else:
            stripped = "".join(
                c
                for c in unicodedata.normalize("NFKD", char)
                if not unicodedata.combining(c) and unicodedata.category(c)[0] != "C"
            )
            out.append(stripped if stripped and all(map(_fits_code_page, stripped)) else "?")
    return "".join(out)


def encode(text: str) -> bytes:
    """Encode `text` for the printer: `printable()` then the code page codec."""
    return printable(text).encode(CODEC)


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """Wrap printable `text` into lines of at most `width` columns.

    Long words (tracking codes, hex) are broken rather than overflowing. `indent`
    prefixes continuation lines. An empty text gives one empty line.
    """
    if width < 1:
        raise ValueError("width must be at least 1")
    clean = printable(text)
    lines = textwrap.wrap(
        clean,
        width=width,
        subsequent_indent=indent,
        break_long_words=True,
        break_on_hyphens=False,
    )
    return lines or [""]


def label_value(label: str, value: str, width: int, label_width: int) -> list[str]:
    """Lay out "Label    : value", wrapping the value under itself.

    Example (width 32, label_width 8): ``"Desa    : Sukamaju"``.
    """
    head = printable(label).ljust(label_width)[:label_width] + ": "
    room = max(1, width - len(head))
    parts = wrap(value, room)
    return [head + parts[0]] + [" " * len(head) + part for part in parts[1:]]


def columns(left: str, right: str, width: int) -> list[str]:
    """Lay out `left` and a right-aligned `right` on one line, wrapping `left` if needed.

    `right` (a count) stays on the first line so the numbers form a column.
    """
    right = printable(right)
    room = max(1, width - len(right) - 1)
    parts = wrap(left, room, indent="   ")
    first = parts[0].ljust(room) + " " + right.rjust(width - room - 1)
    return [first] + parts[1:]


def grouped(text: str, size: int = 4) -> str:
    """Insert a space every `size` characters ("3f2a9c01" -> "3f2a 9c01") for reading aloud."""
    clean = printable(text).replace(" ", "")
    return " ".join(clean[i : i + size] for i in range(0, len(clean), size))


def upper_name(name: str) -> str:
    """A person's name in capitals for a receipt, with titles and degrees kept as written.

    Indonesian names carry academic degrees after a comma ("Siti Aminah, S.Pd.") and
    titles before the name ("Drs.", "H.", "Hj."): ``str.upper`` would print "S.PD." and
    "HJ.", which are not the degrees or titles the candidate holds. Everything after the
    first comma is kept as written, and so is every word before it that holds a full stop
    (an abbreviation: a title or an initial, already capitalised as the name is written);
    the other words are upper-cased.

    Example: ``"Drs. H. Ahmad Fauzi, S.Pd."`` -> ``"Drs. H. AHMAD FAUZI, S.Pd."``.
    """
    head, comma, degrees = printable(name).partition(",")
    words = [word if "." in word else word.upper() for word in head.split(" ")]
    return " ".join(words) + comma + degrees
