"""PINs: how officer and trustee PINs are chosen and turned into keys.

One scrypt run per PIN gives 64 bytes; HKDF-SHA256 (info "SuaraDesa/v1/<purpose>") splits
them into a 32-byte verifier and a 32-byte AES-256-GCM key. The scrypt parameters travel
in every record that uses them (`PinKdf.to_body`), so they can be raised later without a
format change. PINs come from `secrets`, and patterns a person might guess are refused.
Used by the station package (officer PINs wrapping the kiosk key) and trustee cards.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ballotcore.codec import expect_keys, field
from ballotcore.errors import RecordError

DEFAULT_PIN_DIGITS = 6



@dataclass(frozen=True, slots=True)
class PinKdf:
    """scrypt cost parameters. The default (N=2^13, r=8: 8 MB, ~25 ms per try on one
    server core) is the officer-PIN cost; it is budgeted so a regency of ~800 stations
    provisions in under a minute on 2 cores (docs/PROVISIONING.md has the arithmetic).
    Cheaper parameters exist only for tests (`PinKdf.testing()`), passed explicitly.
    """

    log_n: int = 13
    r: int = 8
    p: int = 1

    @classmethod
    def testing(cls) -> PinKdf:
        """Fast, weak parameters for unit tests and fixtures only."""
        return cls(log_n=8, r=8, p=1)

    def to_body(self) -> dict[str, Any]:
        return {"name": "scrypt", "log_n": self.log_n, "r": self.r, "p": self.p}

    @classmethod
    def from_body(cls, body: Any) -> PinKdf:
        if not isinstance(body, dict):
            raise RecordError("kdf must be an object")
        expect_keys(body, {"name", "log_n", "r", "p"}, "kdf")
        if field(body, "name", str) != "scrypt":
            raise RecordError("kdf: only scrypt is supported")
        kdf = cls(field(body, "log_n", int), field(body, "r", int), field(body, "p", int))
        if not (4 <= kdf.log_n <= 20 and 1 <= kdf.r <= 32 and 1 <= kdf.p <= 4):
            raise RecordError("kdf: scrypt parameters out of range")
        return kdf


def derive_pin_keys(pin: str, salt: bytes, kdf: PinKdf, purpose: str) -> tuple[bytes, bytes]:
    """(verifier, wrap key) from ONE scrypt run, split by HKDF with `purpose` in the info."""
    n = 1 << kdf.log_n
    master = hashlib.scrypt(
        pin.encode("utf-8"),
        salt=salt,
        n=n,
        r=kdf.r,
        p=kdf.p,
        maxmem=256 * n * kdf.r * kdf.p + (1 << 20),
        dklen=64,
    )
    okm = HKDF(hashes.SHA256(), 64, salt=None, info=f"SuaraDesa/v1/{purpose}".encode()).derive(
        master
    )
    return okm[:32], okm[32:]


def is_weak_pin(pin: str) -> bool:
    """True for PINs a person might guess: few distinct digits, runs, short repeats, dates."""
    digits = [int(c) for c in pin]
    if len(set(digits)) <= 2:  # 111111, 112211, 121212
        return True
    steps = {(b - a) % 10 for a, b in zip(digits, digits[1:], strict=False)}
    if len(steps) == 1:  # 123456, 654321, 890123, 135791
        return True
    for period in (2, 3):  # 123123, 1212...
        if all(pin[i] == pin[i % period] for i in range(len(pin))):
            return True
    if pin == pin[::-1]:  # 123321
        return True
    if len(pin) == 6 and pin[:2] in {"19", "20"} and 1 <= int(pin[4:6]) <= 12:
        return True  # a year and a month: 198507, 200312
    return False


def new_pin(digits: int = DEFAULT_PIN_DIGITS) -> str:
    """A fresh random PIN from `secrets`, weak patterns refused."""
    while True:
        pin = "".join(secrets.choice("0123456789") for _ in range(digits))
        if not is_weak_pin(pin):
            return pin
