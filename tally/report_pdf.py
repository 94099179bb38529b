"""The PDF report: one Berita Acara (official counting record) per village, in Bahasa Indonesia.

Page 1 is the regency summary; then one page (or more) per village in the form of the
Berita Acara Rekapitulasi Hasil Penghitungan Suara: voter data, votes per candidate, the
per-station breakdown, the outcome (winner, tie, or a clear PROVISIONAL mark), the hashes
needed to verify it, and signature lines for the committee and the candidates' witnesses.

DejaVu Sans is used when the system has it (any Unicode name prints); otherwise the
built-in Helvetica with text reduced to Latin-1.
"""

from __future__ import annotations

from typing import Any

from tally.berita_acara import village_page
from tally.model import TallyView
from tally.pdfdoc import STATUS, Doc, tanggal
from tally.report import pct_text, to_dict


def _summary_page(pdf: Doc, data: dict[str, Any]) -> None:
    e, s = data["election"], data["summary"]
    pdf.add_page()
    pdf.line_text("REKAPITULASI HASIL PEMILIHAN KEPALA DESA SERENTAK", 13, True, "C", 7)
    pdf.line_text(f"{e['regency'].upper()}  -  {tanggal(e['date'])}", 11, True, "C", 7)
    pdf.ln(4)
    by = s["stations_by_status"]
    rows = [
        ["Jumlah desa", str(s["villages"])],
        ["Desa dengan hasil lengkap", str(s["villages_complete"])],
        ["Desa dengan suara terbanyak sama (seri)", str(s["villages_with_tie"])],
        ["Jumlah TPS", str(s["stations"])],
        ["TPS lengkap / sementara (QR) / belum masuk",
         f"{by['complete']} / {by['provisional']} / {by['missing']}"],
        ["TPS konflik / anomali / ditolak",
         f"{by['conflict']} / {by['anomaly']} / {by['rejected']}"],
        ["Pemilih yang menggunakan hak pilih", str(s["ballots_counted"])],
        ["Jumlah DPT (seluruh TPS)", str(s["dpt"])],
        ["Partisipasi atas seluruh DPT", pct_text(s["turnout_percent"])],
        ["DPT dari TPS yang sudah masuk", str(s["dpt_reporting"])],
        ["Partisipasi atas DPT TPS yang sudah masuk", pct_text(s["turnout_reporting_percent"])],
    ]
    pdf.grid(["Uraian", "Jumlah"], rows, [120, 54], {1})
    pdf.ln(3)
    vrows = []
    for v in data["villages"]:
        vrows.append([v["code"], v["name"], v["district"], pct_text(v["turnout_percent"], 1),
                      pct_text(v["turnout_reporting_percent"], 1),
                      ", ".join(STATUS.get(x, x) for x in v["status"]), outcome_short(v)])
    pdf.grid(["Kode desa", "Desa", "Kecamatan", "Partisipasi (seluruh DPT)",
              "Partisipasi (TPS masuk)", "Status", "Hasil"], vrows,
             [26, 24, 24, 19, 19, 28, 34], {3, 4}, size=7.5)
    pdf.ln(2)
    pdf.line_text(f"ID pemilihan: {e['election_id']}", 7.5)
    pdf.line_text(f"Hash catatan publik (election.json): {e['record_digest']}", 7.5)
    pdf.line_text(f"ID kunci otoritas: {e['authority']}", 7.5)


def _name_of(v: dict[str, Any], number: int) -> str:
    return str(next(c["name"] for c in v["candidates"] if c["number"] == number))


def outcome_short(v: dict[str, Any]) -> str:
    """The outcome column: number and name of the winner (or leader), or the tie."""
    if v["tie"]:
        return "SERI: " + "; ".join(f"No. {n} {_name_of(v, n)}" for n in v["leading"])
    if v["winner"] is not None:
        return f"Terpilih: No. {v['winner']} {_name_of(v, v['winner'])}"
    if v["leading"]:
        n = v["leading"][0]
        return f"Unggul sementara: No. {n} {_name_of(v, n)}"
    return "-"


def to_pdf(view: TallyView) -> bytes:
    """The PDF report as bytes (see module docstring)."""
    data = to_dict(view)
    pdf = Doc()
    pdf.set_title(f"Rekapitulasi {data['election']['name']}")
    pdf.set_creator("SuaraDesa tally")
    pdf.footer_text = f"Rekapitulasi {data['election']['regency']}"
    _summary_page(pdf, data)
    for number, v in enumerate(data["villages"], start=1):
        village_page(pdf, data, v, number)
    return bytes(pdf.output())
