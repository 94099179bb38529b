"""`tally publish`: a static, offline bulletin board for voters and village offices.

Layout of the output folder (created; refused if it exists and is not empty)::

    index.html                 villages, regency summary, a search box for tracking codes and
                               the stations whose codes are not on the board yet (and why)
    kode/<XY>.js               the tracking codes starting with XY (32 x 32 small files): the
                               search loads only the one file a typed code needs, through a
                               <script> tag, so it works from file:// without a network
    desa/<village>.html        per village: results, every station's figures and hashes,
                               and every tracking code (sorted, so no cast order shows);
                               every spoiled (checked) ballot with the candidate it
                               encrypts, under its tracking code, marked NOT COUNTED
    data/election.json         the public election record, byte for byte
    data/<village>/<station>.sdbundle   the counted bundle (or each side of a conflict)
    data/<village>/results.json         the village's tally as in `tally results --format json`
    verify.html, verifier/     the in-browser verifier (`tally.webboard`); it reads
    data/election.js, data/<village>/bundles.js   the same data as scripts (file:// fetches nothing)
    BACA-SAYA.txt              how to re-verify everything with the tally tool

Tracking codes are `ballotcore.tracking.tracking_code(ballot.digest())` of every ballot in
the bundles held for the station; a voter who kept the code from the kiosk finds their
Tracking codes are `ballotcore.tracking.tracking_code(ballot.digest())` of every ballot in
the bundles held for the station; a voter who kept the code from the kiosk finds their
encrypted ballot here, and anyone can re-check the tally from the published data. A voter
who checked a ballot at the kiosk (Benaloh challenge) finds its code with the candidate the
opened ballot encrypts (verified by `verify_bundle` from the revealed nonces), so they can
see that the kiosk encrypted what they chose. Pages use only inline CSS and JS and the
board's own `kode/` files: they work from a USB stick without a network, and no page grows
with the size of the regency (a village page holds only that village's codes, under 1 MB
for the largest Banyuasin village).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape
from pathlib import Path

from ballotcore.errors import BallotCoreError
from ballotcore.tracking import tracking_code
from ballotcore.verify import verify_bundle
from tally.db import TallyDB
from tally.errors import TallyError
from tally.model import TallyView, build_view
from tally.report import pct_text, village_dict
from tally.report_html import bar_chart
from tally.webboard import write_election_data, write_verifier, write_village_data

_CSS = (
    "body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:60rem;color:#222}"
    "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.2rem .5rem}"
    "th{background:#eee}code{font-size:.95rem}.codes{columns:4 11rem;font-family:monospace}"
    "#q{font-size:1.2rem;padding:.3rem;width:16rem}#answer{font-weight:bold;margin:.5rem 0}"
    ".muted{color:#666;font-size:.85rem}"
)
_CSP = (
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
    "style-src 'unsafe-inline'; script-src 'self' 'unsafe-inline' file:\">"
)
_SEARCH_JS = """
(function () {
  var pending = JSON.parse(document.getElementById('pending').textContent);
  var alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  window.SD_KODE = window.SD_KODE || {};
  function normalize(text) {
    var s = text.toUpperCase().replace(/[\\s-]/g, '')
      .replace(/O/g, '0').replace(/[IL]/g, '1');
    if (s.length !== 16) { return null; }
    for (var i = 0; i < s.length; i++) { if (alphabet.indexOf(s[i]) < 0) { return null; } }
    return s.slice(0, 4) + '-' + s.slice(4, 8) + '-' + s.slice(8, 12) + '-' + s.slice(12);
  }
  var q = document.getElementById('q');
  var answer = document.getElementById('answer');
  function line(text) {
    var p = document.createElement('div');
    p.textContent = text;
    answer.appendChild(p);
  }
  function show(code) {
    var hit = (window.SD_KODE[code.slice(0, 2)] || {})[code];
    answer.textContent = '';
    if (!hit) {
      line(code + ': tidak ditemukan / not found');
      if (pending.length) {
        line('Kode dari TPS berikut belum ada di papan (bundel belum masuk) / codes of these ' +
             'stations are not on the board yet (no bundle received):');
        pending.forEach(function (p) { line(p[0] + ', ' + p[1] + ': ' + p[2]); });
      }
      answer.setAttribute('data-found', '0');
      return;
    }
    var link = document.createElement('a');
    link.href = 'desa/' + hit[0] + '.html#' + code;
    link.textContent = code + ': ditemukan / found - ' + hit[1] + ', ' + hit[2] + ' (' + hit[3] + ')';
    answer.appendChild(link);
    answer.setAttribute('data-found', '1');
  }
  function search() {
    var code = normalize(q.value);
    answer.textContent = '';
    answer.removeAttribute('data-found');
    if (!q.value.trim()) { return; }
    if (code === null) {
      answer.textContent = 'Bukan kode pelacakan (16 huruf/angka) / not a tracking code';
      return;
    }
    var part = code.slice(0, 2);
    if (window.SD_KODE[part] !== undefined) { show(code); return; }
    var tag = document.createElement('script');
    tag.src = 'kode/' + part + '.js';
    tag.onload = function () { show(code); };
    tag.onerror = function () { window.SD_KODE[part] = {}; show(code); };
    document.head.appendChild(tag);
  }
  if (location.hash.indexOf('#q=') === 0) { q.value = decodeURIComponent(location.hash.slice(3)); }
  q.addEventListener('input', search);
  document.getElementById('go').addEventListener('click', search);
  search();
  document.body.setAttribute('data-ready', '1');
})();
"""


#: A checked (spoiled) ballot on the board: tracking code, candidate number, candidate name.
Checked = tuple[str, int, str]

#: Held bundles whose bytes (and tracking codes) the board publishes: the counted one, and
#: every side of an open conflict, so that anyone can check either.
_PUBLISHED = ("counted", "unverified", "conflict")


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8">{_CSP}'
        f'<meta name="viewport" content="width=device-width">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>{body}</body></html>\n"
    )


def _prepare(out: Path) -> None:
    if out.is_symlink():
        raise TallyError(f"{out} is a symbolic link; give a real folder")
    if out.exists():
        if not out.is_dir():
            raise TallyError(f"{out} exists and is not a folder")
        if any(out.iterdir()):
            raise TallyError(f"{out} is not empty; publish into a new folder")
    out.mkdir(parents=True, exist_ok=True)


def publish(
    db: TallyDB,
    out: Path,
    *,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[], None] | None = None,
) -> int:
    """Write the bulletin board (see module docstring); return the number of codes."""
    _prepare(out)
    view = build_view(db)
    write_verifier(out, view.name)
    (out / "data").mkdir()
    (out / "data" / "election.json").write_bytes(db.record.raw)
    write_election_data(out, db.record.raw, db.authority)
    codes: dict[str, dict[str, list[str]]] = {}
    spoiled: dict[str, dict[str, list[Checked]]] = {}
    if on_start is not None:
        on_start(len(view.villages))
    for v in view.villages:
        folder = out / "data" / v.code
        folder.mkdir()
        vdata = village_dict(v)
        (folder / "results.json").write_text(
            json.dumps(vdata, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        station_codes: dict[str, list[str]] = {}
        published: dict[str, bytes] = {}
        station_spoiled: dict[str, list[Checked]] = {}
        names = {c["number"]: c["name"] for c in vdata["candidates"]}
        for s in v.stations:
            found: list[str] = []
            checked: list[Checked] = []
            shown = sorted(h.digest for h in s.held if h.state in _PUBLISHED)
            for digest in shown:
                data = db.bundle_data(digest)
                try:
                    bundle = verify_bundle(data, db.record).bundle
                except BallotCoreError as exc:
                    raise TallyError(f"stored bundle {digest[:16]} of {v.code}/{s.code} does "
                                     f"not verify ({exc}); run tally verify") from exc
                name = s.code if len(shown) == 1 else f"{s.code}_{digest[:16]}"
                (folder / f"{name}.sdbundle").write_bytes(data)
                published[f"{name}.sdbundle"] = data
                found.extend(tracking_code(b.ballot.digest()) for b in bundle.ballots)
                checked.extend(
                    (tracking_code(x.spoiled.ballot.digest()), x.spoiled.candidate,
                     str(names.get(x.spoiled.candidate, "?")))
                    for x in bundle.spoiled
                )
            station_codes[s.code] = sorted(found)
            station_spoiled[s.code] = sorted(checked)
        codes[v.code] = station_codes
        spoiled[v.code] = station_spoiled
        write_village_data(folder, v.code, published, vdata)
        if on_done is not None:
            on_done()
    total = write_board(out, view, codes, spoiled)
    (out / "BACA-SAYA.txt").write_text(_readme(db.authority), encoding="utf-8")
    return total


def write_board(out: Path, view: TallyView, codes: dict[str, dict[str, list[str]]],
                spoiled: dict[str, dict[str, list[Checked]]] | None = None) -> int:
    """The pages of the board: `desa/`, `kode/` and `index.html`, from the view, each
    station's tracking codes (`codes[village][station]`) and its checked (spoiled) ballots
    (`spoiled[village][station]`: code, candidate number, name); returns the number of
    counted-ballot codes (a checked ballot's code is searchable but not counted)."""
    (out / "desa").mkdir(exist_ok=True)
    (out / "kode").mkdir(exist_ok=True)
    parts: dict[str, dict[str, list[str]]] = {}
    pending: list[list[str]] = []
    total = 0
    for v in view.villages:
        vdata = village_dict(v)
        station_codes = codes.get(v.code, {})
        station_spoiled = (spoiled or {}).get(v.code, {})
        for s in v.stations:
            for code, number, cname in station_spoiled.get(s.code, []):
                parts.setdefault(code[:2], {})[code] = [
                    v.code, v.name, s.code,
                    f"uji / check: No. {number} {cname} - TIDAK DIHITUNG / NOT COUNTED"]
            found = station_codes.get(s.code, [])
            total += len(found)
            for code in found:
                parts.setdefault(code[:2], {})[code] = [v.code, v.name, s.code, s.status]
            if not any(h.state in _PUBLISHED for h in s.held):
                pending.append([v.name, s.code, _PENDING.get(s.status, _PENDING["missing"])])
        (out / "desa" / f"{v.code}.html").write_text(
            _village_page(vdata, station_codes, view.name, station_spoiled), encoding="utf-8"
        )
    for part, entries in sorted(parts.items()):
        payload = json.dumps(entries, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
        (out / "kode" / f"{part}.js").write_text(
            f"window.SD_KODE=window.SD_KODE||{{}};window.SD_KODE[{json.dumps(part)}]={payload};\n",
            encoding="utf-8")
    (out / "index.html").write_text(_index_page(view.name, view.regency, view.date,
                                                 view.villages, total, pending),
                                                encoding="utf-8")
    return total


#: Why a station's codes are not on the board yet, by station status.
_PENDING = {
    "provisional": "hanya foto QR hasil, bundel belum masuk / only a results QR, no bundle yet",
    "missing": "belum ada data / nothing received yet",
    "rejected": "kiriman ditolak, menunggu bundel yang sah / delivery rejected",
    "anomaly": "foto QR hasil tidak sama, bundel belum masuk / QR photos disagree",
}


def _spoiled_section(rows: list[Checked]) -> str:
    """The station's checked (spoiled) ballots: tracking code, candidate, NOT COUNTED."""
    if not rows:
        return ""
    items = "".join(
        f'<tr id="{code}"><td><code>{code}</code></td><td>{number}</td>'
        f"<td>{escape(name)}</td><td>TIDAK DIHITUNG / NOT COUNTED</td></tr>"
        for code, number, name in rows
    )
    return (
        f'<p>{len(rows)} surat suara uji (dibuka, tidak dihitung) / checked ballots (opened, '
        'not counted):</p><table class="spoiled"><tr><th>Kode / code</th><th>No.</th>'
        f"<th>Calon / candidate</th><th></th></tr>{items}</table>"
    )


def _village_page(v: dict, station_codes: dict[str, list[str]], election: str,
                  station_spoiled: dict[str, list[Checked]] | None = None) -> str:
    cands = v["candidates"]
    chart = bar_chart([f'{c["number"]}. {c["name"]}' for c in cands], [c["votes"] for c in cands])
    rows = "".join(
        f'<tr><td>{c["number"]}</td><td>{escape(c["name"])}</td><td>{c["votes"]}</td></tr>'
        for c in cands
    )
    stations = []
    for s in v["stations"]:
        codes = station_codes.get(s["code"], [])
        items = "".join(f'<div id="{c}">{c}</div>' for c in codes)
        votes = "-" if s["votes"] is None else " / ".join(str(x) for x in s["votes"])
        stations.append(
            f'<h3>{escape(s["code"])} - {escape(s["status"])}</h3>'
            f'<p>DPT {s["dpt"]}, surat suara / ballots {s["ballots"]}, suara / votes {votes}'
            f'<br><span class="muted">bundle {escape(s["bundle"] or "-")}, kiosk '
            f'{escape(s["kiosk_id"] or "-")}; data: <a href="../data/{escape(v["code"])}/">'
            f"data/{escape(v['code'])}/</a></span></p>"
            f"<p>{len(codes)} kode pelacakan / tracking codes:</p><div class=\"codes\">{items}</div>"
            + _spoiled_section((station_spoiled or {}).get(s["code"], []))
        )
    tie = " (SERI / TIE)" if v["tie"] else ""
    body = (
        f'<p><a href="../index.html">&larr; semua desa / all villages</a></p>'
        f'<h1>{escape(v["name"])} <span class="muted">{escape(v["code"])}</span></h1>'
        f'<p><a href="../verify.html?village={escape(v["code"])}">Periksa di peramban ini / '
        "verify in this browser</a></p>"
        f'<p>{escape(election)} - Kec. {escape(v["district"])} - status '
        f'{escape(", ".join(v["status"]))}{tie}</p>{chart}'
        f"<table><tr><th>No.</th><th>Calon</th><th>Suara</th></tr>{rows}</table>"
        f'<p>Pemilih {v["ballots"]} / DPT {v["dpt"]} ({pct_text(v["turnout_percent"])})</p>'
        + "".join(stations)
    )
    return _page(f"{v['name']} - {election}", body)


def _index_page(name: str, regency: str, date: str, villages: tuple, n_codes: int,
                pending: list[list[str]]) -> str:
    links = "".join(
        f'<tr><td><a href="desa/{escape(v.code)}.html">{escape(v.name)}</a></td>'
        f"<td>{escape(v.code)}</td><td>{escape(v.district)}</td>"
        f"<td>{escape(', '.join(v.status))}</td></tr>"
        for v in villages
    )
    payload = json.dumps(pending, ensure_ascii=True).replace("</", "<\\/")
    body = (
        f"<h1>Papan Pengumuman / Bulletin board</h1><p>{escape(name)} - {escape(regency)} - "
        f"{escape(date)}</p>"
        "<h2>Cari kode pelacakan / find your tracking code</h2>"
        '<p><input id="q" type="search" placeholder="XXXX-XXXX-XXXX-XXXX" autocomplete="off">'
        ' <button id="go" type="button">Cari / search</button></p><div id="answer"></div>'
        f"<p class=\"muted\">{n_codes} kode / codes. Data to verify the tally: "
        '<a href="data/">data/</a> (see BACA-SAYA.txt)</p>'
        "<h2>Desa / villages</h2><table><tr><th>Desa</th><th>Kode</th><th>Kecamatan</th>"
        f"<th>Status</th></tr>{links}</table>"
        f'<script type="application/json" id="pending">{payload}</script>'
        f"<script>{_SEARCH_JS}</script>"
    )
    return _page(f"Papan pengumuman - {name}", body)


def _readme(authority: str) -> str:
    return (
        "PAPAN PENGUMUMAN SUARADESA / SUARADESA BULLETIN BOARD\n\n"
        "Buka index.html di peramban mana pun (tanpa internet). Cari kode pelacakan Anda.\n"
        "Open index.html in any browser (no internet needed) and search your tracking code.\n\n"
        "Periksa di peramban / verify in a browser: buka / open verify.html\n"
        "  (verify.html?village=KODE&auto=1 starts at once; no internet needed)\n\n"
        "Verifikasi ulang / re-verify the tally:\n"
        f"  suaradesa tally import --db check.sqlite --record data/election.json "
        f"--authority {authority} data\n"
        "  suaradesa tally verify --db check.sqlite --full\n"
        "  suaradesa tally results --db check.sqlite --format json --out check.json\n\n"
        f"Compare the authority key id {authority} with the one the regency published.\n"
    )
