"""An outside verifier following only docs/PROTOCOL.md reproduces every published total."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature

from ballotcore.group import L
from ballotcore.signing import sign
from ballotcore.tracking import tracking_code
from tally.db import TallyDB
from tally.importer import import_paths
from tally.publish import publish
from tests.tally.factory import Election, StationRun, deck, deck_totals, run_station
from tests.tally.outside_verifier import canonical, verify_board


@pytest.fixture()
def board(tmp_path: Path, db_path: Path, bundle_dir: Path, runs: dict) -> Path:
    """Every station delivered except the last; the first delivered twice (a later export)."""
    keys = sorted(runs)
    usb = tmp_path / "usb"
    usb.mkdir()
    for f in sorted(bundle_dir.iterdir()):
        if not f.name.startswith(f"{keys[-1][0]}_{keys[-1][1]}"):
            (usb / f.name).write_bytes(f.read_bytes())
    (usb / "later.sdbundle").write_bytes(runs[keys[0]].export(extra_events=1))
    with TallyDB.open(db_path) as db:
        report = import_paths(db, [usb])
        assert not report.rejected, report
        publish(db, tmp_path / "site")
    return tmp_path / "site" / "data"


def _published(data: Path) -> dict[str, dict]:
    return {p.parent.name: json.loads(p.read_text()) for p in data.glob("*/results.json")}


def test_outside_verifier_reproduces_every_village_total(board: Path, election: Election) -> None:
    mine = verify_board(board, election.authority_id)
    published = _published(board)
    assert set(mine) == set(published) and len(mine) == 3
    for code, v in published.items():
        assert mine[code]["votes"] == [c["votes"] for c in v["candidates"]], code
        assert mine[code]["ballots"] == v["ballots"]
        assert mine[code]["winner"] == v["winner"] and mine[code]["tie"] == v["tie"]
        assert mine[code]["complete"] == (v["status"] == ["complete"])
    assert any(v["winner"] is not None for v in published.values())  # something to check
    assert any(v["status"] != ["complete"] for v in published.values())  # the missing one


def test_outside_verifier_catches_an_edited_board(board: Path, election: Election) -> None:
    """Positive control: a changed count in a published bundle fails its signature."""
    path = next(board.glob("*/*.sdbundle"))
    path.write_bytes(path.read_bytes().replace(b'"activations":', b'"activations":1', 1))
    with pytest.raises(InvalidSignature):
        verify_board(board, election.authority_id)


# ---- spoiled (Benaloh-challenged) ballots ----

@pytest.fixture(scope="module")
def spoiled_board(tmp_path_factory: pytest.TempPathFactory, election: Election
                  ) -> tuple[Path, dict[str, StationRun]]:
    """The first village's stations played with challenges, imported and published."""
    base = tmp_path_factory.mktemp("outside-spoiled")
    village = election.stations[0][0]
    n = election.n_candidates(village)
    stations = [s for v, s in election.stations if v == village]
    played = {s: run_station(election, village, s, deck(900 + i, n, 5),
                             challenges=[n - 1, 0] if i == 0 else [i % n])
              for i, s in enumerate(stations)}
    usb = base / "usb"
    usb.mkdir()
    for s, run in played.items():
        (usb / f"{village}_{s}.sdbundle").write_bytes(run.export())
    db = base / "tally.sqlite"
    TallyDB.open(db, election.record_bytes, election.authority_id).close()
    with TallyDB.open(db) as tdb:
        assert not import_paths(tdb, [usb]).rejected
        publish(tdb, base / "site")
    return base / "site" / "data", played


def _forge(data: Path, run: StationRun, change: Callable[[dict[str, Any]], None],
           resign_spoiled: bool = True) -> None:
    """Change the first spoiled ballot of `run`'s published bundle; re-sign with its kiosk.

    Every spoiled ballot is re-signed, not only the first: a change that re-sorts the list
    (`_cast_id`) may move the changed one to any place, and which place depends on the
    random ballot ids."""
    path = data / run.village / f"{run.station}.sdbundle"
    env = json.loads(path.read_bytes())
    change(env["body"])
    key = run.kiosk.key
    if resign_spoiled and "spoiled" in env["body"]:
        for item in env["body"]["spoiled"]:
            item["sig"] = sign(key, "spoiled-ballot", canonical(
                {"$magic": "SD/spoiled", "$v": 1, **item["spoiled"]})).hex()
    env["sig"] = sign(key, "bundle", canonical(env["body"])).hex()
    path.write_bytes(canonical(env))


def test_outside_verifier_opens_every_spoiled_ballot_and_counts_none(
        spoiled_board: tuple[Path, dict[str, StationRun]], election: Election) -> None:
    data, played = spoiled_board
    village = next(iter(played.values())).village
    mine = verify_board(data, election.authority_id)[village]
    want = sorted((tracking_code(x.spoiled.ballot.digest()), x.spoiled.candidate)
                  for run in played.values() for x in run.spoiled)
    assert mine["spoiled"] == want and len(want) == len(played) + 1
    assert mine["ballots"] == sum(len(r.choices) for r in played.values())
    n = election.n_candidates(village)
    assert mine["votes"] == [sum(c) for c in zip(*(deck_totals(r.choices, n)
                                                   for r in played.values()), strict=True)]


def _bump_nonce(body: dict[str, Any]) -> None:
    nonces = body["spoiled"][0]["spoiled"]["nonces"]
    nonces[0] = ((int.from_bytes(bytes.fromhex(nonces[0]), "little") + 1) % L).to_bytes(
        32, "little").hex()


def _other_candidate(body: dict[str, Any]) -> None:
    record = body["spoiled"][0]["spoiled"]
    record["candidate"] = record["candidate"] % len(record["nonces"]) + 1


def _cast_id(body: dict[str, Any]) -> None:
    body["spoiled"][0]["spoiled"]["ballot"] = body["ballots"][0]["ballot"]
    body["spoiled"].sort(key=lambda x: x["spoiled"]["ballot"]["ballot_id"])


def _drop(body: dict[str, Any]) -> None:
    body["spoiled"].pop(0)


@pytest.mark.parametrize(("change", "error"), [
    (_bump_nonce, "does not re-encrypt"),
    (_other_candidate, "does not re-encrypt"),
    (_cast_id, "cast ballot's id"),
    (_drop, "1 spoiled ballots but 2 challenges"),
])
def test_outside_verifier_refuses_a_forged_spoiled_ballot(
        change: Callable[[dict[str, Any]], None], error: str, tmp_path: Path,
        spoiled_board: tuple[Path, dict[str, StationRun]], election: Election) -> None:
    data, played = spoiled_board
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    _forge(copy, next(iter(played.values())), change)
    with pytest.raises(ValueError, match=error):
        verify_board(copy, election.authority_id)


def test_outside_verifier_refuses_an_unsigned_spoiled_ballot(
        tmp_path: Path, spoiled_board: tuple[Path, dict[str, StationRun]],
        election: Election) -> None:
    data, played = spoiled_board
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    _forge(copy, next(iter(played.values())), _bump_nonce, resign_spoiled=False)
    with pytest.raises(InvalidSignature):
        verify_board(copy, election.authority_id)


def test_outside_ristretto_agrees_with_ballotcore() -> None:
    """The outside verifier's own ristretto255 against ballotcore's (libsodium) on random
    multiples of G and of another point; a wrong multiple and a bad encoding are refused."""
    import secrets

    from ballotcore import group
    from tests.tally import outside_ristretto as rist

    for _ in range(4):
        k, j = secrets.randbelow(group.L), secrets.randbelow(group.L)
        K = group.base_mul(k)
        assert rist.equal(rist.mul(k, rist.G), rist.decode(K))
        assert rist.equal(rist.mul(j, rist.decode(K)), rist.decode(group.mul(j, K)))
        assert not rist.equal(rist.mul(k + 1, rist.G), rist.decode(K))
    assert rist.equal(rist.decode(bytes(32)), rist.IDENTITY)
    for bad in (bytes([1]) + bytes(31), b"\xff" * 32, bytes(31)):
        with pytest.raises(ValueError):
            rist.decode(bad)
