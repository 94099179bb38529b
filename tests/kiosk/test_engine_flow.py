"""A polling day through the engine API, receipts, printer faults, timeouts, export."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from ballotcore.results import StationResults, box_root
from ballotcore.signing import SignedRecord
from ballotcore.verify import verify_bundle
from hardware import receipts
from hardware.status import PrinterFault, PrinterStatus
from kiosk import timeouts
from kiosk.clock import FakeClock
from kiosk.devices import MemoryContentPrinter
from kiosk.engine import KioskEngine
from kiosk.errors import (
    NotEnoughTrustees,
    PrinterUnavailable,
    SessionTimedOut,
    TransitionRefused,
    TrusteeError,
)
from provisioning.testing import ElectionFixture
from tests.kiosk.helpers import add_trustees, engine_for, officer_pins, open_engine, vote


def _codes(e: KioskEngine) -> list[str]:
    return [x["event"] for x in e.event_log()]


def test_whole_day_results_export_and_identical_reexport(
    election3: ElectionFixture, data_dir: Path, tmp_path: Path
) -> None:
    printer = MemoryContentPrinter()
    e = open_engine(election3, data_dir, printer=printer)
    pin = officer_pins(election3)[1]
    zero = printer.printed[0]
    assert isinstance(zero, receipts.ZeroReport)
    assert [c.votes for c in zero.candidates] == [0, 0, 0]
    assert zero.commitment_root == box_root([]).hex()
    deck = [1, 2, 2, 3, 3, 3, 1, 2]
    codes = [vote(e, pin, n) for n in deck]
    assert len(set(codes)) == len(deck)
    e.close_polls(officer_pins(election3)[0])
    with pytest.raises(NotEnoughTrustees):
        e.compute_results()
    add_trustees(e, election3, [2, 4, 5])
    res = e.compute_results()
    assert [v for _, _, v in res.votes] == [2, 3, 3]
    assert isinstance(printer.printed[-1], receipts.ResultsReport)
    assert printer.printed[-1].signed_results == res.signed_results
    usb = tmp_path / "usb"
    usb.mkdir()
    first = e.export(usb)
    data = first.path.read_bytes()
    second = e.export(usb)
    assert second.path.read_bytes() == data and first.results_included
    v = verify_bundle(data, election3.package(0).public_record, full=True)
    assert v.results is not None and v.results.mode == "official"
    assert [p.name for p in usb.iterdir()] == [first.path.name]  # no temp file left
    assert "export.written" in _codes(e)
    # printed QR payload is exactly the signed results in the bundle
    assert SignedRecord.from_bytes(res.signed_results) == v.bundle.results


def test_export_without_enough_trustees_says_so(
    election3: ElectionFixture, data_dir: Path, tmp_path: Path
) -> None:
    e = open_engine(election3, data_dir)
    pin = officer_pins(election3)[0]
    vote(e, pin, 1)
    e.close_polls(pin)
    add_trustees(e, election3, [1])
    report = e.export(tmp_path)
    assert not report.results_included and "WITHOUT results" in report.message
    assert verify_bundle(report.path.read_bytes(), election3.package(0).public_record, full=True)
    # late trustees can still produce results, then re-export with them
    add_trustees(e, election3, [3, 5])
    assert [v for _, _, v in e.compute_results().votes] == [1, 0, 0]
    assert e.export(tmp_path).results_included


def test_test_mode_results_are_marked_test(
    election3: ElectionFixture, data_dir: Path, tmp_path: Path
) -> None:
    e = engine_for(election3, data_dir)
    pin = officer_pins(election3)[0]
    e.officer_login(pin)
    e.set_mode("test", pin)
    assert e.readiness().ok
    e.open_polls(pin)
    vote(e, pin, 2)
    e.close_polls(pin)
    add_trustees(e, election3, [1, 2, 3])
    res = e.compute_results()
    assert res.mode == "test"
    assert StationResults.from_bytes(SignedRecord.from_bytes(res.signed_results).record).mode == "test"


def test_printer_fault_never_loses_or_duplicates_a_ballot(
    election3: ElectionFixture, data_dir: Path
) -> None:
    printer = MemoryContentPrinter()
    e = open_engine(election3, data_dir, printer=printer)
    pin = officer_pins(election3)[0]
    e.activate_ballot(pin)
    e.select(3)
    e.review()
    printer.fault = PrinterFault.PAPER_OUT
    receipt = e.cast()
    assert not receipt.printed and receipt.voter_record_status == "paper-out"
    assert e.status().ballots == 1
    printer.fault = None
    again = e.reprint_receipts()
    assert again.printed and again.tracking_code == receipt.tracking_code
    e.confirm_cast()
    assert e.status().ballots == 1 and e.status().activations == 1
    assert "receipt.printed" in _codes(e)


def test_zero_report_must_print_before_polls_open(election3: ElectionFixture, data_dir: Path) -> None:
    printer = MemoryContentPrinter(fault=PrinterFault.COVER_OPEN)
    e = engine_for(election3, data_dir, printer=printer)
    pin = officer_pins(election3)[0]
    e.officer_login(pin)
    assert not e.readiness().ok and e.status().polls == "setup"
    printer.fault = None
    assert e.readiness().ok
    printer.fault = PrinterFault.PAPER_OUT
    with pytest.raises(PrinterUnavailable):
        e.open_polls(pin)
    assert e.status().polls == "ready"
    printer.fault = None
    e.open_polls(pin)
    assert e.status().polls == "open"


def test_idle_timeout_voids_without_storing(election3: ElectionFixture, data_dir: Path) -> None:
    clock = FakeClock()
    e = open_engine(election3, data_dir, clock=clock)
    pin = officer_pins(election3)[0]
    e.activate_ballot(pin)
    e.select(1)
    clock.advance(timeouts.VOTER_IDLE_TIMEOUT_S + 1)
    with pytest.raises(SessionTimedOut):
        e.review()
    s = e.status()
    assert (s.activations, s.ballots, s.voided, s.session) == (1, 0, 1, "idle")
    e.activate_ballot(pin)
    clock.advance(timeouts.ACTIVATED_IDLE_TIMEOUT_S + 1)
    assert e.tick() is True
    assert "session.timed_out" in _codes(e)
    e.activate_ballot(pin)
    e.void_session()
    s = e.status()
    assert (s.activations, s.ballots, s.voided) == (3, 0, 3)


def test_trustee_refusals_are_logged(election3: ElectionFixture, data_dir: Path) -> None:
    e = open_engine(election3, data_dir)
    pin = officer_pins(election3)[0]
    vote(e, pin, 1)
    village = e.village.code
    card = election3.trustee_card_path(village, 1).read_bytes()
    with pytest.raises(TransitionRefused):
        e.add_trustee(card, election3.trustee_pin(village, 1))  # polls still open
    e.close_polls(pin)
    with pytest.raises(TrusteeError) as wrong:
        e.add_trustee(card, "00000000")
    assert wrong.value.message_id == "kiosk.trustee.wrong_pin" and wrong.value.indonesian
    with pytest.raises(TrusteeError):
        e.add_trustee(b"not a card", "1")
    e.add_trustee(card, election3.trustee_pin(village, 1))
    with pytest.raises(TrusteeError) as dup:
        e.add_trustee(card, election3.trustee_pin(village, 1))
    assert dup.value.message_id == "kiosk.trustee.duplicate"
    assert _codes(e).count("trustee.refused") == 3


def test_runs_on_the_hardware_package_fakes(election3: ElectionFixture, data_dir: Path) -> None:
    from hardware import fakes
    from kiosk.devices import HardwarePrinter, HardwareScanner

    hw_printer = fakes.MemoryPrinter()
    scanner = HardwareScanner(None)
    scanner.scanner = fakes.ManualScanner(scanner.deliver).start()
    e = engine_for(election3, data_dir, printer=HardwarePrinter(hw_printer),  # type: ignore[arg-type]
                   scanner=scanner)  # type: ignore[arg-type]
    pin = officer_pins(election3)[0]
    e.officer_login(pin)
    assert e.readiness().ok
    e.open_polls(pin)
    hw_printer.fail_next(PrinterFault.PAPER_OUT)
    e.activate_ballot(pin)
    e.select(2)
    e.review()
    receipt = e.cast()
    assert receipt.voter_record_status == "paper-out" and e.status().ballots == 1
    hw_printer.set_status(PrinterStatus())  # the officer loads paper
    assert e.reprint_receipts().printed
    e.confirm_cast()
    assert e.status().ballots == 1


class _CountingRandom:
    """The OS CSPRNG, counting the draws the engine makes through its `rng`."""

    def __init__(self) -> None:
        self.bytes_drawn = 0
        self.bounds: list[int] = []

    def token_bytes(self, nbytes: int) -> bytes:
        self.bytes_drawn += nbytes
        return secrets.token_bytes(nbytes)

    def randbelow(self, exclusive_upper_bound: int) -> int:
        self.bounds.append(exclusive_upper_bound)
        return secrets.randbelow(exclusive_upper_bound)


def test_slot_choice_and_encryption_draw_from_the_injected_rng(
    election3: ElectionFixture, data_dir: Path
) -> None:
    source = _CountingRandom()
    e = open_engine(election3, data_dir, rng=source)
    pin = officer_pins(election3)[0]
    free = len(e._free)
    vote(e, pin, 2)
    vote(e, pin, 3)
    assert source.bounds == [free, free - 1]  # one uniform slot choice per cast
    # 3 candidates: per ballot 3 ElGamal r + 3 x 3 proof scalars + 1 sum nonce, 64 bytes each
    assert source.bytes_drawn == 2 * 13 * 64
    e.close()
