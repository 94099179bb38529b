"""The tally as officials read it: per station, per village and for the regency.

`build_view(db)` is a pure reading of the database: it never writes, and depends only on
what is held (not on the order things were imported). Every report format renders this
one view, and every number in it comes from a signed record verified *now*: the counted
bundle's results envelope (and each results QR) is checked against the kiosk key that
the authority-signed public record certifies for the station, and against the facts
verification derived from the bundle (counts, box root, aggregate). A stored value that
does not verify makes the station "rejected"; it is never counted.

Which bundle counts is decided here, by `tally.lineage`, from the held bundles and the
resolutions: nothing stored says "this one counts".

Station status (one of):
    complete     one bundle, every proof verified, with signed results; counted
    provisional  only a verified results QR so far; counted in running totals only
    unverified   the bundle's proofs were deferred (`import --defer-proofs`); not counted
                 until `tally verify --full` passes
    rejected     a delivery was refused (or its proofs failed, or the database's copy no
                 longer verifies), and nothing valid is held; never counted
    conflict     two or more bundles that are not extensions of each other; not counted
                 until `tally resolve`
    anomaly      counted, but the printed results QR differs from the bundle, or the
                 poll book's four counts differ (more ballots or activations than
                 check-ins, paper records not equal to ballots: `tally.pollbook`), or
                 the officials' hand count of the audit box (`tally.paper`) differs
                 from the ballots counted or from the kiosk's own paper count; or
                 disagreeing QR photos (then not counted)
    missing      nothing yet, or a bundle without decrypted results

An official's paper count is shown with its station as their attributed statement (a
note, and `paper`); it never changes a vote count. A difference adds a note on any
station, and makes a counted "complete" station an "anomaly".

Village status is "complete" when every station is; otherwise the set of flags that
applies. The winner is named only for a complete village without a tie.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ballotcore.election import Village
from ballotcore.results import StationResults
from tally import qr
from tally.db import BundleRow, Incident, PaperCount, QrRow, Resolution, TallyDB
from tally.errors import RejectedInput
from tally.lineage import BundleFacts, differences, station_lineage
from tally.paper import Comparison
from tally.pollbook import PollbookView, pollbook_view

STATION_STATUSES = ("complete", "provisional", "unverified", "rejected", "conflict", "anomaly",
                    "missing")
#: Station statuses an official must act on, listed first in reports.
PROBLEMS = ("rejected", "conflict", "anomaly", "unverified")
VILLAGE_FLAGS = ("rejected", "conflict", "anomaly", "unverified", "provisional",
                 "missing stations")


@dataclass(frozen=True, slots=True)
class HeldBundle:
    """One bundle held for a station, as a conflict listing shows it."""

    digest: str
    kiosk_id: str
    ballots: int
    exported_at: str
    proofs: str
    state: str  # counted | superseded | set_aside | conflict | failed | unverified
    differs: tuple[str, ...]  # how it differs from the first bundle of a conflict


@dataclass(frozen=True, slots=True)
class StationView:
    code: str
    dpt: int
    status: str
    source: str  # "bundle", "qr" or ""
    counted: bool
    votes: tuple[int, ...] | None
    ballots: int
    activations: int
    voided: int
    kiosk_id: str
    bundle: str  # digest of the counted bundle, or ""
    held: tuple[HeldBundle, ...]
    notes: tuple[str, ...]
    cause: str = ""  # for "rejected": signature | verification | malformed | ... | database
    resolve: str = ""  # a ready-to-copy `tally resolve` command for a conflict
    pollbook: PollbookView | None = None  # the four counts (a station with a voter list)
    exported_at: str = ""  # last event-log time of the counted bundle (signed), or ""
    dpt_male: int | None = None  # from the definition, when it records them
    dpt_female: int | None = None
    dptb: int | None = None
    paper: Comparison | None = None  # the officials' latest audit-box count, compared


@dataclass(frozen=True, slots=True)
class VillageView:
    code: str
    name: str
    district: str
    candidates: tuple[tuple[int, str], ...]
    dpt: int
    stations: tuple[StationView, ...]
    votes: tuple[int, ...]
    ballots: int
    status: tuple[str, ...]
    leading: tuple[int, ...]  # ballot numbers with the most votes
    tie: bool
    winner: int | None  # only for a complete village without a tie
    committee: tuple[tuple[str, str, bool], ...] = ()  # (name, role, signs); () unrecorded

    @property
    def turnout(self) -> float | None:
        """Ballots over the whole village's DPT in percent; None while no station is
        counted. While stations are missing this understates turnout: see
        `turnout_reporting`."""
        if not any(s.counted for s in self.stations) or not self.dpt:
            return None
        return round(100.0 * self.ballots / self.dpt, 2)

    @property
    def dpt_reporting(self) -> int:
        """DPT of the stations whose results are counted."""
        return sum(s.dpt for s in self.stations if s.counted)

    @property
    def turnout_reporting(self) -> float | None:
        """Ballots over the DPT of the counted (reporting) stations only, in percent."""
        if not self.dpt_reporting:
            return None
        return round(100.0 * self.ballots / self.dpt_reporting, 2)

    @property
    def complete(self) -> bool:
        return self.status == ("complete",)


@dataclass(frozen=True, slots=True)
class TallyView:
    election_id: str
    name: str
    date: str
    regency: str
    authority: str
    record_digest: str
    villages: tuple[VillageView, ...]
    resolutions: tuple[dict[str, object], ...]
    incidents: tuple[dict[str, object], ...]
    time_zone: str = "WIB"  # the definition's zone (WIB, WITA or WIT; WIB when omitted)

    def summary(self) -> dict[str, object]:
        stations = [s for v in self.villages for s in v.stations]
        ballots = sum(v.ballots for v in self.villages)
        dpt = sum(v.dpt for v in self.villages)
        reporting = sum(v.dpt_reporting for v in self.villages)
        return {
            "villages": len(self.villages),
            "villages_complete": sum(1 for v in self.villages if v.complete),
            "villages_with_tie": sum(1 for v in self.villages if v.tie),
            "stations": len(stations),
            "stations_by_status": {
                s: sum(1 for x in stations if x.status == s) for s in STATION_STATUSES
            },
            "ballots_counted": ballots,
            "dpt": dpt,
            "turnout_percent": round(100.0 * ballots / dpt, 2) if dpt else 0.0,
            "dpt_reporting": reporting,
            "turnout_reporting_percent": (
                round(100.0 * ballots / reporting, 2) if reporting else None),
        }


@dataclass(frozen=True, slots=True)
class _Held:
    """What the database holds for one station."""

    rows: list[BundleRow]
    qrs: list[QrRow]
    resolutions: list[Resolution]
    rejected: list[Incident]


def build_view(db: TallyDB) -> TallyView:
    """The whole tally from the database (see module docstring)."""
    definition = db.record.definition
    held: dict[tuple[str, str], _Held] = {}

    def at(village: str, station: str) -> _Held:
        return held.setdefault((village, station), _Held([], [], [], []))

    for row in db.bundles():
        at(row.village, row.station).rows.append(row)
    for q in db.qr_results():
        at(q.village, q.station).qrs.append(q)
    for r in db.resolutions():
        at(r.village, r.station).resolutions.append(r)
    incidents = db.incidents()
    for i in incidents:
        if i.outcome == "rejected" and i.village and i.station:
            at(i.village, i.station).rejected.append(i)
    name = db.path.name
    papers = db.latest_paper_counts()
    villages = tuple(
        _village(db, v, held, name, papers)
        for v in sorted(definition.villages, key=lambda v: v.code)
    )
    resolutions: tuple[dict[str, object], ...] = tuple(
        {"village": r.village, "station": r.station, "kept": r.kept,
         "set_aside": list(r.set_aside), "official": r.official, "reason": r.reason, "at": r.at}
        for r in db.resolutions()
    )
    return TallyView(
        definition.election_id, definition.name, definition.date, definition.regency,
        db.authority, db.record.digest().hex(), villages, resolutions,
        tuple(i.to_dict() for i in incidents), str(definition.zone.tzname(None)),
    )


def _village(db: TallyDB, village: Village, held: dict[tuple[str, str], _Held], name: str,
             papers: dict[tuple[str, str], PaperCount]) -> VillageView:
    n = len(village.candidates)
    stations = tuple(
        _with_paper(replace(_station(db, village.code, s.code, s.dpt, n,
                                     held.get((village.code, s.code), _Held([], [], [], [])),
                                     name),
                            dpt_male=s.dpt_male, dpt_female=s.dpt_female, dptb=s.dptb),
                    papers.get((village.code, s.code)))
        for s in village.stations
    )
    votes = [0] * n
    ballots = 0
    for s in stations:
        if s.counted and s.votes is not None:
            votes = [a + b for a, b in zip(votes, s.votes, strict=True)]
            ballots += s.ballots
    found = {s.status for s in stations}
    if found == {"complete"}:
        status: tuple[str, ...] = ("complete",)
    else:
        flag_of = {"missing stations": "missing"}
        status = tuple(f for f in VILLAGE_FLAGS if flag_of.get(f, f) in found)
    top = max(votes) if votes else 0
    leading = tuple(c.number for c, v in zip(village.candidates, votes, strict=True) if v == top)
    if top == 0:
        leading = ()
    tie = len(leading) > 1
    winner = leading[0] if status == ("complete",) and len(leading) == 1 else None
    return VillageView(
        village.code, village.name, village.district,
        tuple((c.number, c.name) for c in village.candidates), village.dpt, stations,
        tuple(votes), ballots, status, leading, tie, winner,
        tuple((m.name, m.role, m.signs) for m in village.committee),
    )


def _with_paper(s: StationView, entry: PaperCount | None) -> StationView:
    """The station with the officials' paper count beside it (see module docstring)."""
    if entry is None:
        return s
    kiosk = s.pollbook.paper_records if s.pollbook is not None else None
    cmp = Comparison(entry, s.ballots if s.counted else None, kiosk)
    notes = (*cmp.differences, cmp.statement(), *s.notes)
    status = "anomaly" if cmp.differences and s.status == "complete" else s.status
    return replace(s, paper=cmp, notes=notes, status=status)


def _verified_results(db: TallyDB, village: str, station: str, envelope: bytes,
                      facts: BundleFacts | None) -> StationResults:
    """The signed results, verified now; `RejectedInput` if the stored copy is not genuine."""
    res = qr.verify_results_qr(envelope, db.record).results
    if (res.village, res.station) != (village, station):
        raise RejectedInput(f"stored results are for {res.village}/{res.station}")
    if facts is not None:
        derived = (facts.kiosk_id, facts.ballot_count, facts.activations, facts.voided,
                   facts.box_root, facts.aggregate)
        signed = (res.kiosk_id, res.ballots, res.activations, res.voided, res.box_root.hex(),
                  res.aggregate_hash.hex())
        if derived != signed:
            raise RejectedInput("stored bundle facts differ from its signed results")
    return res


def _station(db: TallyDB, village: str, code: str, dpt: int, n: int, h: _Held, name: str
             ) -> StationView:
    live = [r for r in h.rows if r.proofs != "failed"]
    lineage = station_lineage([r.facts for r in live], [(r.kept, r.set_aside)
                                                         for r in h.resolutions])
    rows = {r.digest: r for r in h.rows}
    rejected_notes = tuple(
        f"delivery {i.source} rejected at {i.at} ({i.cause or 'invalid'}): {i.reason}"
        for i in h.rejected
    )

    def listing(conflict: Sequence[BundleFacts] = ()) -> tuple[HeldBundle, ...]:
        first = conflict[0] if conflict else None
        out = []
        for r in h.rows:
            f = r.facts
            if r.proofs == "failed":
                state = "failed"
            elif lineage.counted is not None and f.digest == lineage.counted.digest:
                state = "counted" if r.proofs == "verified" else "unverified"
            elif f.digest in lineage.superseded:
                state = "superseded"
            elif f.digest in lineage.set_aside:
                state = "set_aside"
            else:
                state = "conflict"
            differs = tuple(differences(first, f)) if first and f is not first and state == \
                "conflict" else ()
            out.append(HeldBundle(f.digest, f.kiosk_id, f.ballot_count, f.exported_at,
                                  r.proofs, state, differs))
        return tuple(out)

    def view(status: str, *, source: str = "", res: StationResults | None = None,
             counted: bool = False, facts: BundleFacts | None = None,
             notes: tuple[str, ...] = (), cause: str = "", resolve: str = "",
             conflict: Sequence[BundleFacts] = ()) -> StationView:
        return StationView(
            code, dpt, status, source, counted,
            None if res is None or not counted else tuple(v for _, v in res.votes),
            res.ballots if res else (facts.ballot_count if facts else 0),
            res.activations if res else (facts.activations if facts else 0),
            res.voided if res else (facts.voided if facts else 0),
            facts.kiosk_id if facts else (res.kiosk_id if res else ""),
            facts.digest if facts else "", listing(conflict), notes, cause, resolve,
            None if facts is None else pollbook_view(facts.pollbook, facts.activations,
                                                     facts.ballot_count),
            facts.exported_at if facts and counted else "",
        )

    if lineage.conflict:
        keep = lineage.conflict[0].digest[:16]
        command = (f'suaradesa tally resolve --db {name} --village {village} --station {code} '
                   f'--keep {keep} --official "NAMA PEJABAT" --reason "ALASAN"')
        return view("conflict", notes=(
            f"{len(lineage.conflict)} different bundles held; nothing counted until an "
            "official resolves it",) + rejected_notes, resolve=command,
            conflict=lineage.conflict)
    qr_results: list[StationResults] = []
    for q in h.qrs:
        try:
            qr_results.append(_verified_results(db, village, code, q.envelope, None))
        except RejectedInput as exc:
            return view("rejected", notes=(
                f"the stored results QR {q.digest[:16]} does not verify ({exc.reason}): "
                "the tally database was altered; run tally verify",), cause="database")
    if lineage.counted is not None:
        facts = lineage.counted
        row = rows[facts.digest]
        if facts.results is None:
            return view("missing", source="bundle", facts=facts, notes=(
                "bundle has no decrypted results (fewer than k trustees)",) + rejected_notes)
        try:
            res = _verified_results(db, village, code, facts.results, facts)
        except RejectedInput as exc:
            return view("rejected", source="bundle", facts=facts, cause="database", notes=(
                f"the stored copy of bundle {facts.digest[:16]} does not verify "
                f"({exc.reason}): the tally database was altered; run tally verify --full",))
        if row.proofs == "deferred":
            return view("unverified", source="bundle", res=res, facts=facts, notes=(
                "proofs not yet verified (import --defer-proofs); run tally verify --full",)
                + rejected_notes)
        notes = rejected_notes
        status = "complete"
        if any(q.to_bytes() != res.to_bytes() for q in qr_results):
            notes = ("a printed results QR differs from the bundle's results",) + notes
            status = "anomaly"
        book = pollbook_view(facts.pollbook, facts.activations, facts.ballot_count)
        if book is not None and book.anomalies:
            notes = tuple(f"buku pemilih / poll book: {f.text()}" for f in book.anomalies) + notes
            status = "anomaly"
        return view(status, source="bundle", res=res, counted=True, facts=facts, notes=notes)
    distinct = {r.to_bytes(): r for r in qr_results}
    if len(distinct) > 1:
        return view("anomaly", source="qr", notes=(
            "results QR photos disagree; waiting for the bundle",) + rejected_notes)
    if distinct:
        (res,) = distinct.values()
        return view("provisional", source="qr", res=res, counted=True, notes=rejected_notes)
    failed = [r for r in h.rows if r.proofs == "failed"]
    if failed:
        return view("rejected", source="bundle", facts=failed[0].facts, cause="proofs", notes=tuple(
            f"bundle {r.digest[:16]} failed full verification: {r.proof_error}" for r in failed
        ) + rejected_notes)
    if h.rejected:
        return view("rejected", notes=rejected_notes, cause=h.rejected[-1].cause)
    return view("missing")
