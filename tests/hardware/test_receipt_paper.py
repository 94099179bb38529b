"""Receipts as they come out of the simulated printer: QR quiet zones, the bilingual
column header, and candidate names in capitals with their degrees kept as written.

Every check reads the simulator's real rendering (the PNG one dot per pixel) and decodes
QR codes with zxing-cpp, an implementation independent of the encoder (segno).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from hardware import escpos, layout, samples
from hardware import text as tx
from hardware.document import Document, Line, PaperWidth
from hardware.escpos import QrMode
from hardware.escpos_parse import parse
from hardware.printer import PrintCompleted, PrintJob, SerialPrinter
from hardware.qrcodes import QUIET_ZONE
from hardware.qrparts import join_qr_parts, split_qr_parts
from hardware.receipts import CloseSummary, PollbookSection, VoterRecord
from hardware.sim.paper import Paper
from hardware.sim.printer_sim import PrinterSimulator
from hardware.sim.render import render_png
from provisioning import sample as provisioning_sample

# -- helpers -----------------------------------------------------------------------------


def _render(document: Document) -> Image.Image:
    """The simulator's rendering of `document`'s ESC/POS bytes (in process, no pty)."""
    commands, rest = parse(escpos.render(document).data)
    assert rest == b""
    paper = Paper(document.width)
    (receipt,) = [r for command, _ in commands if (r := paper.apply(command)) is not None]
    return render_png(receipt, document.width)


def _quiet_zones(image: Image.Image) -> list[tuple[str, list[float]]]:
    """Every QR code zxing-cpp finds: its text and the white paper around the symbol on
    each side (top, bottom, left, right) in modules, measured pixel by pixel."""
    gray = image.convert("L")
    pixels = gray.load()
    assert pixels is not None
    found = []
    for code in zxingcpp.read_barcodes(gray):
        assert code.format == zxingcpp.BarcodeFormat.QRCode
        corners = (code.position.top_left, code.position.top_right,
                   code.position.bottom_left, code.position.bottom_right)
        x0, x1 = min(p.x for p in corners), max(p.x for p in corners)
        y0, y1 = min(p.y for p in corners), max(p.y for p in corners)
        module = (x1 - x0 + 1) / (17 + 4 * int(code.extra["Version"]))

        def white(xs: range, ys: range) -> bool:
            return all(pixels[x, y] > 127 for x in xs for y in ys)  # type: ignore[index]

        top = bottom = left = right = 0
        while y0 - top - 1 >= 0 and white(range(x0, x1 + 1), range(y0 - top - 1, y0 - top)):
            top += 1
        while y1 + bottom + 1 < gray.height and white(range(x0, x1 + 1),
                                                       range(y1 + bottom + 1, y1 + bottom + 2)):
            bottom += 1
        while x0 - left - 1 >= 0 and white(range(x0 - left - 1, x0 - left), range(y0, y1 + 1)):
            left += 1
        while x1 + right + 1 < gray.width and white(range(x1 + right + 1, x1 + right + 2),
                                                     range(y0, y1 + 1)):
            right += 1
        found.append((code.text, [side / module for side in (top, bottom, left, right)]))
    found.sort(key=lambda item: item[0])
    return found


def _ink_bands(image: Image.Image) -> list[tuple[int, int]]:
    """The (top, bottom) pixel rows of each printed band of text, top to bottom."""
    gray = image.convert("L")
    inked = [any(gray.getpixel((x, y)) < 128 for x in range(gray.width))  # type: ignore[operator]
             for y in range(gray.height)]
    bands, start = [], None
    for y, ink in enumerate([*inked, False]):
        if ink and start is None:
            start = y
        elif not ink and start is not None:
            bands.append((start, y))
            start = None
    return bands


def _words(image: Image.Image, band: tuple[int, int], gap: int) -> list[tuple[int, int]]:
    """The (left, right) x extent of each word in a band: ink runs split by `gap` blank
    columns or more."""
    gray = image.convert("L")
    columns = [any(gray.getpixel((x, y)) < 128 for y in range(*band))  # type: ignore[operator]
               for x in range(gray.width)]
    words: list[tuple[int, int]] = []
    blank = gap
    for x, ink in enumerate(columns):
        if ink:
            if blank >= gap:
                words.append((x, x))
            words[-1] = (words[-1][0], x)
            blank = 0
        else:
            blank += 1
    return words


# -- QR quiet zone -----------------------------------------------------------------------


@pytest.mark.parametrize(("width", "mode"), [(w, m) for w in PaperWidth for m in QrMode])
def test_every_receipt_qr_keeps_its_quiet_zone(
    tmp_path: Path, width: PaperWidth, mode: QrMode
) -> None:
    """Every receipt type with QR codes, printed by the real driver through the pty into
    the simulator: each code decodes, the parts join to the payload, and at least four
    modules of white paper surround each symbol on all four sides."""
    signed = samples.sample_payload(1100, b"signed results record")  # four parts
    contents = {"results": samples.results_report(signed), "trustee": samples.trustee_card()}
    with (
        PrinterSimulator(tmp_path / "out", width=width) as sim,
        SerialPrinter(sim.path, qr_mode=mode) as printer,
    ):
        for content in contents.values():
            assert isinstance(printer.print_job(PrintJob.of(content, width)), PrintCompleted)
        printed = dict(zip(contents, sim.wait_for_receipts(len(contents)), strict=True))
    payloads = {"results": signed, "trustee": samples.trustee_card().card_data}
    for name, receipt in printed.items():
        with Image.open(receipt.png_path) as image:
            zones = _quiet_zones(image)
        assert len(zones) == len(split_qr_parts(payloads[name])) > 0, name
        assert join_qr_parts([text for text, _ in zones]) == payloads[name]
        for text, sides in zones:
            assert min(sides) >= QUIET_ZONE, (name, text[:12], sides)


def test_quiet_zone_measurement_sees_a_cramped_code() -> None:
    """Positive control: a code pasted with only two modules of white is measured as two."""
    symbol = samples.sample_payload(40).hex().encode()
    from hardware.qrcodes import encode

    matrix = encode(symbol).matrix
    size, module, border = len(matrix), 4, 2
    image = Image.new("L", ((size + 2 * border) * module, (size + 2 * border) * module), 255)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.paste(0, ((x + border) * module, (y + border) * module,
                                (x + border + 1) * module, (y + border + 1) * module))
    ((_, sides),) = _quiet_zones(image)
    assert sides == pytest.approx([border] * 4, abs=0.3)  # within a pixel or so
    assert max(sides) < QUIET_ZONE


# -- the bilingual column header ---------------------------------------------------------


def _header_words(width: PaperWidth, gloss: Line | None = None) -> tuple[list, list]:
    """Word extents of the "No Calon ... Suara" header and the English line under it."""
    blocks = list(layout.layout_zero_report(samples.zero_report(), width).blocks)
    at = next(i for i, b in enumerate(blocks) if isinstance(b, Line) and "Suara" in b.text)
    if gloss is not None:
        blocks[at + 1] = gloss
    image = _render(Document("header", width, tuple(blocks[at : at + 2])))
    first, second = _ink_bands(image)[:2]
    return _words(image, first, gap=8), _words(image, second, gap=6)


@pytest.mark.parametrize("width", list(PaperWidth))
def test_english_column_header_lines_up_with_the_indonesian(width: PaperWidth) -> None:
    """"Candidate" starts under "Calon" and "Votes" ends where "Suara" ends (within a
    quarter character of Font B), measured on the rendered PNG."""
    (_, calon, suara), (_, candidate, votes) = _header_words(width)
    assert abs(candidate[0] - calon[0]) <= 3, (calon, candidate)
    assert abs(votes[1] - suara[1]) <= 2, (suara, votes)


def test_header_measurement_sees_the_old_misaligned_gloss() -> None:
    """Positive control: the gloss laid out in Font B columns as before is caught."""
    old = Line(tx.columns("No Candidate", "Votes", PaperWidth.MM58.small_chars)[0], small=True)
    (_, calon, suara), (_, candidate, votes) = _header_words(PaperWidth.MM58, old)
    assert abs(candidate[0] - calon[0]) > 3 and abs(votes[1] - suara[1]) > 2


# -- names in capitals -------------------------------------------------------------------

_DEGREE_TOKENS = tuple(s.strip(", ") for s in provisioning_sample.SUFFIXES if s)
_TITLE_TOKENS = tuple(t.strip() for t in provisioning_sample.TITLES if t)


def _sample_names() -> list[str]:
    """Every title and degree provisioning/sample.py gives candidates, on its names."""
    first, last = provisioning_sample.FIRST, provisioning_sample.LAST
    return [f"{title}{first[i % len(first)]} {last[i % len(last)]}{suffix}"
            for i, (title, suffix) in enumerate(
                (t, s) for t in provisioning_sample.TITLES for s in provisioning_sample.SUFFIXES)]


def test_upper_name_keeps_titles_and_degrees_as_written() -> None:
    assert tx.upper_name("Siti Aminah, S.Pd.") == "SITI AMINAH, S.Pd."
    assert tx.upper_name("Drs. H. Ahmad Fauzi, S.Pd.") == "Drs. H. AHMAD FAUZI, S.Pd."
    assert tx.upper_name("Hj. Dewi Lestari, S.E., M.Si.") == "Hj. DEWI LESTARI, S.E., M.Si."
    assert tx.upper_name("Budi Santoso") == "BUDI SANTOSO"
    for name in _sample_names():
        upper = tx.upper_name(name)
        head = name.split(",")[0]
        words = [w for w in head.split() if "." not in w]
        assert all(w.upper() in upper.split(",")[0].split() for w in words), (name, upper)
        for token in (*_DEGREE_TOKENS, *_TITLE_TOKENS):
            assert (token in name) == (token in upper), (name, upper, token)
            if token.upper() != token:
                assert token.upper() not in upper, (name, upper)


def test_plain_upper_would_mangle_the_degrees() -> None:
    """Positive control for the check above: str.upper prints "S.PD." and "HJ."."""
    assert "S.PD." in "Siti Aminah, S.Pd.".upper()
    assert "HJ." in "Hj. Siti Aminah".upper()


@pytest.mark.parametrize("width", list(PaperWidth))
def test_voter_record_and_check_receipt_print_degrees_as_written(
    tmp_path: Path, width: PaperWidth
) -> None:
    """Through the real driver and simulator: the name in capitals, degrees as written."""
    name = "Hj. Siti Aminah, S.Pd."
    record = VoterRecord("Sukamaju", "TPS 03", 2, name)
    challenge = samples.challenge_receipt()
    challenge = type(challenge)(challenge.village, challenge.station, 2, name,
                                challenge.tracking_code)
    with PrinterSimulator(tmp_path, width=width) as sim, SerialPrinter(sim.path) as printer:
        for content in (record, challenge):
            assert isinstance(printer.print_job(PrintJob.of(content, width)), PrintCompleted)
        receipts = sim.wait_for_receipts(2)
    for receipt in receipts:
        assert "Hj. SITI AMINAH, S.Pd." in receipt.text.replace("\n", " "), receipt.text
        assert "S.PD." not in receipt.text and "HJ." not in receipt.text


# -- the one close receipt ---------------------------------------------------------------


def _close_summary(paper: int | None, findings: tuple[str, ...]) -> CloseSummary:
    book = PollbookSection(4, 2, 2, 0, paper, findings)
    return CloseSummary(samples.STATION, 3, 3, 0, "ab" * 32,
                        datetime(2025, 10, 12, 13, 5, tzinfo=samples.WIB), pollbook=book)


@pytest.mark.parametrize(
    ("paper", "findings", "verdict"),
    [
        (None, ("1 pemilih hadir tanpa surat suara / 1 checked-in voters had no ballot",),
         "PERBEDAAN"),
        (3, (), "Keempat jumlah cocok."),
        (None, (), "Hadir, aktivasi dan surat suara cocok."),
    ],
)
def test_close_summary_carries_the_pollbook_section(
    tmp_path: Path, paper: int | None, findings: tuple[str, ...], verdict: str
) -> None:
    """Printed through the driver and simulator: one receipt with the close counts, the
    poll-book counts, the audit-box count ("-" before it is entered) and the differences."""
    with PrinterSimulator(tmp_path) as sim, SerialPrinter(sim.path) as printer:
        outcome = printer.print_job(PrintJob.of(_close_summary(paper, findings),
                                                PaperWidth.MM58))
        assert isinstance(outcome, PrintCompleted)
        (receipt,) = sim.wait_for_receipts(1)
    text = receipt.text
    assert "RINGKASAN" in text and "PENUTUPAN" in text  # double width: two lines on 58 mm
    for expected in ( "DAFTAR PEMILIH", "Pemilih hadir", verdict,
                     "Akar komitmen kotak suara", "Tanda tangan"):
        assert expected in " ".join(text.split()), expected  # lines wrap on 58 mm
    paper_line = next(line for line in text.splitlines() if line.startswith("Catatan kertas"))
    assert paper_line.split()[-1] == ("-" if paper is None else str(paper))
    assert text.index("DAFTAR PEMILIH") < text.index("Akar komitmen")
    for finding in findings:
        assert finding.split(" / ")[0] in " ".join(text.split())


def test_close_summary_without_a_voter_list_has_no_pollbook_section() -> None:
    plain = layout.layout_close_summary(
        CloseSummary(samples.STATION, 3, 3, 0, "ab" * 32,
                     datetime(2025, 10, 12, 13, 5, tzinfo=samples.WIB)), PaperWidth.MM58)
    assert "DAFTAR PEMILIH" not in plain.plain_text()
    with_book = layout.layout_close_summary(_close_summary(None, ()), PaperWidth.MM58)
    assert "DAFTAR PEMILIH" in with_book.plain_text()  # positive control
