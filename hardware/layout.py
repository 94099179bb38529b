"""Receipt layout: content (`hardware.receipts`) to a `Document` for 58 or 80 mm paper.

Bahasa Indonesia comes first in the normal font; an English gloss may follow in the
smaller Font B. Every function here is pure: same content and width, same document,
which is what the golden-byte tests pin down.
"""

from __future__ import annotations

from datetime import datetime

from hardware import text as tx
from hardware.document import (
    FONT_A_DOTS,
    FONT_B_DOTS,
    Align,
    Block,
    Document,
    Feed,
    Line,
    PaperWidth,
    Qr,
    Size,
)
from hardware.qrcodes import quiet_feed_lines
from hardware.qrparts import split_qr_parts
from hardware.receipts import (
    CandidateCount,
    ChallengeReceipt,
    CloseSummary,
    PollbookSection,
    ReceiptContent,
    ResultsReport,
    Station,
    TakeHomeSlip,
    TrusteeCardReprint,
    VoterRecord,
    ZeroReport,
)

_LABEL = 8  # label column of "Label   : value" lines
_TRAINING_BANNER = "LATIHAN / TRAINING"


def _when(moment: datetime) -> str:
    zone = moment.tzname()
    return f"{moment:%d-%m-%Y %H:%M}" + (f" {zone}" if zone else "")


def _title(indonesian: str, english: str, width: PaperWidth) -> list[Block]:
    lines: list[Block] = [
        Line(part, align=Align.CENTER, bold=True, size=Size.DOUBLE)
        for part in tx.wrap(indonesian, width.chars // 2)
    ]
    lines += [
        Line(part, align=Align.CENTER, small=True) for part in tx.wrap(english, width.small_chars)
    ]
    return lines


def _training(training: bool, width: PaperWidth) -> list[Block]:
    """The training-mode banner at the top of a receipt (nothing printed in official mode)."""
    if not training:
        return []
    return [Line(_TRAINING_BANNER, align=Align.CENTER, bold=True), _rule(width, "*")]


def _heading(indonesian: str, english: str, width: PaperWidth) -> list[Block]:
    lines: list[Block] = [Line(part, bold=True) for part in tx.wrap(indonesian, width.chars)]
    return lines + _gloss(english, width)


def _gloss(english: str, width: PaperWidth) -> list[Block]:
    return [Line(part, small=True) for part in tx.wrap(english, width.small_chars)]


def _plain(text: str, width: PaperWidth, align: Align = Align.LEFT) -> list[Block]:
    return [Line(part, align=align) for part in tx.wrap(text, width.chars)]


def _kv(label: str, value: str, width: PaperWidth) -> list[Block]:
    return [Line(part) for part in tx.label_value(label, value, width.chars, _LABEL)]


def _rule(width: PaperWidth, char: str = "-") -> Line:
    return Line(char * width.chars)


def _station(station: Station, width: PaperWidth) -> list[Block]:
    lines: list[Block] = [
        Line(part, align=Align.CENTER, bold=True) for part in tx.wrap(station.election, width.chars)
    ]
    lines += _kv("Desa", station.village, width)
    lines += _kv("TPS", station.station, width)
    lines += _kv("Kios", station.kiosk_id, width)
    return lines


def _count_row(label: str, count: int, width: PaperWidth, bold: bool = False) -> list[Block]:
    return [Line(part, bold=bold) for part in tx.columns(label, str(count), width.chars)]


def _column_gloss(cells: tuple[tuple[str, int], ...], right: str, width: PaperWidth) -> Line:
    """The English gloss under a Font A column header, in Font B, lined up with it.

    Each `(text, column)` starts under Font A column `column` (to the nearest Font B
    character) and `right` ends at the paper's right edge like the header's right-aligned
    column. Font B columns do not divide the paper evenly (42 x 9 = 378 of 384 dots on
    58 mm), so the line is right-aligned and positions are counted from where it starts;
    glossing with `tx.columns` at Font B width put "Votes" 6 dots short of "Suara" and
    "Candidate" a whole character left of "Calon".
    """
    chars = width.small_chars
    start = width.dots - chars * FONT_B_DOTS  # where a right-aligned full Font B line begins
    line = [" "] * chars
    for text, column in cells:
        at = max(0, round((column * FONT_A_DOTS - start) / FONT_B_DOTS))
        line[at : at + len(text)] = text
    line[chars - len(right) :] = right
    return Line("".join(line[:chars]), align=Align.RIGHT, small=True)


def _candidates(candidates: tuple[CandidateCount, ...], width: PaperWidth) -> list[Block]:
    # Rows are "NN Name ... votes": the name starts at Font A column 3, under "Calon".
    lines: list[Block] = [Line(tx.columns("No Calon", "Suara", width.chars)[0], bold=True)]
    lines += [_column_gloss((("No", 0), ("Candidate", 3)), "Votes", width)]
    for candidate in sorted(candidates, key=lambda c: c.number):
        lines += _count_row(f"{candidate.number:>2} {candidate.name}", candidate.votes, width)
    return lines


def _digest(label: str, english: str, value: str, width: PaperWidth) -> list[Block]:
    return _heading(label, english, width) + _plain(tx.grouped(value), width)


def _signatures(width: PaperWidth) -> list[Block]:
    lines: list[Block] = [Feed(1)]
    lines += _heading("Tanda tangan", "Signatures", width)
    for role in ("Ketua Panitia Pemilihan", "Anggota Panitia Pemilihan", "Saksi"):
        lines += [Feed(2), Line("." * (width.chars - 4)), Line(role)]
    return lines


def _qr_parts(payload: bytes, width: PaperWidth) -> list[Block]:
    parts = split_qr_parts(payload)
    blocks: list[Block] = []
    if len(parts) > 1:
        blocks += _plain(f"Pindai semua {len(parts)} kode QR.", width)
        blocks += _gloss(f"Scan all {len(parts)} QR codes.", width)
    for number, part in enumerate(parts, start=1):
        blocks += [Feed(1), Line(f"QR {number}/{len(parts)}", align=Align.CENTER, bold=True)]
        quiet = Feed(quiet_feed_lines(part, width))  # the quiet zone above and below
        blocks += [quiet, Qr(part), quiet]
    return blocks


def layout_zero_report(report: ZeroReport, width: PaperWidth) -> Document:
    """The zero report printed before the polls open."""
    blocks: list[Block] = _title("LAPORAN NOL", "Zero report", width)
    blocks += [_rule(width, "=")]
    blocks += _station(report.station, width)
    blocks += _kv("Waktu", _when(report.printed_at), width)
    blocks += [_rule(width)]
    blocks += _candidates(report.candidates, width)
    blocks += [_rule(width)]
    blocks += _count_row("Surat suara tercatat", report.ballots_cast, width, bold=True)
    blocks += _gloss("Ballots recorded", width)
    blocks += [_rule(width)]
    blocks += _plain("Kotak suara elektronik kosong.", width)
    blocks += _gloss("The electronic ballot box is empty.", width)
    blocks += _digest("Akar komitmen", "Commitment root", report.commitment_root, width)
    blocks += _kv("Versi", report.software_version, width)
    blocks += _signatures(width)
    return Document("zero-report", width, tuple(blocks))


def layout_voter_record(record: VoterRecord, width: PaperWidth) -> Document:
    """The voter's paper record of their choice, for the audit box: the place and the
    choice only, nothing that links it to the slip or the encrypted ballot."""
    blocks: list[Block] = _training(record.training, width)
    blocks += _title("CATATAN PILIHAN", "Voter's paper record", width)
    blocks += [_rule(width, "=")]
    blocks += _kv("Desa", record.village, width)
    blocks += _kv("TPS", record.station, width)
    blocks += [_rule(width)]
    blocks += [Line("Pilihan", align=Align.CENTER), Line("Choice", align=Align.CENTER, small=True)]
    blocks += [
        Line(f"No. {record.candidate_number}", align=Align.CENTER, bold=True, size=Size.DOUBLE)
    ]
    blocks += [
        Line(part, align=Align.CENTER, bold=True, size=Size.TALL)
        for part in tx.wrap(tx.upper_name(record.candidate_name), width.chars)
    ]
    blocks += [_rule(width), Feed(1)]
    blocks += _plain("Masukkan ke kotak audit.", width, Align.CENTER)
    blocks += [
        Line(part, align=Align.CENTER, small=True)
        for part in tx.wrap("Put this into the audit box.", width.small_chars)
    ]
    return Document("voter-record", width, tuple(blocks))


def layout_take_home_slip(slip: TakeHomeSlip, width: PaperWidth) -> Document:
    """The slip the voter keeps: the tracking code and where to check it, never the choice."""
    blocks: list[Block] = _training(slip.training, width)
    blocks += _title("KODE PELACAKAN", "Ballot tracking code", width)
    blocks += [_rule(width, "="), Feed(1)]
    blocks += [
        Line(part, align=Align.CENTER, bold=True, size=Size.TALL)
        for part in tx.wrap(slip.tracking_code, width.chars)
    ]
    blocks += [Feed(1), _rule(width)]
    blocks += _plain("Periksa kode ini setelah pemungutan suara di:", width)
    blocks += _gloss("Check this code after the vote at:", width)
    blocks += [Line(part, bold=True) for part in tx.wrap(slip.lookup, width.chars)]
    blocks += [Feed(1)]
    blocks += _plain("Slip ini tidak menunjukkan pilihan Anda.", width)
    blocks += _gloss("This slip does not show your vote.", width)
    return Document("take-home-slip", width, tuple(blocks))


def layout_challenge_receipt(receipt: ChallengeReceipt, width: PaperWidth) -> Document:
    """A checked ballot: tracking code, the candidate it encrypts, NOT COUNTED (the voter
    keeps it to compare with the bulletin board)."""
    blocks: list[Block] = _title("UJI SURAT SUARA", "Ballot check", width)
    blocks += [Line("TIDAK DIHITUNG", align=Align.CENTER, bold=True, size=Size.TALL)]
    blocks += [Line("NOT COUNTED", align=Align.CENTER, bold=True)]
    blocks += [_rule(width, "=")]
    blocks += _kv("Desa", receipt.village, width)
    blocks += _kv("TPS", receipt.station, width)
    blocks += [_rule(width)]
    blocks += [Line("Surat suara ini memuat", align=Align.CENTER)]
    blocks += [Line("This ballot encrypts", align=Align.CENTER, small=True)]
    blocks += [
        Line(f"No. {receipt.candidate_number}", align=Align.CENTER, bold=True, size=Size.DOUBLE)
    ]
    blocks += [
        Line(part, align=Align.CENTER, bold=True)
        for part in tx.wrap(tx.upper_name(receipt.candidate_name), width.chars)
    ]
    blocks += [_rule(width)]
    blocks += _kv("Kode", receipt.tracking_code, width)
    blocks += _gloss("Tracking code", width)
    blocks += [Feed(1)]
    blocks += _plain("Surat suara ini dibuka untuk diuji dan tidak dihitung. Cari kode ini "
                     "di papan pengumuman: calon yang sama harus tertulis di sana.", width)
    blocks += _gloss("This ballot was opened for checking and is not counted. Look up this "
                     "code on the bulletin board: the same candidate must be shown there.", width)
    return Document("challenge-receipt", width, tuple(blocks))


def layout_results_report(report: ResultsReport, width: PaperWidth) -> Document:
    """The station's own record at close of polls (the TPS counting record of a village
    election): DPT, mode, local time, counts, the signed results as SDQR1 QR codes, and
    signature lines for the village election committee (panitia pemilihan) and one
    witness of each candidate."""
    blocks: list[Block] = _title("LAPORAN HASIL", "Results report", width)
    blocks += [_rule(width, "=")]
    if report.test_mode:
        blocks += [Line("MODE UJI - BUKAN HASIL RESMI", align=Align.CENTER, bold=True)]
        blocks += [Line("Test mode - not official", align=Align.CENTER, small=True)]
    blocks += _station(report.station, width)
    blocks += _kv("Mode", "UJI (test)" if report.test_mode else "RESMI (official)", width)
    blocks += _kv("Ditutup", _when(report.closed_at), width)
    blocks += [_rule(width)]
    blocks += _count_row("Pemilih dalam DPT", report.dpt, width)
    blocks += _gloss("Registered voters (DPT)", width)
    blocks += _count_row("Tidak datang", max(0, report.dpt - report.ballots_cast), width)
    blocks += _gloss("Registered voters who did not vote", width)
    blocks += [_rule(width)]
    blocks += _candidates(report.candidates, width)
    blocks += [_rule(width)]
    blocks += _count_row("Jumlah suara sah", report.total_votes, width, bold=True)
    blocks += _gloss("Valid votes for candidates", width)
    blocks += _count_row("Suara tidak sah", 0, width)
    blocks += _gloss("Invalid votes: none, each e-ballot holds exactly one choice", width)
    blocks += _count_row("Surat suara tercatat", report.ballots_cast, width)
    blocks += _gloss("Ballots recorded", width)
    blocks += _count_row("Aktivasi pemilih", report.activations, width)
    blocks += _gloss("Voter activations", width)
    blocks += _count_row("Dibatalkan", report.voided, width)
    blocks += _gloss("Voided", width)
    blocks += [_rule(width)]
    blocks += _digest("Akar komitmen", "Commitment root", report.commitment_root, width)
    blocks += _digest(
        "Sidik jari tanda tangan", "Signature fingerprint", report.signature_fingerprint, width
    )
    blocks += [_rule(width)]
    blocks += _heading("Hasil bertanda tangan", "Signed results", width)
    blocks += _qr_parts(report.signed_results, width)
    blocks += [Feed(1)]
    blocks += _heading("Tanda tangan", "Signatures", width)
    for role in ("Ketua Panitia Pemilihan", "Anggota Panitia Pemilihan"):
        blocks += [Feed(2), Line("." * (width.chars - 4)), *_plain(role, width)]
    for candidate in sorted(report.candidates, key=lambda c: c.number):
        blocks += [Feed(2), Line("." * (width.chars - 4))]
        blocks += _plain(f"Saksi calon No. {candidate.number} {candidate.name}", width)
    return Document("results-report", width, tuple(blocks))


def layout_trustee_card(card: TrusteeCardReprint, width: PaperWidth) -> Document:
    """A reprinted trustee (key holder) card; the card data goes into SDQR1 QR codes."""
    blocks: list[Block] = _title("KARTU PEMEGANG KUNCI", "Trustee card", width)
    blocks += [Line("CETAK ULANG KARTU", align=Align.CENTER, bold=True)]
    blocks += [Line("Card reprint", align=Align.CENTER, small=True)]
    blocks += [_rule(width, "=")]
    blocks += [
        Line(part, align=Align.CENTER, bold=True) for part in tx.wrap(card.election, width.chars)
    ]
    blocks += _kv("No.", str(card.trustee_number), width)
    blocks += _kv("Nama", card.trustee_name, width)
    blocks += [_rule(width)]
    blocks += _digest("Sidik jari kartu", "Card fingerprint", card.card_fingerprint, width)
    blocks += _qr_parts(card.card_data, width)
    blocks += [_rule(width)]
    blocks += _plain("Simpan kartu ini di tempat aman. Jangan difoto atau dibagikan.", width)
    blocks += _gloss("Keep this card safe. Do not photograph or share it.", width)
    return Document("trustee-card", width, tuple(blocks))


def _pollbook_section(book: PollbookSection, width: PaperWidth) -> list[Block]:
    """Check-ins, the audit-box count and the differences among the four counts."""
    blocks: list[Block] = _heading("DAFTAR PEMILIH", "Poll book", width)
    blocks += _count_row("Pemilih hadir", book.checkins, width, bold=True)
    blocks += _gloss("Voters checked in", width)
    blocks += _count_row("  Laki-laki", book.men, width)
    blocks += _count_row("  Perempuan", book.women, width)
    blocks += _count_row("  DPTb (tambahan)", book.dptb, width)
    paper = "-" if book.paper_records is None else str(book.paper_records)
    blocks += [Line(p, bold=True) for p in tx.columns("Catatan kertas", paper, width.chars)]
    if book.paper_records is None:
        blocks += _gloss("Paper records in the audit box: not counted yet", width)
    else:
        blocks += _gloss("Paper records in the audit box", width)
    if book.findings:
        blocks += _heading("PERBEDAAN", "Differences", width)
        for finding in book.findings:
            blocks += _plain(f"! {finding}", width)
    elif book.paper_records is None:
        blocks += _plain("Hadir, aktivasi dan surat suara cocok.", width)
        blocks += _gloss("Check-ins, activations and ballots agree.", width)
    else:
        blocks += _plain("Keempat jumlah cocok.", width)
        blocks += _gloss("The four counts agree.", width)
    return blocks


def layout_close_summary(summary: CloseSummary, width: PaperWidth) -> Document:
    """The close summary printed when the polls close, before the trustees come: counts,
    the ballot-box root and the close time in the election's local time, for signatures.
    At a station with a voter list it also carries the poll book (check-ins, the audit-box
    count once entered, the differences): one close receipt for the witnesses."""
    blocks: list[Block] = _training(summary.training, width)
    blocks += _title("RINGKASAN PENUTUPAN", "Close summary", width)
    blocks += [_rule(width, "=")]
    blocks += _station(summary.station, width)
    blocks += _kv("Ditutup", _when(summary.closed_at), width)
    blocks += _gloss("Polls closed", width)
    blocks += [_rule(width)]
    blocks += _count_row("Surat suara tercatat", summary.ballots_cast, width, bold=True)
    blocks += _gloss("Ballots recorded", width)
    blocks += _count_row("Aktivasi pemilih", summary.activations, width)
    blocks += _gloss("Voter activations", width)
    blocks += _count_row("Sesi dibatalkan", summary.voided, width)
    blocks += _gloss("Voided sessions", width)
    blocks += [_rule(width)]
    if summary.pollbook is not None:
        blocks += _pollbook_section(summary.pollbook, width) + [_rule(width)]
    blocks += _digest("Akar komitmen kotak suara", "Ballot-box commitment root",
                      summary.box_root, width)
    blocks += _plain("Laporan hasil harus memuat akar komitmen yang sama.", width)
    blocks += _gloss("The results report must show the same commitment root.", width)
    blocks += _plain("Hasil belum dihitung: menunggu pemegang kunci.", width)
    blocks += _gloss("Not counted yet: waiting for the trustees.", width)
    blocks += _signatures(width)
    return Document("close-summary", width, tuple(blocks))


def layout_receipt(content: ReceiptContent, width: PaperWidth) -> Document:
    """Lay out any receipt content type."""
    if isinstance(content, ZeroReport):
        return layout_zero_report(content, width)
    if isinstance(content, VoterRecord):
        return layout_voter_record(content, width)
    if isinstance(content, TakeHomeSlip):
        return layout_take_home_slip(content, width)
    if isinstance(content, ChallengeReceipt):
        return layout_challenge_receipt(content, width)
    if isinstance(content, ResultsReport):
        return layout_results_report(content, width)
    if isinstance(content, TrusteeCardReprint):
        return layout_trustee_card(content, width)
    from hardware import pollbook_receipts as pb  # it builds on this module's helpers

    if isinstance(content, pb.AttendanceList):
        return pb.layout_attendance(content, width)
    if isinstance(content, CloseSummary):
        return layout_close_summary(content, width)
    raise TypeError(f"not receipt content: {type(content).__name__}")
