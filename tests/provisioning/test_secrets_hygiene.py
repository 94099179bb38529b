"""Secrets hygiene: no PIN or key reaches a log; production KDF costs are never cheap."""

from __future__ import annotations

import logging
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


def _leaked_secrets(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> list[str]:
    """Run a real provisioning (in-process, so every logger reaches the capture), unlock a
    kiosk key, and return the PINs and passphrase that appear in any captured log record."""
    caplog.set_level(logging.DEBUG)  # root at DEBUG: every logger in every namespace
    fx = make_election(tmp_path, villages=2, seed=21, workers=1)
    pkg = fx.package(0)
    open_installation(pkg, fx.install_code(pkg.village.code, pkg.station.code))
    records = caplog.records
    text = "\n".join([r.getMessage() for r in records] + [repr(r.__dict__) for r in records])
    secrets = [fx.passphrase, *fx.pins["install_codes"].values()]
    secrets += [pin for pins in fx.pins["officers"].values() for pin in pins]
    secrets += [pin for by_index in fx.pins["trustees"].values() for pin in by_index.values()]
    assert len(secrets) > 10
    return [s for s in secrets if s in text]


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
