"""Trustee cards: the QR on the rendered PNG, read by an independent decoder (zxing-cpp),
opens with the printed PIN and matches the village's public commitments."""

from __future__ import annotations

import pytest
import zxingcpp
from PIL import Image

from ballotcore.trustee_card import (
    TRUSTEE_PIN_DIGITS,
    TrusteeCardError,
    WrongTrusteePin,
    open_trustee_card,
    parse_trustee_card,
)
from ballotcore.trustees import check_share
from provisioning.testing import ElectionFixture


def test_qr_decodes_and_opens_with_printed_pin(election: ElectionFixture) -> None:
    record = election.package(0).public_record
    opened = 0
    for village in record.definition.villages:
        vk = record.village_keys[village.code]
        folder = election.root / "trustee-cards" / village.code
        assert (folder / "cards.pdf").read_bytes().startswith(b"%PDF")
        for trustee in village.trustees:
            png = folder / f"trustee-{trustee.index}.png"
            # Only QR codes: 1 card in ~800 also holds a false-positive Codabar inside the
            # QR modules when every 1D format is searched as well.
            found = zxingcpp.read_barcodes(
                Image.open(png), formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
            )
            assert len(found) == 1
            assert found[0].format == zxingcpp.BarcodeFormat.QRCode
            assert found[0].ec_level == "M"
            payload = bytes(found[0].bytes)
            assert payload == (folder / f"trustee-{trustee.index}.sdcard").read_bytes()
            card = parse_trustee_card(payload)
            assert (card.village, card.index) == (village.code, trustee.index)
            pin = election.trustee_pin(village.code, trustee.index)
            assert len(pin) == TRUSTEE_PIN_DIGITS
            share = open_trustee_card(card, pin, vk, record.definition.election_id)
            check_share(vk.commitments, share)
            opened += 1
    assert opened == sum(len(v.trustees) for v in record.definition.villages) >= 15


def test_wrong_pin_other_village_and_tampering(election: ElectionFixture) -> None:
    record = election.package(0).public_record
    v1, v2 = record.definition.villages[:2]
    card_bytes = election.trustee_card_path(v1.code, 1).read_bytes()
    card = parse_trustee_card(card_bytes)
    pin = election.trustee_pin(v1.code, 1)
    with pytest.raises(WrongTrusteePin):
        open_trustee_card(card, election.trustee_pin(v1.code, 2), record.village_keys[v1.code])
    with pytest.raises(TrusteeCardError, match="village"):
        open_trustee_card(card, pin, record.village_keys[v2.code])
    tampered = card_bytes.replace(b'"index":1', b'"index":2')
    with pytest.raises(WrongTrusteePin):
        open_trustee_card(parse_trustee_card(tampered), pin, record.village_keys[v1.code])
    for bad in (
        b"",
        b"hello",
        card_bytes[:-5],
        card_bytes.replace(b"trustee-card", b"trustee-cord"),
    ):
        with pytest.raises(TrusteeCardError):
            parse_trustee_card(bad)


def test_trustee_pin_sheet_and_no_pin_on_cards(election: ElectionFixture) -> None:
    record = election.package(0).public_record
    v = record.definition.villages[0]
    assert (
        (election.root / "pin-sheets" / "trustees" / f"{v.code}.pdf")
        .read_bytes()
        .startswith(b"%PDF")
    )
    cards = (election.root / "trustee-cards" / v.code).iterdir()
    blob = b"".join(p.read_bytes() for p in cards)
    for t in v.trustees:
        assert election.trustee_pin(v.code, t.index).encode() not in blob
