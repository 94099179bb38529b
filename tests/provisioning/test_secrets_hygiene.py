"""Secrets hygiene: no PIN or key reaches a log; production KDF costs are never cheap."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from ballotcore.kdf import SECRETS
from ballotcore.package import PinKdf, open_installation
from ballotcore.trustee_card import TRUSTEE_KDF, TRUSTEE_PIN_DIGITS, new_trustee_pin
from provisioning import village
from provisioning.testing import make_election


def test_default_costs_are_the_documented_ones() -> None:
    assert TRUSTEE_KDF == SECRETS["trustee-card"].kdf == PinKdf(32 * 1024, 1, 1)
    assert SECRETS["officer-pin"].kdf == PinKdf(64 * 1024, 2, 1)
    assert all(PinKdf.testing().memory_kib < s.kdf.memory_kib for s in SECRETS.values())
    pins = {new_trustee_pin() for _ in range(200)}
    assert all(len(p) == TRUSTEE_PIN_DIGITS == 14 and p.isdigit() for p in pins)


# LogRecord attributes every record has (metadata: times, ids, paths); anything else on a
# record came from `extra=` or a handler and is content a PIN could hide in.
_METADATA = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


def _record_text(record: logging.LogRecord) -> str:
    """What a record says: message, arguments, exception and stack text, and extra fields."""
    extras = {k: v for k, v in record.__dict__.items() if k not in _METADATA}
    return f"{record.getMessage()} {record.args!r} {record.exc_text} {record.stack_info} {extras!r}"


def _leaked_secrets(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> list[str]:
    """Run a real provisioning (in-process, so every logger reaches the capture), unlock a
    kiosk key, and return the PINs and passphrase that appear in any captured log record.

    False failures: a secret is matched only as a whole token (no digit either side), in a
    record's content, not its metadata (creation time, thread id, ...: matching those, and
    substrings of longer numbers, once found a random 6-digit PIN by chance in a fresh-clone
    run: about 60,000 digits of noise per run). A chance match needs a six-digit
    number in some library's log text equal to one of the P random PINs, probability
    P/10^6 per such token; this run must log no such token that is not a secret (asserted
    below), so the false-failure rate is 0. Should a library start logging six-digit numbers,
    that assertion fails every time, never by chance.
    """
    caplog.set_level(logging.DEBUG)  # root at DEBUG: every logger in every namespace
    fx = make_election(tmp_path, villages=2, seed=21, workers=1)
    pkg = fx.package(0)
    open_installation(pkg, fx.install_code(pkg.village.code, pkg.station.code))
    text = "\n".join(_record_text(r) for r in caplog.records)
    secrets = [fx.passphrase, *fx.pins["install_codes"].values()]
    secrets += [pin for pins in fx.pins["officers"].values() for pin in pins]
    secrets += [pin for by_index in fx.pins["trustees"].values() for pin in by_index.values()]
    assert len(secrets) > 10
    six_digit = set(re.findall(r"(?<![0-9])[0-9]{6}(?![0-9])", text))
    assert not six_digit - set(secrets), "library logs 6-digit numbers: revisit the bound"
    return [s for s in secrets if re.search(rf"(?<![0-9]){re.escape(s)}(?![0-9])", text)]


def test_no_pin_in_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    assert _leaked_secrets(tmp_path, caplog) == []


def test_positive_control_a_logged_pin_is_seen(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    leak = logging.getLogger("provisioning.village")
    real_new_pin = village.new_pin

    def logging_new_pin() -> str:
        pin = real_new_pin()
        leak.debug("officer PIN %s", pin)  # the bug the check must catch
        return pin

    monkeypatch.setattr(village, "new_pin", logging_new_pin)
    leaked = _leaked_secrets(tmp_path, caplog)
    assert leaked and all(len(p) == 6 and p.isdigit() for p in leaked)
