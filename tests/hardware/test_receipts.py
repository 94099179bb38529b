"""Receipt content validation and layout for 58 and 80 mm paper."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from hardware import layout, samples
from hardware.document import Document, Line, PaperWidth, Qr
from hardware.errors import ReceiptContentError
from hardware.qrparts import join_qr_parts
from hardware.receipts import CandidateCount, TakeHomeSlip, VoterRecord, ZeroReport

WIDTHS = list(PaperWidth)


def _columns(line: Line, width: PaperWidth) -> int:
    return (width.small_chars if line.small else width.chars) // line.size.width_factor


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(samples.SAMPLES))
def test_every_line_fits_the_paper(name: str, width: PaperWidth) -> None:
    document = layout.layout_receipt(samples.SAMPLES[name], width)
    lines = [block for block in document.blocks if isinstance(block, Line)]
    assert lines
    for line in lines:
        assert len(line.text) <= _columns(line, width), line


@pytest.mark.parametrize("width", WIDTHS)
def test_indonesian_comes_first_english_in_small_text(width: PaperWidth) -> None:
    document = layout.layout_zero_report(samples.zero_report(), width)
    lines = [block for block in document.blocks if isinstance(block, Line)]
    assert lines[0].text == "LAPORAN NOL" and not lines[0].small
    assert lines[1].text == "Zero report" and lines[1].small


def test_voter_record_shows_the_choice_and_nothing_that_links_it() -> None:
    text = layout.layout_voter_record(samples.voter_record(), PaperWidth.MM58).plain_text()
    for expected in ("Sukamaju", "TPS 03", "No. 2", "SITI AMINAH", "kotak audit"):
        assert expected in text
    slip = layout.layout_take_home_slip(samples.take_home_slip(), PaperWidth.MM58).plain_text()
    assert "K7QP-3MXA-92TD" in slip  # positive control
    assert "K7QP" not in text and "Kode" not in text


def test_training_banner_on_both_voter_papers() -> None:
    record = dataclasses.replace(samples.voter_record(), training=True)
    slip = dataclasses.replace(samples.take_home_slip(), training=True)
    for doc in (layout.layout_voter_record(record, PaperWidth.MM58),
                layout.layout_take_home_slip(slip, PaperWidth.MM58)):
        assert doc.plain_text().lstrip().startswith("LATIHAN / TRAINING")
    official = layout.layout_voter_record(samples.voter_record(), PaperWidth.MM58).plain_text()
    assert "LATIHAN" not in official


def test_take_home_slip_shows_only_code_and_where_to_check() -> None:
    text = layout.layout_take_home_slip(samples.take_home_slip(), PaperWidth.MM58).plain_text()
    assert "K7QP-3MXA-92TD" in text and "Balai Desa" in text
    assert "Siti" not in text and "No. 2" not in text
    assert {f.name for f in dataclasses.fields(TakeHomeSlip)} == {
        "tracking_code", "lookup", "training"
    }


def test_voter_record_carries_no_time_or_sequence() -> None:
    assert {f.name for f in dataclasses.fields(VoterRecord)} == {
        "village",
        "station",
        "candidate_number",
        "candidate_name",
        "training",
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_results_report_lists_counts_and_carries_the_signed_record(width: PaperWidth) -> None:
    report = samples.results_report()
    document = layout.layout_results_report(report, width)
    text = document.plain_text()
    for expected in (
        "LAPORAN HASIL",
        "Budi Santoso",
        "123",
        "211",
        "421",
        "426",
        "Dibatalkan",
        "5",
    ):
        assert expected in text
    assert "12-10-2025 13:05 WIB" in text
    assert "4813 494d" in text  # commitment root, grouped
    qrs = [block.data for block in document.blocks if isinstance(block, Qr)]
    assert len(qrs) == 3 and "QR 3/3" in text
    assert join_qr_parts(qrs) == report.signed_results


@pytest.mark.parametrize("width", WIDTHS)
def test_results_report_is_the_village_election_record(width: PaperWidth) -> None:
    """DPT, mode, local time, panitia pemilihan (no KPPS), one witness line per candidate."""
    report = samples.results_report()
    text = " ".join(layout.layout_results_report(report, width).plain_text().split())
    assert "Pemilih dalam DPT 600" in " ".join(text.split()).replace("  ", " ")
    assert "RESMI" in text and "MODE UJI" not in text and "KPPS" not in text
    assert "Ketua Panitia Pemilihan" in text and "Anggota Panitia Pemilihan" in text
    for candidate in report.candidates:
        assert f"Saksi calon No. {candidate.number}" in text
    assert text.count("Saksi calon No.") == len(report.candidates)
    test = " ".join(layout.layout_results_report(
        dataclasses.replace(report, test_mode=True), width).plain_text().split())
    assert "MODE UJI - BUKAN HASIL RESMI" in test and "UJI (test)" in test


def test_a_small_results_record_is_a_single_code() -> None:
    document = layout.layout_results_report(samples.results_report(b"tiny"), PaperWidth.MM58)
    assert len([b for b in document.blocks if isinstance(b, Qr)]) == 1
    assert "Pindai semua" not in document.plain_text()


def test_trustee_card_reprint_is_marked_and_carries_the_card() -> None:
    card = samples.trustee_card()
    document = layout.layout_trustee_card(card, PaperWidth.MM80)
    assert "CETAK ULANG KARTU" in document.plain_text()
    qrs = [block.data for block in document.blocks if isinstance(block, Qr)]
    assert join_qr_parts(qrs) == card.card_data


def test_reprint_banner_goes_on_top_once() -> None:
    document = layout.layout_voter_record(samples.voter_record(), PaperWidth.MM58)
    reprint = document.as_reprint()
    assert reprint.plain_text().startswith("*** CETAK ULANG / REPRINT ***")
    assert reprint.as_reprint() == reprint
    assert not document.is_reprint and reprint.is_reprint
    assert reprint.blocks[2:] == document.blocks


def test_layout_is_deterministic() -> None:
    first = layout.layout_receipt(samples.results_report(), PaperWidth.MM58)
    assert first == layout.layout_receipt(samples.results_report(), PaperWidth.MM58)
    assert isinstance(first, Document)


def test_hostile_names_are_printed_harmlessly() -> None:
    record = dataclasses.replace(samples.voter_record(), candidate_name="Siti\x1dV\x00 Aminah")
    document = layout.layout_voter_record(record, PaperWidth.MM58)
    assert "SITI V  AMINAH" in document.plain_text()


@pytest.mark.parametrize(
    "build",
    [
        lambda: CandidateCount(0, "Budi", 0),
        lambda: CandidateCount(1, "  ", 0),
        lambda: CandidateCount(1, "Budi", -1),
        lambda: CandidateCount(1, "Budi", True),
        lambda: VoterRecord("Sukamaju", "TPS 03", 2, ""),
        lambda: TakeHomeSlip("K7QP", "\x00\x01"),
        lambda: dataclasses.replace(samples.results_report(), signed_results=b""),
        lambda: dataclasses.replace(samples.results_report(), voided=-1),
        lambda: dataclasses.replace(
            samples.results_report(),
            candidates=(CandidateCount(1, "A", 0), CandidateCount(1, "B", 0)),
        ),
        lambda: dataclasses.replace(samples.results_report(), candidates=()),
        lambda: dataclasses.replace(samples.trustee_card(), card_data=b""),
    ],
)
def test_impossible_content_is_refused(build: object) -> None:
    with pytest.raises(ReceiptContentError):
        build()  # type: ignore[operator]


def test_a_zero_report_with_votes_is_refused() -> None:
    zero = samples.zero_report()
    with pytest.raises(ReceiptContentError, match="zero"):
        ZeroReport(
            station=zero.station,
            candidates=(CandidateCount(1, "Budi", 1),),
            ballots_cast=0,
            commitment_root="00",
            software_version="0.1.0",
            printed_at=datetime(2025, 1, 1),
        )
    with pytest.raises(ReceiptContentError):
        dataclasses.replace(zero, ballots_cast=1)


def test_naive_times_print_without_a_zone() -> None:
    zero = dataclasses.replace(samples.zero_report(), printed_at=datetime(2025, 10, 12, 6, 55))
    assert (
        "12-10-2025 06:55\n" in layout.layout_zero_report(zero, PaperWidth.MM58).plain_text() + "\n"
    )
