"""The simulator's ESC/POS parser: whole commands, any split, unknown commands skipped."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hardware import escpos, layout, samples
from hardware.document import PaperWidth
from hardware.escpos_parse import (
    ClearBuffers,
    Command,
    Cut,
    FeedLines,
    Ignored,
    Init,
    LineFeed,
    QrErrorCorrection,
    QrModule,
    QrPrint,
    QrStore,
    Raster,
    SetAlign,
    SetBold,
    SetCodePage,
    SetSize,
    StatusQuery,
    Text,
    TransmitStatus,
    parse,
)


def _commands(data: bytes) -> list[Command]:
    commands, rest = parse(data)
    assert rest == b""
    return [command for command, _ in commands]


def _merged(commands: list[Command]) -> list[Command]:
    out: list[Command] = []
    for command in commands:
        if out and isinstance(command, Text) and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].data + command.data)
        else:
            out.append(command)
    return out


def test_parses_the_emitted_subset() -> None:
    data = (
        escpos.INIT
        + escpos.select_code_page()
        + b"\x1ba\x01\x1bE\x01\x1d!\x11Halo\n\x1bd\x02"
        + escpos.qr_native("AB", 5)
        + escpos.raster_band([[True] * 8])
        + escpos.STATUS_QUERY[:3]
        + escpos.CLEAR_BUFFERS
        + escpos.CONFIRM_PRINTED
        + escpos.cut()
    )
    assert _commands(data) == [
        Init(),
        SetCodePage(19),
        SetAlign(1),
        SetBold(True),
        SetSize(0x11),
        Text(b"Halo"),
        LineFeed(),
        FeedLines(2),
        Ignored(b"\x1d(k\x04\x001A2\x00"),  # model selection: nothing to simulate
        QrModule(5),
        QrErrorCorrection("M"),
        QrStore(b"AB"),
        QrPrint(),
        Raster(1, 1, b"\xff"),
        StatusQuery(1),
        ClearBuffers(),
        TransmitStatus(1),
        Cut(4),
    ]


def test_sizes_add_up_to_the_input() -> None:
    data = escpos.render(layout.layout_receipt(samples.results_report(), PaperWidth.MM58)).data
    commands, rest = parse(data)
    assert rest == b"" and sum(size for _, size in commands) == len(data)


def test_incomplete_commands_wait_for_more_bytes() -> None:
    data = escpos.qr_native("HELLO", 4)
    commands, rest = parse(data[:-3])
    assert rest and not any(isinstance(c, QrPrint) for c, _ in commands)
    more, rest = parse(rest + data[-3:])
    assert rest == b"" and [c for c, _ in more] == [QrPrint()]


def test_unknown_commands_are_skipped_by_length() -> None:
    assert _commands(b"\x1b!\x08A\x1d\x42\x01B\x1c.C\x07D") == [
        Ignored(b"\x1b!\x08"),
        Text(b"A"),
        Ignored(b"\x1dB\x01"),
        Text(b"B"),
        Ignored(b"\x1c."),
        Text(b"C"),
        Ignored(b"\x07"),
        Text(b"D"),
    ]


def test_status_query_bytes_inside_raster_data_are_data() -> None:
    band = b"\x1dv0\x00\x03\x00\x01\x00" + b"\x10\x04\x01"
    assert _commands(band) == [Raster(3, 1, b"\x10\x04\x01")]


# Text, modes, a native QR and two raster bands: every kind of command, kept small.
_SPLIT_SAMPLE = (
    escpos.render(layout.layout_receipt(samples.take_home_slip(), PaperWidth.MM58)).data
    + escpos.qr_native("SDQR1 1/1 2cf24dba aGVsbG8=", 4)
    + escpos.raster_band([[True, False] * 20] * 3)
    + escpos.raster_band([[False, True] * 20] * 2)
)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=97), min_size=1, max_size=60))
def test_any_split_gives_the_same_commands(cuts: list[int]) -> None:
    data = _SPLIT_SAMPLE
    pending = b""
    commands: list[Command] = []
    position = 0
    for size in cuts * (len(data) // sum(cuts) + 1):
        if position >= len(data):
            break
        parsed, pending = parse(pending + data[position : position + size])
        commands += [command for command, _ in parsed]
        position += size
    assert pending == b""
    assert _merged(commands) == _merged(_commands(data))
