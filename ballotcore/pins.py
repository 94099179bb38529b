"""PINs: how officer and trustee PINs are chosen.

PINs come from `secrets`, and patterns a person might guess are refused. How a PIN is
turned into keys (Argon2id, parameters in the record) is `ballotcore.kdf`, re-exported
here for callers that import it from this module.
"""

from __future__ import annotations

import secrets

from ballotcore.kdf import PinKdf, derive_pin_keys

DEFAULT_PIN_DIGITS = 6


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


__all__ = ["DEFAULT_PIN_DIGITS", "PinKdf", "derive_pin_keys", "is_weak_pin", "new_pin"]
