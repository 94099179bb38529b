"""Ed25519 signatures with purpose labels, the signed envelope, the public record."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballotcore.codec import canonical_json
from ballotcore.errors import RecordError, SignatureError, VerificationError
from ballotcore.group import IDENTITY
from ballotcore.hashing import digest32, hash_bytes
from ballotcore.public_record import (
    CERT_LABEL,
    RECORD_LABEL,
    KioskCertificate,
    parse_public_record,
)
from ballotcore.signing import (
    SignedRecord,
    key_id,
    public_bytes,
    sign,
    sign_record,
    verify,
)

RECORD = b'{"$magic":"SD/test","$v":1,"x":1}'


def test_signature_is_over_the_labelled_hash(authority: Ed25519PrivateKey) -> None:
    pub = public_bytes(authority)
    sig = sign(authority, "results", RECORD)
    authority.public_key().verify(sig, hash_bytes("sig/results", RECORD))
    verify(pub, "results", RECORD, sig)
    with pytest.raises(SignatureError):
        verify(pub, "bundle", RECORD, sig)
    with pytest.raises(SignatureError):
        verify(pub, "results", RECORD + b" ", sig)
    with pytest.raises(SignatureError):
        verify(b"\x01" * 31, "results", RECORD, sig)
    assert key_id(pub) == digest32("key-id", pub)[:16].hex() and len(key_id(pub)) == 32


def test_envelope(authority: Ed25519PrivateKey) -> None:
    pub = public_bytes(authority)
    signed = sign_record(authority, "test", RECORD)
    data = signed.to_bytes()
    sig_hex = signed.signature.hex()
    assert data == (
        b'{"$magic":"SD/signed","$v":1,"body":'
        + RECORD
        + b',"label":"test","sig":"'
        + sig_hex.encode()
        + b'","signer":"'
        + key_id(pub).encode()
        + b'"}'
    )
    again = SignedRecord.from_bytes(data)
    assert again == signed
    assert again.verify(pub, "test") == RECORD
    with pytest.raises(SignatureError, match="expected a other"):
        again.verify(pub, "other")
    other = Ed25519PrivateKey.from_private_bytes(b"\x09" * 32)
    with pytest.raises(SignatureError, match="unknown key"):
        again.verify(public_bytes(other), "test")
    with pytest.raises(RecordError):
        sign_record(authority, "test", b'{"x":1}')
    # a signature moved to another label's envelope does not verify
    relabelled = SignedRecord(RECORD, "other", signed.signer, signed.signature)
    with pytest.raises(SignatureError):
        relabelled.verify(pub, "other")


def test_public_record_round_trip(public_record_bytes: bytes, authority: Ed25519PrivateKey) -> None:
    auth_id = key_id(public_bytes(authority))
    record = parse_public_record(public_record_bytes, auth_id)
    assert record.authority_key == public_bytes(authority)
    assert set(record.village_keys) == {"16.07.01.2001", "16.07.01.2002"}
    cert = record.certificate_for_station("16.07.01.2001", "TPS-01")
    assert cert is not None and cert.kiosk_id == "K-0001"
    assert record.certificate_for_station("16.07.01.2001", "TPS-02") is None
    assert record.digest() == digest32("public-record", public_record_bytes)
    with pytest.raises(SignatureError, match="different authority"):
        parse_public_record(public_record_bytes, "00" * 16)


def _resigned(data: bytes, authority: Ed25519PrivateKey, edit: object) -> bytes:
    inner = json.loads(SignedRecord.from_bytes(data).record)
    edit(inner)  # type: ignore[operator]
    return sign_record(authority, RECORD_LABEL, canonical_json(inner)).to_bytes()


def test_public_record_rejections(public_record_bytes: bytes, authority: Ed25519PrivateKey) -> None:
    def identity_key(body: dict) -> None:
        body["village_keys"][1]["commitments"][0] = IDENTITY.hex()

    with pytest.raises(RecordError, match="identity"):
        parse_public_record(_resigned(public_record_bytes, authority, identity_key))

    def drop_key(body: dict) -> None:
        del body["village_keys"][1]

    with pytest.raises(VerificationError, match="no election key"):
        parse_public_record(_resigned(public_record_bytes, authority, drop_key))

    def extra_commitment(body: dict) -> None:
        vk = body["village_keys"][1]
        vk["commitments"].append(vk["commitments"][0])

    with pytest.raises(VerificationError, match="commitments"):
        parse_public_record(_resigned(public_record_bytes, authority, extra_commitment))

    def wrong_hash(body: dict) -> None:
        body["definition_hash"] = "00" * 32

    with pytest.raises(VerificationError, match="definition hash"):
        parse_public_record(_resigned(public_record_bytes, authority, wrong_hash))

    def duplicate_cert(body: dict) -> None:
        body["kiosk_certificates"].append(body["kiosk_certificates"][0])

    with pytest.raises(VerificationError, match="twice"):
        parse_public_record(_resigned(public_record_bytes, authority, duplicate_cert))

    # signed as another kind of thing
    inner = SignedRecord.from_bytes(public_record_bytes).record
    with pytest.raises(SignatureError):
        parse_public_record(sign_record(authority, CERT_LABEL, inner).to_bytes())


def test_kiosk_certificate_round_trip(public_record_bytes: bytes) -> None:
    import datetime as dt

    cert = parse_public_record(public_record_bytes).certificates["K-0001"]
    assert KioskCertificate.from_bytes(cert.to_bytes()) == cert
    assert cert.is_valid_on(dt.date(2025, 11, 2))
    assert not cert.is_valid_on(dt.date(2025, 11, 4))
