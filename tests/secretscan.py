"""Looking for a typed secret (a PIN, a code) in bytes an attacker could read.

A plain substring test fails by chance: a 6-digit PIN turns up in about 1 in 16^6 windows
of random hex, and a package or an event log holds thousands of such windows (keys,
signatures, hashes), which made such checks fail a few runs in 10,000. A secret stored or
logged in the clear stands as a whole token, between characters that are neither letters
nor digits (quotes, spaces, commas), so that is what `holds_secret` matches. A random hex
run contains the PIN as a whole token only if the run is exactly the PIN: no false
failures, and a leaked PIN is still found (each caller keeps a positive control).
"""

from __future__ import annotations

import re


def holds_secret(blob: bytes | str, secret: str) -> bool:
    """Whether `secret` stands in `blob` as a whole token (no letter or digit either side)."""
    data = blob.encode() if isinstance(blob, str) else blob
    token = re.escape(secret.encode())
    return re.search(rb"(?<![0-9A-Za-z])" + token + rb"(?![0-9A-Za-z])", data) is not None


__all__ = ["holds_secret"]
