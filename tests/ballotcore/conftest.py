"""Fixtures shared by the ballotcore tests: one key ceremony, contexts, a ballot."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballotcore import trustees
from ballotcore.ballot import BallotContext, EncryptedBallot, encrypt_ballot
from ballotcore.election import ElectionDefinition, parse_definition
from ballotcore.public_record import (
    CERT_LABEL,
    RECORD_LABEL,
    KioskCertificate,
    VillageKey,
    build_public_record_body,
)
from ballotcore.signing import public_bytes, sign_record
from ballotcore.trustees import KeyCeremony


def flip_bit(data: bytes, bit: int) -> bytes:
    """`data` with bit number `bit` (0 = least significant bit of byte 0) inverted."""
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


@pytest.fixture(scope="session")
def ceremony() -> KeyCeremony:
    """A 2-of-3 village key, dealt once for the whole session."""
    return trustees.deal(3, 2)


@pytest.fixture()
def ctx() -> BallotContext:
    return BallotContext("PILKADES-2025", "16.07.01.2001", "TPS-01", "K-0001", bytes(range(16)))


@pytest.fixture(scope="session")
def two_candidate_ballot(ceremony: KeyCeremony) -> EncryptedBallot:
    context = BallotContext("E1", "V1", "S1", "K1", bytes(range(16)))
    return encrypt_ballot(context, ceremony.public_key, 2, 1)


@pytest.fixture(scope="session")
def authority() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


def definition_body() -> dict[str, Any]:
    """A small valid election definition body (two villages)."""
    return {
        "election_id": "PILKADES-2025-MUBA",
        "name": "Pemilihan Kepala Desa Serentak 2025",
        "date": "2025-11-02",
        "regency": "Musi Banyuasin",
        "languages": ["id", "en"],
        "villages": [
            {
                "code": "16.07.01.2001",
                "name": "Sungai Lilin Jaya",
                "district": "Sungai Lilin",
                "threshold": 2,
                "candidates": [
                    {"number": 1, "name": "Siti Rahma", "photo": "c1.png"},
                    {"number": 2, "name": "Budi Santoso", "photo": None},
                    {"number": 3, "name": "Agus Salim", "photo": None},
                ],
                "stations": [{"code": "TPS-01", "dpt": 300}, {"code": "TPS-02", "dpt": 250}],
                "trustees": [
                    {"index": 1, "name": "Ketua BPD"},
                    {"index": 2, "name": "Camat"},
                    {"index": 3, "name": "Saksi"},
                ],
            },
            {
                "code": "16.07.01.2002",
                "name": "Bumi Kencana",
                "district": "Sungai Lilin",
                "single_candidate": True,
                "threshold": 1,
                "candidates": [{"number": 1, "name": "Wayan Sudarma"}],
                "stations": [{"code": "TPS-01", "dpt": 120}],
                "trustees": [{"index": 1, "name": "Ketua BPD"}],
            },
        ],
    }


@pytest.fixture(scope="session")
def definition() -> ElectionDefinition:
    return parse_definition(definition_body())


@pytest.fixture(scope="session")
def public_record_parts(
    definition: ElectionDefinition, authority: Ed25519PrivateKey
) -> tuple[bytes, list[KeyCeremony], Ed25519PrivateKey]:
    return make_public_record_parts(definition, authority)


def make_public_record_parts(
    definition: ElectionDefinition, authority: Ed25519PrivateKey
) -> tuple[bytes, list[KeyCeremony], Ed25519PrivateKey]:
    """(signed public record bytes, the village key ceremonies, kiosk key)."""
    auth_pub = public_bytes(authority)
    ceremonies = [trustees.deal(len(v.trustees), v.threshold) for v in definition.villages]
    kiosk_key = Ed25519PrivateKey.from_private_bytes(bytes([7]) * 32)
    cert = KioskCertificate(
        definition.election_id,
        definition.digest(),
        "K-0001",
        "16.07.01.2001",
        "TPS-01",
        public_bytes(kiosk_key),
        "2025-11-01",
        "2025-11-03",
    )
    body = build_public_record_body(
        definition,
        auth_pub,
        [
            VillageKey(v.code, kc.commitments)
            for v, kc in zip(definition.villages, ceremonies, strict=True)
        ],
        [sign_record(authority, CERT_LABEL, cert.to_bytes())],
    )
    return sign_record(authority, RECORD_LABEL, body).to_bytes(), ceremonies, kiosk_key


@pytest.fixture(scope="session")
def public_record_bytes(public_record_parts: tuple[bytes, Any, Any]) -> bytes:
    return public_record_parts[0]
