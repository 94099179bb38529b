"""Domain-separated hashing: every hash in SuaraDesa goes through here.

`H(label, parts...)` = SHA-512( enc(b"SuaraDesa/v1/" + label) || enc(part_1) || ... )
where enc(x) = 4-byte big-endian length of x || x. Lengths are always encoded, so no two
different part lists hash the same input; every use has its own fixed label.
Challenges are the 64-byte digest reduced modulo L (negligible bias).
"""

from __future__ import annotations

import hashlib

from ballotcore.group import L

DOMAIN = b"SuaraDesa/v1/"


def _encode(label: str, parts: tuple[bytes, ...]) -> bytes:
    chunks = [len(DOMAIN + label.encode()).to_bytes(4, "big"), DOMAIN, label.encode()]
    for part in parts:
        chunks.append(len(part).to_bytes(4, "big"))
        chunks.append(part)
    return b"".join(chunks)


def hash_bytes(label: str, *parts: bytes) -> bytes:
    """SHA-512 of the labelled, length-prefixed parts (64 bytes)."""
    return hashlib.sha512(_encode(label, parts)).digest()


def digest32(label: str, *parts: bytes) -> bytes:
    """The first 32 bytes of `hash_bytes`: used for identifiers and hash chains."""
    return hash_bytes(label, *parts)[:32]


def hash_to_scalar(label: str, *parts: bytes) -> int:
    """A Fiat-Shamir challenge: `hash_bytes` read little-endian and reduced mod L."""
    return int.from_bytes(hash_bytes(label, *parts), "little") % L
