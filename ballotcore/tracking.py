"""Tracking codes: what a voter takes home to find their encrypted ballot later.

code = the first 80 bits of H("tracking-code", ballot digest), written in Crockford
base32 (no I, L, O, U, so it reads aloud without confusion) as four groups of four:
`7K3Q-MX2B-0HTR-9WCE`. It is derived from the *encrypted* ballot, so it reveals nothing
about the vote; it lets the voter check their ballot is on the public bulletin board.
"""

from __future__ import annotations

from ballotcore.hashing import hash_bytes

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DECODE = {c: i for i, c in enumerate(ALPHABET)} | {"O": 0, "I": 1, "L": 1}


def tracking_code(ballot_digest: bytes) -> str:
    """The readable tracking code of a ballot (see module docstring)."""
    value = int.from_bytes(hash_bytes("tracking-code", ballot_digest)[:10], "big")
    chars = [ALPHABET[(value >> (5 * (15 - i))) & 31] for i in range(16)]
    return "-".join("".join(chars[i : i + 4]) for i in range(0, 16, 4))


def normalize_tracking_code(text: str) -> str | None:
    """Normalise what a voter typed (case, spaces, O/0, I/L/1); None if not a code."""
    cleaned = [c for c in text.upper() if c not in " -"]
    if len(cleaned) != 16 or any(c not in _DECODE for c in cleaned):
        return None
    canon = "".join(ALPHABET[_DECODE[c]] for c in cleaned)
    return "-".join(canon[i : i + 4] for i in range(0, 16, 4))
