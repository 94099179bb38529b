"""Fixtures shared by the ballotcore tests: one key ceremony, contexts, a ballot."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballotcore import trustees
from ballotcore.ballot import BallotContext, EncryptedBallot, encrypt_ballot
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
