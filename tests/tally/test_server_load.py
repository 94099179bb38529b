"""Load and faults on a real intake server: 50 concurrent clients over loopback, each
bundle counted exactly once; `kill -9` during uploads and a restart lose and double
nothing. (`scripts/bench/intake.py` runs the 304-village election; the test runs
SUARADESA_LOAD_VILLAGES villages, default 24, to keep the suite's time bounded.)"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from suaradesa.cli import cli
from tally.db import TallyDB
from tests.tally.factory import deck, make_test_election, run_station
from tests.tally.live import LiveServer, free_port, server_process
from tests.tally.load import percentile, upload_all

VILLAGES = int(os.environ.get("SUARADESA_LOAD_VILLAGES", "24"))


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, str, list[Path]]:
    """A VILLAGES-village election and one official bundle per station (4 ballots each)."""
    root = tmp_path_factory.mktemp("big")
    election = make_test_election(root / "election", villages=VILLAGES, seed=23)
    folder = root / "usb"
    folder.mkdir()
    for i, (v, s) in enumerate(election.stations):
        run = run_station(election, v, s, deck(5000 + i, election.n_candidates(v), 4))
        (folder / f"{v}_{s}.sdbundle").write_bytes(run.export())
    return election.record_bytes, election.authority_id, sorted(folder.glob("*.sdbundle"))


def _new_db(tmp_path: Path, big: tuple[bytes, str, list[Path]]) -> Path:
    path = tmp_path / "tally.sqlite"
    TallyDB.open(path, big[0], big[1]).close()
    return path


def _counted_once(db_path: Path, files: list[Path]) -> None:
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stations = conn.execute("SELECT village, station, COUNT(*) FROM bundles"
                                " GROUP BY village, station").fetchall()
        accepted = Counter(r[0] for r in conn.execute(
            "SELECT bundle FROM incidents WHERE outcome = 'accepted'"))
    finally:
        conn.close()
    assert len(stations) == len(files) and all(n == 1 for *_, n in stations)
    assert len(accepted) == len(files) and set(accepted.values()) == {1}
    result = CliRunner().invoke(cli, ["tally", "verify", "--db", str(db_path), "--workers", "1"])
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_fifty_concurrent_clients_each_bundle_counted_once(
        tmp_path: Path, big: tuple[bytes, str, list[Path]]) -> None:
    db_path = _new_db(tmp_path, big)
    files = big[2]
    t0 = time.perf_counter()
    with LiveServer(db_path) as url:
        uploads = upload_all(url, files, clients=50, deadline_s=900)
    wall = time.perf_counter() - t0
    assert all(u.status == 200 and u.answer["outcome"] == "accepted" for u in uploads), \
        [u for u in uploads if u.status != 200][:3]
    latencies = [u.seconds * 1000 for u in uploads]
    print(f"\nload: {len(files)} bundles, 50 clients, {wall:.1f} s, "
          f"{len(files) / wall:.1f} deliveries/s, p50 {percentile(latencies, 50):.0f} ms, "
          f"p99 {percentile(latencies, 99):.0f} ms")
    _counted_once(db_path, files)


@pytest.mark.slow
def test_kill_9_during_uploads_then_restart_loses_and_doubles_nothing(
        tmp_path: Path, big: tuple[bytes, str, list[Path]]) -> None:
    db_path = _new_db(tmp_path, big)
    files = big[2]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    stop = threading.Event()
    first: list = []
    with server_process(db_path, port, "--workers", "1") as proc:
        t = threading.Thread(target=lambda: first.extend(
            upload_all(url, files, clients=20, max_tries=3, deadline_s=300, stop=stop)))
        t.start()
        deadline = time.monotonic() + 300
        while True:  # kill once some deliveries are committed and others are in flight
            conn = sqlite3.connect(db_path, timeout=30)
            try:
                held = conn.execute("SELECT COUNT(*) FROM bundles").fetchone()[0]
            finally:
                conn.close()
            if held >= max(2, len(files) // 4) or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        stop.set()
        t.join(60)
    assert 0 < held < len(files)
    answered = [u for u in first if u.status == 200]
    with server_process(db_path, port, "--workers", "1"):
        again = upload_all(url, files, clients=20, deadline_s=600)
    assert all(u.status == 200 for u in again)
    outcomes = Counter(str(u.answer["outcome"]) for u in again)
    assert set(outcomes) <= {"accepted", "duplicate"}
    # everything the first server answered was kept; the second one sees it as duplicate
    done = {u.path for u in answered}
    assert all(u.answer["outcome"] == "duplicate" for u in again if u.path in done)
    _counted_once(db_path, files)
