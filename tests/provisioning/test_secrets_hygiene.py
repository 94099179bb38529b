"""Secrets hygiene: no PIN or key reaches a log; production KDF costs are never cheap."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ballotcore.kdf import SECRETS
from ballotcore.package import PinKdf, open_installation
from ballotcore.trustee_card import TRUSTEE_KDF, TRUSTEE_PIN_DIGITS, new_trustee_pin
from provisioning.testing import make_election


def test_default_costs_are_the_documented_ones() -> None:
    assert TRUSTEE_KDF == SECRETS["trustee-card"].kdf == PinKdf(32 * 1024, 1, 1)
    assert SECRETS["officer-pin"].kdf == PinKdf(64 * 1024, 2, 1)
    assert all(PinKdf.testing().memory_kib < s.kdf.memory_kib for s in SECRETS.values())
    pins = {new_trustee_pin() for _ in range(200)}
    assert all(len(p) == TRUSTEE_PIN_DIGITS == 14 and p.isdigit() for p in pins)


def test_no_pin_in_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fx = make_election(tmp_path, villages=1, seed=21)
    pkg = fx.package(0)
    pins = fx.officer_pins(pkg.village.code, pkg.station.code)
    open_installation(pkg, fx.install_code(pkg.village.code, pkg.station.code))
    text = "\n".join(r.getMessage() for r in caplog.records)
    secrets = pins + [fx.trustee_pin(pkg.village.code, t.index) for t in pkg.village.trustees]
    assert not [s for s in secrets if s in text]
