"""An outside verifier following only docs/PROTOCOL.md reproduces every published total."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature

from tally.db import TallyDB
from tally.importer import import_paths
from tally.publish import publish
from tests.tally.factory import Election
from tests.tally.outside_verifier import verify_board


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
