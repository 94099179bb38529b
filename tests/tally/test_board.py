"""The bulletin board on a village phone: page sizes for all 304 Banyuasin villages, and
the search that loads one small code file (and says why a code may be missing).

The 304-village board is written by the real `tally.publish.write_board` from a view
built like `build_view`'s, with every station's DPT from `provision sample` and one
tracking code per registered voter (turnout 100%: the worst case); only the bundles
behind the codes are left out, since proving a million ballots would take hours.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from ballotcore.tracking import tracking_code
from provisioning.sample import write_sample
from provisioning.spec import parse_spec
from tally.model import HeldBundle, StationView, TallyView, VillageView
from tally.publish import write_board
from tests.tally.test_reports import chromium_dom

BUDGET = 1_000_000  # bytes a phone on a slow link loads for one village


def _station(code: str, dpt: int, status: str) -> StationView:
    counted = status == "complete"
    held = (HeldBundle("ab" * 32, "KIOS", dpt, "2026-11-22T06:00:00Z", "verified", "counted",
                       ()),) if counted else ()
    source = {"complete": "bundle", "provisional": "qr"}.get(status, "")
    return StationView(code, dpt, status, source, counted or status == "provisional",
                       (dpt, 0) if counted or status == "provisional" else None,
                       dpt if source else 0, dpt, 0, "KIOS" if source else "",
                       "ab" * 32 if counted else "", held, ())


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]], list]:
    root = tmp_path_factory.mktemp("board")
    write_sample("Kabupaten Banyuasin", root / "spec", None, seed=3, date=dt.date(2026, 11, 22))
    definition = parse_spec(root / "spec")
    villages, codes, pending = [], {}, []
    n = 0
    for v in definition.villages:
        stations = []
        codes[v.code] = {}
        for s in v.stations:
            n += 1
            status = "missing" if n % 23 == 0 else "provisional" if n % 17 == 0 else "complete"
            stations.append(_station(s.code, s.dpt, status))
            if status == "complete":
                codes[v.code][s.code] = sorted(
                    tracking_code(hashlib.sha256(f"{v.code}/{s.code}/{i}".encode()).digest())
                    for i in range(s.dpt))
            else:
                pending.append((v.name, s.code, status))
        votes = (sum(x.ballots for x in stations if x.counted), 0)
        villages.append(VillageView(
            v.code, v.name, v.district, tuple((c.number, c.name) for c in v.candidates[:2]),
            v.dpt, tuple(stations), votes, votes[0], ("complete",), (1,), False, 1))
    view = TallyView(definition.election_id, definition.name, definition.date,
                     definition.regency, "ab" * 8, "cd" * 32, tuple(villages), (), ())
    out = root / "site"
    out.mkdir()
    write_board(out, view, codes)
    return out, codes, pending


def test_every_page_of_a_304_village_board_fits_a_phone(board: tuple) -> None:
    out, codes, _ = board
    assert len(codes) == 304
    pages = sorted((out / "desa").glob("*.html"))
    assert len(pages) == 304
    sizes = {p.stem: p.stat().st_size for p in pages}
    largest = max(sizes, key=lambda k: sizes[k])
    total_codes = sum(len(c) for v in codes.values() for c in v.values())
    assert total_codes > 500_000  # the regency's scale, not a toy
    assert sizes[largest] < BUDGET, (largest, sizes[largest])
    assert (out / "index.html").stat().st_size < BUDGET
    parts = list((out / "kode").glob("*.js"))
    # the search loads index.html and one part: together well inside the budget
    assert len(parts) == 1024 and max(p.stat().st_size for p in parts) < 200_000
    # positive control: the village page does hold every code of its village
    page = (out / "desa" / f"{largest}.html").read_text(encoding="utf-8")
    assert all(c in page for s in codes[largest].values() for c in s[:50])


def test_search_loads_one_code_file_and_explains_a_missing_code(board: tuple,
                                                                tmp_path: Path) -> None:
    out, codes, pending = board
    village = next(v for v in codes if codes[v])
    code = next(iter(codes[village].values()))[0]
    dom, console = chromium_dom(f"{(out / 'index.html').as_uri()}#q={code.lower()}", tmp_path)
    assert console == "" and 'data-found="1"' in dom and "ditemukan / found" in dom
    absent = tracking_code(hashlib.sha256(b"never cast").digest())
    dom, console = chromium_dom(f"{(out / 'index.html').as_uri()}#q={absent}", tmp_path)
    assert console == "" and 'data-found="0"' in dom and "tidak ditemukan" in dom
    assert "belum ada di papan" in dom
    name, station, status = pending[0]
    assert f"{name}, {station}: " in dom
    assert ("hanya foto QR hasil" if status == "provisional" else "belum ada data") in dom
