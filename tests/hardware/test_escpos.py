"""ESC/POS builders against hand-written bytes from the Epson command reference."""

from __future__ import annotations

import pytest

from hardware import escpos
from hardware.document import Align, Document, Feed, Line, PaperWidth, Qr, Size
from hardware.escpos_parse import Raster, parse


def test_mode_commands() -> None:
    assert escpos.INIT == b"\x1b@"
    assert escpos.select_code_page() == b"\x1bt\x13"
    assert escpos.align(Align.CENTER) == b"\x1ba\x01"
    assert escpos.bold(True) == b"\x1bE\x01"
    assert escpos.bold(False) == b"\x1bE\x00"
    assert escpos.font_b(True) == b"\x1bM\x01"
    assert escpos.char_size(Size.DOUBLE) == b"\x1d!\x11"
    assert escpos.char_size(Size.TALL) == b"\x1d!\x01"
    assert escpos.feed_lines(3) == b"\x1bd\x03"
    assert escpos.cut() == b"\x1dVB\x04"


def test_real_time_commands() -> None:
    assert escpos.STATUS_QUERY == b"\x10\x04\x01\x10\x04\x02\x10\x04\x03\x10\x04\x04"
    assert escpos.CLEAR_BUFFERS == b"\x10\x14\x08\x01\x03\x14\x01\x06\x02\x08"
    assert escpos.CONFIRM_PRINTED == b"\x1dr\x01"


def test_native_qr_sequence() -> None:
    assert escpos.qr_native("AB", 4) == (
        b"\x1d(k\x04\x001A2\x00"  # fn 65: model 2
        b"\x1d(k\x03\x001C\x04"  # fn 67: module 4 dots
        b"\x1d(k\x03\x001E1"  # fn 69: error correction M
        b"\x1d(k\x05\x001P0AB"  # fn 80: store "AB" (pL = 2 + 3)
        b"\x1d(k\x03\x001Q0"  # fn 81: print
    )


def test_native_qr_length_bytes_for_long_data() -> None:
    data = "x" * 300
    stored = escpos.qr_native(data, 4).split(b"1P0")[0][-5:]
    assert stored[-2:] == (303).to_bytes(2, "little")


def test_native_qr_rejects_bad_module_size() -> None:
    with pytest.raises(ValueError):
        escpos.qr_native("x", 17)


def test_raster_band_packs_msb_first_and_pads_rows() -> None:
    row = [True, False, False, False, False, False, False, True, True]  # 9 dots -> 2 bytes
    assert escpos.raster_band([row, [False] * 9]) == (
        b"\x1dv0\x00\x02\x00\x02\x00" + b"\x81\x80" + b"\x00\x00"
    )


def test_text_line_sets_and_resets_modes() -> None:
    line = Line("No. 2", align=Align.CENTER, bold=True, size=Size.DOUBLE)
    assert escpos.line(line) == (
        b"\x1ba\x01\x1bM\x00\x1bE\x01\x1d!\x11No. 2\n\x1d!\x00\x1bE\x00\x1bM\x00\x1ba\x00"
    )


def test_line_refuses_unprintable_text() -> None:
    with pytest.raises(ValueError):
        Line("cut\x1dV\x00")


def _doc(*blocks: Line | Qr | Feed, width: PaperWidth = PaperWidth.MM58) -> Document:
    return Document("test", width, tuple(blocks))


def test_program_starts_with_init_and_ends_with_cut() -> None:
    program = escpos.render(_doc(Line("Halo"), Feed(2)))
    assert program.segments[0] == b"\x1b@\x1bt\x13"
    assert program.segments[-1] == escpos.cut()
    assert b"Halo\n" in program.data
    assert b"\x1bd\x02" in program.segments


@pytest.mark.parametrize("mode", list(escpos.QrMode))
def test_every_segment_is_whole_commands(mode: escpos.QrMode) -> None:
    program = escpos.render(_doc(Line("QR:"), Qr("SDQR1 1/1 2cf24dba aGVsbG8=")), mode)
    for segment in program.segments:
        _, rest = parse(segment)
        assert rest == b""


def test_raster_qr_is_banded_and_paper_wide() -> None:
    width = PaperWidth.MM80
    program = escpos.render(
        _doc(Qr("SDQR1 1/1 2cf24dba aGVsbG8="), width=width), escpos.QrMode.RASTER
    )
    bands = [cmd for seg in program.segments for cmd, _ in parse(seg)[0] if isinstance(cmd, Raster)]
    assert len(bands) > 1
    assert all(band.width_bytes == width.dots // 8 for band in bands)
    assert all(band.height <= escpos.RASTER_BAND_ROWS for band in bands)
