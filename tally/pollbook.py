"""The poll book in the tally: a station's four counts and their anomalies, one helper
that every report (JSON, CSV, HTML, PDF; later the Berita Acara) renders them with.

The numbers come from `BundleFacts.pollbook`, which `tally.lineage.facts_of` re-derives
from the signed event log of a verified bundle (the bundle's own `pollbook` field was
checked equal to it by `verify_bundle`), plus the bundle's activations and ballots. The
differences are `ballotcore.pollbook.findings`, the same function the kiosk prints on
its close report (docs/PROTOCOL.md 4.11), so station and district say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ballotcore import pollbook as pbk


@dataclass(frozen=True, slots=True)
class PollbookView:
    """Check-ins (total, by sex, DPTb), activations, ballots, paper records, findings."""

    checkins: int
    men: int
    women: int
    dptb: int
    activations: int
    ballots: int
    paper_records: int | None
    findings: tuple[pbk.Finding, ...]

    @property
    def anomalies(self) -> tuple[pbk.Finding, ...]:
        return pbk.anomalies(self.findings)


def pollbook_view(facts: tuple[int, int, int, int, int | None, int] | None, activations: int,
                  ballots: int) -> PollbookView | None:
    """The view of a bundle's poll-book facts (None: the station has no voter list)."""
    if facts is None:
        return None
    checkins, men, women, dptb, paper, unbacked = facts
    counts = pbk.PollbookCounts(checkins, men, women, dptb, paper)
    return PollbookView(checkins, men, women, dptb, activations, ballots, paper,
                        pbk.findings(counts, activations, ballots, unbacked))


def pollbook_dict(view: PollbookView | None) -> dict[str, Any] | None:
    """Plain data for the JSON report (and what the other formats render)."""
    if view is None:
        return None
    return {
        "checkins": view.checkins, "checkins_by_sex": {"L": view.men, "P": view.women},
        "dptb": view.dptb, "activations": view.activations, "ballots": view.ballots,
        "paper_records": view.paper_records,
        "anomalies": [{"code": f.code, "text": f.text()} for f in view.anomalies],
        "notes": [{"code": f.code, "text": f.text()} for f in view.findings
                  if f.severity != "anomaly"],
    }


def pollbook_line(data: dict[str, Any] | None) -> str:
    """One line with the four counts, e.g. for a report's notes column ("" without)."""
    if data is None:
        return ""
    paper = "-" if data["paper_records"] is None else data["paper_records"]
    sexes = data["checkins_by_sex"]
    return (f"Hadir / checked in {data['checkins']} (L {sexes['L']}, P {sexes['P']}, "
            f"DPTb {data['dptb']}); aktivasi / activations {data['activations']}; "
            f"suara / ballots {data['ballots']}; catatan kertas / paper records {paper}")


#: CSV columns the poll book adds (empty for a station without a voter list).
CSV_COLUMNS = ("checkins", "checkins_l", "checkins_p", "dptb", "activations",
               "paper_records", "pollbook_anomalies")


def pollbook_csv(data: dict[str, Any] | None) -> list[object]:
    """The values of `CSV_COLUMNS` for one station row."""
    if data is None:
        return [""] * len(CSV_COLUMNS)
    return [data["checkins"], data["checkins_by_sex"]["L"], data["checkins_by_sex"]["P"],
            data["dptb"], data["activations"],
            "" if data["paper_records"] is None else data["paper_records"],
            "; ".join(a["text"] for a in data["anomalies"])]


__all__ = ["CSV_COLUMNS", "PollbookView", "pollbook_csv", "pollbook_dict", "pollbook_line",
           "pollbook_view"]
