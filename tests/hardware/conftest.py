"""Fixtures for hardware tests: simulators on real ptys and drivers opened on them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.printer import SerialPrinter
from hardware.scanner import ScannerState, SerialScanner
from hardware.sim.printer_sim import PrinterSimulator
from hardware.sim.scanner_sim import ScannerSimulator


@pytest.fixture
def printer_sim(tmp_path: Path) -> Iterator[PrinterSimulator]:
    with PrinterSimulator(tmp_path / "receipts") as sim:
        yield sim


@pytest.fixture
def printer(printer_sim: PrinterSimulator) -> Iterator[SerialPrinter]:
    with SerialPrinter(printer_sim.path) as driver:
        yield driver


class Collector:
    """Collects scanner payloads; `wait(n)` polls with a deadline."""

    def __init__(self) -> None:
        import threading

        self.items: list[str] = []
        self._changed = threading.Condition()

    def __call__(self, text: str) -> None:
        with self._changed:
            self.items.append(text)
            self._changed.notify_all()

    def wait(self, count: int, timeout: float = 5.0) -> list[str]:
        import time

        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.items) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} payloads, got {self.items!r}")
                self._changed.wait(remaining)
            return list(self.items)


@pytest.fixture
def scanner_sim() -> Iterator[ScannerSimulator]:
    with ScannerSimulator() as sim:
        yield sim


@pytest.fixture
def payloads() -> Collector:
    return Collector()


@pytest.fixture
def scanner(scanner_sim: ScannerSimulator, payloads: Collector) -> Iterator[SerialScanner]:
    with SerialScanner(scanner_sim.path, payloads) as reader:
        assert reader.wait_for(ScannerState.CONNECTED, 5.0), reader.status
        yield reader
