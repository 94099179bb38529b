"""The authority root key: an Ed25519 key stored as encrypted PKCS#8 PEM under a passphrase.

Its fingerprint (`ballotcore.signing.key_id` of the public key) is written to
`authority.txt` and is what verifiers obtain out of band and pass as `expected_authority`.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballotcore.signing import key_id, public_bytes
from provisioning.errors import AuthorityKeyError

PASSPHRASE_ENV = "SUARADESA_AUTHORITY_PASSPHRASE"
KEY_FILE = "authority/authority-key.pem"
ID_FILE = "authority.txt"
MIN_PASSPHRASE = 8


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise AuthorityKeyError(
            f"the authority passphrase must have at least {MIN_PASSPHRASE} characters"
        )


def new_authority_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def authority_id(key: Ed25519PrivateKey) -> str:
    """The key id published for verifiers."""
    return key_id(public_bytes(key))


def encrypt_key(key: Ed25519PrivateKey, passphrase: str) -> bytes:
    """PKCS#8 PEM encrypted with cryptography's best available scheme."""
    check_passphrase(passphrase)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
    )


def load_key(path: Path, passphrase: str) -> Ed25519PrivateKey:
    """Unlock an authority key file; AuthorityKeyError names what went wrong."""
    path = Path(path)
    if path.is_dir():
        path = path / KEY_FILE
    if not path.is_file():
        raise AuthorityKeyError(f"{path}: no authority key here")
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), passphrase.encode("utf-8"))
    except (ValueError, TypeError) as exc:
        raise AuthorityKeyError(
            f"{path.name}: wrong passphrase, or the file is not an authority key"
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise AuthorityKeyError(f"{path.name}: not an Ed25519 authority key")
    return key


def passphrase_from_env() -> str | None:
    return os.environ.get(PASSPHRASE_ENV)
