"""Trustee cards: sealed shares that open only with the PIN, for the right village and slot."""

from __future__ import annotations

import dataclasses

import pytest

from ballotcore import trustees
from ballotcore.package import PinKdf
from ballotcore.public_record import VillageKey
from ballotcore.trustee_card import (
    TrusteeCardError,
    WrongTrusteePin,
    open_trustee_card,
    parse_trustee_card,
    seal_share,
)
from ballotcore.trustees import KeyCeremony

KDF = PinKdf.testing()  # weak Argon2id parameters: tests only


def test_seal_parse_open(ceremony: KeyCeremony) -> None:
    vk = VillageKey("V1", ceremony.commitments)
    share = ceremony.shares[1]
    card = seal_share("E1", "V1", share, "48151623", KDF)
    data = card.to_bytes()
    assert data.startswith(b'{"$magic":"SD/trustee-card","$v":1,')
    parsed = parse_trustee_card(data.decode() + "\n")  # as scanned from a QR code
    assert parsed == card
    assert open_trustee_card(parsed, " 48151623 ", vk, "E1") == share
    with pytest.raises(WrongTrusteePin):
        open_trustee_card(parsed, "48151624", vk)
    with pytest.raises(TrusteeCardError, match="another election"):
        open_trustee_card(parsed, "48151623", vk, "E2")
    with pytest.raises(TrusteeCardError, match="village"):
        open_trustee_card(parsed, "48151623", VillageKey("V2", ceremony.commitments))
    # moved to another slot: the associated data no longer matches
    with pytest.raises(WrongTrusteePin):
        open_trustee_card(dataclasses.replace(parsed, index=3), "48151623", vk)
    # the right PIN but another village key: the Feldman check refuses the share
    other = VillageKey("V1", trustees.deal(3, 2).commitments)
    with pytest.raises(TrusteeCardError, match="does not match"):
        open_trustee_card(parsed, "48151623", other)


def test_malformed_cards(ceremony: KeyCeremony) -> None:
    data = seal_share("E1", "V1", ceremony.shares[0], "48151623", KDF).to_bytes()
    for bad in (
        b"",
        data.replace(b'"index":1', b'"index":0'),
        data.replace(b'"name":"argon2id"', b'"name":"scrypt"'),
        data.replace(b'"m_kib":64', b'"m_kib":99999999'),
        data[:-1],
    ):
        with pytest.raises(TrusteeCardError):
            parse_trustee_card(bad)
