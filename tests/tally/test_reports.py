"""Reports and the bulletin board: content, ties, HTML in headless Chromium, PDF to PNG."""

from __future__ import annotations

import csv
import io
import json
import re
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
    assert console == "" and 'data-found="1"' in dom  # found through its kode/ file
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


def _pdf_pages(pdf: Path, tmp: Path) -> tuple[list[Path], list[str]]:
    """Every page of `pdf` as a PNG (pdftoppm) and as text (pdftotext, reading order: a
    wrapped cell's lines stay together)."""
    pdftoppm = require_program("pdftoppm", "poppler-utils")
    pdftotext = require_program("pdftotext", "poppler-utils")
    subprocess.run([pdftoppm, "-r", "60", "-png", str(pdf), str(tmp / "ba")], check=True,
                   timeout=120)
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout
    return sorted(tmp.glob("ba-*.png")), text.split("\f")


def _squash(text: str) -> str:
    """Text without any white space: a wrapped cell compares equal, a cut one does not."""
    return "".join(text.split())


def test_berita_acara_has_every_field_of_the_pilkades_form(tmp_path: Path, full_db: Path,
                                                           election: Election) -> None:
    out = tmp_path / "r.pdf"
    _run("results", "--db", str(full_db), "--format", "pdf", "--out", str(out))
    _run("results", "--db", str(full_db), "--format", "json", "--out", str(tmp_path / "r.json"))
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    pngs, pages = _pdf_pages(out, tmp_path)
    assert len(pngs) >= 1 + len(data["villages"])
    for png in pngs:  # every page has content
        assert sum(Image.open(png).convert("L").histogram()[:128]) > 2000
    pages = [_squash(p) for p in pages]
    flat = "".join(pages)
    definition = election.record.definition
    assert definition.time_zone == "WIB"  # Banyuasin, from provision sample
    for number, v in enumerate(data["villages"], start=1):
        vdef = definition.village(v["code"])
        ba = next(part for part in flat.split(_squash("BERITA ACARA REKAPITULASI HASIL"))
                  if part.startswith(_squash(f"PENGHITUNGAN SUARA PEMILIHAN KEPALA DESA "
                                             f"{v['name'].upper()} KECAMATAN")))
        assert _squash(f"Nomor: {number:03d}/BA-REKAP/PILKADES/{v['code']}/") in ba
        assert _squash(f"bertempat di Desa {v['name']}") in ba
        assert re.search(r"ditutuppukul\d\d\.\d\dWIB", ba)  # local time, zone named
        male = sum(s.dpt_male or 0 for s in vdef.stations)
        assert _squash(f"DPT laki-laki {male}") in ba
        assert _squash(f"DPT perempuan {vdef.dpt - male}") in ba
        assert _squash(f"Jumlah pemilih dalam DPT {v['dpt']}") in ba
        # a wrapped value cell's lines interleave with its row's label in reading order
        assert _squash("A.4 Pemilih tambahan (DPTb)") in ba
        assert _squash("tidak tercatat dalam definisi") in ba
        assert _squash(f"menggunakan hak pilih {v['ballots']}") in ba
        assert _squash(f"tidak datang {v['dpt'] - v['ballots']}") in ba
        assert _squash("Jumlah suara tidak sah") in ba
        assert _squash("0 (pemungutan suara elektronik: setiap surat suara") in ba
        assert _squash(f"Jumlah suara sah {sum(c['votes'] for c in v['candidates'])}") in ba
        assert _squash("KEJADIAN KHUSUS DAN KEBERATAN SAKSI") in flat
        for member in vdef.committee:
            assert _squash(member.name) in ba and member.role in ba
        for c in v["candidates"]:
            assert _squash(c["name"]) in ba
        assert _squash("SAKSI CALON KEPALA DESA") in ba
    summary = pages[0]
    for v in data["villages"]:  # the outcome column gives number and name, uncut
        if v["winner"] is not None:
            name = next(c["name"] for c in v["candidates"] if c["number"] == v["winner"])
            assert _squash(f"Terpilih: No. {v['winner']} {name}") in summary
    assert _squash("Partisipasi atas DPT TPS yang sudah masuk") in summary


def test_pdf_tables_wrap_and_repeat_their_header(tmp_path: Path) -> None:
    """A long name wraps onto a second line instead of being cut, and a table that runs
    over a page repeats its header row (positive control: the text is all there)."""
    from tally.pdfdoc import Doc

    pdf = Doc()
    pdf.add_page()
    long_name = "Tirta Mulya (Tirtomulyo) Kecamatan Banyuasin Tiga Ujung Tanjung"
    pdf.grid(["Desa", "Partisipasi"], [[long_name, "12.34%"]]
             + [[f"Desa-{i}", f"{i}%"] for i in range(80)], [30, 20], {1})
    out = tmp_path / "g.pdf"
    out.write_bytes(bytes(pdf.output()))
    pngs, pages = _pdf_pages(out, tmp_path)
    assert len(pages) >= 2 and len(pngs) >= 2
    assert _squash(long_name) in _squash(pages[0]).replace("12.34%", "")
    assert all("Partisipasi" in p for p in pages if p.strip())
    assert "Desa-79" in pages[-1] or "Desa-79" in pages[-2]


def test_berita_acara_says_what_the_definition_does_not_record(tmp_path: Path,
                                                               full_db: Path) -> None:
    """No committee, no DPT by sex: the page says so and invents no name; times are in the
    definition's zone (WITA here: the view carries WIB when the definition omits it)."""
    from tally.berita_acara import village_page
    from tally.db import TallyDB
    from tally.model import build_view
    from tally.pdfdoc import Doc
    from tally.report import to_dict

    with TallyDB.open(full_db) as db:
        data = to_dict(build_view(db))
    assert data["election"]["time_zone"] == "WIB"
    data["election"]["time_zone"] = "WITA"
    village = dict(data["villages"][0], committee=[], dpt_male=None, dpt_female=None)
    pdf = Doc()
    village_page(pdf, data, village, 1)
    out = tmp_path / "bare.pdf"
    out.write_bytes(bytes(pdf.output()))
    text = _squash("".join(_pdf_pages(out, tmp_path)[1]))
    assert _squash("Susunan panitia tidak tercatat dalam definisi pemilihan") in text
    assert re.search(r"ditutuppukul\d\d\.\d\dWITA", text) and "UTC" not in text
    assert _squash("A.1 Pemilih dalam DPT laki-laki") in text
    assert "WIB" not in text and "Ketua" not in text


def test_html_village_filter_knows_the_indonesian_status_words(tmp_path: Path,
                                                                db_path: Path,
                                                                election: Election) -> None:
    """Officials type "belum", "sementara" or "ditolak": the village's search text holds
    them beside the English status (positive control: a complete village has "lengkap"
    and not "belum")."""

    lone = next(v for v in election.record.definition.villages if len(v.stations) == 1)
    path = tmp_path / "one.sdbundle"
    path.write_bytes(run_station(election, lone.code, lone.stations[0].code, [0, 1]).export())
    _run("import", "--db", str(db_path), str(path))
    out = tmp_path / "r.html"
    _run("results", "--db", str(db_path), "--format", "html", "--out", str(out))
    search = dict(re.findall(r'id="v-([^"]+)" data-search="([^"]*)"',
                             out.read_text(encoding="utf-8")))
    assert "lengkap" in search[lone.code] and "belum" not in search[lone.code]
    others = [code for code in search if code != lone.code]
    assert others and all("belum" in search[code] for code in others)
