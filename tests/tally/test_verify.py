"""`tally verify`: quick and --full checks, local processes and a Dask LocalCluster agree."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ballotcore.bundle import SignedBallot
from tally.db import TallyDB
from tally.importer import import_paths
from tally.verifier import Finding, verify_database
from tests.tally.factory import StationRun


def _cheating_export(run: StationRun) -> bytes:
    """A bundle whose kiosk swapped in a ballot it never signed (then re-signed the bundle).

    Everything the quick checks look at still holds (box root, aggregate and results are
    recomputed over the swapped ballot); only the proofs (a default import, or --full after
    an import with --defer-proofs) catch the ballot signature.
    """
    ballots = list(run.ballots)
    ballots[0] = SignedBallot(ballots[0].ballot, ballots[1].signature)
    cheat = dataclasses.replace(run, ballots=tuple(ballots))
    return cheat.export()


@pytest.fixture()
def loaded_db(tmp_path: Path, db_path: Path, bundle_dir: Path, runs: dict) -> Path:
    keys = sorted(runs)
    files = [p for p in sorted(bundle_dir.iterdir()) if not p.name.startswith(keys[-1][0] + "_"
                                                                               + keys[-1][1])]
    cheat = tmp_path / "cheat.sdbundle"
    victim = runs[keys[0]]
    cheat.write_bytes(_cheating_export(victim))
    files = [f for f in files if not f.name.startswith(f"{victim.village}_{victim.station}")]
    with TallyDB.open(db_path) as db:
        report = import_paths(db, [*files, cheat], defer_proofs=True)
    assert all(o.status == "accepted" for o in report.outcomes), report
    return db_path


def _full_errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def test_quick_verify_passes_and_lists_missing_stations(loaded_db: Path, runs: dict) -> None:
    with TallyDB.open(loaded_db) as db:
        findings = verify_database(db)
    assert _full_errors(findings) == []
    last = sorted(runs)[-1]
    assert any(f.subject == "missing" and (f.village, f.station) == last for f in findings)


def test_full_verify_processes_and_dask_give_identical_findings(loaded_db: Path,
                                                                runs: dict) -> None:
    from dask.distributed import Client, LocalCluster

    with TallyDB.open(loaded_db) as db:
        local = verify_database(db, full=True, workers=2)
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            distributed = verify_database(db, full=True, dask=client)
        last = db.last_verification()
    assert local == distributed
    victim = runs[sorted(runs)[0]]
    (error,) = _full_errors(local)
    assert (error.village, error.station) == (victim.village, victim.station)
    assert "kiosk signature does not verify" in error.message
    assert last is not None and last[1] and last[2] == "dask"


def test_cli_full_verify_on_a_dask_scheduler_address(loaded_db: Path) -> None:
    """`--dask ADDRESS` connects to a running scheduler (here on loopback) by its address."""
    import json

    from click.testing import CliRunner
    from dask.distributed import LocalCluster

    from tally.cli import group

    runner = CliRunner()
    local = runner.invoke(group, ["verify", "--db", str(loaded_db), "--full", "--workers", "2",
                                  "--json"])
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        remote = runner.invoke(group, ["verify", "--db", str(loaded_db), "--full", "--dask",
                                       address, "--json"])
    assert local.exit_code == remote.exit_code == 1  # the cheating kiosk is an error
    assert json.loads(local.stdout) == json.loads(remote.stdout)
    with TallyDB.open(loaded_db) as db:
        last = db.last_verification()
    assert last is not None and last[2] == "dask"
