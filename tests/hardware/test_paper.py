"""The simulated paper: modes, wrapping, cuts and torn receipts."""

from __future__ import annotations

from hardware import escpos
from hardware.document import REPRINT_BANNER, Align, Document, Line, PaperWidth, Qr
from hardware.escpos_parse import parse
from hardware.sim.paper import BlankRow, Paper, PrintedReceipt, QrRow, TextRow


def _print(paper: Paper, data: bytes) -> list[PrintedReceipt]:
    commands, rest = parse(data)
    assert rest == b""
    return [receipt for command, _ in commands if (receipt := paper.apply(command)) is not None]


def test_text_rows_keep_alignment_bold_and_size() -> None:
    paper = Paper(PaperWidth.MM58)
    (receipt,) = _print(
        paper,
        escpos.render(
            Document("t", PaperWidth.MM58, (Line("Halo", Align.CENTER, bold=True),))
        ).data,
    )
    row = receipt.rows[0]
    assert isinstance(row, TextRow)
    assert row.text == "Halo" and row.align == 1 and row.spans[0].bold
    assert receipt.complete
    assert isinstance(receipt.rows[-1], BlankRow)  # the cut's feed


def test_long_lines_wrap_at_the_paper_width() -> None:
    paper = Paper(PaperWidth.MM58)
    (receipt,) = _print(paper, b"\x1b@" + b"x" * 40 + b"\n" + escpos.cut())
    rows = [row for row in receipt.rows if isinstance(row, TextRow)]
    assert [len(row.text) for row in rows] == [32, 8]


def test_double_width_halves_the_columns() -> None:
    paper = Paper(PaperWidth.MM58)
    (receipt,) = _print(paper, b"\x1d!\x11" + b"x" * 20 + b"\n" + escpos.cut())
    rows = [row for row in receipt.rows if isinstance(row, TextRow)]
    assert [len(row.text) for row in rows] == [16, 4]


def test_code_page_decodes_text() -> None:
    paper = Paper(PaperWidth.MM58)
    (receipt,) = _print(
        paper, escpos.select_code_page() + "André".encode("cp858") + b"\n" + escpos.cut()
    )
    assert "André" in receipt.text(PaperWidth.MM58)


def test_native_qr_becomes_a_qr_row() -> None:
    paper = Paper(PaperWidth.MM58)
    data = escpos.render(Document("t", PaperWidth.MM58, (Qr("SDQR1 1/1 2cf24dba aGVsbG8="),))).data
    (receipt,) = _print(paper, data)
    (row,) = [row for row in receipt.rows if isinstance(row, QrRow)]
    assert row.data == b"SDQR1 1/1 2cf24dba aGVsbG8=" and row.ecc == "M" and row.align == 1
    assert receipt.qr_payloads == ["SDQR1 1/1 2cf24dba aGVsbG8="]


def test_tear_returns_the_partial_receipt_once() -> None:
    paper = Paper(PaperWidth.MM58)
    assert _print(paper, b"half a rec") == []
    torn = paper.tear()
    assert torn is not None and not torn.complete
    assert "half a rec" in torn.text(PaperWidth.MM58)
    assert "TORN" in torn.text(PaperWidth.MM58)
    assert paper.tear() is None


def test_reprint_banner_is_recognised() -> None:
    document = Document("t", PaperWidth.MM58, (Line("Halo"),)).as_reprint()
    paper = Paper(PaperWidth.MM58)
    (receipt,) = _print(paper, escpos.render(document).data)
    assert receipt.is_reprint
    assert REPRINT_BANNER in receipt.text(PaperWidth.MM58)
