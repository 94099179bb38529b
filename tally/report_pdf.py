"""The PDF report: one Berita Acara (official counting record) per village, in Bahasa Indonesia.

Page 1 is the regency summary; then one page (or more) per village in the form of the
Berita Acara Rekapitulasi Hasil Penghitungan Suara: voter data, votes per candidate, the
per-station breakdown, the outcome (winner, tie, or a clear PROVISIONAL mark), the hashes
needed to verify it, and signature lines for the committee and the candidates' witnesses.

DejaVu Sans is used when the system has it (any Unicode name prints); otherwise the
built-in Helvetica with text reduced to Latin-1.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from babel.dates import format_date
from fpdf import FPDF

from tally.model import TallyView
from tally.pollbook import pollbook_line
from tally.report import CAUSE_TEXT, pct_text, to_dict

_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
_STATUS = {
    "complete": "lengkap",
    "provisional": "sementara (QR)",
    "missing": "belum masuk",
    "missing stations": "ada TPS belum masuk",
    "conflict": "konflik",
    "anomaly": "anomali",
    "rejected": "ditolak",
    "unverified": "belum diverifikasi",
}


def _station_status(s: dict[str, Any]) -> str:
    """"ditolak (tanda tangan tidak sah)" and the like: the status with its cause."""
    text = _STATUS.get(s["status"], s["status"])
    if s["status"] == "rejected" and s["cause"]:
        text += f" ({CAUSE_TEXT.get(s['cause'], s['cause']).split(' / ')[0]})"
    return text


def tanggal(iso: str) -> str:
    """An ISO date as Indonesian prose: 'Minggu, 22 November 2026' (CLDR's id_ID names)."""
    return format_date(dt.date.fromisoformat(iso), format="EEEE, d MMMM y", locale="id_ID")


class _Doc(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.family = "Helvetica"
        self.unicode = False
        for folder in _FONT_DIRS:
            regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
            if regular.exists() and bold.exists():
                self.add_font("DejaVu", "", str(regular))
                self.add_font("DejaVu", "B", str(bold))
                self.family, self.unicode = "DejaVu", True
                break
        self.set_auto_page_break(True, margin=18)
        self.set_margins(18, 16, 18)
        self.footer_text = ""

    def t(self, text: object) -> str:
        s = str(text)
        return s if self.unicode else s.encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)

    def line_text(self, text: str, size: float = 10, bold: bool = False, align: str = "L",
                  h: float = 5.5) -> None:
        self.font(size, bold)
        self.multi_cell(0, h, self.t(text), align=align, new_x="LMARGIN", new_y="NEXT")

    def footer(self) -> None:
        self.set_y(-12)
        self.font(7.5)
        self.cell(0, 5, self.t(f"{self.footer_text}  -  halaman {self.page_no()}"), align="C")

    def grid(self, header: list[str], rows: list[list[str]], widths: list[float],
              right: set[int] | None = None) -> None:
        right = right or set()
        self.font(8.5, True)
        self.set_fill_color(230, 230, 230)
        for text, w in zip(header, widths, strict=True):
            self.cell(w, 6.5, self.t(text), border=1, fill=True)
        self.ln()
        self.font(8.5)
        for row in rows:
            if self.will_page_break(6):
                self.add_page()
            for i, (text, w) in enumerate(zip(row, widths, strict=True)):
                label = self.t(text)
                while label and self.get_string_width(label) > w - 2:
                    label = label[:-1]
                self.cell(w, 6, label, border=1, align="R" if i in right else "L")
            self.ln()


def _summary_page(pdf: _Doc, data: dict[str, Any]) -> None:
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
        ["TPS konflik / anomali", f"{by['conflict']} / {by['anomaly']}"],
        ["Pemilih yang menggunakan hak pilih", str(s["ballots_counted"])],
        ["Jumlah DPT", str(s["dpt"])],
        ["Partisipasi", pct_text(s["turnout_percent"])],
    ]
    pdf.grid(["Uraian", "Jumlah"], rows, [120, 54], {1})
    pdf.ln(4)
    vrows = []
    for v in data["villages"]:
        outcome = _outcome_short(v)
        vrows.append([v["code"], v["name"], v["district"], pct_text(v["turnout_percent"], 1),
                      ", ".join(_STATUS.get(x, x) for x in v["status"]), outcome])
    pdf.grid(["Kode desa", "Desa", "Kecamatan", "Partisipasi", "Status", "Hasil"], vrows,
              [34, 30, 28, 18, 34, 30], {3})
    pdf.ln(3)
    pdf.line_text(f"ID pemilihan: {e['election_id']}", 7.5)
    pdf.line_text(f"Hash catatan publik (election.json): {e['record_digest']}", 7.5)
    pdf.line_text(f"ID kunci otoritas: {e['authority']}", 7.5)


def _outcome_short(v: dict[str, Any]) -> str:
    if v["tie"]:
        return "SERI " + "/".join(str(n) for n in v["leading"])
    if v["winner"] is not None:
        return f"No. {v['winner']} terpilih"
    if v["leading"]:
        return f"No. {v['leading'][0]} unggul (smtr)"
    return "-"


def _village_page(pdf: _Doc, data: dict[str, Any], v: dict[str, Any]) -> None:
    e = data["election"]
    pdf.add_page()  # the previous page's footer is drawn here, so set the text after
    pdf.footer_text = f"Berita Acara Desa {v['name']} ({v['code']})"
    pdf.line_text("BERITA ACARA", 14, True, "C", 7)
    pdf.line_text("REKAPITULASI HASIL PENGHITUNGAN SUARA", 12, True, "C", 6)
    pdf.line_text(f"PEMILIHAN KEPALA DESA {v['name'].upper()}", 12, True, "C", 6)
    pdf.line_text(f"KECAMATAN {v['district'].upper()}  -  {e['regency'].upper()}", 10, True,
                  "C", 6)
    if not v["status"] == ["complete"]:
        pdf.set_text_color(180, 0, 0)
        pdf.line_text("HASIL SEMENTARA - BELUM FINAL ("
                      + ", ".join(_STATUS.get(x, x) for x in v["status"]) + ")", 11, True, "C", 7)
        pdf.set_text_color(0, 0, 0)
    pdf.ln(3)
    n_tps = len(v["stations"])
    pdf.line_text(
        f"Pada hari ini, {tanggal(e['date'])}, telah dilaksanakan rekapitulasi hasil "
        f"penghitungan suara Pemilihan Kepala Desa {v['name']} dari {n_tps} Tempat Pemungutan "
        "Suara (TPS), berdasarkan data elektronik yang ditandatangani oleh setiap kios "
        "pemungutan suara dan diverifikasi terhadap catatan publik pemilihan, dengan hasil "
        "sebagai berikut:", 10)
    pdf.ln(2)
    pdf.line_text("I. DATA PEMILIH DAN PENGGUNAAN HAK PILIH", 10, True)
    activations = sum(s["activations"] for s in v["stations"] if s["counted"])
    voided = sum(s["voided"] for s in v["stations"] if s["counted"])
    pdf.grid(["Uraian", "Jumlah"], [
        ["Jumlah pemilih dalam DPT", str(v["dpt"])],
        ["Jumlah pemilih yang menggunakan hak pilih (surat suara)", str(v["ballots"])],
        ["Jumlah aktivasi bilik suara", str(activations)],
        ["Jumlah sesi yang dibatalkan", str(voided)],
        ["Tingkat partisipasi", pct_text(v["turnout_percent"])],
    ], [130, 44], {1})
    pdf.ln(2)
    pdf.line_text("II. PEROLEHAN SUARA CALON KEPALA DESA", 10, True)
    pdf.grid(["No. urut", "Nama calon", "Jumlah suara", "Persentase"],
              [[str(c["number"]), c["name"], str(c["votes"]), f"{c['percent']:.2f}%"]
               for c in v["candidates"]], [20, 94, 30, 30], {0, 2, 3})
    pdf.line_text(f"Jumlah suara sah: {sum(c['votes'] for c in v['candidates'])}", 9)
    pdf.ln(2)
    pdf.line_text("III. RINCIAN PER TPS", 10, True)
    cands = v["candidates"]
    header = ["TPS", "DPT", "Pemilih"] + [f"No. {c['number']}" for c in cands] + ["Status"]
    cw = max(12.0, min(18.0, 84.0 / max(1, len(cands))))
    widths = [22.0, 16.0, 20.0] + [cw] * len(cands)
    widths.append(max(20.0, 174.0 - sum(widths)))
    rows = []
    for s in v["stations"]:
        votes = ["-"] * len(cands) if s["votes"] is None else [str(x) for x in s["votes"]]
        rows.append([s["code"], str(s["dpt"]), str(s["ballots"])] + votes
                    + [_station_status(s)])
    pdf.grid(header, rows, widths, set(range(1, 3 + len(cands))))
    notes = [f"{s['code']}: {n}" for s in v["stations"] for n in s["notes"]]
    notes += [f"{s['code']}: {pollbook_line(s['pollbook'])}" for s in v["stations"]
              if s.get("pollbook")]
    for note in notes:
        pdf.line_text(f"Catatan - {note}", 8.5)
    pdf.ln(2)
    _special_incidents(pdf, data, v)
    pdf.ln(2)
    pdf.line_text("IV. HASIL", 10, True)
    if v["tie"]:
        pdf.line_text(
            "Terdapat lebih dari satu calon dengan perolehan suara terbanyak yang sama (SERI): "
            "nomor urut " + ", ".join(str(n) for n in v["leading"]) + ". Penetapan calon "
            "terpilih dilakukan sesuai peraturan perundang-undangan; sistem tidak memilih.", 10)
    elif v["winner"] is not None:
        name = next(c["name"] for c in cands if c["number"] == v["winner"])
        pdf.line_text(f"Calon dengan suara terbanyak: Nomor urut {v['winner']}, {name}".rstrip(".") + ".", 10,
                      True)
    elif v["leading"]:
        name = next(c["name"] for c in cands if c["number"] == v["leading"][0])
        pdf.line_text(f"Unggul sementara: Nomor urut {v['leading'][0]}, {name}. Hasil belum "
                      "final sampai semua TPS lengkap.", 10)
    else:
        pdf.line_text("Belum ada suara yang terhitung.", 10)
    pdf.ln(1)
    pdf.font(7)
    pdf.multi_cell(0, 3.6, pdf.t(
        f"Data verifikasi: ID pemilihan {e['election_id']}; hash catatan publik "
        f"{e['record_digest']}; kunci otoritas {e['authority']}; bundel TPS: "
        + "; ".join(f"{s['code']}={s['bundle'][:16] or '-'}" for s in v["stations"])
    ), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    if pdf.will_page_break(42):
        pdf.add_page()
    pdf.line_text("Demikian Berita Acara ini dibuat dengan sebenarnya.", 10)
    pdf.ln(2)
    y = pdf.get_y()
    for i, role in enumerate(("Ketua Panitia", "Sekretaris", "Anggota")):
        pdf.set_xy(18 + i * 60, y)
        pdf.font(9)
        pdf.cell(55, 5, pdf.t(role), align="C")
        pdf.set_xy(18 + i * 60, y + 20)
        pdf.cell(55, 5, "(...............................)", align="C")
    pdf.set_y(y + 28)
    pdf.font(9)
    pdf.cell(0, 5, pdf.t("Saksi calon:"), new_x="LMARGIN", new_y="NEXT")
    for c in cands:
        pdf.cell(0, 6, pdf.t(f"{c['number']}. Saksi {c['name']}: ................................"),
                 new_x="LMARGIN", new_y="NEXT")


def _special_incidents(pdf: _Doc, data: dict[str, Any], v: dict[str, Any]) -> None:
    """Kejadian khusus: the village's refused, conflicting and superseding deliveries, the
    proof checks that changed a bundle's state, and the officials' resolutions."""
    pdf.line_text("KEJADIAN KHUSUS", 10, True)
    incidents = [i for i in data["incidents"]
                 if i["village"] == v["code"] and i["outcome"] not in ("accepted", "duplicate")]
    resolutions = [r for r in data["resolutions"] if r["village"] == v["code"]]
    if not incidents and not resolutions:
        pdf.line_text("Tidak ada kejadian khusus.", 9)
        return
    for i in incidents:
        cause = CAUSE_TEXT.get(i["cause"], i["cause"]).split(" / ")[0]
        pdf.line_text(
            f"{i['at']} - {i['station']}: {i['outcome']}{' (' + cause + ')' if cause else ''}; "
            f"berkas {i['source']}; {i['reason']}", 8.5)
    for r in resolutions:
        pdf.line_text(
            f"{r['at']} - {r['station']}: konflik diputuskan oleh {r['official']} "
            f"(dihitung bundel {str(r['kept'])[:16]}); alasan: {r['reason']}", 8.5)


def to_pdf(view: TallyView) -> bytes:
    """The PDF report as bytes (see module docstring)."""
    data = to_dict(view)
    pdf = _Doc()
    pdf.set_title(f"Rekapitulasi {data['election']['name']}")
    pdf.set_creator("SuaraDesa tally")
    pdf.footer_text = f"Rekapitulasi {data['election']['regency']}"
    _summary_page(pdf, data)
    for v in data["villages"]:
        _village_page(pdf, data, v)
    return bytes(pdf.output())
