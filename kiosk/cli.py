"""`suaradesa kiosk ...`: the kiosk's commands (headless ones here; no Kivy import).

The touchscreen's `run` command is added to `group` by the GUI package in its own module,
so importing this one never imports Kivy.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click


@click.group(name="kiosk")
def group() -> None:
    """Run a polling-station kiosk (touchscreen or headless)."""


def _progress(message: str) -> None:
    click.echo(message, err=True)


@group.command()
@click.option("--package", "package", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path), help="Station package folder (.sdpkg).")
@click.option("--data", required=True, type=click.Path(file_okay=False, path_type=Path), help="Kiosk data folder (created; must not hold a database yet).")
@click.option("--deck", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path), help="CSV, one row per voter: N (candidate), N,challenge (check a ballot for N, spoiled, then cast N), D,N or D,N,challenge (check in DPT number D first; a station with a voter list).")
@click.option("--trustee-cards", "cards", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path), help="Folder with trustee-<n>.sdcard files (or <village>/ sub-folders).")
@click.option("--export", "export_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder (the USB stick) to write the .sdbundle to.")
@click.option("--pins", "pins", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="PIN file (default: the election's secret/pins.json).")
@click.option("--authority", help="Authority key id (default: the election's authority.txt).")
@click.option("--mode", type=click.Choice(["official", "test"]), default="official", show_default=True, help="Polls mode.")
@click.option("--trustees", type=int, help="How many trustees present their cards (default: k).")
@click.option("--printer-out", "printer_out", type=click.Path(file_okay=False, path_type=Path), help="Print through the real ESC/POS driver to a simulated printer that saves every receipt as PNG and text in this folder.")
@click.option("--paper-records", "paper_records", type=click.IntRange(0), help="Paper records counted in the audit box, entered at the close (station with a voter list; default: the number printed).")
def simulate(package: Path, data: Path, deck: Path, cards: Path, export_dir: Path,
             pins: Path | None, authority: str | None, mode: str, trustees: int | None,
             printer_out: Path | None, paper_records: int | None) -> None:
    """Run a whole polling day headless; print the results as JSON on the last line."""
    from kiosk.simulate import SimulationError
    from kiosk.simulate import simulate as run

    try:
        summary = run(package, data, deck, cards, export_dir, pins, authority, mode, trustees,
                      _progress, printer_out=printer_out, paper_records=paper_records)
    except SimulationError as exc:
        raise click.ClickException(str(exc)) from exc
    sys.stdout.write(json.dumps(summary, sort_keys=True) + "\n")


@group.command()
@click.option("--export", "export_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path), help="The export folder (USB stick) holding the .sdbundle.")
@click.option("--to", "url", required=True, help="The district server, e.g. http://10.1.2.3:8080.")
@click.option("--outbox", "outbox_dir", type=click.Path(file_okay=False, path_type=Path), help="Outbox folder (default: .suaradesa-outbox in the export folder).")
@click.option("--max-attempts", type=click.IntRange(1, 1000), default=20, show_default=True, help="Rounds of attempts before giving up (resume later by running again).")
@click.option("--max-seconds", type=click.FloatRange(1, 86400), default=3600.0, show_default=True, help="Give up after this long.")
def send(export_dir: Path, url: str, outbox_dir: Path | None, max_attempts: int,
         max_seconds: float) -> None:
    """Send the exported public bundle to the district server; retry until it confirms.

    Exits 0 when every bundle is confirmed (sent), 1 when one was refused or some are
    still waiting (terkirim / belum terkirim is printed for each).
    """
    from kiosk.outbox import FOLDER, Outbox, OutboxError

    try:
        box = Outbox(outbox_dir or export_dir / FOLDER)
        _, skipped = box.add_export(export_dir)
        for reason in skipped:
            click.echo(f"dilewati / skipped: {reason}", err=True)
        box.send(url, max_attempts=max_attempts, max_seconds=max_seconds)
    except OutboxError as exc:
        raise click.ClickException(str(exc)) from exc
    labels = {"sent": "terkirim / sent", "pending": "belum terkirim / not yet sent",
              "refused": "ditolak / refused"}
    for e in sorted(box.entries.values(), key=lambda e: e.name):
        detail = e.answer or e.last_error
        click.echo(f"{labels[e.state]:<30} {e.name}" + (f": {detail}" if detail else ""))
    if any(e.state != "sent" for e in box.entries.values()):
        raise click.ClickException("not every bundle was confirmed by the server")


@group.command()
@click.option("--package", "package", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path), help="Station package folder (.sdpkg).")
@click.option("--data", required=True, type=click.Path(file_okay=False, path_type=Path), help="Kiosk data folder (its device/ sub-folder keeps the device secret).")
@click.option("--code", help="Installation code from the sealed officer sheet (default: asked, not echoed).")
@click.option("--authority", help="Authority key id (default: authority.txt next to the packages folder).")
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True, help="Language of the messages.")
def install(package: Path, data: Path, code: str | None, authority: str | None, lang: str) -> None:
    """Install a station package on this kiosk, once, with its installation code."""
    from kiosk.engine import KioskEngine
    from kiosk.errors import KioskError

    root = package.resolve().parent.parent
    if authority is None and (root / "authority.txt").is_file():
        authority = (root / "authority.txt").read_text(encoding="utf-8").split()[0]
    if code is None:
        code = str(click.prompt("Kode instalasi / installation code", hide_input=True, err=True))
    try:
        engine = KioskEngine(package, data, printer=None, scanner=None,
                             expected_authority=authority)
        try:
            engine.install(code)
        finally:
            engine.close()
    except KioskError as exc:
        raise click.ClickException(exc.indonesian if lang == "id" else exc.english) from exc
    click.echo("Paket terpasang. / Package installed." if lang == "id" else "Package installed.")


#: Folder `kiosk run --simulate-hardware` saves its rendered receipts in (the demo sets it;
#: without it a new folder under the system's temporary directory is made).
RECEIPTS_ENV = "SUARADESA_SIM_RECEIPTS"


def console(message: str) -> None:
    """One line on the terminal's own stderr: once Kivy is imported, `sys.stderr` is Kivy's
    log stream (click.echo(err=True) fails on it and the line would only reach the log)."""
    stream = sys.__stderr__
    if stream is None:  # no terminal (pythonw, a daemon): stdout
        click.echo(message)
        return
    print(message, file=stream, flush=True)


def simulated_hardware(say: Callable[[str], None] = console) -> tuple[Any, Any]:
    """The engine's printer and scanner for `kiosk run --simulate-hardware`: a printer that
    saves every receipt it prints (PNG and text, rendered by the printer simulator) in the
    folder named by `$SUARADESA_SIM_RECEIPTS` or a new temporary one, and says where (so
    the officer in training can look at the paper), and a scanner fed by hand."""
    import tempfile

    from hardware.fakes import ManualScanner
    from hardware.sim.saving import SavingPrinter
    from kiosk.devices import HardwarePrinter, HardwareScanner

    chosen = os.environ.get(RECEIPTS_ENV)
    folder = Path(chosen) if chosen else Path(tempfile.mkdtemp(prefix="suaradesa-struk-"))
    printer = SavingPrinter(folder)
    say(f"Struk simulasi disimpan di / simulated receipts are saved in: {folder.resolve()}")
    return HardwarePrinter(printer), HardwareScanner.started(ManualScanner)


def _add_touchscreen() -> None:
    """Attach `kiosk run` (defined with the GUI; it imports Kivy only when it runs)."""
    from kiosk.ui.command import run

    group.add_command(run)


_add_touchscreen()
