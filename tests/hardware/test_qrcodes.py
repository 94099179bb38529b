"""QR geometry through segno's public API: capacity table, exact level M, mask choice."""

from __future__ import annotations

import os

import pytest
import segno
import zxingcpp
from PIL import Image

from hardware.qrcodes import BYTE_CAPACITY_M, byte_capacity, encode, qr_matrix, qr_version


@pytest.mark.parametrize("version", range(1, 41))
def test_capacity_table_matches_segno(version: int) -> None:
    capacity = byte_capacity(version)
    full = segno.make(b"x" * capacity, error="m", mode="byte", version=version, boost_error=False)
    assert full.version == version
    with pytest.raises(segno.DataOverflowError):
        segno.make(b"x" * (capacity + 1), error="m", mode="byte", version=version)


def test_version_is_the_smallest_that_fits() -> None:
    assert qr_version("A" * 14) == 1 and qr_version("A" * 15) == 2
    assert qr_version("A" * BYTE_CAPACITY_M[-1]) == 40
    with pytest.raises(ValueError):
        qr_version("A" * (BYTE_CAPACITY_M[-1] + 1))


def test_level_is_exactly_m_without_boost() -> None:
    # 14 bytes would fit version 1 at level L or M; a boosting encoder would report L or Q.
    code = encode(b"A" * 10)
    assert (code.version, code.error) == (1, "M")


def test_mask_is_chosen_per_payload_not_fixed() -> None:
    masks = {encode(os.urandom(60)).mask for _ in range(40)}
    assert len(masks) > 1, masks  # a fixed mask (the old mask-0 shortcut) gives one value


def test_matrix_decodes_with_zxing() -> None:
    text = "SDQR1:1/1:" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" * 4
    matrix = qr_matrix(text)
    size, scale, border = len(matrix), 4, 4
    image = Image.new("L", ((size + 2 * border) * scale,) * 2, 255)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                left, top = (x + border) * scale, (y + border) * scale
                image.paste(0, (left, top, left + scale, top + scale))
    found = zxingcpp.read_barcodes(image)
    assert [r.text for r in found if r.format == zxingcpp.BarcodeFormat.QRCode] == [text]
