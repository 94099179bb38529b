"""The proof checks on a real Dask cluster: `dask scheduler` and two `dask worker` processes.

Through the public CLI, `tally import --dask ADDRESS` and `tally verify --full --dask
ADDRESS` must reach exactly the decisions and findings that local processes (`--workers
2`) reach, including for a cheating kiosk (a ballot carrying another ballot's signature,
the bundle re-signed): accepted by an import with --defer-proofs, then an error for
`verify --full`; rejected by a default import. And `tally.engine.check_stream` must
stream: it pulls at most `window` tasks from its iterable before the first answer, on
local processes as on Dask, so bundles are never all read into memory first.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tally.cli import group
from tally.db import TallyDB
from tally.engine import check_stream
from tests.tally.conftest import incidents
from tests.tally.daskproc import Cluster, dask_cluster, live_members
from tests.tally.factory import Election, StationRun
from tests.tally.test_verify import _cheating_export

CHEAT_ERROR = "kiosk signature does not verify"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A scheduler and two workers as separate processes; every process ended after."""
    with dask_cluster(tmp_path_factory.mktemp("dask"), workers=2) as running:
        yield running
    assert live_members(running.groups) == [], "dask processes left behind"


@pytest.fixture()
def delivery(tmp_path: Path, bundle_dir: Path, runs: dict[tuple[str, str], StationRun]
             ) -> list[Path]:
    """Every station's bundle except the last station's (missing), the first station's
    replaced by a cheating export of the same station."""
    keys = sorted(runs)
    victim, missing = runs[keys[0]], keys[-1]
    skip = (f"{victim.village}_{victim.station}.", f"{missing[0]}_{missing[1]}.")
    files = [p for p in sorted(bundle_dir.iterdir()) if not p.name.startswith(skip)]
    cheat = tmp_path / "cheat.sdbundle"
    cheat.write_bytes(_cheating_export(victim))
    assert len(files) == len(keys) - 2
    return [*files, cheat]


def _new_db(path: Path, election: Election) -> Path:
    TallyDB.open(path, election.record_bytes, election.authority_id).close()
    return path


def _tally(*args: str) -> Result:
    return CliRunner().invoke(group, list(args))


def _held(path: Path) -> list[tuple[str, str, str, str]]:
    """(digest, village, station, proof state) of every held bundle."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [tuple(r) for r in conn.execute(
            "SELECT digest, village, station, proofs FROM bundles ORDER BY digest")]
    finally:
        conn.close()


def _engines(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT engine FROM verifications ORDER BY rowid")]
    finally:
        conn.close()


@pytest.mark.slow
def test_import_and_full_verify_on_a_cluster_match_local_processes(
    cluster: Cluster, tmp_path: Path, election: Election, delivery: list[Path],
    runs: dict[tuple[str, str], StationRun],
) -> None:
    files = [str(p) for p in delivery]
    victim = runs[sorted(runs)[0]]
    engines = {"local": ["--workers", "2"], "dask": ["--dask", cluster.address]}

    # A default import verifies every proof: the cheating bundle is rejected, on both.
    imported = {}
    for name, engine in engines.items():
        db = _new_db(tmp_path / f"import-{name}.sqlite", election)
        result = _tally("import", "--db", str(db), *engine, *files)
        assert result.exit_code == 1, result.output
        imported[name] = (result.stdout, incidents(db), _held(db))
    assert imported["local"] == imported["dask"]
    out, seen, held = imported["dask"]
    (cheat_line,) = [line for line in out.splitlines() if "cheat.sdbundle" in line]
    assert cheat_line.startswith("rejected") and CHEAT_ERROR in cheat_line
    assert ("rejected", "signature", "cheat.sdbundle") in seen
    assert len(held) == len(delivery) - 1  # everything but the cheat, all verified
    assert {row[3] for row in held} == {"verified"}
    assert (victim.village, victim.station) not in {(r[1], r[2]) for r in held}

    # With --defer-proofs only the quick checks run: the cheat is accepted (not counted)...
    deferred = {}
    for name, engine in engines.items():
        db = _new_db(tmp_path / f"deferred-{name}.sqlite", election)
        result = _tally("import", "--db", str(db), "--defer-proofs", *engine, *files)
        assert result.exit_code == 0, result.output
        deferred[name] = db
    assert _held(deferred["local"]) == _held(deferred["dask"])
    assert {r[3] for r in _held(deferred["dask"])} == {"deferred"}
    assert len(_held(deferred["dask"])) == len(delivery)

    # ...until verify --full, which reports the same error on the cluster as locally.
    found = {}
    for name, engine in engines.items():
        db = deferred[name]
        result = _tally("verify", "--db", str(db), "--full", *engine, "--json")
        assert result.exit_code == 1, result.output
        found[name] = (json.loads(result.stdout), incidents(db), _held(db))
    assert found["local"] == found["dask"]
    findings, seen, held = found["dask"]
    errors = [f for f in findings if f["severity"] == "error"]
    assert [(e["village"], e["station"]) for e in errors] == [(victim.village, victim.station)]
    assert CHEAT_ERROR in errors[0]["message"]
    assert sorted(r[3] for r in held) == ["failed"] + ["verified"] * (len(delivery) - 1)
    assert _engines(deferred["dask"]) == ["dask"]
    assert _engines(deferred["local"]) == ["processes:2"]


def _pull_counts(election: Election, bundle_dir: Path, *, n: int, window: int, workers: int,
                 dask: object = None) -> tuple[list[int], list[str]]:
    """Run `check_stream` over a generator of `n` tasks; for each answer, how many tasks
    had been pulled from the generator when it was yielded."""
    bundles = [p.read_bytes() for p in sorted(bundle_dir.iterdir())]
    pulled = 0

    def tasks() -> Iterator[tuple[str, bytes]]:
        nonlocal pulled
        for i in range(n):
            pulled += 1
            yield f"task-{i:02d}", bundles[i % len(bundles)]

    at_answer: list[int] = []
    keys: list[str] = []
    for checked in check_stream(election.record, election.authority_id, tasks(), full=False,
                                workers=workers, dask=dask, window=window):
        assert checked.ok, checked.error
        at_answer.append(pulled)
        keys.append(checked.key)
    return at_answer, keys


def _assert_streamed(at_answer: list[int], keys: list[str], n: int, window: int) -> None:
    assert keys == [f"task-{i:02d}" for i in range(n)]  # every task, answers in task order
    assert at_answer[0] <= window  # no more than the window before the first answer
    assert all(p - k <= window for k, p in enumerate(at_answer))  # never more in flight


def test_check_stream_on_local_processes_pulls_at_most_a_window(
    election: Election, bundle_dir: Path
) -> None:
    at_answer, keys = _pull_counts(election, bundle_dir, n=12, window=3, workers=2)
    _assert_streamed(at_answer, keys, 12, 3)
    # Positive control: the counter sees tasks being pulled ahead, in parallel.
    assert at_answer[0] > 1


@pytest.mark.slow
def test_check_stream_on_a_cluster_pulls_at_most_a_window(
    cluster: Cluster, election: Election, bundle_dir: Path
) -> None:
    at_answer, keys = _pull_counts(election, bundle_dir, n=12, window=3, workers=1,
                                   dask=cluster.address)
    _assert_streamed(at_answer, keys, 12, 3)
    assert at_answer[0] > 1
