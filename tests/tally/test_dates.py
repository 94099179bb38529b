"""Indonesian dates in the Berita Acara come from Babel's CLDR data (locale id_ID)."""

from __future__ import annotations

import pytest

from tally.report_pdf import tanggal


@pytest.mark.parametrize(
    ("iso", "prose"),
    [
        ("2026-11-22", "Minggu, 22 November 2026"),
        ("2026-02-02", "Senin, 2 Februari 2026"),
        ("2027-01-01", "Jumat, 1 Januari 2027"),
        ("2026-08-17", "Senin, 17 Agustus 2026"),
        ("2026-05-06", "Rabu, 6 Mei 2026"),
        ("2026-12-31", "Kamis, 31 Desember 2026"),
        ("2026-03-07", "Sabtu, 7 Maret 2026"),
        ("2026-06-30", "Selasa, 30 Juni 2026"),
    ],
)
def test_day_and_month_names(iso: str, prose: str) -> None:
    assert tanggal(iso) == prose


def test_no_hand_made_month_table_left() -> None:
    from pathlib import Path

    import tally.report_pdf

    assert "Januari" not in Path(tally.report_pdf.__file__).read_text()


def test_a_bad_date_is_refused() -> None:
    with pytest.raises(ValueError):
        tanggal("2026-02-30")
