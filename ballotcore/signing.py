"""Ed25519 signatures (via `cryptography`) and the signed-record envelope.

Signed message = H("sig/" + label, record bytes) (see `ballotcore.hashing`), so a
signature made for one purpose (a kiosk certificate) can never be presented as another
(a results record). The envelope is itself a record:

    {"$magic":"SD/signed","$v":1,"body":<record>,"label":..,"sig":<hex>,"signer":<key id>}

`body` is the inner record as a JSON object; its canonical encoding is exactly the inner
record's bytes. `signer` is the key id (first 16 bytes of H("key-id", public key), hex).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ballotcore.codec import (
    canonical_json,
    decode_record,
    encode_record,
    expect_keys,
    field,
    hex_bytes,
    parse_canonical_json,
)
from ballotcore.errors import RecordError, SignatureError
from ballotcore.hashing import digest32, hash_bytes

KIND = "signed"
VERSION = 1


def key_id(public_key: bytes) -> str:
    """Short identifier of an Ed25519 public key (32 hex characters)."""
    return digest32("key-id", public_key)[:16].hex()


def public_bytes(private_key: Ed25519PrivateKey) -> bytes:
    """Raw 32-byte public key of a private key."""
    return private_key.public_key().public_bytes_raw()


def sign(private_key: Ed25519PrivateKey, label: str, message: bytes) -> bytes:
    """Sign `message` for the purpose `label`."""
    return private_key.sign(hash_bytes("sig/" + label, message))


def verify(public_key: bytes, label: str, message: bytes, signature: bytes) -> None:
    """Raise SignatureError unless `signature` is `public_key`'s for (label, message)."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            signature, hash_bytes("sig/" + label, message)
        )
    except (InvalidSignature, ValueError) as exc:
        raise SignatureError(f"bad {label} signature") from exc


@dataclass(frozen=True, slots=True)
class SignedRecord:
    """An inner record with a signature over its canonical bytes."""

    record: bytes
    label: str
    signer: str
    signature: bytes

    def to_bytes(self) -> bytes:
        body = parse_canonical_json(self.record)
        return encode_record(
            KIND,
            VERSION,
            {"body": body, "label": self.label, "sig": self.signature.hex(), "signer": self.signer},
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> SignedRecord:
        return cls.from_body(decode_record(KIND, VERSION, data))

    @classmethod
    def from_body(cls, env: dict[str, Any]) -> SignedRecord:
        expect_keys(env, {"body", "label", "sig", "signer"}, "signed record")
        inner = field(env, "body", dict)
        return cls(
            canonical_json(inner),
            field(env, "label", str),
            field(env, "signer", str),
            hex_bytes(env["sig"], 64, "sig"),
        )

    def verify(self, public_key: bytes, label: str) -> bytes:
        """Check purpose, signer and signature; return the inner record's bytes."""
        if self.label != label:
            raise SignatureError(f"expected a {label} signature, found {self.label}")
        if self.signer != key_id(public_key):
            raise SignatureError(f"{label} is signed by an unknown key {self.signer}")
        verify(public_key, label, self.record, self.signature)
        return self.record


def sign_record(private_key: Ed25519PrivateKey, label: str, record: bytes) -> SignedRecord:
    """Wrap a record's bytes in a signed envelope."""
    if not record.startswith(b'{"$magic":"SD/'):
        raise RecordError("only SuaraDesa records can be signed")
    return SignedRecord(
        record, label, key_id(public_bytes(private_key)), sign(private_key, label, record)
    )
