"""Text for the printer: one code page, one byte per column, no control bytes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hardware import text as tx


def test_indonesian_text_passes_unchanged() -> None:
    assert tx.printable("Pemilihan Kepala Desa Sukamaju, TPS 03") == (
        "Pemilihan Kepala Desa Sukamaju, TPS 03"
    )


def test_typographic_quotes_and_dashes_become_ascii() -> None:
    assert tx.printable("Ma\u2019ruf \u2013 \u201cPak\u201d\u2026") == 'Ma\'ruf - "Pak"...'


def test_code_page_letters_are_kept_and_others_lose_their_marks() -> None:
    # é is in PC858; ă and ş are not, so they lose the mark; CJK has no fallback.
    assert tx.printable("André Ştefănescu 東") == "André Stefanescu ?"


def test_control_characters_cannot_reach_the_printer() -> None:
    hostile = "Budi\x1b@\x1dV\x00\x10\x04\x01 Santoso\n"
    clean = tx.encode(hostile)
    assert all(byte >= 0x20 for byte in clean)
    assert clean == b"Budi @ V     Santoso "


def test_encode_is_one_byte_per_character() -> None:
    assert tx.encode("café") == b"caf\x82"


@settings(deadline=None)  # a GC pause on a loaded 2-core machine is not a defect
@given(st.text())
def test_printable_is_total_idempotent_and_single_byte(value: str) -> None:
    clean = tx.printable(value)
    assert tx.printable(clean) == clean
    encoded = clean.encode(tx.CODEC)
    assert len(encoded) == len(clean)
    assert all(byte >= 0x20 for byte in encoded)


def test_wrap_breaks_words_and_long_tokens() -> None:
    assert tx.wrap("Drs. H. Ahmad Fauzi Rahmatullah", 16) == [
        "Drs. H. Ahmad",
        "Fauzi",
        "Rahmatullah",
    ]
    assert tx.wrap("ABCDEFGHIJ", 4) == ["ABCD", "EFGH", "IJ"]
    assert tx.wrap("", 10) == [""]


@settings(deadline=None)
@given(st.text(min_size=1), st.integers(min_value=1, max_value=64))
def test_wrapped_lines_fit(value: str, width: int) -> None:
    assert all(len(line) <= width for line in tx.wrap(value, width))


def test_columns_right_aligns_counts_on_the_first_line() -> None:
    assert tx.columns(" 1 Budi Santoso", "123", 32) == [" 1 Budi Santoso              123"]
    lines = tx.columns(" 3 Drs. H. Ahmad Fauzi Rahmatullah, S.Pd.", "87", 32)
    assert lines == [" 3 Drs. H. Ahmad Fauzi" + " " * 8 + "87", "   Rahmatullah, S.Pd."]
    assert len(lines[0]) == 32


def test_label_value_hangs_continuation_lines() -> None:
    assert tx.label_value("Desa", "Sukamaju", 32, 8) == ["Desa    : Sukamaju"]
    lines = tx.label_value("Kode", "ABCD-EFGH-IJKL-MNOP-QRST-UVWX", 24, 8)
    assert lines == ["Kode    : ABCD-EFGH-IJKL", "          -MNOP-QRST-UVW", "          X"]


def test_grouped_for_reading_aloud() -> None:
    assert tx.grouped("3f2a9c01ab") == "3f2a 9c01 ab"
