"""Benchmark of the bulletin board's in-browser verifier against the Python verifier.

Set-up (not timed, in a temp dir): an election (tests/tally/factory.py, real crypto); the
village with the largest voter list plays `--ballots` ballots over its stations (each
station at most its DPT), is imported into a tally database and published with
`tally publish` (verify.html, built verifier from SUARADESA_WEBVERIFY or
<sys.prefix>/webverify/dist: run scripts/test or scripts/demo once to build it).

Measured, `--repeat` times interleaved, the fastest kept:
- browser: headless Chromium opens `verify.html?village=CODE&auto=1` over file://; the
  time is the verifier's own (the page's `data-ms`: public record, every bundle in full,
  the district rules), the verdict must be VALID;
- python: `ballotcore.verify.verify_bundle(full=True)` over the same bundle files in this
  process (one core).

ballots_per_s and python_ballots_per_s_per_core are ballots divided by those times;
ratio = browser / python; village_2000_s projects a 2,000-ballot village in the browser
(target: within 120 s). The 1-minute load average is printed beside. The LAST line
printed is one JSON object:

    {"bench": "browser_verify", "ballots_per_s": .., "python_ballots_per_s_per_core": ..,
     "ratio": .., "ballots": .., "village_2000_s": .., "engine": "worker", "load_1m": ..}

    python scripts/bench/browser_verify.py [--ballots 400] [--repeat 1]
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ballotcore.verify import verify_bundle
from tally.db import TallyDB
from tally.importer import import_paths
from tally.publish import publish
from tests.tally.cdp import Browser
from tests.tally.factory import deck, make_test_election, run_station


def browser_run(site: Path, village: str, profile: Path) -> tuple[float, str, str]:
    """(seconds the verifier took, verdict, engine) in headless Chromium."""
    with Browser(profile) as browser:
        browser.navigate(f"{(site / 'verify.html').as_uri()}?village={village}&auto=1")
        verdict = browser.wait_for("document.getElementById('verdict')"
                                   " && document.getElementById('verdict').textContent", 3600)
        ms = float(browser.eval("document.body.dataset.ms"))
        engine = str(browser.eval("document.body.dataset.engine"))
    return ms / 1000, str(verdict), engine


@click.command()
@click.option("--ballots", default=400, show_default=True, help="Ballots in the village.")
@click.option("--repeat", default=1, show_default=True, help="Runs of each; fastest kept.")
def main(ballots: int, repeat: int) -> None:
    """Run the browser verifier benchmark (see module docstring)."""
    work = Path(tempfile.mkdtemp(prefix="bench-browser-verify-"))
    try:
        run_bench(work, ballots, repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_bench(work: Path, ballots: int, repeat: int) -> None:
    election = make_test_election(work / "election", villages=3, seed=11)
    definition = election.record.definition
    village = max(definition.villages, key=lambda v: sum(s.dpt for s in v.stations))
    n = len(village.candidates)
    usb = work / "usb"
    usb.mkdir()
    left = ballots
    print(f"setup: {ballots} ballots in {village.code} ({len(village.stations)} stations)",
          flush=True)
    for i, station in enumerate(village.stations):
        share = min(station.dpt, -(-left // (len(village.stations) - i)))
        left -= share
        run = run_station(election, village.code, station.code, deck(500 + i, n, share))
        (usb / f"{village.code}_{station.code}.sdbundle").write_bytes(run.export())
    if left:
        raise click.ClickException("the village's voter list is too small for --ballots")
    db_path = work / "tally.sqlite"
    db = TallyDB.open(db_path, election.record_bytes, election.authority_id)
    try:
        import_paths(db, [usb], workers=1)
        publish(db, work / "site")
    finally:
        db.close()
    files = sorted((work / "site" / "data" / village.code).glob("*.sdbundle"))
    browser_s, python_s = float("inf"), float("inf")
    engine = ""
    for r in range(repeat):
        seconds, verdict, engine = browser_run(work / "site", village.code, work / f"p{r}")
        if verdict != "VALID":
            raise click.ClickException(f"the browser says {verdict}")
        browser_s = min(browser_s, seconds)
        start = time.perf_counter()
        for path in files:
            verify_bundle(path.read_bytes(), election.record, full=True)
        python_s = min(python_s, time.perf_counter() - start)
        print(f"run {r + 1}: browser {seconds:.1f} s ({engine}), python "
              f"{time.perf_counter() - start:.1f} s", flush=True)
    rate = ballots / browser_s
    py_rate = ballots / python_s
    print(json.dumps({
        "bench": "browser_verify", "ballots_per_s": round(rate, 1),
        "python_ballots_per_s_per_core": round(py_rate, 1), "ratio": round(rate / py_rate, 3),
        "ballots": ballots, "village_2000_s": round(2000 / rate, 1), "engine": engine,
        "load_1m": round(os.getloadavg()[0], 2),
    }))


if __name__ == "__main__":
    main()
