"""The kiosk's own key storage: installation, the daily officer PINs, the device secret.

A station package holds the kiosk key sealed under the 80-bit installation code only
(`ballotcore.credentials`). Installing the package on a kiosk (`install`, once) opens it
with that code and re-wraps the key on the kiosk's own storage, in the device folder
(default `<data>/device`; mode 0700, every file 0600, never in the package or an export):

    device-secret        32 random bytes (`secrets`), made at the first installation
    install-<pkg>.json   record "kiosk-installation" v1 for one package (<pkg> = the first
                         16 hex digits of the package digest): per officer slot a salt,
                         a verifier and the kiosk key wrapped with AES-256-GCM, and the
                         numbers of the one-time unlock codes already used
    used-codes.json      SHA-256 fingerprints of installation codes used on this kiosk

Per slot, Argon2id of the officer PIN (the parameters the package prescribed, stored in
the record) is split by HKDF *salted with the device secret* into a verifier and a wrap
key. So the PIN is checked by the kiosk alone (with the lock-out of `kiosk.pinstate`),
nothing on the USB stick or in an export lets anyone test a PIN, and a copy of the data
folder without the device secret gives nothing to guess either. What this does not stop:
someone who copies the whole device folder (secret included) can try the 10^6 PINs at
Argon2id cost; a TPM-sealed device secret would close that, see docs/SECURITY.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ballotcore import package as pkg
from ballotcore.codec import decode_record, encode_record, expect_keys, field, hex_bytes
from ballotcore.codes import normalize_code
from ballotcore.errors import BallotCoreError, CodeFormatError, WrongInstallCode
from ballotcore.kdf import PinKdf, derive_master, split_master
from ballotcore.signing import public_bytes
from kiosk.errors import InstallRefused, StorageError
from kiosk.pinstate import write_atomic

SECRET_FILE = "device-secret"
USED_FILE = "used-codes.json"
KIND = "kiosk-installation"
VERSION = 1
PURPOSE = "officer-pin"


def default_device_dir(data_dir: Path) -> Path:
    """Where the device secret lives unless the caller says otherwise."""
    return Path(data_dir) / "device"


@dataclass(frozen=True, slots=True)
class Slot:
    slot: int
    salt: bytes
    verifier: bytes
    nonce: bytes
    wrapped: bytes


@dataclass(frozen=True)
class Installation:
    """One package installed on this kiosk (the parsed install-<pkg>.json)."""

    path: Path
    package_digest: bytes
    kiosk_id: str
    pin_kdf: PinKdf
    slots: tuple[Slot, ...]
    used_unlock: tuple[int, ...]
    secret: bytes  # the device secret (never written anywhere else)

    def _keys(self, slot: Slot, pin: str) -> tuple[bytes, bytes]:
        return split_master(derive_master(pin, slot.salt, self.pin_kdf), PURPOSE, self.secret)

    def check(self, pin: str) -> int | None:
        """The slot whose PIN this is, or None (one Argon2id run per slot)."""
        if not (len(pin) == pkg.OFFICER_PIN_DIGITS and pin.isascii() and pin.isdigit()):
            return None
        for s in self.slots:
            verifier, _ = self._keys(s, pin)
            if hmac.compare_digest(verifier, s.verifier):
                return s.slot
        return None

    def unlock(self, pin: str) -> tuple[int, Ed25519PrivateKey] | None:
        """(slot, kiosk key) for a correct PIN, None otherwise."""
        if not (len(pin) == pkg.OFFICER_PIN_DIGITS and pin.isascii() and pin.isdigit()):
            return None
        for s in self.slots:
            verifier, wrap = self._keys(s, pin)
            if not hmac.compare_digest(verifier, s.verifier):
                continue
            try:
                raw = AESGCM(wrap).decrypt(s.nonce, s.wrapped, _aad(self.package_digest, s.slot))
            except InvalidTag as exc:
                raise StorageError(f"{self.path.name}: the wrapped kiosk key is damaged") from exc
            return s.slot, Ed25519PrivateKey.from_private_bytes(raw)
        return None

    def mark_unlock_used(self, index: int) -> Installation:
        """This installation with unlock code `index` recorded as used (written first)."""
        updated = replace(self, used_unlock=tuple(sorted({*self.used_unlock, index})))
        _write_private(self.path, updated.to_bytes())
        return updated

    def to_bytes(self) -> bytes:
        return encode_record(
            KIND,
            VERSION,
            {
                "package": self.package_digest.hex(),
                "kiosk_id": self.kiosk_id,
                "pin_kdf": self.pin_kdf.to_body(),
                "slots": [
                    {
                        "slot": s.slot,
                        "salt": s.salt.hex(),
                        "verifier": s.verifier.hex(),
                        "nonce": s.nonce.hex(),
                        "wrapped": s.wrapped.hex(),
                    }
                    for s in self.slots
                ],
                "used_unlock": list(self.used_unlock),
            },
        )


def _aad(package_digest: bytes, slot: int) -> bytes:
    return b"SuaraDesa/v1/device-wrap\x00" + package_digest + slot.to_bytes(4, "big")


def _record_path(device_dir: Path, package: pkg.StationPackage) -> Path:
    return Path(device_dir) / f"install-{package.digest.hex()[:16]}.json"


def _ensure_dir(device_dir: Path) -> None:
    device_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(device_dir, 0o700)


def _write_private(path: Path, data: bytes) -> None:
    write_atomic(path, data)  # created 0600 by write_atomic
    os.chmod(path, 0o600)


def _read_secret(device_dir: Path) -> bytes | None:
    path = Path(device_dir) / SECRET_FILE
    if not path.exists():
        return None
    data = path.read_bytes()
    if len(data) != 32:
        raise StorageError(f"{path}: the device secret is damaged")
    return data


def _fingerprint(normal_code: str) -> str:
    return hashlib.sha256(b"SuaraDesa/v1/install-code-used\x00" + normal_code.encode()).hexdigest()


def _used_codes(device_dir: Path) -> list[str]:
    path = Path(device_dir) / USED_FILE
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_bytes())
        return [str(x) for x in data["used"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise StorageError(f"{path}: unreadable") from exc


def load_installation(device_dir: Path, package: pkg.StationPackage) -> Installation | None:
    """The installation of `package` on this kiosk, or None if it was never installed."""
    path = _record_path(device_dir, package)
    if not path.exists():
        return None
    secret = _read_secret(device_dir)
    if secret is None:
        raise StorageError(f"{device_dir}: the device secret is missing; reinstall the package")
    try:
        body = decode_record(KIND, VERSION, path.read_bytes())
        expect_keys(body, {"package", "kiosk_id", "pin_kdf", "slots", "used_unlock"}, "install")
        digest = hex_bytes(body["package"], 32, "package")
        if digest != package.digest or field(body, "kiosk_id", str) != package.kiosk_id:
            raise StorageError(f"{path.name}: the installation is for another package")
        slots = []
        for entry in field(body, "slots", list):
            expect_keys(entry, {"slot", "salt", "verifier", "nonce", "wrapped"}, "slot")
            slots.append(
                Slot(
                    field(entry, "slot", int),
                    hex_bytes(entry["salt"], 16, "salt"),
                    hex_bytes(entry["verifier"], 32, "verifier"),
                    hex_bytes(entry["nonce"], 12, "nonce"),
                    hex_bytes(entry["wrapped"], 48, "wrapped"),
                )
            )
        used = tuple(int(i) for i in field(body, "used_unlock", list))
        kdf = PinKdf.from_body(body["pin_kdf"])
    except (BallotCoreError, TypeError, ValueError) as exc:
        raise StorageError(f"{path.name}: the installation record is damaged ({exc})") from exc
    return Installation(path, digest, package.kiosk_id, kdf, tuple(slots), used, secret)


def install(device_dir: Path, package: pkg.StationPackage, code: str) -> Installation:
    """Install `package` on this kiosk with its installation code (see module docstring).

    Refused (InstallRefused, nothing written) for a garbled code, a code already used on
    this kiosk, a package already installed, or a code that does not open the package.
    """
    device_dir = Path(device_dir)
    try:
        normal = normalize_code(code)
    except CodeFormatError as exc:
        raise InstallRefused("garbled", str(exc)) from exc
    if _fingerprint(normal) in _used_codes(device_dir):
        raise InstallRefused("reused")
    if _record_path(device_dir, package).exists():
        raise InstallRefused("installed")
    try:
        opened = pkg.open_installation(package, normal)
    except WrongInstallCode as exc:
        raise InstallRefused("wrong") from exc
    except BallotCoreError as exc:
        raise InstallRefused("damaged", str(exc)) from exc
    _ensure_dir(device_dir)
    secret = _read_secret(device_dir)
    if secret is None:
        secret = secrets.token_bytes(32)
        _write_private(device_dir / SECRET_FILE, secret)
    raw = opened.kiosk_key.private_bytes_raw()
    assert public_bytes(opened.kiosk_key) == package.certificate.public_key
    slots = []
    for number, pin in enumerate(opened.officer_pins, start=1):
        salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
        verifier, wrap = split_master(derive_master(pin, salt, opened.pin_kdf), PURPOSE, secret)
        wrapped = AESGCM(wrap).encrypt(nonce, raw, _aad(package.digest, number))
        slots.append(Slot(number, salt, verifier, nonce, wrapped))
    installation = Installation(
        _record_path(device_dir, package), package.digest, package.kiosk_id,
        opened.pin_kdf, tuple(slots), (), secret,
    )  # fmt: skip
    _write_private(installation.path, installation.to_bytes())
    used = _used_codes(device_dir) + [_fingerprint(normal)]
    _write_private(device_dir / USED_FILE, json.dumps({"used": used}).encode())
    return installation
