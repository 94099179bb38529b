"""The HTML results report: one offline file, inline CSS, inline SVG charts, tiny inline JS.

No network resource of any kind (no fonts, scripts, images or styles from elsewhere), so
it opens the same on a laptop without internet in the district office. A Content
Security Policy in the page forbids loading anything external. The script only filters
the village list; the report is complete without it. Every text from the record is
HTML-escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

from tally.model import TallyView
from tally.pollbook import pollbook_line
from tally.report import CAUSE_TEXT, pct_text, to_dict

_STATUS_ID = {
    "complete": "Lengkap / complete",
    "provisional": "Sementara / provisional",
    "missing stations": "TPS belum masuk / missing stations",
    "missing": "Belum masuk / missing",
    "conflict": "Konflik / conflict",
    "anomaly": "Anomali / anomaly",
    "rejected": "Ditolak / rejected",
    "unverified": "Belum diverifikasi / not yet verified",
}
_COLORS = ("#1b6ca8", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f", "#30638e")

_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222;max-width:70rem}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-bottom:.2rem}
table{border-collapse:collapse;margin:.4rem 0}td,th{border:1px solid #bbb;padding:.2rem .5rem}
th{background:#eee;text-align:left}td.n{text-align:right}
.village{border-top:2px solid #444;padding-top:.6rem;margin-top:1.2rem}
.badge{display:inline-block;padding:0 .4rem;border-radius:.3rem;margin-right:.3rem;
font-size:.85rem;background:#ddd}
.b-complete{background:#cdeccd}.b-provisional{background:#fff1b8}
.b-conflict,.b-anomaly,.b-rejected{background:#f7c6c6}.b-unverified{background:#fde2c4}
.problems{border:2px solid #b00;padding:.4rem .8rem}.b-missing,.b-missing-stations{background:#e6e6e6}
.tie{color:#b00;font-weight:bold}.muted{color:#666;font-size:.85rem}
#filter{padding:.3rem;width:20rem}
"""

_JS = """
(function () {
  var input = document.getElementById('filter');
  var villages = document.querySelectorAll('section.village');
  function apply() {
    var q = input.value.trim().toLowerCase();
    var shown = 0;
    villages.forEach(function (v) {
      var hit = !q || v.getAttribute('data-search').indexOf(q) >= 0;
      v.style.display = hit ? '' : 'none';
      if (hit) { shown += 1; }
    });
    document.getElementById('shown').textContent = String(shown);
  }
  input.addEventListener('input', apply);
  apply();
  document.body.setAttribute('data-ready', '1');
})();
"""


def _badge(status: str) -> str:
    cls = "b-" + status.replace(" ", "-")
    return f'<span class="badge {cls}">{escape(_STATUS_ID.get(status, status))}</span>'


def bar_chart(labels: list[str], values: list[int], width: int = 560) -> str:
    """A horizontal bar chart as inline SVG (no script, no external reference)."""
    row, label_w = 26, 220
    height = row * len(values) + 8
    top = max(values) if values and max(values) > 0 else 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="votes per candidate">'
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 4 + i * row
        w = int((width - label_w - 60) * value / top)
        color = _COLORS[i % len(_COLORS)]
        parts.append(
            f'<text x="0" y="{y + 16}" font-size="12">{escape(label[:32])}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{row - 8}" fill="{color}"/>'
            f'<text x="{label_w + w + 4}" y="{y + 16}" font-size="12">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _status_text(s: dict[str, Any]) -> str:
    """A station's status badge, with the cause of a rejection ("ditolak (...)")."""
    badge = _badge(s["status"])
    if s["status"] == "rejected" and s["cause"]:
        badge += f'<span class="muted">({escape(CAUSE_TEXT.get(s["cause"], s["cause"]))})</span>'
    return badge


def _problems(data: dict[str, Any]) -> str:
    """Stations an official must act on, first in the report."""
    if not data["problems"]:
        return "<p>Tidak ada TPS bermasalah / no problem stations.</p>"
    rows = "".join(
        f'<tr><td>{escape(p["village"])}</td><td>{escape(p["station"])}</td>'
        f'<td>{_status_text(p)}</td><td>{escape("; ".join(p["notes"]))}'
        + _held(p["held_bundles"])
        + (f'<br><code>{escape(p["resolve_command"])}</code>' if p["resolve_command"] else "")
        + "</td></tr>"
        for p in data["problems"]
    )
    return (
        '<section class="problems" id="problems"><h2>TPS bermasalah / problem stations</h2>'
        "<table><tr><th>Desa</th><th>TPS</th><th>Status</th><th>Catatan / notes</th></tr>"
        f"{rows}</table></section>"
    )


def _held(held: list[dict[str, Any]]) -> str:
    """The bundles of a conflict, with what an official needs to choose between them."""
    if not held:
        return ""
    rows = "".join(
        f'<tr><td><code>{escape(h["digest"][:16])}</code></td><td>{escape(h["kiosk_id"])}</td>'
        f'<td class="n">{h["ballots"]}</td><td>{escape(h["exported_at"])}</td>'
        f'<td>{escape(h["state"])}</td><td>{escape("; ".join(h["differs"]))}</td></tr>'
        for h in held
    )
    return ("<table><tr><th>Bundel / bundle</th><th>Kios</th><th>Surat suara</th>"
            "<th>Ekspor / exported</th><th>Status</th><th>Beda / differs</th></tr>"
            f"{rows}</table>")


def _incidents(data: dict[str, Any]) -> str:
    """Kejadian khusus: every delivery that was not simply accepted, and the resolutions."""
    shown = [i for i in data["incidents"] if i["outcome"] != "accepted"]
    accepted = len(data["incidents"]) - len(shown)
    rows = "".join(
        f'<tr><td>{escape(str(i["at"]))}</td><td>{escape(str(i["village"]))}/'
        f'{escape(str(i["station"]))}</td><td>{escape(str(i["outcome"]))}</td>'
        f'<td>{escape(CAUSE_TEXT.get(str(i["cause"]), str(i["cause"])))}</td>'
        f'<td>{escape(str(i["source"]))}</td><td class="muted">{escape(str(i["reason"]))}'
        f'<br>sha256 {escape(str(i["file_sha256"]) or "-")}</td></tr>'
        for i in shown
    )
    res = "".join(
        f'<tr><td>{escape(str(r["at"]))}</td><td>{escape(str(r["village"]))}/'
        f'{escape(str(r["station"]))}</td><td>{escape(str(r["official"]))}</td>'
        f'<td>{escape(str(r["reason"]))}</td><td><code>{escape(str(r["kept"])[:16])}</code></td>'
        "</tr>"
        for r in data["resolutions"]
    )
    return (
        '<section id="incidents"><h2>Kejadian khusus / incidents</h2>'
        f"<p>{accepted} kiriman diterima / deliveries accepted; lainnya / others:</p>"
        "<table><tr><th>Waktu / time</th><th>TPS</th><th>Hasil / outcome</th><th>Sebab / "
        "cause</th><th>Berkas / file</th><th>Alasan / reason</th></tr>"
        f"{rows}</table>"
        "<h3>Keputusan konflik / resolutions</h3>"
        "<table><tr><th>Waktu</th><th>TPS</th><th>Pejabat / official</th><th>Alasan / why"
        f"</th><th>Dihitung / kept</th></tr>{res}</table></section>"
    )


def _village(v: dict[str, Any]) -> str:
    cands = v["candidates"]
    labels = [f'{c["number"]}. {c["name"]}' for c in cands]
    chart = bar_chart(labels, [c["votes"] for c in cands])
    if v["tie"]:
        outcome = (
            '<p class="tie">SERI / TIE between ballot numbers '
            + ", ".join(str(n) for n in v["leading"]) + " - not broken by the tally</p>"
        )
    elif v["winner"] is not None:
        name = next(c["name"] for c in cands if c["number"] == v["winner"])
        outcome = f'<p><b>Pemenang / winner:</b> {v["winner"]}. {escape(name)}</p>'
    elif v["leading"]:
        name = next(c["name"] for c in cands if c["number"] == v["leading"][0])
        outcome = f'<p><b>Unggul sementara / leading:</b> {v["leading"][0]}. {escape(name)}</p>'
    else:
        outcome = "<p>Belum ada suara terhitung / no votes counted yet.</p>"
    rows = []
    for c in cands:
        rows.append(
            f'<tr><td>{c["number"]}</td><td>{escape(c["name"])}</td>'
            f'<td class="n">{c["votes"]}</td><td class="n">{c["percent"]:.2f}%</td></tr>'
        )
    srows = []
    for s in v["stations"]:
        votes = "-" if s["votes"] is None else " / ".join(str(x) for x in s["votes"])
        book = pollbook_line(s.get("pollbook"))
        notes = escape("; ".join([*s["notes"], book] if book else s["notes"]))
        srows.append(
            f'<tr><td>{escape(s["code"])}</td><td>{_status_text(s)}</td>'
            f'<td class="n">{s["dpt"]}</td><td class="n">{s["ballots"]}</td>'
            f'<td class="n">{pct_text(s["turnout_percent"])}</td><td>{votes}</td>'
            f'<td class="muted">{notes}</td></tr>'
        )
    # the filter matches status words in both languages ("belum", "sementara", "ditolak")
    words = " ".join(f"{x} {_STATUS_ID.get(x, x)}" for x in v["status"])
    search = escape(f'{v["code"]} {v["name"]} {v["district"]} {words}'.lower())
    badges = "".join(_badge(s) for s in v["status"])
    return (
        f'<section class="village" id="v-{escape(v["code"])}" data-search="{search}">'
        f'<h2>{escape(v["name"])} <span class="muted">{escape(v["code"])} - Kec. '
        f'{escape(v["district"])}</span></h2>{badges}{outcome}{chart}'
        '<table><tr><th>No.</th><th>Calon / candidate</th><th>Suara / votes</th><th>%</th></tr>'
        + "".join(rows)
        + f'</table><p>Pemilih / ballots {v["ballots"]} dari / of DPT {v["dpt"]} '
        f'(partisipasi / turnout {pct_text(v["turnout_percent"])})</p>'
        '<table><tr><th>TPS</th><th>Status</th><th>DPT</th><th>Surat suara / ballots</th>'
        '<th>Turnout</th><th>Suara per calon / votes</th><th>Catatan / notes</th></tr>'
        + "".join(srows)
        + "</table></section>"
    )


def to_html(view: TallyView) -> str:
    """The whole report as one HTML document (see module docstring)."""
    data = to_dict(view)
    e = data["election"]
    s = data["summary"]
    by = s["stations_by_status"]
    summary = (
        "<table><tr><th>Desa / villages</th><th>Lengkap / complete</th><th>Seri / ties</th>"
        "<th>TPS</th><th>TPS lengkap</th><th>Sementara</th><th>Belum masuk</th>"
        "<th>Konflik</th><th>Anomali</th><th>Ditolak</th><th>Belum diverifikasi</th>"
        "<th>Surat suara</th><th>DPT</th><th>Turnout</th></tr>"
        f'<tr><td class="n">{s["villages"]}</td><td class="n">{s["villages_complete"]}</td>'
        f'<td class="n">{s["villages_with_tie"]}</td><td class="n">{s["stations"]}</td>'
        f'<td class="n">{by["complete"]}</td><td class="n">{by["provisional"]}</td>'
        f'<td class="n">{by["missing"]}</td><td class="n">{by["conflict"]}</td>'
        f'<td class="n">{by["anomaly"]}</td><td class="n">{by["rejected"]}</td>'
        f'<td class="n">{by["unverified"]}</td><td class="n">{s["ballots_counted"]}</td>'
        f'<td class="n">{s["dpt"]}</td><td class="n">{s["turnout_percent"]:.2f}%</td></tr></table>'
    )
    done = [s["villages_complete"], s["villages"] - s["villages_complete"]]
    chart = bar_chart(["Desa lengkap / complete", "Belum lengkap / not yet"], done)
    villages = "".join(_village(v) for v in data["villages"])
    return (
        "<!DOCTYPE html>\n<html lang=\"id\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
        f"<title>Rekapitulasi {escape(e['name'])}</title><style>{_CSS}</style></head><body>"
        f"<h1>Rekapitulasi Hasil / Tally results: {escape(e['name'])}</h1>"
        f'<p>{escape(e["regency"])} - {escape(e["date"])} - election id '
        f'<code>{escape(e["election_id"])}</code></p>'
        f'<p class="muted">Public record {escape(e["record_digest"])}, authority '
        f'{escape(e["authority"])}</p>'
        f"<h2>Ringkasan kabupaten / regency summary</h2>{summary}{chart}{_problems(data)}"
        '<p><label>Cari desa / find a village: <input id="filter" type="search" '
        'placeholder="nama, kode, status"></label> <span id="shown"></span> shown</p>'
        f"{villages}{_incidents(data)}<script>{_JS}</script></body></html>\n"
    )
