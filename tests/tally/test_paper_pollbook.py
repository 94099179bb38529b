"""The officials' paper count against a real kiosk's poll book: a station whose package
had a voter list carries the kiosk officers' own audit-box count (signed in its log); the
tally compares the officials' hand count with it and with the ballots counted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.engine import KioskEngine
from provisioning.testing import ElectionFixture
from tally.db import TallyDB
from tally.importer import import_paths
from tally.model import StationView, build_view
from tally.paper import enter_paper_count
from tests.kiosk.helpers import add_trustees, custom_election, officer_pins, vote
from tests.kiosk.voters import pollbook_engine, voters_for


@pytest.fixture(scope="module")
def election2(tmp_path_factory: pytest.TempPathFactory) -> ElectionFixture:
    return custom_election(tmp_path_factory.mktemp("paper"), ["Ani", "Budi"], 50)


def _bundle(fx: ElectionFixture, data: Path, usb: Path, kiosk_paper: int) -> Path:
    """Two checked-in voters, two ballots; the kiosk officers enter `kiosk_paper`."""
    e: KioskEngine = pollbook_engine(fx, data, voters_for(fx, 10))
    pin = officer_pins(fx)[1]
    for dpt, n in ((3, 1), (5, 2)):
        e.check_in(dpt)
        vote(e, pin, n)
    usb.mkdir()
    e.close_polls(officer_pins(fx)[0], paper_records=kiosk_paper)
    add_trustees(e, fx, [1, 2, 3])
    e.compute_results()
    return e.export(usb).path


def _station(db: TallyDB) -> StationView:
    (s,) = [s for v in build_view(db).villages for s in v.stations if s.bundle]
    return s


def test_the_officials_count_is_compared_with_the_kiosk_poll_book(
        election2: ElectionFixture, fast_dir: Callable[[str], Path], tmp_path: Path) -> None:
    bundle = _bundle(election2, fast_dir("kiosk-data-"), tmp_path / "usb", kiosk_paper=2)
    with TallyDB.open(tmp_path / "t.sqlite", election2.election_json.read_bytes(),
                      election2.authority_id) as db:
        import_paths(db, [bundle])
        before = _station(db)
        assert before.status == "complete" and before.pollbook is not None
        assert before.pollbook.paper_records == 2
        village, station = next((v.code, s.code) for v in build_view(db).villages
                                for s in v.stations if s.bundle)
        enter_paper_count(db, village, station, 2, user="", official="Pak Sekcam",
                          source="cli", remote="cli")
        same = _station(db)
        assert same.status == "complete" and same.paper is not None
        assert same.paper.kiosk_paper == 2 and same.paper.differences == ()
        assert same.votes == before.votes
        # positive control: one record more than the kiosk counted and than the ballots
        enter_paper_count(db, village, station, 3, user="", official="Pak Sekcam",
                          source="cli", remote="cli")
        other = _station(db)
        assert other.status == "anomaly" and other.counted and other.votes == before.votes
        assert other.paper is not None and len(other.paper.differences) == 2
        assert any("kiosk poll book's 2" in n for n in other.notes)
        assert any("from the 2 ballots counted" in n for n in other.notes)


def test_a_kiosk_count_that_differs_alone_is_named(
        election2: ElectionFixture, fast_dir: Callable[[str], Path], tmp_path: Path) -> None:
    """The kiosk officers miscounted (1 record, 2 ballots); the officials count 2: the one
    difference named is the kiosk's."""
    bundle = _bundle(election2, fast_dir("kiosk-data-"), tmp_path / "usb", kiosk_paper=1)
    with TallyDB.open(tmp_path / "t.sqlite", election2.election_json.read_bytes(),
                      election2.authority_id) as db:
        import_paths(db, [bundle])
        (village, station) = next((v.code, s.code) for v in build_view(db).villages
                                  for s in v.stations if s.bundle)
        enter_paper_count(db, village, station, 2, user="", official="Pak Sekcam",
                          source="cli", remote="cli")
        s = _station(db)
    assert s.status == "anomaly" and s.paper is not None
    (only,) = s.paper.differences
    assert "kiosk poll book's 1" in only
