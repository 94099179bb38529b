"""`suaradesa kiosk run`: the touchscreen command (Kivy is imported only when it runs).

Builds every service (engine, printer, scanner, speaker) from the options, hands them to
`SuaraDesaApp` at build time, and runs it fullscreen (or windowed for development).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click


def _size(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        w, h = (int(part) for part in value.lower().split("x"))
    except ValueError as exc:
        raise click.BadParameter("use WIDTHxHEIGHT, e.g. 1024x600") from exc
    if not (320 <= w <= 8000 and 320 <= h <= 8000):
        raise click.BadParameter("the size must be between 320 and 8000 pixels each way")
    return w, h


def build_devices(printer: str | None, scanner: str | None, simulate: bool) -> tuple[Any, Any]:
    """The printer and scanner for the engine (the engine's own adapters in kiosk.devices
    around the hardware package's serial drivers or in-memory fakes), or none."""
    from kiosk.devices import HardwarePrinter, HardwareScanner

    dev_printer: Any = None
    dev_scanner: Any = None
    if simulate:  # receipts saved as PNG and text in a folder it names on the console
        from kiosk.cli import simulated_hardware

        dev_printer, dev_scanner = simulated_hardware()
    if printer:
        from hardware.printer import SerialPrinter

        dev_printer = HardwarePrinter(SerialPrinter(printer))
    if scanner:
        from hardware.scanner import SerialScanner

        dev_scanner = HardwareScanner.started(lambda deliver: SerialScanner(scanner, deliver))
    return dev_printer, dev_scanner


@click.command("run")
@click.option("--package", "package", type=click.Path(exists=True, file_okay=False, path_type=Path),
              required=True, help="The station package folder (<village>_<station>.sdpkg).")
@click.option("--data", "data", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder of the encrypted ballot box (created if missing).")
@click.option("--printer", default=None, help="Receipt printer serial URL, e.g. /dev/ttyUSB0.")
@click.option("--scanner", default=None, help="QR scanner serial URL, e.g. /dev/ttyACM0.")
@click.option("--simulate-hardware", is_flag=True,
              help="Use in-memory simulated printer and scanner (training, development).")
@click.option("--usb", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the USB stick for exports and trustee-card files.")
@click.option("--server", "server_url", default=None,
              help="District intake server for 'send now' on the outbox screen, "
                   "e.g. http://10.1.2.3:8080 (without it: USB only).")
@click.option("--windowed", is_flag=True, help="Run in a window instead of fullscreen.")
@click.option("--size", default=None, help="Window size WIDTHxHEIGHT (e.g. 1024x600, 800x1280).")
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True,
              help="Language of the screens (voters can switch).")
def run(package: Path, data: Path, printer: str | None, scanner: str | None,
        simulate_hardware: bool, usb: Path | None, server_url: str | None, windowed: bool,
        size: str | None, lang: str) -> None:
    """Run the polling-station touchscreen for voters and officers."""
    dims = _size(size)
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    from kiosk.ui.display import configure_window

    configure_window(Config, windowed, dims)

    from kiosk.engine import KioskEngine
    from kiosk.errors import KioskError
    from kiosk.ui.app import SuaraDesaApp
    from kiosk.ui.audio import Speaker
    from kiosk.ui.bridge import KioskBridge
    from kiosk.ui.services import Services

    dev_printer, dev_scanner = build_devices(printer, scanner, simulate_hardware)
    try:
        engine = KioskEngine(package, data, printer=dev_printer, scanner=dev_scanner)
    except KioskError as exc:
        # Kivy has replaced sys.stderr with its log stream by now, which click cannot
        # write to: the message goes to the terminal's own stderr, the exit is click's.
        from kiosk.cli import console

        console(f"Error: {exc.indonesian if lang == 'id' else exc.english}")
        raise SystemExit(1) from exc
    services = Services(bridge=KioskBridge(engine), speaker=Speaker(),
                        clock=engine.clock.monotonic, usb_dir=usb, server_url=server_url)
    try:
        SuaraDesaApp(services, lang=lang).run()
    finally:
        engine.close()
