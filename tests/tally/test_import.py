"""Import: totals equal the decks in any order; duplicates, replays, conflicts, rejections."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tally.db import TallyDB
from tally.errors import ResolveError
from tally.importer import import_paths
from tally.model import build_view
from tally.report import to_json
from tally.resolve import resolve_conflict
from tests.tally.conftest import held_digest
from tests.tally.factory import (
    Election,
    StationRun,
    deck,
    deck_totals,
    make_test_election,
    run_station,
)


def _import(db_path: Path, *paths: Path) -> list[tuple[str, str]]:
    with TallyDB.open(db_path) as db:
        report = import_paths(db, list(paths))
    return [(o.status, o.message) for o in report.outcomes]


def test_totals_equal_the_decks_in_three_random_orders(
    tmp_path: Path, election: Election, decks: dict, bundle_dir: Path
) -> None:
    files = sorted(bundle_dir.iterdir())
    reports = []
    for seed in (1, 2, 3):
        order = list(files)
        random.Random(seed).shuffle(order)  # import order only
        path = tmp_path / f"t{seed}.sqlite"
        TallyDB.open(path, election.record_bytes, election.authority_id).close()
        for chunk in (order[:3], order[3:5], order[5:]):  # three separate imports
            assert all(status == "accepted" for status, _ in _import(path, *chunk))
        with TallyDB.open(path) as db:
            view = build_view(db)
            data = json.loads(to_json(view))
            del data["incidents"]  # when and in which import each file came differs
            reports.append(data)
        for v in view.villages:
            expected = [0] * len(v.candidates)
            for s in v.stations:
                d = deck_totals(decks[(v.code, s.code)], len(v.candidates))
                assert list(s.votes or ()) == d
                expected = [a + b for a, b in zip(expected, d, strict=True)]
            assert list(v.votes) == expected
            assert v.ballots == sum(len(decks[(v.code, s.code)]) for s in v.stations)
            assert v.status == ("complete",)
    assert reports[0] == reports[1] == reports[2]


def test_same_bundle_twice_counts_once(db_path: Path, bundle_dir: Path) -> None:
    one = sorted(bundle_dir.iterdir())[0]
    assert _import(db_path, one)[0][0] == "accepted"
    before = held_digest(db_path)
    assert _import(db_path, one, bundle_dir)[0][0] == "duplicate"
    with TallyDB.open(db_path) as db:
        assert len(db.bundles()) == len(list(bundle_dir.iterdir()))
    assert before != held_digest(db_path)  # the others were added
    before = held_digest(db_path)
    assert {s for s, _ in _import(db_path, bundle_dir)} == {"duplicate"}
    assert held_digest(db_path) == before


def test_replay_of_an_older_export_is_rejected(tmp_path: Path, db_path: Path,
                                               runs: dict) -> None:
    run: StationRun = next(iter(runs.values()))
    old, new = tmp_path / "old.sdbundle", tmp_path / "new.sdbundle"
    old.write_bytes(run.export(extra_events=1))
    new.write_bytes(run.export(extra_events=2))
    assert _import(db_path, new)[0][0] == "accepted"
    before = held_digest(db_path)
    ((status, message),) = _import(db_path, old)
    assert status == "rejected" and "replay of an older export" in message
    assert held_digest(db_path) == before


def test_newer_export_supersedes_the_older(tmp_path: Path, db_path: Path, runs: dict) -> None:
    run: StationRun = next(iter(runs.values()))
    old, new = tmp_path / "old.sdbundle", tmp_path / "new.sdbundle"
    old.write_bytes(run.export())
    new.write_bytes(run.export(extra_events=1))
    assert _import(db_path, old)[0][0] == "accepted"
    assert _import(db_path, new)[0][0] == "superseding"
    with TallyDB.open(db_path) as db:
        station = [s for v in build_view(db).villages for s in v.stations if s.code == run.station
                   and v.code == run.village][0]
        assert sorted(h.state for h in station.held) == ["counted", "superseded"]
        assert station.status == "complete" and list(station.votes or ()) == list(run.counts)


def test_test_mode_bundle_is_rejected(tmp_path: Path, db_path: Path, runs: dict) -> None:
    run: StationRun = next(iter(runs.values()))
    path = tmp_path / "test.sdbundle"
    path.write_bytes(run.export(mode="test"))
    before = held_digest(db_path)
    ((status, message),) = _import(db_path, path)
    assert status == "rejected" and "test-mode" in message
    assert held_digest(db_path) == before


def test_bundle_signed_by_a_kiosk_of_another_village_is_rejected(
    tmp_path: Path, db_path: Path, election: Election, runs: dict
) -> None:
    keys = list(runs)
    victim: StationRun = runs[keys[0]]
    other = next(k for k in keys if k[0] != victim.village)
    foreign = election.kiosks[other]
    path = tmp_path / "foreign.sdbundle"
    # The other village's genuine, certified kiosk signs a bundle claiming this station.
    path.write_bytes(victim.export(key=foreign.key, certificate=foreign.certificate))
    ((status, message),) = _import(db_path, path)
    assert status == "rejected" and f"certified for {other[0]}/{other[1]}" in message
    # An uncertified key with the right certificate: the signature does not verify.
    path.write_bytes(victim.export(key=Ed25519PrivateKey.generate()))
    ((status, message),) = _import(db_path, path)
    assert status == "rejected" and "signature" in message


def test_bundle_for_another_election_is_rejected(tmp_path: Path, db_path: Path) -> None:
    other = make_test_election(tmp_path / "other", villages=1, seed=11)
    v, s = other.stations[0]
    path = tmp_path / "other.sdbundle"
    path.write_bytes(run_station(other, v, s, deck(5, other.n_candidates(v), 3)).export())
    before = held_digest(db_path)
    ((status, message),) = _import(db_path, path)
    assert status == "rejected"
    assert any(w in message for w in ("another election", "different election definition",
                                      "different public election record")), message
    assert held_digest(db_path) == before


def test_conflicting_bundles_are_held_until_resolved(
    tmp_path: Path, db_path: Path, election: Election, runs: dict
) -> None:
    run: StationRun = next(iter(runs.values()))
    rival = run_station(election, run.village, run.station, [0] * 4)
    a, b = tmp_path / "a.sdbundle", tmp_path / "b.sdbundle"
    a.write_bytes(run.export())
    b.write_bytes(rival.export())
    assert _import(db_path, a)[0][0] == "accepted"
    assert _import(db_path, b)[0][0] == "conflict"
    with TallyDB.open(db_path) as db:
        village = next(v for v in build_view(db).villages if v.code == run.village)
        station = next(s for s in village.stations if s.code == run.station)
        assert station.status == "conflict" and not station.counted
        assert "conflict" in village.status and village.winner is None
        with pytest.raises(ResolveError):
            resolve_conflict(db, run.village, run.station, "zz", "Budi", "checked seals")
        keep = next(r.digest for r in db.bundles() if r.import_no == 1)
        resolve_conflict(db, run.village, run.station, keep[:12], "Budi", "seal log matches")
        station = next(s for v in build_view(db).villages for s in v.stations
                       if (v.code, s.code) == (run.village, run.station))
        assert station.status == "complete" and list(station.votes or ()) == list(run.counts)
        assert db.resolutions()[0].official == "Budi"


def test_bundle_without_results_leaves_station_missing(tmp_path: Path, db_path: Path,
                                                      runs: dict) -> None:
    run: StationRun = next(iter(runs.values()))
    path = tmp_path / "nores.sdbundle"
    path.write_bytes(run.export(with_results=False))
    assert _import(db_path, path)[0][0] == "accepted"
    with TallyDB.open(db_path) as db:
        station = next(s for v in build_view(db).villages for s in v.stations
                       if (v.code, s.code) == (run.village, run.station))
    assert station.status == "missing" and not station.counted


def test_database_refuses_another_record(tmp_path: Path, db_path: Path) -> None:
    from tally.errors import DatabaseError

    other = make_test_election(tmp_path / "o", villages=1, seed=3)
    with pytest.raises(DatabaseError, match="different public election record"):
        TallyDB.open(db_path, other.record_bytes)
    with pytest.raises(DatabaseError, match="does not exist"):
        TallyDB.open(tmp_path / "none.sqlite")
