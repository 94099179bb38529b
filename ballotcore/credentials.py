"""officers.json: what a station package holds for the kiosk's installation and recovery.

Record "officer-credentials" v2:

    {"kiosk_id": ..,
     "install": {"kdf": {argon2id}, "salt": 16 B, "nonce": 12 B, "sealed": ..},
     "unlock":  {"kdf": {argon2id}, "salt": 16 B, "verifiers": [32 B, ...]}}

`install.sealed` is AES-256-GCM, under a key derived by Argon2id from the 80-bit
installation code (`ballotcore.codes`), of the record "kiosk-install-secret" v1: the
kiosk's Ed25519 private key, the two officer PINs and the Argon2id parameters the kiosk
must use for them on its own storage. The AAD binds election, village, station and kiosk,
so a sealed secret cannot be moved to another package. Nothing here is protected by a
short PIN: a copied stick costs an attacker a search of the 80-bit code (docs/SECURITY.md),
and the daily PIN verifiers exist only on the installed kiosk (`kiosk.device`).

`unlock.verifiers` are Argon2id verifiers (one shared salt, so one run checks a typed
code against all of them) of the one-time PIN unlock codes printed on the sealed officer
sheet. They unlock nothing cryptographically; a kiosk accepts each once to lift a PIN
lock-out. Version 1 records (PIN-wrapped keys) are refused: such packages must be
re-provisioned.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ballotcore.codec import decode_record, encode_record, expect_keys, field, hex_bytes
from ballotcore.codes import normalize_code
from ballotcore.errors import PackageError, RecordError, WrongInstallCode
from ballotcore.hashing import hash_bytes
from ballotcore.kdf import SECRETS, PinKdf, derive_pin_keys
from ballotcore.public_record import KioskCertificate
from ballotcore.signing import public_bytes

KIND = "officer-credentials"
VERSION = 2
SECRET_KIND = "kiosk-install-secret"
SECRET_VERSION = 1
OFFICER_SLOTS = 2
MAX_UNLOCK_CODES = 16
MAX_SEALED = 2048
INSTALL_PURPOSE = "install-code"
UNLOCK_PURPOSE = "unlock-code"


@dataclass(frozen=True, slots=True)
class OfficerCredentials:
    """The parsed officers.json (nothing in it is secret without the 80-bit code)."""

    kiosk_id: str
    install_kdf: PinKdf
    install_salt: bytes
    install_nonce: bytes
    sealed: bytes
    unlock_kdf: PinKdf
    unlock_salt: bytes
    unlock_verifiers: tuple[bytes, ...]


@dataclass(frozen=True)
class InstallSecret:
    """What the installation code opens: the kiosk key, the officer PINs and their KDF."""

    kiosk_key: Ed25519PrivateKey
    officer_pins: tuple[str, ...]
    pin_kdf: PinKdf


def _aad(cert: KioskCertificate) -> bytes:
    return hash_bytes(
        "kiosk-install",
        cert.election_id.encode(),
        cert.village.encode(),
        cert.station.encode(),
        cert.kiosk_id.encode(),
    )


def seal_officer_credentials(
    cert: KioskCertificate,
    kiosk_key: Ed25519PrivateKey,
    pins: list[str],
    install_code: str,
    unlock_codes: list[str],
    kdf: PinKdf | None = None,
) -> bytes:
    """The officers.json record (used by provisioning). `kdf` None: the production
    parameters of `ballotcore.kdf.SECRETS`; a value replaces all three (tests only)."""
    install_kdf = kdf or SECRETS[INSTALL_PURPOSE].kdf
    unlock_kdf = kdf or SECRETS[UNLOCK_PURPOSE].kdf
    pin_kdf = kdf or SECRETS["officer-pin"].kdf
    secret = encode_record(
        SECRET_KIND,
        SECRET_VERSION,
        {
            "kiosk_key": kiosk_key.private_bytes_raw().hex(),
            "officer_pins": list(pins),
            "pin_kdf": pin_kdf.to_body(),
        },
    )
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    _, key = derive_pin_keys(normalize_code(install_code), salt, install_kdf, INSTALL_PURPOSE)
    sealed = AESGCM(key).encrypt(nonce, secret, _aad(cert))
    unlock_salt = secrets.token_bytes(16)
    verifiers = [
        derive_pin_keys(normalize_code(c), unlock_salt, unlock_kdf, UNLOCK_PURPOSE)[0].hex()
        for c in unlock_codes
    ]
    return encode_record(
        KIND,
        VERSION,
        {
            "kiosk_id": cert.kiosk_id,
            "install": {
                "kdf": install_kdf.to_body(),
                "salt": salt.hex(),
                "nonce": nonce.hex(),
                "sealed": sealed.hex(),
            },
            "unlock": {"kdf": unlock_kdf.to_body(), "salt": unlock_salt.hex(), "verifiers": verifiers},
        },
    )


def parse_officer_credentials(data: bytes, kiosk_id: str) -> OfficerCredentials:
    """Parse officers.json; PackageError/RecordError (without the file name) if malformed."""
    body = decode_record(KIND, VERSION, data)
    expect_keys(body, {"kiosk_id", "install", "unlock"}, "officer credentials")
    if field(body, "kiosk_id", str) != kiosk_id:
        raise PackageError("credentials are for another kiosk")
    inst = field(body, "install", dict)
    expect_keys(inst, {"kdf", "salt", "nonce", "sealed"}, "install")
    sealed_hex = field(inst, "sealed", str)
    if not 32 < len(sealed_hex) // 2 <= MAX_SEALED:
        raise RecordError("install: sealed secret has an impossible size")
    unl = field(body, "unlock", dict)
    expect_keys(unl, {"kdf", "salt", "verifiers"}, "unlock")
    verifiers = field(unl, "verifiers", list)
    if not 1 <= len(verifiers) <= MAX_UNLOCK_CODES:
        raise RecordError(f"unlock: 1 to {MAX_UNLOCK_CODES} verifiers expected")
    return OfficerCredentials(
        kiosk_id,
        PinKdf.from_body(inst["kdf"]),
        hex_bytes(inst["salt"], 16, "salt"),
        hex_bytes(inst["nonce"], 12, "nonce"),
        hex_bytes(sealed_hex, len(sealed_hex) // 2, "sealed"),
        PinKdf.from_body(unl["kdf"]),
        hex_bytes(unl["salt"], 16, "salt"),
        tuple(hex_bytes(v, 32, "verifier") for v in verifiers),
    )


def open_installation(
    creds: OfficerCredentials, cert: KioskCertificate, code: str
) -> InstallSecret:
    """The kiosk key and officer PINs for the right installation code.

    CodeFormatError for a garbled code (before any key derivation), WrongInstallCode for
    a well-formed code of another package; PackageError if the sealed secret is damaged.
    """
    normal = normalize_code(code)
    _, key = derive_pin_keys(normal, creds.install_salt, creds.install_kdf, INSTALL_PURPOSE)
    try:
        secret = AESGCM(key).decrypt(creds.install_nonce, creds.sealed, _aad(cert))
    except InvalidTag as exc:
        raise WrongInstallCode(
            "Kode instalasi salah untuk paket ini. / "
            "The installation code does not belong to this package."
        ) from exc
    body = decode_record(SECRET_KIND, SECRET_VERSION, secret)
    expect_keys(body, {"kiosk_key", "officer_pins", "pin_kdf"}, "install secret")
    key_obj = Ed25519PrivateKey.from_private_bytes(hex_bytes(body["kiosk_key"], 32, "kiosk_key"))
    if public_bytes(key_obj) != cert.public_key:
        raise PackageError("the sealed kiosk key does not match its certificate")
    pins = tuple(str(p) for p in field(body, "officer_pins", list))
    if len(pins) != OFFICER_SLOTS:
        raise PackageError(f"expected {OFFICER_SLOTS} officer PINs, found {len(pins)}")
    return InstallSecret(key_obj, pins, PinKdf.from_body(body["pin_kdf"]))


def match_unlock_code(creds: OfficerCredentials, code: str) -> int | None:
    """The index (1-based) of the unlock code `code` is, or None for a foreign code.
    CodeFormatError for a garbled one. One Argon2id run whatever the number of codes."""
    normal = normalize_code(code)
    verifier, _ = derive_pin_keys(normal, creds.unlock_salt, creds.unlock_kdf, UNLOCK_PURPOSE)
    found = None
    for i, v in enumerate(creds.unlock_verifiers, start=1):
        if hmac.compare_digest(v, verifier):
            found = i
    return found

