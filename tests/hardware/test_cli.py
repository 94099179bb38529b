"""`suaradesa hw`: help texts, exit codes, and the simulators as real processes."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from hardware.cli import group
from hardware.document import PaperWidth
from hardware.printer import PrintCompleted, PrintJob, SerialPrinter
from hardware.samples import take_home_slip
from hardware.scanner import ScannerState, SerialScanner
from hardware.sim.printer_sim import PrinterSimulator
from hardware.sim.scanner_sim import ScannerSimulator
from hardware.status import PrinterFault

from .conftest import Collector


def test_group_is_named_hw_and_lists_the_simulators() -> None:
    assert isinstance(group, click.Group) and group.name == "hw"
    assert {"printer-sim", "scanner-sim", "printer-status", "print-sample", "scan"} <= set(
        group.commands
    )


@pytest.mark.parametrize("name", sorted(group.commands))
def test_every_command_and_option_has_help(name: str) -> None:
    command = group.commands[name]
    assert command.help and command.help.strip()
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{name} {param.opts} has no help"
    result = CliRunner().invoke(group, [name, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_root_command_loads_the_group() -> None:
    from suaradesa.cli import cli

    result = CliRunner().invoke(cli, ["hw", "--help"])
    assert result.exit_code == 0 and "printer-sim" in result.output


def test_printer_status_of_a_missing_device_is_a_one_line_failure(tmp_path: Path) -> None:
    result = CliRunner().invoke(group, ["printer-status", str(tmp_path / "nothing")])
    assert result.exit_code == 1
    assert "reports a fault: disconnected." in result.output


def test_printer_status_and_print_sample_against_the_simulator(tmp_path: Path) -> None:
    runner = CliRunner()
    with PrinterSimulator(tmp_path) as sim:
        assert runner.invoke(group, ["printer-status", sim.path]).output.strip() == "ready"
        result = runner.invoke(group, ["print-sample", sim.path, "--receipt", "slip"])
        assert result.exit_code == 0, result.output
        result = runner.invoke(
            group,
            ["print-sample", sim.path, "--receipt", "trustee", "--paper", "80", "--raster-qr"],
        )
        assert result.exit_code == 0, result.output
        receipts = sim.wait_for_receipts(2)
        sim.open_cover()
        result = runner.invoke(group, ["print-sample", sim.path])
        assert result.exit_code == 1
        assert "Printing failed (cover-open) after 0 of" in result.output
    assert "KODE PELACAKAN" in receipts[0].text


def test_scanner_sim_rejects_bad_actions() -> None:
    result = CliRunner().invoke(group, ["scanner-sim", "shout:hello"])
    assert result.exit_code == 2 and "unknown action" in result.output


def test_scan_prints_payloads() -> None:
    with ScannerSimulator() as sim:
        done = threading.Event()

        def keep_scanning() -> None:  # until the reader has connected and read one
            while not done.wait(0.05):
                sim.emit("K7QP-3MXA-92TD")

        threading.Thread(target=keep_scanning, daemon=True).start()
        result = CliRunner().invoke(group, ["scan", sim.path, "--timeout", "10"])
        done.set()
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "K7QP-3MXA-92TD"


def test_scan_times_out_with_a_clear_message(tmp_path: Path) -> None:
    result = CliRunner().invoke(group, ["scan", str(tmp_path / "none"), "--timeout", "0.2"])
    assert result.exit_code == 1 and "Read 0 of 1 payload(s)" in result.output


class _Process:
    """A CLI subprocess whose stdout lines are read on a thread, with deadlines."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "suaradesa", "hw", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def line(self, timeout: float = 10.0) -> str:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("no output from the CLI in time") from None

    def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()


@pytest.fixture
def run_cli() -> Iterator[type[_Process]]:
    started: list[_Process] = []

    class Tracked(_Process):
        def __init__(self, *args: str) -> None:
            super().__init__(*args)
            started.append(self)

    yield Tracked
    for process in started:
        if process.proc.poll() is None:
            process.proc.kill()
        process.proc.wait(timeout=10)


def test_printer_sim_process_renders_and_obeys_fault_commands(
    tmp_path: Path, run_cli: type[_Process]
) -> None:
    out = tmp_path / "out"
    sim = run_cli("printer-sim", "--out", str(out), "--max-receipts", "1", "--control")
    path = sim.line()
    assert path == str(out / "printer.tty")
    with SerialPrinter(path) as printer:
        deadline = time.monotonic() + 10
        while not printer.status().ok:  # the process may still be starting its thread
            assert time.monotonic() < deadline
            time.sleep(0.05)
        sim.send("cover-open")
        assert sim.line() == "ok: cover-open"
        assert printer.status().fault is PrinterFault.COVER_OPEN
        sim.send("cover-close")
        assert sim.line() == "ok: cover-close"
        outcome = printer.print_job(PrintJob.of(take_home_slip(), PaperWidth.MM58))
        assert isinstance(outcome, PrintCompleted)
    assert sim.line() == f"printed: {out / 'receipt-0001.png'}"
    assert sim.proc.wait(timeout=10) == 0
    assert (out / "receipt-0001.png").exists()
    assert "KODE PELACAKAN" in (out / "receipt-0001.txt").read_text()


def test_scanner_sim_process_emits_script_and_stdin_actions(
    tmp_path: Path, run_cli: type[_Process]
) -> None:
    link = tmp_path / "scanner.tty"
    sim = run_cli("scanner-sim", "--link", str(link), "--start-delay", "0", "--stdin")
    assert sim.line() == str(link)
    payloads = Collector()
    with SerialScanner(str(link), payloads) as reader:
        assert reader.wait_for(ScannerState.CONNECTED, 10)
        sim.send("text:hello")
        sim.send("garbage:12")
        sim.send("text:world")
        assert payloads.wait(2, timeout=10) == ["hello", "world"]
        assert sim.proc.stdin is not None
        sim.proc.stdin.close()
        assert sim.proc.wait(timeout=10) == 0
    assert len(reader.rejections) == 1
