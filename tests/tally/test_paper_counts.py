"""Officials' audit-box paper counts: through the real server (login, CSRF, expiry, wrong
station, implausible numbers: each refused and logged), compared with what counts
(a matching count: no anomaly; a mismatching one: an anomaly in every report), and the
console path (`tally paper-count`) writing the same row and audit entry."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner

from suaradesa.cli import cli
from tally.audit import audit_log
from tally.db import PaperCount, TallyDB
from tally.model import build_view
from tally.paper import Comparison
from tally.report import to_dict
from tally.report_html import to_html
from tally.report_pdf import to_pdf
from tests.programs import require_program
from tests.tally.factory import StationRun
from tests.tally.live import LiveServer

PASSWORD = "benar-sekali-42"


def _audit(db_path: Path) -> list[tuple[str, str, str, str, str]]:
    with TallyDB.open(db_path) as db:
        return [(str(a["user"]), str(a["action"]), str(a["outcome"]), str(a["detail"]),
                 str(a["remote"])) for a in reversed(audit_log(db))]


def _station(c: httpx.Client, village: str, station: str, seen: Any) -> dict[str, Any]:
    """The station from /api/v1/stations once the view shows `seen(station)` (the view is
    rebuilt after a change; this waits for it, bounded, without timing anything)."""
    for _ in range(600):
        for s in c.get("/api/v1/stations").json():
            if (s["village"], s["code"]) == (village, station) and seen(s):
                return dict(s)
        time.sleep(0.05)
    raise AssertionError(f"the view never showed the change at {village}/{station}")


def test_paper_counts_through_the_server_and_the_console(
        tmp_path: Path, db_path: Path, runs: dict[tuple[str, str], StationRun]) -> None:
    add = CliRunner().invoke(cli, ["tally", "users", "add", "--db", str(db_path), "--name",
                                   "camat", "--display", "Ibu Camat"],
                             input=f"{PASSWORD}\n{PASSWORD}\n")
    assert add.exit_code == 0, add.output
    run = next(iter(runs.values()))
    ballots = len(run.ballots)
    with TallyDB.open(db_path) as db:
        st = next(s for v in db.record.definition.villages if v.code == run.village
                  for s in v.stations if s.code == run.station)
    limit = st.dpt + (st.dptb or 0)
    good = {"village": run.village, "station": run.station, "paper_records": ballots}
    clock = [1_800_000_000.0]
    with LiveServer(db_path, now=lambda: clock[0]) as url, httpx.Client(
            base_url=url, timeout=60) as c:
        assert c.post("/api/v1/deliveries", content=run.export()).json()["outcome"] == \
            "accepted"
        # not logged in
        assert c.post("/api/v1/paper-counts", json=good).status_code == 401
        csrf = c.get("/api/v1/session").json()["csrf"]
        r = c.post("/api/v1/login", json={"user": "camat", "password": PASSWORD},
                   headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200
        token = r.json()["csrf"]
        # logged in, but no / a wrong CSRF token
        assert c.post("/api/v1/paper-counts", json=good).status_code == 403
        assert c.post("/api/v1/paper-counts", json=good,
                      headers={"X-CSRF-Token": csrf}).status_code == 403
        ok = {"X-CSRF-Token": token}
        # unknown station, negative, more than DPT + DPTb, not a number
        wrong = c.post("/api/v1/paper-counts", headers=ok,
                       json={**good, "station": "TPS-99"})
        assert wrong.status_code == 422 and "no such station" in wrong.json()["error"]
        neg = c.post("/api/v1/paper-counts", headers=ok, json={**good, "paper_records": -1})
        assert neg.status_code == 422 and "negative" in neg.json()["error"]
        absurd = c.post("/api/v1/paper-counts", headers=ok,
                        json={**good, "paper_records": limit + 1})
        assert absurd.status_code == 422
        assert f"DPT + DPTb ({limit})" in absurd.json()["error"]
        text = c.post("/api/v1/paper-counts", headers=ok, json={**good, "paper_records": "8"})
        assert text.status_code == 422 and "whole number" in text.json()["error"]
        assert c.post("/api/v1/paper-counts", headers=ok,
                      json={**good, "paper_records": 8.5}).status_code == 400
        with TallyDB.open(db_path) as db:
            assert db.latest_paper_counts() == {}
        # a matching count: the statement is shown, no anomaly
        r = c.post("/api/v1/paper-counts", headers=ok, json=good)
        assert r.status_code == 200, r.text
        assert r.json()["official"] == "Ibu Camat" and r.json()["user"] == "camat"
        s = _station(c, run.village, run.station, lambda s: s["paper_count"] is not None)
        assert s["status"] == "complete" and s["paper_count"]["matches"] is True
        assert s["paper_count"]["records"] == ballots and s["votes"] is not None
        assert any("Ibu Camat (camat)" in n for n in s["notes"])
        # positive control: a mismatching count (a later entry) is an anomaly everywhere
        r = c.post("/api/v1/paper-counts", headers=ok,
                   json={**good, "paper_records": ballots - 1})
        assert r.status_code == 200, r.text
        s = _station(c, run.village, run.station, lambda s: s["status"] == "anomaly")
        assert s["paper_count"]["records"] == ballots - 1
        assert s["paper_count"]["matches"] is False
        assert any(f"{ballots} ballots counted" in n for n in s["notes"])
        assert s["ballots"] == ballots  # the statement never changes a count
        problems = c.get("/api/v1/results").json()["problems"]
        assert any(p["station"] == run.station and p["status"] == "anomaly"
                   for p in problems)
        assert any(a["action"] == "paper_count" and a["outcome"] == "ok"
                   for a in c.get("/api/v1/audit").json())
        page = c.get("/")
        assert 'id="paper-form"' in page.text and "<script>" not in page.text
        # the session expires (8 h after login)
        clock[0] += 9 * 3600
        assert c.post("/api/v1/paper-counts", headers=ok, json=good).status_code == 401

    with TallyDB.open(db_path) as db:
        data = to_dict(build_view(db))
        html = to_html(build_view(db))
    station = next(s for v in data["villages"] if v["code"] == run.village
                   for s in v["stations"] if s["code"] == run.station)
    assert station["status"] == "anomaly"
    assert f"the officials&#x27; paper count {ballots - 1} differs" in html or \
        f"the officials' paper count {ballots - 1} differs" in html
    # the PDF report's Berita Acara carries the difference and the attributed statement
    pdftotext = require_program("pdftotext", "poppler-utils")
    pdf = tmp_path / "report.pdf"
    with TallyDB.open(db_path) as db:
        pdf.write_bytes(to_pdf(build_view(db)))
    text = " ".join(subprocess.run([pdftotext, str(pdf), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert f"hitungan kertas petugas {ballots - 1} tidak sama dengan {ballots} suara" in text
    assert "Ibu Camat (camat)" in text
    assert f"{ballots - 1} (berbeda di 1 TPS)" in text  # the Berita Acara's total line

    log = _audit(db_path)
    refused = [(u, a, d) for u, a, o, d, _ in log if o == "refused" and a == "paper_count"]
    assert ("", "paper_count", "not logged in") in refused
    assert ("camat", "paper_count", "missing or wrong CSRF token") in refused
    assert ("", "paper_count", "session expired or unknown") in refused
    details = [d for _, _, d in refused]
    assert any("TPS-99" in d and "no such station" in d for d in details)
    assert any("negative" in d for d in details)
    assert any(f"DPT + DPTb ({limit})" in d for d in details)
    oks = [(u, d) for u, a, o, d, _ in log if a == "paper_count" and o == "ok"]
    assert [u for u, _ in oks] == ["camat", "camat"]  # every entry stays in the log

    # the console: the same row and audit entry, under the stated name; it replaces the
    # server's entry for reading (and matches: no anomaly any more)
    args = ["tally", "paper-count", "--db", str(db_path), "--village", run.village,
            "--station", run.station, "--official", "Pak Sekcam"]
    refused_cli = CliRunner().invoke(cli, [*args, "--count", "-3"])
    assert refused_cli.exit_code == 1 and "negative" in refused_cli.output
    done = CliRunner().invoke(cli, [*args, "--count", str(ballots)])
    assert done.exit_code == 0, done.output
    with TallyDB.open(db_path) as db:
        latest = db.latest_paper_counts()[(run.village, run.station)]
        rows = db.conn.execute("SELECT COUNT(*) FROM paper_counts").fetchone()[0]
        view = to_dict(build_view(db))
    assert (latest.records, latest.official, latest.user, latest.source) == (
        ballots, "Pak Sekcam", "", "cli")
    assert rows == 3
    station = next(s for v in view["villages"] if v["code"] == run.village
                   for s in v["stations"] if s["code"] == run.station)
    assert station["status"] == "complete" and station["paper_count"]["matches"]
    tail = _audit(db_path)[-2:]
    assert [(u, a, o, r) for u, a, o, _, r in tail] == [
        ("Pak Sekcam", "paper_count", "refused", "cli"),
        ("Pak Sekcam", "paper_count", "ok", "cli")]


def test_the_comparison_also_checks_the_kiosk_poll_book_count() -> None:
    entry = PaperCount("V", "TPS-01", 9, "camat", "Ibu Camat", "server", "2026-12-01T10:00:00Z")
    assert Comparison(entry, 9, 9).differences == ()
    assert Comparison(entry, 9, None).differences == ()
    (one,) = Comparison(entry, 9, 8).differences
    assert "kiosk poll book's 8" in one
    assert len(Comparison(entry, 10, 8).differences) == 2
    assert "Ibu Camat (camat)" in Comparison(entry, None, None).statement()


def test_the_dashboard_form_enters_a_count(tmp_path: Path, db_path: Path,
                                           runs: dict[tuple[str, str], StationRun]) -> None:
    """Headless Chromium: log in, enter a mismatching count with the form; the village card
    and the problem list show it after the live update, with no console error or CSP
    violation."""
    from tests.tally.cdp import Browser

    add = CliRunner().invoke(cli, ["tally", "users", "add", "--db", str(db_path), "--name",
                                   "camat", "--display", "Ibu Camat", "--password", PASSWORD])
    assert add.exit_code == 0, add.output
    run = next(iter(runs.values()))
    wrong = len(run.ballots) + 1
    with LiveServer(db_path) as url, Browser(tmp_path / "profile") as browser:
        assert httpx.post(f"{url}/api/v1/deliveries", content=run.export(),
                          timeout=60).json()["outcome"] == "accepted"
        browser.navigate(f"{url}/")
        browser.wait_for("Number(document.body.dataset.version) >= 0")
        assert browser.eval("document.getElementById('paper-box').hidden") is True
        browser.eval("document.getElementById('login-user').value = 'camat';"
                     f" document.getElementById('login-password').value = '{PASSWORD}';"
                     " document.getElementById('login-form').requestSubmit(); 1")
        browser.wait_for("!document.getElementById('paper-box').hidden")
        browser.wait_for("document.getElementById('paper-station').options.length > 0")
        browser.eval(f"document.getElementById('paper-station').value = "
                     f"'{run.village}\\u0000{run.station}';"
                     f" document.getElementById('paper-count').value = '{wrong}';"
                     " document.getElementById('paper-form').requestSubmit(); 1")
        result = browser.wait_for("document.getElementById('paper-result').textContent")
        assert f"{run.village}/{run.station} {wrong}" in result, result
        line = browser.wait_for(
            f"(document.querySelector('.village[data-code=\"{run.village}\"] .paper.error')"
            " || {}).textContent")
        assert f"{run.station}: hitungan kertas {wrong} - Ibu Camat (camat)" in line, line
        problems = browser.wait_for(
            "document.getElementById('problems').textContent.includes('anomali') &&"
            " document.getElementById('problems').textContent")
        assert f"{wrong}" in problems
        assert browser.problems() == []


def test_a_database_from_before_paper_counts_gains_the_table(db_path: Path) -> None:
    """Named migrations: a 0002 database (made before this feature) gets 0003 on open."""
    import sqlite3

    conn = sqlite3.connect(db_path)
    conn.execute("DROP TABLE paper_counts")
    conn.execute("DELETE FROM migrations WHERE name = '0003_paper_counts'")
    conn.commit()
    conn.close()
    with TallyDB.open(db_path) as db:
        names = [r[0] for r in db.conn.execute("SELECT name FROM migrations ORDER BY name")]
        assert names[-1] == "0003_paper_counts"
        assert db.latest_paper_counts() == {}
