"""Parse an ESC/POS byte stream into commands: the printer simulator's front end.

`parse(buffer)` is pure and incremental: it returns the complete commands at the start
of `buffer` and the bytes of an incomplete trailing command, to be prepended to the
next read. It understands the subset `hardware.escpos` emits (see its table) and skips
other common commands by their known length. Real-time commands (DLE EOT, DLE DC4)
are recognised only at command boundaries, never inside another command's data; a
real printer is less careful, which is why the driver only queries status between
whole segments.
"""

from __future__ import annotations

from dataclasses import dataclass

ESC, GS, DLE, FS = 0x1B, 0x1D, 0x10, 0x1C


@dataclass(frozen=True)
class Text:
    """Printable bytes (>= 0x20), still in the printer's code page."""

    data: bytes


@dataclass(frozen=True)
class LineFeed:
    pass


@dataclass(frozen=True)
class Init:
    pass


@dataclass(frozen=True)
class SetCodePage:
    number: int


@dataclass(frozen=True)
class SetAlign:
    value: int


@dataclass(frozen=True)
class SetBold:
    on: bool


@dataclass(frozen=True)
class SetFont:
    font_b: bool


@dataclass(frozen=True)
class SetSize:
    value: int


@dataclass(frozen=True)
class FeedLines:
    count: int


@dataclass(frozen=True)
class Cut:
    feed: int


@dataclass(frozen=True)
class QrModule:
    dots: int


@dataclass(frozen=True)
class QrErrorCorrection:
    level: str  # "L", "M", "Q" or "H"


@dataclass(frozen=True)
class QrStore:
    data: bytes


@dataclass(frozen=True)
class QrPrint:
    pass


@dataclass(frozen=True)
class Raster:
    """GS v 0: `height` rows of `width_bytes` bytes, MSB = leftmost dot."""

    width_bytes: int
    height: int
    data: bytes


@dataclass(frozen=True)
class TransmitStatus:
    """GS r n: not real-time; answered when the printer reaches it in the print queue."""

    n: int


@dataclass(frozen=True)
class StatusQuery:
    """DLE EOT n: answer immediately, even when offline."""

    n: int


@dataclass(frozen=True)
class ClearBuffers:
    """DLE DC4 fn=8: drop received data that has not been printed yet."""


@dataclass(frozen=True)
class Ignored:
    """A command outside the subset, skipped by its length (or a stray control byte)."""

    data: bytes


Command = (
    Text
    | LineFeed
    | Init
    | SetCodePage
    | SetAlign
    | SetBold
    | SetFont
    | SetSize
    | FeedLines
    | Cut
    | QrModule
    | QrErrorCorrection
    | QrStore
    | QrPrint
    | Raster
    | TransmitStatus
    | StatusQuery
    | ClearBuffers
    | Ignored
)

#: Commands a printer executes on receipt, even while offline.
REAL_TIME = (StatusQuery, ClearBuffers)

_ESC_ONE_ARG: dict[int, type] = {
    0x74: SetCodePage,
    0x61: SetAlign,
    0x64: FeedLines,
}
_ESC_FLAG: dict[int, type] = {0x45: SetBold, 0x4D: SetFont}
# Other ESC commands with one argument byte: ESC ! - 3 J SP G { V r R U c...
_ESC_SKIP_ONE = frozenset(b"!-3J G{VrRUcp")
_ECC = {48: "L", 49: "M", 50: "Q", 51: "H"}

_NEED_MORE = None


def _esc(buf: bytes, i: int) -> tuple[Command, int] | None:
    if i + 1 >= len(buf):
        return _NEED_MORE
    op = buf[i + 1]
    if op == 0x40:
        return Init(), 2
    if op == 0x32:  # ESC 2: default line spacing
        return Ignored(buf[i : i + 2]), 2
    if i + 2 >= len(buf):
        return _NEED_MORE
    arg = buf[i + 2]
    if op in _ESC_ONE_ARG:
        cls = _ESC_ONE_ARG[op]
        return cls(arg), 3
    if op in _ESC_FLAG:
        return _ESC_FLAG[op](bool(arg & 1)), 3
    if op in _ESC_SKIP_ONE:
        return Ignored(buf[i : i + 3]), 3
    return Ignored(buf[i : i + 2]), 2


def _gs_qr(buf: bytes, i: int) -> tuple[Command, int] | None:
    # GS ( k pL pH cn fn ...
    if i + 4 >= len(buf):
        return _NEED_MORE
    length = buf[i + 3] | (buf[i + 4] << 8)
    total = 5 + length
    if i + total > len(buf):
        return _NEED_MORE
    body = buf[i + 5 : i + total]
    if len(body) < 2 or body[0] != 49:
        return Ignored(buf[i : i + total]), total
    fn, params = body[1], body[2:]
    if fn == 67 and params:
        return QrModule(params[0]), total
    if fn == 69 and params:
        return QrErrorCorrection(_ECC.get(params[0], "M")), total
    if fn == 80 and params:
        return QrStore(bytes(params[1:])), total
    if fn == 81:
        return QrPrint(), total
    return Ignored(buf[i : i + total]), total


def _gs(buf: bytes, i: int) -> tuple[Command, int] | None:
    if i + 2 >= len(buf):
        return _NEED_MORE
    op, arg = buf[i + 1], buf[i + 2]
    if op == 0x21:
        return SetSize(arg), 3
    if op == 0x72:
        return TransmitStatus(arg), 3
    if op == 0x56:  # GS V m [n]
        if arg in (65, 66):
            if i + 3 >= len(buf):
                return _NEED_MORE
            return Cut(buf[i + 3]), 4
        return Cut(0), 3
    if op == 0x28 and arg == 0x6B:
        return _gs_qr(buf, i)
    if op == 0x28:  # other GS ( x pL pH ...
        if i + 4 >= len(buf):
            return _NEED_MORE
        total = 5 + (buf[i + 3] | (buf[i + 4] << 8))
        if i + total > len(buf):
            return _NEED_MORE
        return Ignored(buf[i : i + total]), total
    if op == 0x76 and arg == 0x30:  # GS v 0 m xL xH yL yH d...
        if i + 7 >= len(buf):
            return _NEED_MORE
        width_bytes = buf[i + 4] | (buf[i + 5] << 8)
        height = buf[i + 6] | (buf[i + 7] << 8)
        total = 8 + width_bytes * height
        if i + total > len(buf):
            return _NEED_MORE
        return Raster(width_bytes, height, bytes(buf[i + 8 : i + total])), total
    if op in (0x4C, 0x57):  # GS L / GS W nL nH
        if i + 3 >= len(buf):
            return _NEED_MORE
        return Ignored(buf[i : i + 4]), 4
    return Ignored(buf[i : i + 3]), 3


def _dle(buf: bytes, i: int) -> tuple[Command, int] | None:
    if i + 2 >= len(buf):
        return _NEED_MORE
    op, arg = buf[i + 1], buf[i + 2]
    if op == 0x04:
        return StatusQuery(arg), 3
    if op == 0x14:
        size = {8: 10, 1: 5, 2: 5}.get(arg, 3)
        if i + size > len(buf):
            return _NEED_MORE
        if arg == 8:
            return ClearBuffers(), size
        return Ignored(buf[i : i + size]), size
    return Ignored(buf[i : i + 3]), 3


def parse(buffer: bytes) -> tuple[list[tuple[Command, int]], bytes]:
    """Split `buffer` into complete (command, byte length) pairs and the incomplete rest."""
    commands: list[tuple[Command, int]] = []
    i = 0
    n = len(buffer)
    while i < n:
        byte = buffer[i]
        if byte >= 0x20:
            j = i
            while j < n and buffer[j] >= 0x20:
                j += 1
            commands.append((Text(bytes(buffer[i:j])), j - i))
            i = j
            continue
        if byte == 0x0A:
            commands.append((LineFeed(), 1))
            i += 1
            continue
        handler = {ESC: _esc, GS: _gs, DLE: _dle}.get(byte)
        if handler is None:
            size = 2 if byte == FS else 1
            if i + size > n:
                break
            commands.append((Ignored(bytes(buffer[i : i + size])), size))
            i += size
            continue
        parsed = handler(buffer, i)
        if parsed is None:
            break
        commands.append(parsed)
        i += parsed[1]
    return commands, bytes(buffer[i:])
