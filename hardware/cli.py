"""`suaradesa hw`: printer and scanner simulators, and checks against real devices.

Commands stay thin: parse options, build a driver or simulator, call one method,
report. Device faults are reported with exit code 1 and one sentence
(`click.ClickException`); usage errors exit with 2.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from hardware.document import PaperWidth

if TYPE_CHECKING:
    from hardware.sim.printer_sim import PrinterSimulator

_PAPER = click.Choice([width.value for width in PaperWidth])


def _serve_until_interrupted(stop: threading.Event) -> None:
    try:
        while not stop.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass


@click.group("hw")
def group() -> None:
    """Receipt printer and QR scanner: drivers, simulators and device checks."""


@group.command("printer-sim")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for the rendered receipts (receipt-NNNN.png and .txt).",
)
@click.option("--paper", type=_PAPER, default="58", show_default=True, help="Paper width in mm.")
@click.option(
    "--link",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Stable device path to create (a symlink to the pty). Default: OUT/printer.tty.",
)
@click.option(
    "--paper-out-after", type=click.IntRange(min=0), help="Run out of paper after N job bytes."
)
@click.option("--unplug-after", type=click.IntRange(min=0), help="Disconnect after N job bytes.")
@click.option("--cover-open", is_flag=True, help="Start with the cover open.")
@click.option("--near-end", is_flag=True, help="Report paper near end.")
@click.option(
    "--max-receipts",
    type=click.IntRange(min=1),
    help="Exit after this many completed receipts (default: run until interrupted).",
)
@click.option(
    "--control",
    is_flag=True,
    help="Read fault commands from stdin, one a line: paper-out, paper-in, cover-open, "
    "cover-close, near-end, unplug, replug, quit.",
)
def printer_sim(
    out_dir: Path,
    paper: str,
    link: Path | None,
    paper_out_after: int | None,
    unplug_after: int | None,
    cover_open: bool,
    near_end: bool,
    max_receipts: int | None,
    control: bool,
) -> None:
    """Simulate a thermal printer on a pseudo-terminal and render what it prints.

    Prints the device path on the first line of output; open it with the printer
    driver (or `suaradesa hw print-sample PATH`). Runs until interrupted.
    """
    from hardware.errors import SimulatorError
    from hardware.sim.printer_sim import PrinterSimulator, SimulatedReceipt

    stop = threading.Event()
    completed = 0

    def saved(receipt: SimulatedReceipt) -> None:
        nonlocal completed
        state = "torn" if not receipt.complete else ("reprint" if receipt.reprint else "printed")
        click.echo(f"{state}: {receipt.png_path}")
        if receipt.complete:
            completed += 1
            if max_receipts is not None and completed >= max_receipts:
                stop.set()

    simulator = PrinterSimulator(
        out_dir,
        width=PaperWidth(paper),
        link_path=link or out_dir / "printer.tty",
        on_receipt=saved,
    )
    try:
        simulator.start()
    except SimulatorError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        click.echo(simulator.path)
        if cover_open:
            simulator.open_cover()
        if near_end:
            simulator.set_paper_near_end(True)
        if paper_out_after is not None:
            simulator.paper_out_after(paper_out_after)
        if unplug_after is not None:
            simulator.unplug_after(unplug_after)
        if control:
            threading.Thread(target=_control_loop, args=(simulator, stop), daemon=True).start()
        _serve_until_interrupted(stop)
    finally:
        simulator.stop()


def _control_loop(simulator: PrinterSimulator, stop: threading.Event) -> None:
    actions: dict[str, Callable[[], None]] = {
        "paper-out": lambda: simulator.set_paper_out(True),
        "paper-in": simulator.load_paper,
        "cover-open": simulator.open_cover,
        "cover-close": simulator.close_cover,
        "near-end": lambda: simulator.set_paper_near_end(True),
        "unplug": simulator.unplug,
        "replug": simulator.replug,
        "quit": stop.set,
    }
    for line in sys.stdin:
        command = line.strip()
        if not command:
            continue
        action = actions.get(command)
        if action is None:
            click.echo(f"unknown command {command!r}; use one of {', '.join(actions)}", err=True)
            continue
        action()
        click.echo(f"ok: {command}")


@group.command("scanner-sim")
@click.argument("actions", nargs=-1)
@click.option(
    "--link",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Stable device path to create (a symlink to the pty). Default: a temporary path.",
)
@click.option(
    "--start-delay",
    type=float,
    default=1.0,
    show_default=True,
    help="Seconds to wait before the first action (let the reader connect).",
)
@click.option(
    "--interval", type=float, default=0.5, show_default=True, help="Seconds between actions."
)
@click.option(
    "--terminator",
    type=click.Choice(["crlf", "cr", "lf"]),
    default="crlf",
    show_default=True,
    help="Bytes sent after each payload.",
)
@click.option(
    "--stdin", "from_stdin", is_flag=True, help="Also read actions from stdin, one a line."
)
@click.option(
    "--hold", is_flag=True, help="Keep the device open after the last action until interrupted."
)
def scanner_sim(
    actions: tuple[str, ...],
    link: Path | None,
    start_delay: float,
    interval: float,
    terminator: str,
    from_stdin: bool,
    hold: bool,
) -> None:
    """Simulate a serial QR scanner on a pseudo-terminal.

    Prints the device path on the first line, then runs ACTIONS in order:
    text:PAYLOAD, png:FILE (scan the QR codes in an image), garbage[:N], unplug,
    replug, wait:SECONDS. Example:

        suaradesa hw scanner-sim "text:SDQR1 1/1 ..." garbage:40 unplug wait:1 replug
    """
    from hardware.errors import HardwareError
    from hardware.sim.scanner_sim import ScannerSimulator, parse_action

    for action in actions:
        try:
            parse_action(action)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="ACTIONS") from exc
    ends = {"crlf": b"\r\n", "cr": b"\r", "lf": b"\n"}[terminator]
    simulator = ScannerSimulator(link_path=link, terminator=ends)
    try:
        simulator.start()
    except HardwareError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        click.echo(simulator.path)
        time.sleep(start_delay)
        try:
            simulator.run_script(list(actions), interval, echo=click.echo)
            if from_stdin:
                for line in sys.stdin:
                    if line.strip():
                        try:
                            simulator.run_script([line.rstrip("\r\n")], 0, echo=click.echo)
                        except ValueError as exc:
                            click.echo(str(exc), err=True)
        except HardwareError as exc:
            raise click.ClickException(str(exc)) from exc
        if hold:
            _serve_until_interrupted(threading.Event())
        else:
            time.sleep(interval)  # let the reader drain the last payload
    finally:
        simulator.stop()


@group.command("printer-status")
@click.argument("url")
@click.option("--baud", type=int, default=19200, show_default=True, help="Serial speed.")
def printer_status(url: str, baud: int) -> None:
    """Query a printer's status once (URL: device path or pyserial URL).

    Exits 1 if the printer reports a fault.
    """
    from hardware.printer import SerialPrinter

    with SerialPrinter(url, baudrate=baud) as printer:
        status = printer.status()
    if not status.ok:
        raise click.ClickException(f"Printer at {url} reports a fault: {status.code}.")
    click.echo(status.code)


@group.command("print-sample")
@click.argument("url")
@click.option(
    "--receipt",
    type=click.Choice(["zero", "voter", "slip", "results", "trustee"]),
    default="results",
    show_default=True,
    help="Which sample receipt to print.",
)
@click.option("--paper", type=_PAPER, default="58", show_default=True, help="Paper width in mm.")
@click.option(
    "--raster-qr",
    is_flag=True,
    help="Send QR codes as raster images (for printers without GS ( k).",
)
@click.option("--baud", type=int, default=19200, show_default=True, help="Serial speed.")
def print_sample(url: str, receipt: str, paper: str, raster_qr: bool, baud: int) -> None:
    """Print a sample receipt (invented data) to check a printer or the simulator."""
    from hardware.escpos import QrMode
    from hardware.printer import PrintFailed, PrintJob, SerialPrinter
    from hardware.samples import SAMPLES

    job = PrintJob.of(SAMPLES[receipt], PaperWidth(paper))
    mode = QrMode.RASTER if raster_qr else QrMode.NATIVE
    with SerialPrinter(url, baudrate=baud, qr_mode=mode) as printer:
        outcome = printer.print_job(job)
    if isinstance(outcome, PrintFailed):
        raise click.ClickException(
            f"Printing failed ({outcome.status.code}) after {outcome.bytes_sent} of "
            f"{outcome.total_bytes} bytes."
        )
    click.echo(f"printed {receipt} ({outcome.bytes_sent} bytes)")


@group.command("scan")
@click.argument("url")
@click.option(
    "--count",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Payloads to read before exiting.",
)
@click.option(
    "--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait in total."
)
@click.option("--baud", type=int, default=9600, show_default=True, help="Serial speed.")
def scan(url: str, count: int, timeout: float, baud: int) -> None:
    """Read payloads from a QR scanner and print them, one a line."""
    from hardware.scanner import SerialScanner

    received: list[str] = []
    done = threading.Event()

    def got(text: str) -> None:
        received.append(text)
        click.echo(text)
        if len(received) >= count:
            done.set()

    with SerialScanner(url, got, baudrate=baud):
        done.wait(timeout)
    if len(received) < count:
        raise click.ClickException(
            f"Read {len(received)} of {count} payload(s) from {url} within {timeout:g} s."
        )
