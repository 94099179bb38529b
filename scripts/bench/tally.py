"""Benchmark of the district tally at real station size: `tally import` with full verification.

Banyuasin has a DPT of 1,243,974 over 758 stations: about 1,600 voters and, at the usual
turnout, 1,200 ballots a station, 0.9 million ballots in all. This benchmark builds a few
stations of that size and measures what the district office will wait for.

Set-up (not timed, everything in a temp dir): an election of `--villages` villages
(`provisioning.testing.make_election`); `--stations` stations whose DPT is at least
`--ballots` / 0.75 each cast `--ballots` ballots (default 1,200) with a deterministic deck,
played and exported by tests/tally/factory.py (a kiosk's bundle, byte for byte in format;
~5-10 s a station). For the memory measurement each station also exports later copies
(`extra_events`, each a pure extension: verified in full, then superseding).

Measured:
- import_1_worker_s / import_2_workers_s / import_dask_s: `tally.importer.import_paths`
  of the folder of bundles into a fresh database with full verification (the default:
  every ballot's signature and proofs, the aggregate, every partial decryption, the
  counts), with 1 local process (in this process), 2 local worker processes, and a real
  Dask cluster on loopback: `dask scheduler` and two `dask worker --nworkers 1 --nthreads
  1` started as separate processes (tests/tally/daskproc.py). Interleaved `--repeat`
  times, the fastest of each kept; the three must reach the same outcomes.
- the floor: the ristretto255 operations that full verification performs (counted by
  rawops.counting while verify_bundle(full=True) runs in-process over the same bundles:
  ballot proofs, aggregates, partial-decryption proofs, discrete-log tables), replayed
  as raw rbcl calls (rawops.floor_runner), single core.
- peak memory of an import with 2 workers, in a fresh process each time: tracemalloc
  peak of the importing process and its maximum RSS, for N bundles and for 2N bundles (N
  more than the engine's window of in-flight bundles, so the window alone cannot explain
  equal peaks); memory_growth_2n = peak(2N) / peak(N).
- the projected time for all of Banyuasin (900,000 ballots) on this machine at the rate
  achieved with 2 workers (and on the 2-worker Dask cluster).

ratio = floor rate / achieved 1-worker import rate (target <= 1.5); scaling_2_workers =
import time with 1 worker / with 2 (target >= 1.8; only meaningful on an otherwise idle
machine with 2 cores: the 1-minute load average is reported beside it); memory_growth_2n
(target: about 1, peak independent of the number of bundles). The LAST line printed is
one JSON object:

    {"bench": "tally", "ballots_per_station": 1200, "import_1_worker_s": ..,
     "full_ballots_per_s_per_core": .., "floor_ballots_per_s_per_core": .., "ratio": ..,
     "scaling_2_workers": .., "import_dask_s": .., "peak_tracemalloc_mb_n": ..,
     "peak_tracemalloc_mb_2n": .., "memory_growth_2n": .., "banyuasin_projected_h": .., ...}

    python scripts/bench/tally.py [--ballots 1200] [--stations 4] [--repeat 1]
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any

import click

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from rawops import counting, floor_runner

from ballotcore.verify import verify_bundle
from tally.db import TallyDB
from tally.engine import check_stream
from tally.importer import import_paths
from tests.tally.daskproc import dask_cluster
from tests.tally.factory import Election, deck, make_test_election, run_station

#: Banyuasin: ballots in all (DPT 1,243,974 over 758 stations at about 72% turnout).
BANYUASIN_BALLOTS = 900_000
#: Turnout assumed when choosing stations: DPT >= ballots / TURNOUT.
TURNOUT = 0.75


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def floor_seconds(counts: Counter[str]) -> float:
    """Time `counts` raw rbcl calls on realistic inputs (one core)."""
    run = floor_runner(counts)
    t0 = time.perf_counter()
    run()
    return time.perf_counter() - t0


def timed_import(election: Election, db_path: Path, folder: Path, **engine: Any
                 ) -> tuple[float, list[str]]:
    """Import `folder` into a fresh database; (seconds, sorted outcome statuses)."""
    with TallyDB.open(db_path, election.record_bytes, election.authority_id) as db:
        t0 = time.perf_counter()
        report = import_paths(db, [folder], **engine)
        elapsed = time.perf_counter() - t0
    db_path.unlink()
    return elapsed, sorted(f"{Path(o.source).name}:{o.status}" for o in report.outcomes)


def _memory_child(record: bytes, authority: str, folder: str, db_path: str, workers: int,
                  out: Any) -> None:
    """In a fresh process: import with full verification; send back the peaks."""
    tracemalloc.start()
    with TallyDB.open(Path(db_path), record, authority) as db:
        report = import_paths(db, [Path(folder)], workers=workers)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.send((peak, rss_kb * 1024, len(report.outcomes), report.count("rejected")))
    out.close()


def import_peak(election: Election, folder: Path, db_path: Path, workers: int
                ) -> tuple[int, int, int]:
    """(tracemalloc peak, max RSS, bundles) of an import run in a fresh process."""
    ctx = multiprocessing.get_context("spawn")
    here, there = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_memory_child, args=(
        election.record_bytes, election.authority_id, str(folder), str(db_path), workers, there))
    proc.start()
    there.close()
    peak, rss, n, rejected = here.recv()
    proc.join()
    db_path.unlink()
    assert rejected == 0, "an honest bundle was rejected"
    return peak, rss, n


def choose_stations(election: Election, ballots: int, stations: int) -> list[tuple[str, str]]:
    """The first `stations` stations (by code) large enough for `ballots` at TURNOUT."""
    need = math.ceil(ballots / TURNOUT)
    big = [(v, s) for v, s in election.stations
           if election.record.definition.village(v).station(s).dpt >= need]
    if len(big) < stations:
        raise click.ClickException(f"only {len(big)} stations have a DPT of {need} or more; "
                                   "provision more --villages")
    return big[:stations]


@click.command()
@click.option("--ballots", default=1200, show_default=True, help="Ballots per station.")
@click.option("--stations", default=4, show_default=True, help="Stations (bundles) timed.")
@click.option("--villages", default=20, show_default=True, help="Villages to provision.")
@click.option("--repeat", default=1, show_default=True,
              help="Interleaved 1-worker, 2-worker and Dask runs; the fastest of each kept.")
def main(ballots: int, stations: int, villages: int, repeat: int) -> None:
    """Run the tally benchmark (see module docstring)."""
    work = Path(tempfile.mkdtemp(prefix="bench-tally-"))
    try:
        run_bench(work, ballots, stations, villages, repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_bench(work: Path, ballots: int, stations: int, villages: int, repeat: int) -> None:
    """Set up in `work`, measure, print the JSON line (see module docstring)."""
    t0 = time.perf_counter()
    election = make_test_election(work / "election", villages=villages, seed=7)
    keys = choose_stations(election, ballots, stations)
    say(f"provisioned {len(election.stations)} stations in {time.perf_counter() - t0:.1f}s; "
        f"timing {stations} with DPT >= {math.ceil(ballots / TURNOUT)}")

    # Memory: N = 2 exports per station, 2N = 4; N exceeds the 2-worker window (4).
    window = 2 * 2
    copies_n = max(1, math.ceil((window + 1) / stations))
    usb, usb_n, usb_2n = work / "usb", work / "usb-n", work / "usb-2n"
    for folder in (usb, usb_n, usb_2n):
        folder.mkdir()
    t0 = time.perf_counter()
    candidates = []
    for i, (v, s) in enumerate(keys):
        run = run_station(election, v, s, deck(i, election.n_candidates(v), ballots))
        candidates.append(election.n_candidates(v))
        (usb / f"{v}_{s}.sdbundle").write_bytes(run.export())
        for c in range(2 * copies_n):
            copy = run.export(extra_events=c)
            if c < copies_n:
                (usb_n / f"{v}_{s}_{c}.sdbundle").write_bytes(copy)
            (usb_2n / f"{v}_{s}_{c}.sdbundle").write_bytes(copy)
    bundle_mb = sum(p.stat().st_size for p in usb.iterdir()) / stations / 2**20
    say(f"built {stations} bundles x {ballots} ballots ({bundle_mb:.1f} MB each, "
        f"{candidates} candidates) in {time.perf_counter() - t0:.1f}s")
    total_ballots = stations * ballots

    # The floor: count the raw group operations of full verification, replay them raw.
    data = [p.read_bytes() for p in sorted(usb.iterdir())]
    with counting() as counts:
        for d in data:
            verify_bundle(d, election.record, full=True)
    del data
    floor_s = min(floor_seconds(counts) for _ in range(2))
    say(f"ops per ballot: { {k: round(v / total_ballots, 1) for k, v in counts.items()} }; "
        f"floor {floor_s:.2f}s")

    times = {"1": math.inf, "2": math.inf, "dask": math.inf}
    outcomes: dict[str, list[str]] = {}
    db_path = work / "tally.sqlite"
    t0 = time.perf_counter()
    with dask_cluster(work / "dask", workers=2) as cluster:
        say(f"dask scheduler and 2 workers up at {cluster.address} in "
            f"{time.perf_counter() - t0:.1f}s")
        engines: dict[str, dict[str, Any]] = {
            "1": {"workers": 1}, "2": {"workers": 2}, "dask": {"dask": cluster.address},
        }
        for _ in range(repeat):
            for name, engine in engines.items():
                elapsed, outcomes[name] = timed_import(election, db_path, usb, **engine)
                times[name] = min(times[name], elapsed)
                say(f"import with {name} worker(s): {elapsed:.2f}s "
                    f"({total_ballots / elapsed:.0f} ballots/s)")
        # The Dask path streams too: no more than a window of bundles before an answer.
        pulled = 0

        def tasks() -> Any:
            nonlocal pulled
            for i, p in enumerate(sorted(usb_2n.iterdir())):
                pulled += 1
                yield str(i), p.read_bytes()

        first = next(check_stream(election.record, election.authority_id, tasks(),
                                  full=False, dask=cluster.address, window=window))
        assert first.ok and pulled <= window, pulled
    assert outcomes["1"] == outcomes["2"] == outcomes["dask"], outcomes
    assert all(o.endswith(":accepted") for o in outcomes["1"]), outcomes["1"]

    n_bundles = len(list(usb_n.iterdir()))
    peak_n, rss_n, got_n = import_peak(election, usb_n, db_path, workers=2)
    peak_2n, rss_2n, got_2n = import_peak(election, usb_2n, db_path, workers=2)
    assert (got_n, got_2n) == (n_bundles, 2 * n_bundles)
    say(f"peak memory, {got_n} bundles: {peak_n / 2**20:.1f} MB traced, {rss_n / 2**20:.0f} "
        f"MB RSS; {got_2n} bundles: {peak_2n / 2**20:.1f} MB traced, {rss_2n / 2**20:.0f} MB RSS")

    full_rate = total_ballots / times["1"]
    floor_rate = total_ballots / floor_s
    rate_2 = total_ballots / times["2"]
    rate_dask = total_ballots / times["dask"]
    result = {
        "bench": "tally",
        "stations": stations,
        "ballots_per_station": ballots,
        "candidates": candidates,
        "bundle_mb": round(bundle_mb, 2),
        "cpus": os.cpu_count(),
        "repeat": repeat,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "import_1_worker_s": round(times["1"], 3),
        "import_2_workers_s": round(times["2"], 3),
        "import_dask_s": round(times["dask"], 3),
        "full_ballots_per_s_per_core": round(full_rate, 1),
        "full_ballots_per_s_per_core_2_workers": round(rate_2 / 2, 1),
        "dask_ballots_per_s_per_core": round(rate_dask / 2, 1),
        "floor_ballots_per_s_per_core": round(floor_rate, 1),
        "ratio": round(floor_rate / full_rate, 3),
        "scaling_2_workers": round(times["1"] / times["2"], 3),
        "scaling_dask_2_workers": round(times["1"] / times["dask"], 3),
        "memory_bundles_n": got_n,
        "peak_tracemalloc_mb_n": round(peak_n / 2**20, 2),
        "peak_tracemalloc_mb_2n": round(peak_2n / 2**20, 2),
        "peak_rss_mb_n": round(rss_n / 2**20, 1),
        "peak_rss_mb_2n": round(rss_2n / 2**20, 1),
        "memory_growth_2n": round(peak_2n / peak_n, 3),
        "banyuasin_ballots": BANYUASIN_BALLOTS,
        "banyuasin_projected_h": round(BANYUASIN_BALLOTS / rate_2 / 3600, 2),
        "banyuasin_projected_dask_h": round(BANYUASIN_BALLOTS / rate_dask / 3600, 2),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
