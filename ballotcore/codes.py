"""High-entropy one-time codes: the installation code and the PIN unlock codes.

A code is 16 random symbols of Crockford's base32 alphabet (0-9 A-Z without I L O U:
80 bits from `secrets`) and one check symbol, printed as `XXXX-XXXX-XXXX-XXXX-C`. The
check symbol is the first 5 bits of SHA-256(label, the 16 symbols), so a mistyped
character or a swapped pair is caught before any key derivation (31 in 32 errors).
Reading is forgiving the way Crockford specifies: case, spaces and hyphens are ignored,
O reads as 0 and I or L as 1. The same text, prefixed by `QR_PREFIX`, is the QR code the
kiosk's scanner reads.
"""

from __future__ import annotations

import hashlib
import secrets

from ballotcore.errors import CodeFormatError

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
DATA_SYMBOLS = 16
BITS = DATA_SYMBOLS * 5
QR_PREFIX = "SUARADESA-CODE:"
_READ = {c: c for c in ALPHABET} | {"O": "0", "I": "1", "L": "1"}


def _check(data: str) -> str:
    digest = hashlib.sha256(b"SuaraDesa/v1/code-check\x00" + data.encode("ascii")).digest()
    return ALPHABET[digest[0] >> 3]


def new_code(rng: secrets.SystemRandom | None = None) -> str:
    """A fresh code in its printed form (`XXXX-XXXX-XXXX-XXXX-C`)."""
    choice = rng.choice if rng is not None else secrets.choice
    data = "".join(choice(ALPHABET) for _ in range(DATA_SYMBOLS))
    return format_code(data + _check(data))


def format_code(normal: str) -> str:
    """The printed grouping of a normalised 17-symbol code."""
    return "-".join(normal[i : i + 4] for i in range(0, DATA_SYMBOLS, 4)) + "-" + normal[-1]


def normalize_code(text: str) -> str:
    """The 17 canonical symbols of a typed or scanned code; CodeFormatError if garbled.

    The message is bilingual (Indonesian first) because it is shown to an officer as is.
    """
    text = text.strip()
    if text.upper().startswith(QR_PREFIX):
        text = text[len(QR_PREFIX) :]
    symbols = []
    for c in text.upper():
        if c in " -":
            continue
        if c not in _READ:
            raise CodeFormatError(
                f"Kode tidak valid: karakter {c!r} tidak dipakai dalam kode. / "
                f"Invalid code: {c!r} is not a code character."
            )
        symbols.append(_READ[c])
    normal = "".join(symbols)
    if len(normal) != DATA_SYMBOLS + 1:
        raise CodeFormatError(
            f"Kode tidak valid: harus {DATA_SYMBOLS + 1} karakter, ada {len(normal)}. / "
            f"Invalid code: it has {len(normal)} characters, not {DATA_SYMBOLS + 1}."
        )
    if _check(normal[:-1]) != normal[-1]:
        raise CodeFormatError(
            "Kode tidak valid: ada karakter yang salah ketik (periksa lagi). / "
            "Invalid code: a character is mistyped (check it again)."
        )
    return normal
