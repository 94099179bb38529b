"""kiosk.devices logs a driver's exception with its traceback, never the voter's choice."""

from __future__ import annotations

import logging

import pytest

from hardware.receipts import TakeHomeSlip, VoterRecord
from hardware.status import PrinterStatus
from kiosk.devices import Devices

SECRET_NAME = "Siti Rahmawati Kandidat"


class _BrokenPrinter:
    """A driver whose every call raises, the message repeating what it was asked to print."""

    def status(self) -> PrinterStatus:
        raise OSError("[Errno 5] port vanished")

    def print_receipt(self, content: object, reprint: bool = False) -> PrinterStatus:
        raise ValueError(f"cannot lay out {content!r}")


class _BrokenScanner:
    def status(self) -> str:
        raise RuntimeError("scanner thread died")

    def read(self, timeout: float) -> str | None:
        return None


def _record() -> VoterRecord:
    return VoterRecord("Desa Sukamaju", "TPS 01", 3, SECRET_NAME)


def _text(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(caplog.handler.format(r) for r in caplog.records)


def test_status_errors_are_logged_with_their_traceback(caplog: pytest.LogCaptureFixture) -> None:
    devices = Devices(_BrokenPrinter(), _BrokenScanner())
    with caplog.at_level(logging.WARNING, logger="kiosk.devices"):
        assert devices.printer_status() == "not-responding"
        assert devices.scanner_status() == "not-responding"
    assert [r.exc_info is not None for r in caplog.records] == [True, True]
    text = _text(caplog)
    assert text.count("Traceback (most recent call last)") == 2
    assert "in status" in text and "port vanished" in text and "scanner thread died" in text


def test_a_failed_slip_logs_the_traceback_and_message(caplog: pytest.LogCaptureFixture) -> None:
    """Positive control for the next test: without withholding, the message is logged."""
    slip = TakeHomeSlip("ABCD-EFGH", "https://example.invalid/c")
    with caplog.at_level(logging.WARNING, logger="kiosk.devices"):
        outcome = Devices(_BrokenPrinter(), None).print(slip)
    assert not outcome.ok
    text = _text(caplog)
    assert "Traceback (most recent call last)" in text and "in print_receipt" in text
    assert "cannot lay out TakeHomeSlip(" in text


def test_a_failed_voter_record_logs_the_traceback_but_not_the_vote(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="kiosk.devices"):
        outcome = Devices(_BrokenPrinter(), None).print(_record())
    assert not outcome.ok
    text = _text(caplog)
    assert "Traceback (most recent call last)" in text and "in print_receipt" in text
    assert "ValueError" in text and "message withheld" in text
    assert SECRET_NAME not in text and "candidate_number=3" not in text
