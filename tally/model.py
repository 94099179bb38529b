"""The tally as officials read it: per station, per village and for the regency.

`build_view(db)` is a pure reading of the database: it never writes, and depends only on
what is held (not on the order things were imported), so the same bundles give the same
view whatever order they arrived in. Every report format renders this one view.

Station status (one of):
    complete     one verified bundle with decrypted results, nothing to look at
    provisional  only a verified results QR so far; counted until the bundle arrives
    missing      nothing yet (or a bundle without decrypted results)
    conflict     two or more different bundles held; nothing counted until resolved
    anomaly      counted, but something needs an official's eye: the printed QR differs
                 from the bundle, reconciliation findings (more ballots than activations,
                 turnout above DPT), or disagreeing QR photos (then not counted)

Village status is "complete" when every station is; otherwise the set of "provisional",
"missing stations", "conflict" and "anomaly" that applies. The winner is named only for
a complete village without a tie; ties are flagged, never broken.
"""

from __future__ import annotations

from dataclasses import dataclass

from ballotcore.election import Village
from ballotcore.results import StationResults
from tally.db import BundleRow, QrRow, TallyDB

STATION_STATUSES = ("complete", "provisional", "missing", "conflict", "anomaly")
VILLAGE_FLAGS = ("provisional", "missing stations", "conflict", "anomaly")


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
    held: tuple[str, ...]  # digests of every bundle held for the station (not superseded)
    notes: tuple[str, ...]


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

    @property
    def turnout(self) -> float:
        return round(100.0 * self.ballots / self.dpt, 2) if self.dpt else 0.0

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
    resolutions: tuple[dict[str, str], ...]

    def summary(self) -> dict[str, object]:
        stations = [s for v in self.villages for s in v.stations]
        ballots = sum(v.ballots for v in self.villages)
        dpt = sum(v.dpt for v in self.villages)
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
        }


def build_view(db: TallyDB) -> TallyView:
    """The whole tally from the database (see module docstring)."""
    definition = db.record.definition
    bundles: dict[tuple[str, str], list[BundleRow]] = {}
    for row in db.bundles(("active",)):
        bundles.setdefault((row.village, row.station), []).append(row)
    held: dict[tuple[str, str], list[str]] = {}
    for row in db.bundles(("active", "set_aside")):
        held.setdefault((row.village, row.station), []).append(row.digest)
    qrs: dict[tuple[str, str], list[QrRow]] = {}
    for q in db.qr_results():
        qrs.setdefault((q.village, q.station), []).append(q)
    villages = tuple(
        _village(v, bundles, qrs, held) for v in sorted(definition.villages, key=lambda v: v.code)
    )
    resolutions = tuple(
        {"village": r.village, "station": r.station, "kept": r.kept, "official": r.official,
         "reason": r.reason, "at": r.at}
        for r in db.resolutions()
    )
    return TallyView(
        definition.election_id,
        definition.name,
        definition.date,
        definition.regency,
        db.authority,
        db.record.digest().hex(),
        villages,
        resolutions,
    )


def _village(
    village: Village,
    bundles: dict[tuple[str, str], list[BundleRow]],
    qrs: dict[tuple[str, str], list[QrRow]],
    held: dict[tuple[str, str], list[str]],
) -> VillageView:
    n = len(village.candidates)
    stations = tuple(
        _station(
            s.code,
            s.dpt,
            n,
            bundles.get((village.code, s.code), []),
            qrs.get((village.code, s.code), []),
            tuple(sorted(held.get((village.code, s.code), []))),
        )
        for s in village.stations
    )
    votes = [0] * n
    ballots = 0
    for s in stations:
        if s.counted and s.votes is not None:
            votes = [a + b for a, b in zip(votes, s.votes, strict=True)]
            ballots += s.ballots
    status_set = {s.status for s in stations}
    if status_set == {"complete"}:
        status: tuple[str, ...] = ("complete",)
    else:
        flags = {
            "provisional": "provisional" in status_set,
            "missing stations": "missing" in status_set,
            "conflict": "conflict" in status_set,
            "anomaly": "anomaly" in status_set,
        }
        status = tuple(f for f in VILLAGE_FLAGS if flags[f])
    top = max(votes) if votes else 0
    leading = tuple(c.number for c, v in zip(village.candidates, votes, strict=True) if v == top)
    if top == 0:
        leading = ()
    tie = len(leading) > 1
    winner = leading[0] if status == ("complete",) and len(leading) == 1 else None
    return VillageView(
        village.code,
        village.name,
        village.district,
        tuple((c.number, c.name) for c in village.candidates),
        village.dpt,
        stations,
        tuple(votes),
        ballots,
        status,
        leading,
        tie,
        winner,
    )


def _station(
    code: str, dpt: int, n: int, active: list[BundleRow], qrs: list[QrRow], held: tuple[str, ...]
) -> StationView:
    qr_records = sorted({q.results for q in qrs})
    if len(active) > 1:
        return StationView(code, dpt, "conflict", "", False, None, 0, 0, 0, "", "", held,
                           (f"{len(active)} different bundles held; resolve with tally resolve",))
    if len(active) == 1:
        b = active[0]
        if b.results is None:
            return StationView(code, dpt, "missing", "bundle", False, None, b.ballots,
                               b.activations, b.voided, b.kiosk_id, b.digest, held,
                               ("bundle has no decrypted results (fewer than k trustees)",))
        res = StationResults.from_bytes(b.results)
        notes = list(b.findings)
        if any(r != b.results for r in qr_records):
            notes.append("a printed results QR differs from the bundle's results")
        return StationView(
            code, dpt, "anomaly" if notes else "complete", "bundle", True,
            tuple(v for _, v in res.votes), res.ballots, res.activations, res.voided,
            b.kiosk_id, b.digest, held, tuple(notes),
        )
    if len(qr_records) > 1:
        return StationView(code, dpt, "anomaly", "qr", False, None, 0, 0, 0, "", "", held,
                           ("results QR photos disagree; waiting for the bundle",))
    if len(qr_records) == 1:
        res = StationResults.from_bytes(qr_records[0])
        notes = []
        if res.ballots > dpt:
            notes.append(f"{res.ballots} ballots exceed the DPT of {dpt}")
        if res.ballots > res.activations:
            notes.append(f"{res.ballots} ballots but only {res.activations} activations")
        return StationView(
            code, dpt, "anomaly" if notes else "provisional", "qr", True,
            tuple(v for _, v in res.votes), res.ballots, res.activations, res.voided,
            res.kiosk_id, "", held, tuple(notes),
        )
    return StationView(code, dpt, "missing", "", False, None, 0, 0, 0, "", "", held, ())
