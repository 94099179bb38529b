"""Reports and the bulletin board: content, ties, HTML in headless Chromium, PDF to PNG."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from suaradesa.cli import cli
from tally.cli import group
from tests.processes import run_group
from tests.programs import require_program
from tests.tally.factory import Election, run_station


def chromium_dom(url: str, tmp: Path) -> tuple[str, str]:
    """Load `url` in headless Chromium; return (DOM after scripts, console log lines)."""
    chromium = require_program("chromium", "chromium", "chromium-browser")
    proc = run_group(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp / 'chromium-profile'}",
         "--enable-logging=stderr", "--v=0", "--dump-dom", url],
        timeout=120, check=True,
    )
    console = [line for line in proc.stderr.splitlines() if "CONSOLE" in line]
    return proc.stdout, "\n".join(console)


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, ["tally", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture()
def full_db(db_path: Path, bundle_dir: Path) -> Path:
    _run("import", "--db", str(db_path), str(bundle_dir))
    return db_path


def test_json_and_csv_reports(tmp_path: Path, full_db: Path, decks: dict) -> None:
    _run("results", "--db", str(full_db), "--format", "json", "--out", str(tmp_path / "r.json"))
    _run("results", "--db", str(full_db), "--format", "csv", "--out", str(tmp_path / "r.csv"))
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["summary"]["stations_by_status"]["complete"] == len(decks)
    assert data["summary"]["ballots_counted"] == sum(len(d) for d in decks.values())
    rows = list(csv.DictReader(io.StringIO((tmp_path / "r.csv").read_text(encoding="utf-8"))))
    winners = [r for r in rows if r["result"] == "winner"]
    assert {r["village_code"] for r in winners} == {v["code"] for v in data["villages"]
                                                    if v["winner"] is not None}
    for v in data["villages"]:
        total = [int(r["votes"]) for r in rows
                 if r["village_code"] == v["code"] and r["station"] == "JUMLAH"]
        assert total == [c["votes"] for c in v["candidates"]]


def test_ties_are_flagged_not_broken(tmp_path: Path, db_path: Path, election: Election) -> None:
    lone = next(v for v in election.record.definition.villages if len(v.stations) == 1)
    station = lone.stations[0].code
    path = tmp_path / "tie.sdbundle"
    path.write_bytes(run_station(election, lone.code, station, [0, 1, 1, 0]).export())
    _run("import", "--db", str(db_path), str(path))
    _run("results", "--db", str(db_path), "--format", "json", "--out", str(tmp_path / "r.json"))
    village = next(v for v in json.loads((tmp_path / "r.json").read_text())["villages"]
                   if v["code"] == lone.code)
    assert village["status"] == ["complete"]
    assert village["tie"] is True and village["winner"] is None and village["leading"] == [1, 2]
    others = [v for v in json.loads((tmp_path / "r.json").read_text())["villages"]
              if v["code"] != lone.code]
    assert all("missing stations" in v["status"] for v in others)


def test_html_report_renders_offline_without_console_errors(tmp_path: Path,
                                                           full_db: Path) -> None:
    out = tmp_path / "r.html"
    _run("results", "--db", str(full_db), "--format", "html", "--out", str(out))
    html = out.read_text(encoding="utf-8")
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html and "<svg" in html
    dom, console = chromium_dom(out.as_uri(), tmp_path)
    assert 'data-ready="1"' in dom  # the inline script ran to its end
    assert console == ""


def test_chromium_console_check_can_fail(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><script>missingFunction();</script></body></html>")
    _, console = chromium_dom(bad.as_uri(), tmp_path)
    assert "Uncaught" in console


def test_pdf_berita_acara_converts_to_png(tmp_path: Path, full_db: Path,
                                          election: Election) -> None:
    out = tmp_path / "r.pdf"
    _run("results", "--db", str(full_db), "--format", "pdf", "--out", str(out))
    pdftoppm = require_program("pdftoppm", "poppler-utils")
    pdftotext = require_program("pdftotext", "poppler-utils")
    subprocess.run([pdftoppm, "-r", "50", "-png", str(out), str(tmp_path / "p")], check=True,
                   timeout=60)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) >= 1 + len(election.record.definition.villages)
    text = subprocess.run([pdftotext, str(out), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    assert "BERITA ACARA" in text and "REKAPITULASI HASIL PENGHITUNGAN SUARA" in text
    image = Image.open(pages[1]).convert("L")
    dark = sum(image.histogram()[:128])
    assert dark > 2000  # the page has content, not a blank sheet


def test_publish_bulletin_board_finds_a_tracking_code(tmp_path: Path, full_db: Path,
                                                      runs: dict) -> None:
    from ballotcore.tracking import tracking_code

    site = tmp_path / "site"
    _run("publish", "--db", str(full_db), "--out", str(site))
    run = next(iter(runs.values()))
    code = tracking_code(run.ballots[0].ballot.digest())
    page = (site / "desa" / f"{run.village}.html").read_text(encoding="utf-8")
    assert code in page
    assert sum(1 for _ in (site / "data").rglob("*.sdbundle")) == len(runs)
    typed = code.replace("-", "").lower().replace("0", "o")  # how a voter might type it
    dom, console = chromium_dom(f"{(site / 'index.html').as_uri()}#q={typed}", tmp_path)
    assert console == ""
    assert f"{code}: ditemukan / found" in dom
    dom, _ = chromium_dom(f"{(site / 'index.html').as_uri()}#q=AAAA-BBBB-CCCC-DDDD", tmp_path)
    assert "tidak ditemukan / not found" in dom
    result = CliRunner().invoke(cli, ["tally", "publish", "--db", str(full_db), "--out",
                                      str(site)])
    assert result.exit_code == 1 and "not empty" in result.output


def test_every_command_has_help() -> None:
    runner = CliRunner()
    for name, command in group.commands.items():
        result = runner.invoke(group, [name, "--help"])
        assert result.exit_code == 0 and (command.help or "").strip(), name


def test_cli_import_with_a_rejected_file_exits_1(tmp_path: Path, db_path: Path,
                                                 bundle_dir: Path) -> None:
    junk = tmp_path / "junk.sdbundle"
    junk.write_bytes(b"junk")
    result = CliRunner().invoke(cli, ["tally", "import", "--db", str(db_path), str(bundle_dir),
                                      str(junk)])
    assert result.exit_code == 1
    assert "1 input(s) rejected" in result.output and "accepted" in result.output
    result = CliRunner().invoke(cli, ["tally", "verify", "--db", str(db_path)])
    assert result.exit_code == 0 and "0 error(s)" in result.output
    result = CliRunner().invoke(cli, ["tally", "verify", "--db", str(tmp_path / "nope.sqlite")])
    assert result.exit_code == 1 and "does not exist" in result.output
