"""Secrets hygiene: no PIN or key reaches a log; production scrypt costs are never cheap."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ballotcore.package import PinKdf, unlock_kiosk_key
from ballotcore.trustee_card import TRUSTEE_KDF, TRUSTEE_PIN_DIGITS, new_trustee_pin
from provisioning.testing import make_election


def test_default_costs_are_the_documented_ones() -> None:
    assert (PinKdf().log_n, PinKdf().r, PinKdf().p) == (13, 8, 1)
    assert (TRUSTEE_KDF.log_n, TRUSTEE_KDF.r) == (12, 8)
    assert PinKdf.testing().log_n < PinKdf().log_n
    pins = {new_trustee_pin() for _ in range(200)}
    assert all(len(p) == TRUSTEE_PIN_DIGITS == 10 and p.isdigit() for p in pins)


def test_no_pin_in_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fx = make_election(tmp_path, villages=1, seed=21)
    pkg = fx.package(0)
    pins = fx.officer_pins(pkg.village.code, pkg.station.code)
    unlock_kiosk_key(pkg, pins[0])
    text = "\n".join(r.getMessage() for r in caplog.records)
    secrets = pins + [fx.trustee_pin(pkg.village.code, t.index) for t in pkg.village.trustees]
    assert not [s for s in secrets if s in text]
