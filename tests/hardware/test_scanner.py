"""The scanner reader thread against the scanner simulator, through a real pty."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from hardware import samples
from hardware.document import PaperWidth
from hardware.errors import ScanImageError, SimulatorError
from hardware.printer import PrintJob, SerialPrinter
from hardware.qrparts import join_qr_parts
from hardware.scanframe import FramingConfig, RejectReason
from hardware.scanner import ScannerState, ScannerStatus, SerialScanner
from hardware.sim.printer_sim import PrinterSimulator
from hardware.sim.scanner_sim import ScannerSimulator, parse_action

from .conftest import Collector


def _poll(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def test_payloads_reach_the_callback(
    scanner_sim: ScannerSimulator, scanner: SerialScanner, payloads: Collector
) -> None:
    scanner_sim.emit("SDQR1 1/1 2cf24dba aGVsbG8=")
    scanner_sim.emit("K7QP-3MXA-92TD")
    assert payloads.wait(2) == ["SDQR1 1/1 2cf24dba aGVsbG8=", "K7QP-3MXA-92TD"]


def test_garbage_is_ignored_with_a_warning(
    scanner_sim: ScannerSimulator,
    scanner: SerialScanner,
    payloads: Collector,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="hardware.scanner")
    scanner_sim.emit_garbage(40)
    scanner_sim.emit("after garbage")
    assert payloads.wait(1) == ["after garbage"]
    assert [r.reason for r in scanner.rejections] == [RejectReason.GARBAGE]
    assert any("garbage" in record.getMessage() for record in caplog.records)


def test_oversize_payloads_are_dropped(
    scanner_sim: ScannerSimulator, scanner: SerialScanner, payloads: Collector
) -> None:
    scanner_sim.emit("x" * 10_000)
    scanner_sim.emit("next")
    assert payloads.wait(1) == ["next"]
    assert [(r.reason, r.length) for r in scanner.rejections] == [(RejectReason.OVERSIZE, 10_000)]


def test_unterminated_noise_times_out(
    scanner_sim: ScannerSimulator, scanner: SerialScanner, payloads: Collector
) -> None:
    scanner_sim.emit_garbage(5, terminated=False)
    _poll(lambda: [r.reason for r in scanner.rejections] == [RejectReason.TIMEOUT])
    scanner_sim.emit("clean")
    assert payloads.wait(1) == ["clean"]


def test_noise_joined_to_a_payload_spoils_only_that_frame(
    scanner_sim: ScannerSimulator, scanner: SerialScanner, payloads: Collector
) -> None:
    scanner_sim.emit_bytes(b"\xff\xfe" + b"spoilt\r\n" + b"clean\r\n")
    assert payloads.wait(1) == ["clean"]
    assert [r.reason for r in scanner.rejections] == [RejectReason.GARBAGE]


def test_survives_unplug_and_replug(
    scanner_sim: ScannerSimulator, scanner: SerialScanner, payloads: Collector
) -> None:
    scanner_sim.emit("before")
    payloads.wait(1)
    scanner_sim.unplug()
    assert scanner.wait_for(ScannerState.DISCONNECTED, 5)
    scanner_sim.replug()
    assert scanner.wait_for(ScannerState.CONNECTED, 5)
    scanner_sim.emit("after")
    assert payloads.wait(2) == ["before", "after"]
    # Several cycles in a row, as with a loose cable.
    for round_ in range(3):
        scanner_sim.unplug()
        assert scanner.wait_for(ScannerState.DISCONNECTED, 5)
        scanner_sim.replug()
        assert scanner.wait_for(ScannerState.CONNECTED, 5)
        scanner_sim.emit(f"round {round_}")
    assert payloads.wait(5)[2:] == ["round 0", "round 1", "round 2"]


def test_starts_before_the_device_exists(tmp_path: Path, payloads: Collector) -> None:
    link = tmp_path / "scanner.tty"
    changes: list[ScannerStatus] = []
    with SerialScanner(str(link), payloads, on_status=changes.append) as reader:
        assert reader.wait_for(ScannerState.DISCONNECTED, 5)
        with ScannerSimulator(link_path=link) as sim:
            assert reader.wait_for(ScannerState.CONNECTED, 5)
            sim.emit("late device")
            assert payloads.wait(1) == ["late device"]
        assert reader.wait_for(ScannerState.DISCONNECTED, 5)
    assert [c.state for c in changes] == [
        ScannerState.DISCONNECTED,
        ScannerState.CONNECTED,
        ScannerState.DISCONNECTED,
        ScannerState.STOPPED,
    ]


def test_a_failing_callback_stops_the_reader_with_failed_status(
    scanner_sim: ScannerSimulator,
) -> None:
    def broken(text: str) -> None:
        raise RuntimeError("bug in the caller")

    with SerialScanner(scanner_sim.path, broken) as reader:
        assert reader.wait_for(ScannerState.CONNECTED, 5)
        scanner_sim.emit("anything")
        assert reader.wait_for(ScannerState.FAILED, 5)
        assert "bug in the caller" in reader.status.detail


def test_slow_scanner_bytes_within_the_gap_are_one_payload(payloads: Collector) -> None:
    with (
        ScannerSimulator(byte_delay=0.005) as sim,
        SerialScanner(sim.path, payloads, framing=FramingConfig(inter_byte_timeout=0.25)) as reader,
    ):
        assert reader.wait_for(ScannerState.CONNECTED, 5)
        sim.emit("slow-but-steady")
        assert payloads.wait(1) == ["slow-but-steady"]


def test_scanning_a_printed_results_report(tmp_path: Path, payloads: Collector) -> None:
    """Printer sim renders a report; the scanner sim 'scans' the PNG; parts join back."""
    report = samples.results_report()
    with PrinterSimulator(tmp_path) as printer_sim, SerialPrinter(printer_sim.path) as printer:
        printer.print_job(PrintJob.of(report, PaperWidth.MM58))
        (receipt,) = printer_sim.wait_for_receipts(1)
    with ScannerSimulator() as sim, SerialScanner(sim.path, payloads) as reader:
        assert reader.wait_for(ScannerState.CONNECTED, 5)
        texts = sim.emit_image(receipt.png_path)
        assert len(texts) == 3
        assert join_qr_parts(payloads.wait(3)) == report.signed_results


def test_an_image_without_qr_codes_is_an_error(
    tmp_path: Path, scanner_sim: ScannerSimulator
) -> None:
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("L", (100, 100), 255).save(blank)
    with pytest.raises(ScanImageError, match="no QR code"):
        scanner_sim.emit_image(blank)
    with pytest.raises(ScanImageError, match="cannot read"):
        scanner_sim.emit_image(tmp_path / "missing.png")


def test_stop_returns_promptly(scanner_sim: ScannerSimulator, payloads: Collector) -> None:
    reader = SerialScanner(scanner_sim.path, payloads).start()
    assert reader.wait_for(ScannerState.CONNECTED, 5)
    done = threading.Event()
    threading.Thread(target=lambda: (reader.stop(), done.set())).start()
    assert done.wait(2)
    assert reader.status.state is ScannerState.STOPPED


@pytest.mark.parametrize(
    ("action", "parsed"),
    [("text:a:b", ("text", "a:b")), ("garbage", ("garbage", "")), ("wait:0.5", ("wait", "0.5"))],
)
def test_script_actions_parse(action: str, parsed: tuple[str, str]) -> None:
    assert parse_action(action) == parsed


@pytest.mark.parametrize("action", ["shout:x", "text:", "garbage:x", "wait:soon", "png"])
def test_bad_script_actions_are_explained(action: str) -> None:
    with pytest.raises(ValueError):
        parse_action(action)


def test_emitting_on_a_stopped_simulator_is_an_error() -> None:
    sim = ScannerSimulator()
    with pytest.raises(SimulatorError, match="not running"):
        sim.emit("lost")


def test_a_crashing_reader_reports_failed_not_connected(scanner_sim: ScannerSimulator) -> None:
    from hardware.transport import open_serial

    class Exploding:
        def __init__(self, url: str, baudrate: int, write_timeout: float) -> None:
            self.inner = open_serial(url, baudrate, write_timeout)

        def read_available(self, timeout: float) -> bytes:
            raise RuntimeError("driver bug")

        def close(self) -> None:
            self.inner.close()

    with SerialScanner(scanner_sim.path, lambda _text: None, opener=Exploding) as reader:  # type: ignore[arg-type]
        assert reader.wait_for(ScannerState.FAILED, 5)
        assert "driver bug" in reader.status.detail
