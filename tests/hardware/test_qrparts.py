"""SDQR1 framing: split into parts that fit a version-16 code at level M, join back."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.errors import (
    QrPartFormatError,
    QrPartsDuplicateError,
    QrPartsError,
    QrPartsMismatchError,
    QrPartsMissingError,
    QrPayloadError,
)
from hardware.qrcodes import qr_version
from hardware.qrparts import (
    MAX_QR_VERSION,
    PART_CAPACITY,
    join_qr_parts,
    parse_qr_part,
    payload_id,
    split_qr_parts,
)


def test_small_payload_is_one_framed_part() -> None:
    # Golden frame: the format the tally must read. sha256(b"hello") = 2cf24dba...
    assert split_qr_parts(b"hello") == ["SDQR1 1/1 2cf24dba aGVsbG8="]


def test_part_capacity_is_the_version_16_level_m_byte_capacity() -> None:
    assert qr_version("x" * PART_CAPACITY) == MAX_QR_VERSION
    assert qr_version("x" * (PART_CAPACITY + 1)) == MAX_QR_VERSION + 1


@pytest.mark.parametrize("size", [1, 2, 3, 320, 321, 322, 700, 1000, 5000])
def test_every_part_fits_one_code_and_parts_join_back(size: int) -> None:
    payload = bytes((i * 37 + 11) % 256 for i in range(size))
    parts = split_qr_parts(payload)
    assert all(len(part) <= PART_CAPACITY for part in parts)
    assert all(qr_version(part) <= MAX_QR_VERSION for part in parts)
    assert all(part.startswith(f"SDQR1 {n}/{len(parts)} ") for n, part in enumerate(parts, 1))
    assert join_qr_parts(parts) == payload
    assert join_qr_parts(list(reversed(parts))) == payload


def test_a_payload_that_fits_one_code_is_not_split() -> None:
    assert len(split_qr_parts(bytes(321))) == 1
    assert len(split_qr_parts(bytes(322))) == 2


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=1, max_size=3000), st.randoms(use_true_random=False))
def test_join_inverts_split_in_any_order(payload: bytes, shuffler: object) -> None:
    parts = split_qr_parts(payload)
    shuffled = list(parts)
    shuffler.shuffle(shuffled)  # type: ignore[attr-defined]
    assert join_qr_parts(shuffled) == payload


def test_parts_are_evenly_sized() -> None:
    lengths = [len(part) for part in split_qr_parts(bytes(1000))]
    assert max(lengths) - min(lengths) <= 8


def test_empty_and_oversized_payloads_are_refused() -> None:
    with pytest.raises(QrPayloadError):
        split_qr_parts(b"")
    with pytest.raises(QrPayloadError, match="at most 99"):
        split_qr_parts(bytes(321 * 99 + 1))
    assert len(split_qr_parts(bytes(321 * 99))) == 99


def test_scanner_whitespace_is_tolerated() -> None:
    (part,) = split_qr_parts(b"hello")
    assert join_qr_parts([part + "\r\n"]) == b"hello"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "SDQR2 1/1 2cf24dba aGVsbG8=",
        "SDQR1 1/1 2CF24DBA aGVsbG8=",  # id must be lowercase
        "SDQR1 01/1 2cf24dba aGVsbG8=",  # no leading zeros
        "SDQR1 0/1 2cf24dba aGVsbG8=",
        "SDQR1 2/1 2cf24dba aGVsbG8=",
        "SDQR1 1/100 2cf24dba aGVsbG8=",
        "SDQR1 1/1 2cf24dba aGVsbG8",  # bad padding
        "SDQR1 1/1 2cf24dba aGVs bG8=",
        "SDQR1 1/1 2cf24dba ",
    ],
)
def test_malformed_parts_are_rejected(text: str) -> None:
    with pytest.raises(QrPartFormatError):
        join_qr_parts([text])


def test_missing_parts_are_named() -> None:
    parts = split_qr_parts(bytes(range(256)) * 5)  # 1280 bytes: 4 parts
    assert len(parts) == 4
    with pytest.raises(QrPartsMissingError, match="missing QR part\\(s\\) 2, 4 of 4") as caught:
        join_qr_parts([parts[0], parts[2]])
    assert caught.value.missing == (2, 4)
    with pytest.raises(QrPartsMissingError):
        join_qr_parts([])


def test_duplicate_part_numbers_are_rejected_even_if_identical() -> None:
    parts = split_qr_parts(bytes(700))
    with pytest.raises(QrPartsDuplicateError, match="part 2/3"):
        join_qr_parts(parts + [parts[1]])
    # The documented remedy for photographing the same code twice:
    assert join_qr_parts(list(dict.fromkeys(parts + [parts[1]]))) == bytes(700)


def test_parts_of_two_payloads_are_not_mixed() -> None:
    first = split_qr_parts(b"A" * 700)
    second = split_qr_parts(b"B" * 700)
    with pytest.raises(QrPartsMismatchError, match="different payloads"):
        join_qr_parts([first[0], second[1], first[2]])


def test_mismatched_totals_are_rejected() -> None:
    three = split_qr_parts(bytes(700))
    two = split_qr_parts(bytes(500))
    with pytest.raises(QrPartsMismatchError, match="number of parts"):
        join_qr_parts([three[0], two[1]])


def test_a_corrupt_chunk_fails_the_payload_id_check() -> None:
    parts = split_qr_parts(bytes(700))
    part, total, pid, chunk = parse_qr_part(parts[1])
    forged = f"SDQR1 {part}/{total} {pid} " + base64.b64encode(b"\x01" + chunk[1:]).decode()
    with pytest.raises(QrPartsMismatchError, match="payload id"):
        join_qr_parts([parts[0], forged, parts[2]])


def test_all_errors_share_one_base() -> None:
    for error in (
        QrPartFormatError,
        QrPartsDuplicateError,
        QrPartsMismatchError,
        QrPartsMissingError,
    ):
        assert issubclass(error, QrPartsError)


def test_payload_id_is_a_sha256_prefix() -> None:
    assert payload_id(b"") == "e3b0c442"
