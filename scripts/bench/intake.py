"""Benchmark of the E-rekap intake server against `tally import` of the same files.

Set-up (not timed): a provisioned election of `--villages` villages (default 304, about
745 stations, `provisioning.testing.make_election`) and one official bundle per station
with `--ballots` ballots (tests/tally/factory.py).

Measured in the same run, on this machine:
- import: `tally.importer.import_paths` of the folder into a fresh database, in one
  process (`workers=1`: every bundle verified in full, one transaction);
- server: `suaradesa tally serve --workers N` (`--server-workers`, default 1: the
  same single core as the import) in a child process on 127.0.0.1 and
  `--clients` (default 50) concurrent httpx clients on their own loopback addresses
  (tests/tally/load.py), each bundle sent once; every answer must be "accepted", and
  every station is then held exactly once.

deliveries_per_s = bundles / wall time of the uploads; p50/p99 = per-request latency;
ratio_vs_import = server deliveries per second / import bundles per second (target:
>= 1/1.5, i.e. within 1.5x of the direct import). The LAST line printed is one JSON object:

    {"bench": "intake", "deliveries_per_s": .., "p99_ms": .., "ratio_vs_import": .., ...}

    python scripts/bench/intake.py [--villages 304] [--ballots 4] [--clients 50]
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tally.db import TallyDB
from tally.importer import import_paths
from tests.tally.factory import deck, make_test_election, run_station
from tests.tally.live import free_port, server_process
from tests.tally.load import percentile, upload_all


@click.command()
@click.option("--villages", default=304, show_default=True)
@click.option("--ballots", default=4, show_default=True)
@click.option("--clients", default=50, show_default=True)
@click.option("--server-workers", default=1, show_default=True,
              help="Verification worker processes of the server (1: a thread in it).")
def main(villages: int, ballots: int, clients: int, server_workers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        election = make_test_election(root / "election", villages=villages, seed=31)
        usb = root / "usb"
        usb.mkdir()
        for i, (v, s) in enumerate(election.stations):
            run = run_station(election, v, s, deck(9000 + i, election.n_candidates(v), ballots))
            (usb / f"{v}_{s}.sdbundle").write_bytes(run.export())
        files = sorted(usb.glob("*.sdbundle"))
        print(f"set-up: {len(files)} bundles of {villages} villages in "
              f"{time.perf_counter() - t0:.0f} s", flush=True)

        direct = root / "direct.sqlite"
        with TallyDB.open(direct, election.record_bytes, election.authority_id) as db:
            t0 = time.perf_counter()
            report = import_paths(db, [usb], workers=1)
            import_s = time.perf_counter() - t0
        assert report.count("accepted") == len(files), "direct import did not accept all"
        import_rate = len(files) / import_s
        print(f"import: {len(files)} bundles in {import_s:.1f} s = {import_rate:.1f}/s",
              flush=True)

        served = root / "served.sqlite"
        TallyDB.open(served, election.record_bytes, election.authority_id).close()
        port = free_port()
        with server_process(served, port, "--workers", str(server_workers),
                            "--deliveries-per-minute", "6000"):
            t0 = time.perf_counter()
            uploads = upload_all(f"http://127.0.0.1:{port}", files, clients=clients,
                                 deadline_s=3600)
            wall = time.perf_counter() - t0
        bad = [u for u in uploads if u.status != 200 or u.answer.get("outcome") != "accepted"]
        assert not bad, f"{len(bad)} uploads not accepted, e.g. {bad[0]}"
        conn = sqlite3.connect(served)
        held = conn.execute("SELECT COUNT(DISTINCT village || '/' || station), COUNT(*)"
                            " FROM bundles").fetchone()
        conn.close()
        assert tuple(held) == (len(files), len(files)), held
        latencies = [u.seconds * 1000 for u in uploads]
        rate = len(files) / wall
        print(f"server: {len(files)} deliveries, {clients} clients, {wall:.1f} s = "
              f"{rate:.1f}/s; p50 {percentile(latencies, 50):.0f} ms, "
              f"p99 {percentile(latencies, 99):.0f} ms", flush=True)
        print(json.dumps({
            "bench": "intake", "deliveries_per_s": round(rate, 2),
            "p50_ms": round(percentile(latencies, 50), 1),
            "p99_ms": round(percentile(latencies, 99), 1),
            "ratio_vs_import": round(rate / import_rate, 3),
            "import_per_s": round(import_rate, 2), "bundles": len(files),
            "villages": villages, "clients": clients, "ballots_per_station": ballots,
            "server_workers": server_workers,
        }))


if __name__ == "__main__":
    main()
