"""Run every polling station of the demo election through the headless kiosk engine.

Each station is a separate process (the kiosk engine with its own SQLCipher database and
simulated printer and scanner), `workers` at a time: exactly what `suaradesa kiosk
simulate` does at a real station, minus the touchscreen. A station with `printer_out`
prints every receipt through the real ESC/POS driver to the pty printer simulator.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class StationJob:
    village: str
    station: str
    package: Path
    data: Path
    deck: Path
    cards: Path
    usb: Path
    pins: Path
    authority: str
    printer_out: Path | None = None  # print receipts to the pty printer simulator here


def run_station(job: StationJob) -> dict[str, Any]:
    """One polling day (worker process): returns the kiosk's JSON summary."""
    from kiosk.simulate import simulate

    return simulate(
        job.package, job.data, job.deck, job.cards, job.usb, job.pins, job.authority,
        "official", None, lambda _message: None, printer_out=job.printer_out,
    )


def run_stations(
    jobs: Iterable[StationJob], workers: int, on_done: Callable[[StationJob, dict[str, Any]], None]
) -> dict[tuple[str, str], dict[str, Any]]:
    """Run all jobs; a failing station stops the demo with its reason."""
    summaries: dict[tuple[str, str], dict[str, Any]] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(run_station, job): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            try:
                summary = future.result()
            except Exception as exc:
                raise RuntimeError(f"station {job.village}/{job.station} failed: {exc}") from exc
            summaries[(job.village, job.station)] = summary
            on_done(job, summary)
    return summaries


def write_summaries(path: Path, summaries: dict[tuple[str, str], dict[str, Any]]) -> None:
    rows = [summaries[k] for k in sorted(summaries)]
    path.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
