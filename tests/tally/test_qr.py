"""Results QR photos: a receipt rendered by the printer simulator, photographed, imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from tally.db import TallyDB
from tally.importer import import_paths
from tally.model import StationView, build_view
from tests.tally.conftest import held_digest
from tests.tally.factory import Election, StationRun
from tests.tally.receipt import phone_photo, render_results_receipt


def _names(election: Election, village: str) -> list[str]:
    return [c.name for c in election.record.definition.village(village).candidates]


def _station(db_path: Path, run: StationRun) -> StationView:
    with TallyDB.open(db_path) as db:
        return next(s for v in build_view(db).villages for s in v.stations
                    if (v.code, s.code) == (run.village, run.station))


def _import(db_path: Path, *paths: Path) -> list[str]:
    with TallyDB.open(db_path) as db:
        return [f"{o.status}: {o.message}" for o in import_paths(db, list(paths)).outcomes]


@pytest.fixture(scope="module")
def run(runs: dict) -> StationRun:
    return max(runs.values(), key=lambda r: len(r.ballots))


def test_phone_photo_of_the_receipt_imports_and_matches_its_bundle(
    tmp_path: Path, db_path: Path, election: Election, run: StationRun
) -> None:
    receipt = render_results_receipt(run.results_envelope(), run.results(),
                                     _names(election, run.village))
    photo = tmp_path / "foto.jpg"
    photo.write_bytes(phone_photo(receipt, angle=8, scale=0.7))
    (outcome,) = _import(db_path, photo)
    assert outcome.startswith("provisional"), outcome
    station = _station(db_path, run)
    assert station.status == "provisional" and list(station.votes or ()) == list(run.counts)
    bundle = tmp_path / "b.sdbundle"
    bundle.write_bytes(run.export())
    assert _import(db_path, bundle)[0].startswith("accepted")
    station = _station(db_path, run)
    assert station.status == "complete" and station.source == "bundle" and not station.notes
    before = held_digest(db_path)
    assert _import(db_path, photo)[0].startswith("duplicate")
    assert held_digest(db_path) == before


def test_parts_spread_over_several_photos_are_joined(
    tmp_path: Path, db_path: Path, election: Election, run: StationRun
) -> None:
    receipt = render_results_receipt(run.results_envelope(), run.results(),
                                     _names(election, run.village))
    top = receipt.crop((0, 0, receipt.width, receipt.height * 2 // 3))
    bottom = receipt.crop((0, receipt.height // 2, receipt.width, receipt.height))
    a, b = tmp_path / "a.jpg", tmp_path / "b.png"
    a.write_bytes(phone_photo(top, angle=-5, scale=0.75))
    b.write_bytes(phone_photo(bottom, angle=90, scale=0.75))
    outcomes = _import(db_path, a, b)
    assert [o.split(":")[0] for o in outcomes] == ["provisional"], outcomes


def test_a_qr_that_disagrees_with_its_bundle_is_an_anomaly(
    tmp_path: Path, db_path: Path, election: Election, run: StationRun
) -> None:
    altered = tuple(reversed(run.counts))
    assert altered != run.counts
    receipt = render_results_receipt(run.results_envelope(counts=altered),
                                     run.results(counts=altered), _names(election, run.village))
    photo = tmp_path / "beda.png"
    photo.write_bytes(phone_photo(receipt, angle=3, scale=0.8))
    bundle = tmp_path / "b.sdbundle"
    bundle.write_bytes(run.export())
    outcomes = _import(db_path, bundle, photo)
    assert [o.split(":")[0] for o in outcomes] == ["accepted", "provisional"]
    station = _station(db_path, run)
    assert station.status == "anomaly"
    assert any("QR differs" in n for n in station.notes)
    assert list(station.votes or ()) == list(run.counts)  # the bundle is what counts


def test_forged_or_foreign_qr_is_rejected(
    tmp_path: Path, db_path: Path, election: Election, runs: dict, run: StationRun
) -> None:
    other = next(r for r in runs.values() if r.village != run.village)
    receipt = render_results_receipt(run.results_envelope(key=other.kiosk.key), run.results(),
                                     _names(election, run.village))
    photo = tmp_path / "palsu.png"
    photo.write_bytes(phone_photo(receipt, angle=0, scale=1.0))
    test_mode = tmp_path / "uji.png"
    test_mode.write_bytes(phone_photo(render_results_receipt(
        run.results_envelope(mode="test"), run.results(mode="test"),
        _names(election, run.village)), angle=0, scale=1.0))
    before = held_digest(db_path)
    outcomes = _import(db_path, photo, test_mode)
    assert all(o.startswith("rejected") for o in outcomes), outcomes
    assert any("signature does not verify" in o for o in outcomes)
    assert any("test-mode" in o for o in outcomes)
    assert held_digest(db_path) == before


def test_photo_without_a_qr_is_rejected(tmp_path: Path, db_path: Path) -> None:
    from PIL import Image

    blank = tmp_path / "kosong.png"
    Image.new("L", (400, 300), 255).save(blank)
    (outcome,) = _import(db_path, blank)
    assert outcome.startswith("rejected") and "no QR code" in outcome
