"""A whole polling day without a screen: what `suaradesa kiosk simulate` runs.

Install the package on the kiosk (installation code from the PIN file) if needed, open
(readiness, zero report), one activation + selection + review + cast + confirmation
per deck row (a row `N,challenge` first commits a ballot for N and checks it - a Benaloh
challenge, the ballot is spoiled - then selects N again, commits and casts), close, k trustees, results, export; on simulated hardware (in-memory
printer and scanner, `kiosk.devices`, or with `printer_out` the real ESC/POS driver on a
pty printer simulator that renders every receipt to PNG and text). Used by the demo and the end-to-end tests.
"""

from __future__ import annotations

import contextlib
import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.devices import ContentPrinter, HardwarePrinter, MemoryContentPrinter, MemoryScanner
from kiosk.engine import KioskEngine
from kiosk.errors import KioskError


class SimulationError(Exception):
    """Bad simulation input (deck, PIN file, cards); the message is one sentence."""


@dataclass(frozen=True)
class Pins:
    officers: list[str]
    trustees: dict[int, str]
    install_code: str | None = None  # None: the PIN file has none (kiosk already installed)


@dataclass(frozen=True)
class DeckRow:
    """One voter of a simulated day: the candidate cast, after a challenge if `challenge`."""

    number: int
    challenge: bool = False


def read_deck(path: Path) -> list[DeckRow]:
    """One row per voter: the candidate number in the first column (a non-numeric header
    is skipped), optionally `challenge` in the second (check a ballot for N, then cast N)."""
    numbers: list[DeckRow] = []
    with open(path, newline="", encoding="utf-8") as fh:
        for line_no, row in enumerate(csv.reader(fh), start=1):
            if not row or not row[0].strip():
                continue
            cell = row[0].strip()
            if not cell.isdigit():
                if line_no == 1:
                    continue
                raise SimulationError(f"{path}, line {line_no}: {cell!r} is not a candidate number")
            extra = [c.strip() for c in row[1:] if c.strip()]
            if extra not in ([], ["challenge"]):
                raise SimulationError(
                    f"{path}, line {line_no}: after the candidate number only 'challenge' "
                    f"may follow, not {','.join(extra)!r}"
                )
            numbers.append(DeckRow(int(cell), bool(extra)))
    return numbers


def read_pins(path: Path, village: str, station: str) -> Pins:
    """The provisioning PIN file (secret/pins.json) entries for one station."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        officers = [str(p) for p in data["officers"][f"{village}/{station}"]]
        trustees = {int(i): str(p) for i, p in data["trustees"][village].items()}
        install = data.get("install_codes", {}).get(f"{village}/{station}")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SimulationError(f"{path} has no PINs for {village}/{station} ({exc})") from exc
    return Pins(officers, trustees, None if install is None else str(install))


def find_cards(folder: Path, village: str) -> dict[int, bytes]:
    """Trustee cards `trustee-<i>.sdcard` in `folder` or `folder/<village>`."""
    for base in (Path(folder) / village, Path(folder)):
        cards = {}
        for p in sorted(base.glob("trustee-*.sdcard")):
            stem = p.stem.removeprefix("trustee-")
            if stem.isdigit():
                cards[int(stem)] = p.read_bytes()
        if cards:
            return cards
    return {}


def run_day(
    engine: KioskEngine,
    deck: list[DeckRow],
    pins: Pins,
    cards: dict[int, bytes],
    export_dir: Path,
    trustees: int | None = None,
    mode: str = "official",
    progress: Callable[[str], None] = lambda _m: None,
) -> dict[str, Any]:
    """Run the day on `engine` (installing its package first if this kiosk has not got it
    yet); return the summary printed as the last JSON line."""
    officer, other = pins.officers[0], pins.officers[-1]
    if not engine.status().installed:
        if pins.install_code is None:
            raise SimulationError("the package is not installed and the PIN file has no "
                                  "installation code for this station")
        engine.install(pins.install_code)
    engine.officer_login(officer)
    if engine.status().mode != mode:
        engine.set_mode(mode, officer, clear=True)
    ready = engine.readiness()
    if not ready.ok:
        raise SimulationError("readiness checks failed: " + "; ".join(ready.failures))
    engine.open_polls(officer)
    progress(f"polls open; casting {len(deck)} ballots")
    spoiled: list[dict[str, Any]] = []
    for i, row in enumerate(deck, start=1):
        engine.activate_ballot(other)
        engine.select(row.number)
        engine.review()
        if row.challenge:
            engine.commit()
            check = engine.challenge()
            spoiled.append({"tracking_code": check.tracking_code,
                            "candidate": check.candidate_number})
            engine.select(row.number)
            engine.review()
            engine.commit()
        engine.cast()
        engine.confirm_cast()
        if i % 500 == 0:
            progress(f"{i} ballots cast")
    engine.close_polls(officer)
    wanted = engine.village.threshold if trustees is None else trustees
    used = 0
    for index in sorted(cards):
        if used >= wanted:
            break
        if index not in pins.trustees:
            continue
        engine.add_trustee(cards[index], pins.trustees[index])
        used += 1
    votes: dict[str, int] | None = None
    if used >= engine.village.threshold:
        results = engine.compute_results()
        votes = {str(n): v for n, _, v in results.votes}
    else:
        progress(f"only {used} of {engine.village.threshold} trustees: exporting without results")
    Path(export_dir).mkdir(parents=True, exist_ok=True)
    report = engine.export(Path(export_dir))
    status = engine.status()
    return {
        "village": status.village,
        "station": status.station,
        "kiosk_id": status.kiosk_id,
        "mode": status.mode,
        "activations": status.activations,
        "ballots": status.ballots,
        "voided": status.voided,
        "votes": votes,
        "results": votes is not None,
        "trustees": list(status.trustees_present),
        "bundle": str(report.path),
        "sha256": report.sha256,
        "spoiled": sorted(spoiled, key=lambda s: str(s["tracking_code"])),
    }


def simulate(
    package: Path, data: Path, deck_path: Path, cards_dir: Path, export_dir: Path,
    pins_path: Path | None, authority: str | None, mode: str, trustees: int | None,
    progress: Callable[[str], None], printer_out: Path | None = None,
) -> dict[str, Any]:
    """Build the engine with simulated hardware and run the day (see `run_day`).

    With `printer_out`, receipts go through the real ESC/POS driver
    (`hardware.printer.SerialPrinter`) to an in-process pty `PrinterSimulator` that
    renders every receipt (zero report, voter records, slips, results report with its QR
    codes) to `receipt-NNNN.png` / `.txt` in that folder; otherwise the in-memory printer.
    """
    election_root = Path(package).resolve().parent.parent
    if authority is None and (election_root / "authority.txt").is_file():
        authority = (election_root / "authority.txt").read_text(encoding="utf-8").split()[0]
    if (Path(data) / "kiosk.db").exists():
        raise SimulationError(f"{data} already holds a kiosk database; use an empty folder")
    deck = read_deck(deck_path)
    with contextlib.ExitStack() as stack:
        printer: ContentPrinter = MemoryContentPrinter()
        sim: Any = None
        if printer_out is not None:
            sim, printer = _paper_printer(Path(printer_out), stack)
        engine = KioskEngine(
            package, data, printer=printer, scanner=MemoryScanner(),
            expected_authority=authority,
        )
        stack.callback(engine.close)
        try:
            pins_file = pins_path or election_root / "secret" / "pins.json"
            pins = read_pins(pins_file, engine.village.code, engine.station.code)
            cards = find_cards(cards_dir, engine.village.code)
            if not cards:
                raise SimulationError(f"no trustee-<n>.sdcard files in {cards_dir}")
            valid = {c.number for c in engine.candidates}
            bad = sorted({r.number for r in deck if r.number not in valid})
            if bad:
                raise SimulationError(f"the deck names candidates {bad} not on this ballot")
            summary = run_day(engine, deck, pins, cards, export_dir, trustees, mode, progress)
        except KioskError as exc:
            raise SimulationError(str(exc)) from exc
    if sim is not None:  # stopped by the stack: every queued receipt has been rendered
        summary["printer_out"] = str(printer_out)
        summary["receipts"] = len(sim.completed)
    return summary


def _paper_printer(out_dir: Path, stack: contextlib.ExitStack) -> tuple[Any, ContentPrinter]:
    """A started pty printer simulator writing to `out_dir`, and the engine's adapter
    around the real serial driver talking to it (both closed by `stack`)."""
    from hardware.errors import HardwareError
    from hardware.printer import SerialPrinter
    from hardware.sim.printer_sim import PrinterSimulator

    try:
        sim = stack.enter_context(PrinterSimulator(out_dir))
    except (HardwareError, OSError) as exc:
        raise SimulationError(f"cannot start the printer simulator in {out_dir}: {exc}") from exc
    driver = stack.enter_context(SerialPrinter(sim.path))
    return sim, HardwarePrinter(driver)
