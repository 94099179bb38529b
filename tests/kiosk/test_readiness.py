"""Readiness: printer and storage are required; a missing QR scanner is only a warning
(trustee cards can also be read from `.sdcard` files on the USB stick)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hardware.status import PrinterFault
from kiosk.clock import FakeClock
from kiosk.devices import MemoryContentPrinter, MemoryScanner
from kiosk.engine import KioskEngine
from kiosk.errors import TransitionRefused
from provisioning.testing import ElectionFixture
from tests.kiosk.helpers import add_trustees, engine_for, ensure_installed, officer_pins, vote


def _log(e: KioskEngine, code: str) -> list[dict[str, object]]:
    return [x for x in e.event_log() if x["event"] == code]


def test_unplugged_scanner_is_a_warning_and_the_polls_open(
    election3: ElectionFixture, data_dir: Path
) -> None:
    scanner = MemoryScanner(connected=False)
    e = engine_for(election3, data_dir, scanner=scanner)
    pin = officer_pins(election3)[0]
    e.officer_login(pin)
    report = e.readiness()
    assert report.ok and report.failures == []
    assert report.warnings == ["scanner: disconnected"]
    check = {c.name: c for c in report.checks}["scanner"]
    assert not check.ok and not check.required
    assert e.status().polls == "ready" and e.status().scanner == "disconnected"
    assert _log(e, "readiness.passed")[-1]["detail"] == {"warnings": "scanner"}
    e.open_polls(pin)
    vote(e, pin, 1)
    e.close_polls(pin)
    add_trustees(e, election3, [1, 2, 3])  # cards read from files, no scanner
    assert [v for _, _, v in e.compute_results().votes] == [1, 0, 0]


def test_absent_scanner_warns_but_absent_printer_blocks(
    election3: ElectionFixture, data_dir: Path
) -> None:
    ensure_installed(election3, data_dir)
    e = KioskEngine(election3.package_paths()[0], data_dir, printer=None, scanner=None,
                    expected_authority=election3.authority_id, clock=FakeClock())
    pin = officer_pins(election3)[0]
    e.officer_login(pin)
    report = e.readiness()
    assert not report.ok
    assert report.failures == ["printer: absent"] and report.warnings == ["scanner: absent"]
    assert _log(e, "readiness.failed")[-1]["detail"] == {"failed": "printer", "warnings": "scanner"}
    assert e.status().polls == "setup"
    with pytest.raises(TransitionRefused):
        e.open_polls(pin)


def test_printer_fault_still_blocks_with_a_scanner(
    election3: ElectionFixture, data_dir: Path
) -> None:
    e = engine_for(election3, data_dir, printer=MemoryContentPrinter(fault=PrinterFault.COVER_OPEN))
    e.officer_login(officer_pins(election3)[0])
    report = e.readiness()
    assert not report.ok and report.warnings == []
    assert report.failures == ["printer: cover-open"]
