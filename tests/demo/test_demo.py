"""The main job end to end: `suaradesa demo` on 3 real Banyuasin villages.

Runs the real command in a child process (provisioning, one kiosk engine per station with
its SQLCipher database, the printer simulator for the QR photo, the tally CLI) with a
small number of voters per station to keep the suite fast.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from suaradesa.demo.run import DemoResult, check, tamper

pytestmark = pytest.mark.slow


def _demo(out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "suaradesa", "demo", "--villages", "3", "--max-voters", "12",
         "--workers", "2", "--seed", "11", "--out", str(out), *extra],
        capture_output=True, text=True, timeout=900, check=False,
    )


def _stations(out: Path) -> dict[str, dict]:
    """Stations by the name the demo prints: 'village name/station code'."""
    report = json.loads((out / "tally" / "results.json").read_text(encoding="utf-8"))
    return {f"{v['name']}/{s['code']}": s for v in report["villages"] for s in v["stations"]}


def _trouble(text: str) -> dict[str, str]:
    trouble = {}
    for part in text.split("(trouble: ", 1)[1].split(")", 1)[0].split(", "):
        kind, station = part.split(" at ")
        trouble[kind] = station
    return trouble


def _progress_everywhere(text: str) -> None:
    """Every step says how far it is: provisioning per village, stations, the tally's
    children (import, verify, publish) through their progress lines."""
    assert "villages provisioned 3/3" in text
    for step in ("importing", "verifying", "publishing"):
        assert re.search(rf"^ +{step} \d+/\S+$", text, re.M), step
    assert "report written: tally/results.pdf" in text
    assert "Kivy" not in text and "setuptools" not in text and "Warning" not in text


def test_clean_demo_tallies_every_station(tmp_path: Path) -> None:
    out = tmp_path / "clean"
    proc = _demo(out, "--clean")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "OK: tallied totals equal the decks cast" in proc.stdout.splitlines()[-1]
    stations = _stations(out)
    assert stations and all(s["status"] == "complete" for s in stations.values())
    assert (out / "tally" / "results.html").stat().st_size > 1000
    assert (out / "tally" / "results.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "bulletin" / "index.html").is_file()
    from tests.demo.spoiled_board import assert_board_checks_spoiled
    assert_board_checks_spoiled(out, tmp_path)  # the challenges, checked in the browser
    _progress_everywhere(proc.stdout)
    codes = re.findall(r"^ +([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})  (\S.*?): counted",
                       proc.stdout, re.M)
    assert len(codes) == 2 and codes[0][1].split("/")[0] != codes[1][1].split("/")[0]
    for code, _where in codes:  # found on the board: in the kode/ part of its first letters
        assert code in (out / "bulletin" / "kode" / f"{code[:2]}.js").read_text(encoding="utf-8")


def test_demo_with_trouble_reports_each_problem(tmp_path: Path) -> None:
    out = tmp_path / "trouble"
    proc = _demo(out)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    text = proc.stdout
    trouble = _trouble(text)
    assert set(trouble) == {"duplicate", "qr_only", "tampered", "missing"}
    stations = _stations(out)
    assert stations[trouble["qr_only"]]["status"] == "provisional"
    assert stations[trouble["missing"]]["status"] == "missing"
    assert stations[trouble["tampered"]]["status"] == "rejected"  # not "missing": it came
    assert stations[trouble["tampered"]]["cause"] == "signature"
    assert stations[trouble["duplicate"]]["status"] == "complete"
    assert "1 duplicate" in text
    assert "tampered bundle rejected" in text and "signature" in text
    assert stations[trouble["duplicate"]]["ballots"] == len(
        _deck(out, stations, trouble["duplicate"]).split()) - 1  # counted once
    _progress_everywhere(text)
    # two codes: a counted station's (on the board) and the QR-only station's (not yet)
    lines = re.findall(r"^ +([0-9A-Z]{4}(?:-[0-9A-Z]{4}){3})  (\S.*?): (.*)$", text, re.M)
    assert [where for _c, where, _n in lines][1] == trouble["qr_only"]
    (counted, _w, _n), (pending, _w2, note) = lines
    assert "not found yet" in note
    assert counted in (out / "bulletin" / "kode" / f"{counted[:2]}.js").read_text(encoding="utf-8")
    part = out / "bulletin" / "kode" / f"{pending[:2]}.js"
    assert not part.exists() or pending not in part.read_text(encoding="utf-8")
    # usb/ and photos/ hold only what arrived: importing them again tells the same story
    assert not stations[trouble["missing"]]["bundle"]
    delivered = sorted(p.parent.name for p in (out / "usb").rglob("*.sdbundle"))
    assert len(delivered) == len(stations) - 2 + 1  # no missing, no QR-only; one second copy
    again = out / "again.sqlite"
    record = out / "election" / "election.json"
    authority = (out / "election" / "authority.txt").read_text(encoding="utf-8").split()[0]
    base = [sys.executable, "-m", "suaradesa", "tally", "import", "--db", str(again),
            "--record", str(record), "--authority", authority]
    subprocess.run([*base, str(out / "usb"), str(out / "photos")], capture_output=True,
                   text=True, timeout=600, check=False)
    subprocess.run([sys.executable, "-m", "suaradesa", "tally", "results", "--db", str(again),
                    "--format", "json", "--out", str(out / "again.json")], check=True,
                   capture_output=True, timeout=600)
    first = json.loads((out / "tally" / "results.json").read_text(encoding="utf-8"))
    second = json.loads((out / "again.json").read_text(encoding="utf-8"))
    assert [[(s["code"], s["status"], s["votes"]) for s in v["stations"]]
            for v in second["villages"]] == [
        [(s["code"], s["status"], s["votes"]) for s in v["stations"]] for v in first["villages"]]


def _deck(out: Path, stations: dict[str, dict], where: str) -> str:
    """The deck file of a station named 'village name/TPS-xx' (files are named by code)."""
    report = json.loads((out / "tally" / "results.json").read_text(encoding="utf-8"))
    name, station = where.split("/")
    code = next(v["code"] for v in report["villages"] if v["name"] == name)
    return (out / "decks" / f"{code}_{station}.csv").read_text()


def test_check_catches_a_tally_that_differs_from_the_decks(tmp_path: Path) -> None:
    """The demo's own final check must be able to fail."""
    from ballotcore.election import parse_definition
    from suaradesa.demo.decks import StationDeck

    body = {
        "election_id": "e1", "name": "Pilkades", "date": "2026-12-01", "regency": "Kab",
        "languages": ["id"],
        "villages": [{
            "code": "V1", "name": "Desa", "district": "Kec", "threshold": 1,
            "candidates": [{"number": 1, "name": "A"}, {"number": 2, "name": "B"}],
            "stations": [{"code": "TPS-01", "dpt": 10}], "trustees": [{"index": 1, "name": "T"}],
        }],
    }
    definition = parse_definition(body)
    decks = {("V1", "TPS-01"): StationDeck("V1", "TPS-01", (1, 1, 2))}
    station = {"code": "TPS-01", "status": "complete", "counted": True, "votes": [2, 1]}
    report = {"villages": [{"code": "V1", "stations": [station],
                            "candidates": [{"votes": 2}, {"votes": 1}]}]}
    good = DemoResult(tmp_path, definition, decks, {}, report)
    check(good)
    assert good.problems == []
    bad_report = copy.deepcopy(report)
    bad_report["villages"][0]["stations"][0]["votes"] = [1, 2]
    bad_report["villages"][0]["candidates"] = [{"votes": 1}, {"votes": 2}]
    bad = DemoResult(tmp_path, definition, decks, {}, bad_report)
    check(bad)
    assert len(bad.problems) == 2


def test_tampering_keeps_json_valid_but_changes_the_count() -> None:
    data = b'{"results":{"votes":[{"number":1,"votes":17},{"number":2,"votes":3}]}}'
    changed = tamper(data)
    assert json.loads(changed)["results"]["votes"][0]["votes"] == 22


def test_live_demo_delivers_through_the_intake_server(tmp_path: Path) -> None:
    """`--live`: the stations send through their outboxes as they close; the photo, the
    tampered stick and the second copy are posted; the tally is the same as imported."""
    from tests.tally.live import free_port

    out = tmp_path / "live"
    proc = _demo(out, "--live", "--live-port", str(free_port()))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    text = proc.stdout
    assert "live dashboard: http://127.0.0.1:" in text and "sent: sent (accepted)" in text
    assert "posted" in text and ": duplicate" in text and ": provisional" in text
    assert "live: " in text and "p99" in text
    trouble = _trouble(text)
    stations = _stations(out)
    assert stations[trouble["qr_only"]]["status"] == "provisional"
    assert stations[trouble["missing"]]["status"] == "missing"
    assert stations[trouble["tampered"]]["status"] == "rejected"
    assert stations[trouble["duplicate"]]["status"] == "complete"
    assert not (out / "tally" / "tally.sqlite-wal").exists()  # a clean stop: one file again
