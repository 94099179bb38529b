"""`suaradesa demo --ui`: vote by hand on one station, then see the vote in the tally.

Provisions the demo election, runs every other station headless, then opens the real
kiosk touchscreen (`suaradesa kiosk run --simulate-hardware --windowed --size 1024x600`)
on the first station of the first village; every receipt it prints is saved as PNG and
text under `<out>/receipts/<station>/`, and the console says where. The officer and
trustee PINs are printed in the terminal (in a real election they are on sealed paper). When the window is closed after an export,
the district tally runs over every bundle, yours included, and the bulletin board lets you
find your tracking code.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ballotcore.public_record import parse_public_record
from suaradesa.demo.decks import make_deck
from suaradesa.demo.run import place, prepare_out, provision, station_jobs, tally_all
from suaradesa.demo.stations import StationJob, run_stations

#: The window the touchscreen opens in: the 7" kiosk screen most stations have.
WINDOW_SIZE = "1024x600"


def touchscreen_command(package: Path, data: Path, usb: Path,
                        receipts: Path) -> tuple[list[str], dict[str, str]]:
    """The `kiosk run` command line and environment for the demo's touchscreen: windowed at
    `WINDOW_SIZE`, simulated hardware saving its receipts in `receipts`, Kivy's own log
    in its log file rather than in the story on the console."""
    from kiosk.cli import RECEIPTS_ENV

    argv = [sys.executable, "-m", "suaradesa", "kiosk", "run", "--package", str(package),
            "--data", str(data), "--usb", str(usb), "--simulate-hardware", "--windowed",
            "--size", WINDOW_SIZE]
    return argv, {**os.environ, "KIVY_NO_CONSOLELOG": "1", RECEIPTS_ENV: str(receipts)}


def run_interactive(out: Path, regency: str, villages: int | None, seed: int, workers: int,
                    max_voters: int | None, say: Callable[[str], None]) -> None:
    """See the module docstring."""
    prepare_out(out)
    say(f"1/4 Provisioning {villages or 'all'} villages of {regency} (seed {seed})")
    election = provision(out, regency, villages, seed, workers, say)
    authority = (election / "authority.txt").read_text(encoding="utf-8").split()[0]
    definition = parse_public_record((election / "election.json").read_bytes(), authority).definition
    decks = {
        (v.code, s.code): make_deck(seed, v.code, s.code, len(v.candidates), s.dpt, max_voters)
        for v in definition.villages for s in v.stations
    }
    village = definition.villages[0]
    mine = (village.code, village.stations[0].code)
    jobs = [j for j in station_jobs(election, out, definition, authority, decks)
            if (j.village, j.station) != mine]
    say(f"2/4 Running the other {len(jobs)} stations headless ({workers} at a time); "
        "the touchscreen opens when they are done")
    closed = [0]

    def on_done(job: StationJob, summary: dict[str, Any]) -> None:
        closed[0] += 1
        say(f"    [{closed[0]}/{len(jobs)}] {place(definition, (job.village, job.station))}: "
            f"{summary['ballots']} ballots, bundle {Path(summary['bundle']).name}")

    summaries = run_stations(jobs, workers, on_done)

    name = f"{mine[0]}_{mine[1]}"
    usb = out / "usb" / name
    usb.mkdir(parents=True, exist_ok=True)
    for card in sorted((election / "trustee-cards" / mine[0]).glob("trustee-*.sdcard")):
        shutil.copyfile(card, usb / card.name)  # the trustees bring their cards on the stick
    pins = json.loads((election / "secret" / "pins.json").read_text(encoding="utf-8"))
    say(f"3/4 Opening the touchscreen for {village.name}, {mine[1]}")
    say(f"    officer PINs: {', '.join(pins['officers'][f'{mine[0]}/{mine[1]}'])}")
    say("    trustee PINs: " + ", ".join(f"{i}: {p}" for i, p in sorted(pins["trustees"][mine[0]].items())))
    say(f"    trustee cards and the export go to {usb}")
    say("    Open the polls, activate a ballot, vote, close, add 3 trustees, export, then close the window.")
    package = str(election / "packages" / f"{name}.sdpkg")
    data = str(out / "kiosks" / name)
    say("    installing the package on the kiosk with its installation code (once per kiosk)")
    subprocess.run(
        [sys.executable, "-m", "suaradesa", "kiosk", "install", "--package", package,
         "--data", data, "--code", pins["install_codes"][f"{mine[0]}/{mine[1]}"]],
        check=True,
    )
    receipts = out / "receipts" / name
    say(f"    struk disimpan di / receipts are saved in: {receipts} (PNG and text)")
    argv, env = touchscreen_command(Path(package), Path(data), usb, receipts)
    subprocess.run(argv, check=False, env=env)
    saved = sorted(receipts.glob("receipt-*.png")) if receipts.is_dir() else []
    say(f"    {len(saved)} struk tercetak / receipts printed: {receipts}")
    bundles = sorted(usb.glob("*.sdbundle"))
    for summary in summaries.values():  # every other stick arrives: copied into usb/
        exported = Path(summary["bundle"])
        delivered = out / "usb" / exported.parent.name / exported.name
        delivered.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(exported, delivered)
        bundles.append(delivered)
    if not any(b.parent == usb for b in bundles):
        say("    no bundle was exported from the touchscreen station; it will show as missing")
    say("4/4 District tally over every bundle")
    report = tally_all(out, election, authority, {"bundles": bundles, "photos": [], "tampered": []},
                       workers, say)
    for v in report["villages"]:
        if v["code"] == mine[0]:
            say(f"    {v['name']}: " + ", ".join(f"{c['number']} {c['name']}: {c['votes']}" for c in v["candidates"]))
    say(f"Find your tracking code on the bulletin board: {out / 'bulletin' / 'index.html'}")
