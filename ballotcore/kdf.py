"""Key derivation for every secret a person types: Argon2id, parameters in the record.

One Argon2id run (RFC 9106, through `cryptography`'s `Argon2id`, so ballotcore still
depends only on cryptography and rbcl) per secret gives 64 bytes;
HKDF-SHA256 (info "SuaraDesa/v1/<purpose>") splits them into a 32-byte verifier and a
32-byte AES-256-GCM key. The parameters travel in every record they protect
(`PinKdf.to_body`), so they can be raised later without a format change.

`SECRETS` is the one table of what each secret is, how much entropy it has and which
parameters protect it; docs/SECURITY.md and docs/PROVISIONING.md print the same table and
a test checks that they agree, and another that a provisioned election uses exactly these
parameters. The parameters were chosen from measurements on the project's reference
machine class (2-core x86-64 server, `scripts/bench/kdf.py`): the figures in the table's
`guess_ms` column are those measurements, one core, one guess.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ballotcore.codec import expect_keys, field
from ballotcore.errors import RecordError

#: Bounds accepted from a record: a hostile package cannot make a kiosk allocate more.
MAX_MEMORY_KIB = 1 << 20  # 1 GiB
MAX_TIME_COST = 16


@dataclass(frozen=True, slots=True)
class PinKdf:
    """Argon2id cost parameters: memory in KiB, passes, lanes (one thread per lane)."""

    memory_kib: int = 64 * 1024
    time_cost: int = 2
    parallelism: int = 1

    @classmethod
    def testing(cls) -> PinKdf:
        """Fast, weak parameters for unit tests and fixtures only (passed explicitly)."""
        return cls(memory_kib=64, time_cost=1, parallelism=1)

    def to_body(self) -> dict[str, Any]:
        return {
            "name": "argon2id",
            "m_kib": self.memory_kib,
            "t": self.time_cost,
            "p": self.parallelism,
        }

    @classmethod
    def from_body(cls, body: Any) -> PinKdf:
        if not isinstance(body, dict):
            raise RecordError("kdf must be an object")
        expect_keys(body, {"name", "m_kib", "t", "p"}, "kdf")
        if field(body, "name", str) != "argon2id":
            raise RecordError("kdf: only argon2id is supported")
        kdf = cls(field(body, "m_kib", int), field(body, "t", int), field(body, "p", int))
        if not (
            8 * kdf.parallelism <= kdf.memory_kib <= MAX_MEMORY_KIB
            and 1 <= kdf.time_cost <= MAX_TIME_COST
            and 1 <= kdf.parallelism <= 4
        ):
            raise RecordError("kdf: argon2id parameters out of range")
        return kdf


def derive_pin_keys(secret: str, salt: bytes, kdf: PinKdf, purpose: str) -> tuple[bytes, bytes]:
    """(verifier, wrap key) from ONE Argon2id run, split by HKDF with `purpose` in the info."""
    master = derive_master(secret, salt, kdf)
    return split_master(master, purpose)


def derive_master(secret: str, salt: bytes, kdf: PinKdf) -> bytes:
    """The 64-byte Argon2id output for `secret` (UTF-8) under `salt` and `kdf`."""
    return Argon2id(
        salt=salt,
        length=64,
        iterations=kdf.time_cost,
        lanes=kdf.parallelism,
        memory_cost=kdf.memory_kib,
    ).derive(secret.encode("utf-8"))


def split_master(master: bytes, purpose: str, salt: bytes | None = None) -> tuple[bytes, bytes]:
    """(verifier, key): HKDF-SHA256 of an Argon2id output; `salt` mixes in a device secret."""
    okm = HKDF(hashes.SHA256(), 64, salt=salt, info=f"SuaraDesa/v1/{purpose}".encode()).derive(
        master
    )
    return okm[:32], okm[32:]


@dataclass(frozen=True, slots=True)
class SecretSpec:
    """One secret a person handles: its size, its KDF and the measured cost of a guess."""

    name: str  # the purpose string used in derive_pin_keys
    what: str
    alphabet: int  # symbols per character
    length: int  # random characters
    kdf: PinKdf
    guess_ms: float  # measured: one Argon2id run, one core, reference machine

    @property
    def bits(self) -> float:
        return self.length * math.log2(self.alphabet)

    @property
    def space(self) -> int:
        return self.alphabet**self.length


#: The one table of secrets (docs/SECURITY.md "Secrets and their cost" prints it).
SECRETS: dict[str, SecretSpec] = {
    s.name: s
    for s in (
        SecretSpec("install-code", "installation code (officer sheet, once per kiosk)",
                   32, 16, PinKdf(8 * 1024, 1, 1), 10.0),
        SecretSpec("unlock-code", "PIN unlock code (officer sheet, each usable once)",
                   32, 16, PinKdf(8 * 1024, 1, 1), 10.0),
        SecretSpec("officer-pin", "daily officer PIN (checked on the kiosk only)",
                   10, 6, PinKdf(64 * 1024, 2, 1), 190.0),
        SecretSpec("trustee-card", "trustee PIN (opens one trustee card)",
                   10, 14, PinKdf(32 * 1024, 1, 1), 45.0),
    )
}  # fmt: skip

SECONDS_PER_YEAR = 365.25 * 24 * 3600


def expected_core_years(space: int, guess_seconds: float) -> float:
    """Expected single-core years to find one secret: half the space, one guess at a time."""
    return space / 2 * guess_seconds / SECONDS_PER_YEAR
