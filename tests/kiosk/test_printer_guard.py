"""Printer faults lose nothing and leak nothing: an activation on a printer that cannot
print is refused with the cause; a paper that failed in a cast stays reprintable (officer
PIN) after the voter's screen closed, until the next activation; the voter leaves without
a paper record only when an officer confirms it, and that is logged."""

from __future__ import annotations

from pathlib import Path

import pytest

from hardware.status import PrinterFault
from kiosk.devices import MemoryContentPrinter
from kiosk.engine import KioskEngine
from kiosk.errors import PinRejected, PrinterUnavailable, TransitionRefused
from provisioning.testing import ElectionFixture
from tests.kiosk.helpers import officer_pins, open_engine


def _codes(e: KioskEngine) -> list[str]:
    return [x["event"] for x in e.event_log()]


def _cast_with_fault(e: KioskEngine, printer: MemoryContentPrinter, pin: str) -> None:
    e.activate_ballot(pin)
    e.select(1)
    e.review()
    printer.fault = PrinterFault.PAPER_OUT
    assert not e.cast().printed


@pytest.mark.parametrize("fault", [PrinterFault.PAPER_OUT, PrinterFault.COVER_OPEN,
                                   PrinterFault.DISCONNECTED])
def test_activation_is_refused_while_the_printer_cannot_print(
    election3: ElectionFixture, data_dir: Path, fault: PrinterFault
) -> None:
    printer = MemoryContentPrinter()
    e = open_engine(election3, data_dir, printer=printer)
    pin = officer_pins(election3)[0]
    printer.fault = fault
    with pytest.raises(PrinterUnavailable) as refused:
        e.activate_ballot(pin)
    assert refused.value.status == fault.value
    assert e.status().activations == 0 and e.status().session == "idle"
    assert _codes(e)[-1] == "session.activation_refused"
    printer.fault = None  # positive control: the same activation once the printer is fixed
    e.activate_ballot(pin)
    assert e.status().activations == 1


def test_reprint_after_the_screen_closed_needs_the_pin_and_ends_at_the_next_activation(
    election3: ElectionFixture, data_dir: Path
) -> None:
    printer = MemoryContentPrinter()
    e = open_engine(election3, data_dir, printer=printer)
    pin = officer_pins(election3)[0]
    _cast_with_fault(e, printer, pin)
    e.confirm_cast()  # the voter's screen closed
    with pytest.raises(TransitionRefused):
        e.reprint_receipts()  # no PIN: refused
    wrong = next(p for p in ("000000", "111111") if p not in officer_pins(election3))
    with pytest.raises(PinRejected):
        e.reprint_receipts(wrong)
    still = e.reprint_receipts(pin)  # fault persists: feedback, still pending
    assert not still.printed and still.voter_record_status == "paper-out"
    printer.fault = None
    assert e.reprint_receipts(pin).printed
    with pytest.raises(TransitionRefused):
        e.reprint_receipts(pin)  # printed: nothing left to reprint
    assert _codes(e).count("receipt.reprinted") == 2
    assert e.status().ballots == 1
    # a second failed cast: the next activation ends its reprint window
    _cast_with_fault(e, printer, pin)
    e.confirm_cast()
    printer.fault = None
    e.activate_ballot(pin)
    with pytest.raises(TransitionRefused):
        e.reprint_receipts(pin)


def test_voter_leaves_without_paper_only_with_an_officer_and_it_is_logged(
    election3: ElectionFixture, data_dir: Path
) -> None:
    printer = MemoryContentPrinter()
    e = open_engine(election3, data_dir, printer=printer)
    pin = officer_pins(election3)[0]
    _cast_with_fault(e, printer, pin)
    wrong = next(p for p in ("000000", "111111") if p not in officer_pins(election3))
    with pytest.raises(PinRejected):
        e.finish_without_paper(wrong)
    assert e.status().awaiting_confirmation
    e.finish_without_paper(pin)
    assert not e.status().awaiting_confirmation and e.status().ballots == 1
    entries = [x for x in e.event_log() if x["event"] == "receipt.skipped_by_officer"]
    assert len(entries) == 1 and entries[0]["detail"]["record"] == "paper-out"
    printer.fault = None  # still reprintable until the next activation
    assert e.reprint_receipts(pin).printed
