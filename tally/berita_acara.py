"""One village's Berita Acara Rekapitulasi Hasil Penghitungan Suara (PDF pages).

The structure follows the counting record of a village-head election (Pilkades) under
Permendagri 112/2014 as amended by Permendagri 65/2017 (see docs/TALLY.md "Documents"):
number, place, day, date and local time; voter data (DPT by sex and in total, DPTb,
voters who came and who did not); valid and invalid votes and their total; paper records
counted; special incidents and witness objections; resolved conflicts; the outcome; the
committee members who sign and one signature line per candidate's witness.

Every number comes from `tally.report.to_dict` (so from `tally.model.build_view`); what
the election definition does not record is printed as not recorded, never invented.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ballotcore.election import TIME_ZONES
from tally.pdfdoc import STATUS, Doc, station_status, tanggal
from tally.pollbook import pollbook_line
from tally.report import CAUSE_TEXT, pct_text

NOT_RECORDED = "tidak tercatat dalam definisi pemilihan"
#: Why an electronic ballot cannot be invalid (the kiosk and the proofs guarantee it).
NO_INVALID = ("0 (pemungutan suara elektronik: setiap surat suara memuat tepat satu pilihan, "
              "dibuktikan dengan bukti kriptografis yang diverifikasi tally)")


def ba_number(data: dict[str, Any], v: dict[str, Any], number: int) -> str:
    """The Berita Acara number: sequence in the regency, village code and election year."""
    return f"{number:03d}/BA-REKAP/PILKADES/{v['code']}/{data['election']['date'][:4]}"


def _local(iso_utc: str, zone: str) -> dt.datetime:
    """A signed UTC time in the election's zone (`time_zone` of the definition: WIB, WITA
    or WIT; WIB when the definition omits it, see `ElectionDefinition.zone`)."""
    moment = dt.datetime.fromisoformat(iso_utc.replace("Z", "+00:00"))
    return moment.astimezone(dt.timezone(dt.timedelta(hours=TIME_ZONES[zone]), zone))


def local_time(iso_utc: str, zone: str, day: str | None = None) -> str:
    """'14.05 WIB' from a signed UTC time, with the local date in brackets when it is not
    `day` (the ISO date the sentence is about, e.g. the election day)."""
    if not iso_utc:
        return "-"
    local = _local(iso_utc, zone)
    other = day is not None and local.date().isoformat() != day
    return f"{local:%H.%M} {zone}" + (f" ({local:%d-%m-%Y})" if other else "")


def village_page(pdf: Doc, data: dict[str, Any], v: dict[str, Any], number: int) -> None:
    """Add the Berita Acara pages of village `v` (the `number`th village of the regency)."""
    e = data["election"]
    pdf.add_page()  # the previous page's footer is drawn here, so set the text after
    pdf.footer_text = f"Berita Acara Desa {v['name']} ({v['code']})"
    pdf.line_text("BERITA ACARA", 14, True, "C", 7)
    pdf.line_text("REKAPITULASI HASIL PENGHITUNGAN SUARA", 12, True, "C", 6)
    pdf.line_text(f"PEMILIHAN KEPALA DESA {v['name'].upper()}", 12, True, "C", 6)
    pdf.line_text(f"KECAMATAN {v['district'].upper()}  -  {e['regency'].upper()}", 10, True,
                  "C", 6)
    pdf.line_text(f"Nomor: {ba_number(data, v, number)}", 10, False, "C", 6)
    if v["status"] != ["complete"]:
        pdf.set_text_color(180, 0, 0)
        pdf.line_text("HASIL SEMENTARA - BELUM FINAL ("
                      + ", ".join(STATUS.get(x, x) for x in v["status"]) + ")", 11, True, "C", 7)
        pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    n_tps = len(v["stations"])
    counted = [s for s in v["stations"] if s["counted"]]
    pdf.line_text(
        f"Pada hari ini {tanggal(e['date'])}, bertempat di Desa {v['name']}, Kecamatan "
        f"{v['district']}, {e['regency']}, Panitia Pemilihan Kepala Desa {v['name']} "
        f"melaksanakan rekapitulasi hasil penghitungan suara dari {n_tps} Tempat Pemungutan "
        f"Suara (TPS), {len(counted)} di antaranya terhitung, berdasarkan data elektronik yang "
        "ditandatangani oleh setiap kios pemungutan suara dan diverifikasi terhadap catatan "
        "publik pemilihan. Penghitungan TPS terakhir yang terhitung ditutup pukul "
        f"{local_time(v['last_export'], e['time_zone'], e['date'])}. Hasilnya sebagai berikut:", 10)
    pdf.ln(1)
    _voters(pdf, v, counted)
    _votes(pdf, v)
    _stations(pdf, v)
    _incidents(pdf, data, v)
    _outcome(pdf, v)
    pdf.font(7)
    pdf.multi_cell(0, 3.6, pdf.t(
        f"Data verifikasi: ID pemilihan {e['election_id']}; hash catatan publik "
        f"{e['record_digest']}; kunci otoritas {e['authority']}; bundel TPS: "
        + "; ".join(f"{s['code']}={s['bundle'][:16] or '-'}" for s in v["stations"])
    ), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _signatures(pdf, v)


def _voters(pdf: Doc, v: dict[str, Any], counted: list[dict[str, Any]]) -> None:
    pdf.line_text("I. DATA PEMILIH DAN PENGGUNAAN HAK PILIH", 10, True)
    dpt_counted = v["dpt_reporting"]
    partial = len(counted) != len(v["stations"])
    scope = f" (dari {len(counted)} TPS yang terhitung)" if partial else ""
    dptb = v["dptb"]
    came = v["ballots"]
    not_came = (dpt_counted + (dptb or 0)) - came if counted else None

    def sex(key: str) -> str:
        return NOT_RECORDED if v[key] is None else str(v[key])

    activations = sum(s["activations"] for s in counted)
    voided = sum(s["voided"] for s in counted)
    books = pollbooks(counted)
    if books is not None and dptb is None:  # the poll books' DPTb check-ins, signed
        dptb = sum(b["dptb"] for b in books)
        not_came = (dpt_counted + dptb) - came
    rows = [
        ["A.1 Pemilih dalam DPT laki-laki", sex("dpt_male")],
        ["A.2 Pemilih dalam DPT perempuan", sex("dpt_female")],
        ["A.3 Jumlah pemilih dalam DPT", str(v["dpt"])],
        ["A.4 Pemilih tambahan (DPTb)", NOT_RECORDED if dptb is None else str(dptb)],
        [f"B.1 Pemilih yang datang / menggunakan hak pilih{scope}", str(came)],
    ]
    if books is not None:
        men = sum(b["checkins_by_sex"]["L"] for b in books)
        women = sum(b["checkins_by_sex"]["P"] for b in books)
        rows.append([f"B.1a Hadir menurut daftar hadir (laki-laki / perempuan){scope}",
                     f"{men + women} ({men} / {women})"])
    rows += [
        [f"B.2 Pemilih yang tidak datang{scope}",
         "-" if not_came is None else str(max(0, not_came))],
        ["B.3 Aktivasi bilik suara / sesi yang dibatalkan", f"{activations} / {voided}"],
        ["C.1 Partisipasi atas seluruh DPT", pct_text(v["turnout_percent"])],
        [f"C.2 Partisipasi atas DPT TPS yang terhitung ({dpt_counted})",
         pct_text(v["turnout_reporting_percent"])],
    ]
    pdf.grid(["Uraian", "Jumlah"], rows, [120, 54], {1})


def _votes(pdf: Doc, v: dict[str, Any]) -> None:
    pdf.line_text("II. PEROLEHAN SUARA CALON KEPALA DESA", 10, True)
    pdf.grid(["No. urut", "Nama calon", "Jumlah suara", "Persentase"],
             [[str(c["number"]), c["name"], str(c["votes"]), f"{c['percent']:.2f}%"]
              for c in v["candidates"]], [20, 94, 30, 30], {0, 2, 3})
    valid = sum(c["votes"] for c in v["candidates"])
    pdf.grid(["Uraian", "Jumlah"], [
        ["Jumlah suara sah", str(valid)],
        ["Jumlah suara tidak sah", NO_INVALID],
        ["Jumlah suara sah dan tidak sah", str(valid)],
        ["Catatan kertas dari kotak audit yang dihitung", _paper_records(v)],
        ["Catatan kertas menurut hitungan petugas tally (pernyataan petugas)",
         _official_paper(v)],
    ], [94, 80], {1})


def pollbooks(stations: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The poll-book counts of `stations` (from their signed bundles), or None unless every
    one of them has a poll book (a total over some stations would read as the village's)."""
    books = [s.get("pollbook") for s in stations]
    if not books or any(b is None for b in books):
        return None
    return [b for b in books if b is not None]


def _paper_records(v: dict[str, Any]) -> str:
    """The audit-box count the officers entered at close, summed over counted stations."""
    counted = [s for s in v["stations"] if s["counted"]]
    books = pollbooks(counted)
    if books is None or any(b["paper_records"] is None for b in books):
        return "tidak ada penghitungan kotak audit yang dimasukkan ke tally"
    return str(sum(b["paper_records"] for b in books))


def _official_paper(v: dict[str, Any]) -> str:
    """The officials' hand counts (`tally.paper`) summed over the counted stations, and
    whether they agree; a statement, never a vote count (per-TPS lines in section III)."""
    counted = [s for s in v["stations"] if s["counted"]]
    entered = [s["paper_count"] for s in counted if s.get("paper_count")]
    if not counted or len(entered) != len(counted):
        return f"dimasukkan untuk {len(entered)} dari {len(counted)} TPS yang terhitung"
    total = sum(p["records"] for p in entered)
    differ = sum(1 for p in entered if not p["matches"])
    return f"{total} ({'berbeda di ' + str(differ) + ' TPS' if differ else 'sesuai'})"


def _stations(pdf: Doc, v: dict[str, Any]) -> None:
    pdf.line_text("III. RINCIAN PER TPS", 10, True)
    cands = v["candidates"]
    header = ["TPS", "DPT (L/P)", "Pemilih"] + [f"No. {c['number']}" for c in cands]
    header.append("Status")
    cw = max(11.0, min(16.0, 80.0 / max(1, len(cands))))
    widths = [20.0, 24.0, 16.0] + [cw] * len(cands)
    widths.append(max(26.0, 174.0 - sum(widths)))
    rows = []
    for s in v["stations"]:
        votes = ["-"] * len(cands) if s["votes"] is None else [str(x) for x in s["votes"]]
        dpt = str(s["dpt"])
        if s["dpt_male"] is not None:
            dpt += f" ({s['dpt_male']}/{s['dpt_female']})"
        rows.append([s["code"], dpt, str(s["ballots"])] + votes + [station_status(s)])
    pdf.grid(header, rows, widths, set(range(1, 3 + len(cands))))
    for s in v["stations"]:
        for note in s["notes"]:
            pdf.line_text(f"Catatan {s['code']}: {note}", 8.5)
        if s.get("pollbook"):
            pdf.line_text(f"Buku pemilih {s['code']}: {pollbook_line(s['pollbook'])}", 8.5)


def _incidents(pdf: Doc, data: dict[str, Any], v: dict[str, Any]) -> None:
    """Kejadian khusus / keberatan saksi: the village's refused, conflicting and
    superseding deliveries, the proof checks that changed a bundle's state, and the
    officials' resolutions of conflicts (who, when, why)."""
    tz = data["election"]["time_zone"]
    pdf.line_text("IV. KEJADIAN KHUSUS DAN KEBERATAN SAKSI", 10, True)
    incidents = [i for i in data["incidents"]
                 if i["village"] == v["code"] and i["outcome"] not in ("accepted", "duplicate")]
    resolutions = [r for r in data["resolutions"] if r["village"] == v["code"]]
    if not incidents:
        pdf.line_text("Kejadian khusus dalam tally: tidak ada.", 9)
    for i in incidents:
        cause = CAUSE_TEXT.get(i["cause"], i["cause"]).split(" / ")[0]
        pdf.line_text(
            f"{_when(i['at'], tz)} - {i['station']}: {STATUS.get(i['outcome'], i['outcome'])}"
            f"{' (' + cause + ')' if cause else ''}; berkas {i['source']}; {i['reason']}", 8.5)
    pdf.line_text("Konflik yang diselesaikan: " + ("tidak ada." if not resolutions else ""), 9)
    for r in resolutions:
        pdf.line_text(
            f"{_when(r['at'], tz)} - {r['station']}: diputuskan oleh {r['official']} "
            f"(dihitung bundel {str(r['kept'])[:16]}); alasan: {r['reason']}", 8.5)
    pdf.line_text("Keberatan saksi: keberatan yang disampaikan di TPS dicatat pada berita acara "
                  "TPS; tidak ada keberatan yang dimasukkan ke tally.", 9)
    pdf.ln(1)


def _when(iso: str, zone: str) -> str:
    """An incident's or resolution's time as local date and time ('2026-12-01 14.05 WIB')."""
    try:
        return f"{_local(iso, zone):%Y-%m-%d} {local_time(iso, zone)}"
    except ValueError:
        return iso


def _outcome(pdf: Doc, v: dict[str, Any]) -> None:
    pdf.line_text("V. HASIL", 10, True)
    cands = v["candidates"]
    if v["tie"]:
        pdf.line_text(
            "Terdapat lebih dari satu calon dengan perolehan suara terbanyak yang sama (SERI): "
            "nomor urut " + ", ".join(str(n) for n in v["leading"]) + ". Penetapan calon "
            "terpilih dilakukan sesuai peraturan perundang-undangan; sistem tidak memilih.", 10)
    elif v["winner"] is not None:
        name = next(c["name"] for c in cands if c["number"] == v["winner"])
        pdf.line_text(f"Calon dengan suara terbanyak: Nomor urut {v['winner']}, "
                      f"{name.rstrip('.')}.", 10, True)
    elif v["leading"]:
        name = next(c["name"] for c in cands if c["number"] == v["leading"][0])
        pdf.line_text(f"Unggul sementara: Nomor urut {v['leading'][0]}, {name}. Hasil belum "
                      "final sampai semua TPS lengkap.", 10)
    else:
        pdf.line_text("Belum ada suara yang terhitung.", 10)
    pdf.ln(1)


def _signatures(pdf: Doc, v: dict[str, Any]) -> None:
    """The committee members who sign, by name, then one line per candidate's witness."""
    signers = [m for m in v["committee"] if m["signs"]]
    others = [m for m in v["committee"] if not m["signs"]]
    rows_needed = 18 + 24 * ((max(1, len(signers)) + 2) // 3) + 8 * len(v["candidates"])
    if pdf.will_page_break(min(rows_needed, 200)):
        pdf.add_page()
    pdf.line_text("Demikian Berita Acara ini dibuat dengan sebenarnya.", 10)
    pdf.line_text(f"PANITIA PEMILIHAN KEPALA DESA {v['name'].upper()}", 10, True)
    if not signers:
        pdf.line_text(f"Susunan panitia {NOT_RECORDED}; nama dan jabatan ditulis oleh "
                      "penanda tangan.", 9)
        signers = [{"name": "", "role": "................"} for _ in range(3)]
    for start in range(0, len(signers), 3):
        y = pdf.get_y() + 2
        for i, m in enumerate(signers[start:start + 3]):
            pdf.set_xy(18 + i * 58, y)
            pdf.font(9)
            pdf.multi_cell(56, 4.5, pdf.t(m["role"]), align="C")
            pdf.set_xy(18 + i * 58, y + 18)
            pdf.multi_cell(56, 4.5, pdf.t(f"( {m['name'] or '........................'} )"),
                           align="C")
        pdf.set_y(y + 28)
    for m in others:
        pdf.line_text(f"{m['role']} {m['name']}: anggota panitia, tidak menandatangani.", 8.5)
    pdf.ln(2)
    pdf.line_text("SAKSI CALON KEPALA DESA", 10, True)
    pdf.grid(["No.", "Saksi dari calon", "Nama saksi", "Tanda tangan"],
             [[str(c["number"]), c["name"], "\n", ""] for c in v["candidates"]],
             [12, 64, 54, 44], size=9)
