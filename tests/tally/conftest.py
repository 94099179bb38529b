"""Shared tally fixtures: one provisioned election, its stations played once per session.

Building ballots and decrypting is the slow part, so every station's polling day is
played once (`runs`) and its official bundle written once (`bundle_dir`); tests that
need another export (newer, test mode, conflicting) call `StationRun.export` again.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from tally.db import TallyDB
from tests.tally.factory import Election, StationRun, deck, make_test_election, run_station


@pytest.fixture(scope="session")
def election(tmp_path_factory: pytest.TempPathFactory) -> Election:
    return make_test_election(tmp_path_factory.mktemp("election"), villages=3, seed=7)


@pytest.fixture(scope="session")
def decks(election: Election) -> dict[tuple[str, str], list[int]]:
    """A deterministic deck per station (6..12 ballots)."""
    return {
        (v, s): deck(1000 + i, election.n_candidates(v), 6 + i)
        for i, (v, s) in enumerate(election.stations)
    }


@pytest.fixture(scope="session")
def runs(election: Election, decks: dict[tuple[str, str], list[int]]) -> dict[
    tuple[str, str], StationRun
]:
    return {key: run_station(election, key[0], key[1], d) for key, d in decks.items()}


@pytest.fixture(scope="session")
def bundle_dir(tmp_path_factory: pytest.TempPathFactory, runs: dict[tuple[str, str], StationRun]
               ) -> Path:
    folder = tmp_path_factory.mktemp("usb")
    for (v, s), run in runs.items():
        (folder / f"{v}_{s}.sdbundle").write_bytes(run.export())
    return folder


@pytest.fixture()
def db_path(tmp_path: Path, election: Election) -> Path:
    """A fresh tally database created against the election's public record."""
    path = tmp_path / "tally.sqlite"
    TallyDB.open(path, election.record_bytes, election.authority_id).close()
    return path


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def held_digest(path: Path) -> str:
    """SHA-256 over every row of every table except the incident record.

    "A rejected input changes nothing but the incident record": every bundle, result,
    resolution, import and verification row byte-identical.
    """
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        h = hashlib.sha256()
        for table in tables:
            if table == "incidents":
                continue
            h.update(table.encode())
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1"):
                h.update(repr(row).encode())
        return h.hexdigest()
    finally:
        conn.close()


def incidents(path: Path) -> list[tuple[str, str, str]]:
    """(outcome, cause, source) of every recorded incident, in order."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [(r[0], r[1], r[2]) for r in conn.execute(
            "SELECT outcome, cause, source FROM incidents ORDER BY id")]
    finally:
        conn.close()
