"""The poll book's four counts: check-ins, activations, ballots and paper records.

A station whose package carries a voter list (`ballotcore.voterlist`) checks every voter
in before an officer activates a ballot. Its bundle then carries the optional `pollbook`
field (docs/PROTOCOL.md 4.8, 4.11):

    {"checkins": total, "by_sex": {"L": men, "P": women}, "dptb": added voters,
     "paper_records": the audit-box count the officers entered, or null}

Check-ins are re-derived from the signed event log (`voter.checked_in`, one per voter,
detail `sex` and `list` only: no name, NIK or DPT number), and the paper count from the
last `pollbook.paper_counted` of the current box, so a bundle whose numbers differ from
its own log is refused (`check_pollbook`). What is *not* an error but an **anomaly**
(`findings`): more activations or ballots than check-ins, and a paper count that is not
the number of ballots. Both the kiosk's close report and the tally show these with
their numbers; they are facts an official must explain, not proof that the bundle is
forged (an honest kiosk never activates without a check-in, so one that did was changed).

What this cannot catch: officers who check in voters who never came. The attendance list
(daftar hadir, signed by each voter at the table, kept by the committee) and the paper
records are the evidence for that, outside the bundle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ballotcore.codec import expect_keys, field
from ballotcore.errors import RecordError, VerificationError
from ballotcore.eventlog import EventEntry

CHECKED_IN = "voter.checked_in"
PAPER_COUNTED = "pollbook.paper_counted"
#: Event code -> the poll-book count it adds one to (docs/PROTOCOL.md 4.9 lists it).
COUNTED: dict[str, str] = {CHECKED_IN: "checkins"}
_ACTIVATED = "session.activated"
_BOX_CLEARED = "box.cleared"
_CHECKIN_STATES = ("open", "paused")
_PAPER_STATES = ("closed", "results")
_STEPS: dict[str, str] = {  # polls code -> state after (reconcile.POLLS checks the order)
    "polls.setup_to_ready": "ready", "polls.ready_to_open": "open",
    "polls.open_to_paused": "paused", "polls.paused_to_open": "open",
    "polls.open_to_closed": "closed", "polls.paused_to_closed": "closed",
    "polls.closed_to_results": "results", "polls.exported_to_results": "results",
}


@dataclass(frozen=True, slots=True)
class PollbookCounts:
    """The poll-book numbers of one station's current box (the bundle's `pollbook`)."""

    checkins: int
    men: int  # sex "L"
    women: int  # sex "P"
    dptb: int  # voters added at the station (Daftar Pemilih Tambahan)
    paper_records: int | None  # None: the officers have not entered the audit-box count

    def to_body(self) -> dict[str, Any]:
        return {"checkins": self.checkins, "by_sex": {"L": self.men, "P": self.women},
                "dptb": self.dptb, "paper_records": self.paper_records}

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> PollbookCounts:
        expect_keys(body, {"checkins", "by_sex", "dptb", "paper_records"}, "pollbook")
        sexes = field(body, "by_sex", dict)
        expect_keys(sexes, {"L", "P"}, "pollbook.by_sex")
        paper = body["paper_records"]
        if paper is not None and (not isinstance(paper, int) or isinstance(paper, bool)):
            raise RecordError("pollbook.paper_records must be an integer or null")
        counts = cls(field(body, "checkins", int), field(sexes, "L", int),
                     field(sexes, "P", int), field(body, "dptb", int), paper)
        numbers = [counts.checkins, counts.men, counts.women, counts.dptb]
        if min(numbers) < 0 or (paper is not None and paper < 0):
            raise RecordError("pollbook counts cannot be negative")
        if counts.men + counts.women != counts.checkins or counts.dptb > counts.checkins:
            raise RecordError("pollbook: men + women must equal check-ins, DPTb at most that")
        return counts


@dataclass(frozen=True, slots=True)
class LogPollbook:
    """What the current box of an event log says about the poll book."""

    counts: PollbookCounts
    unbacked: int  # activations that found no check-in waiting for them


@dataclass(frozen=True, slots=True)
class Finding:
    """One difference among the four counts, with its numbers, in both languages."""

    code: str  # ballots_over_checkins | activations_over_checkins | paper_mismatch | ...
    severity: Literal["anomaly", "note"]
    text_id: str
    text_en: str

    def text(self) -> str:
        return f"{self.text_id} / {self.text_en}"


def _box(events: Sequence[EventEntry]) -> Sequence[EventEntry]:
    for i in range(len(events) - 1, -1, -1):
        if events[i].event == _BOX_CLEARED:
            return events[i + 1:]
    return events


def from_log(events: Sequence[EventEntry]) -> LogPollbook:
    """Replay the current box's check-ins, activations and paper count (VerificationError
    for a check-in outside open/paused polls, a malformed detail, or a paper count
    before the close)."""
    state = "setup"
    checkins = men = women = dptb = waiting = unbacked = 0
    paper: int | None = None
    for e in _box(events):
        if e.event in _STEPS:
            state = _STEPS[e.event]
        elif e.event == CHECKED_IN:
            if state not in _CHECKIN_STATES:
                raise VerificationError(f"a check-in with the polls {state}")
            sex, kind = e.detail.get("sex"), e.detail.get("list")
            if sex not in ("L", "P") or kind not in ("dpt", "dptb"):
                raise VerificationError(f"{CHECKED_IN} needs sex L|P and list dpt|dptb")
            checkins += 1
            waiting += 1
            men += sex == "L"
            women += sex == "P"
            dptb += kind == "dptb"
        elif e.event == _ACTIVATED:
            if waiting:
                waiting -= 1
            else:
                unbacked += 1
        elif e.event == PAPER_COUNTED:
            value = e.detail.get("paper_records")
            if state not in _PAPER_STATES or not isinstance(value, int) or value < 0:
                raise VerificationError(f"{PAPER_COUNTED} before the close or without a count")
            paper = value
    return LogPollbook(PollbookCounts(checkins, men, women, dptb, paper), unbacked)


def check_pollbook(events: Sequence[EventEntry], claimed: PollbookCounts | None) -> LogPollbook:
    """The bundle's `pollbook` equals what its log says; a bundle without the field has
    no check-in or paper count in its current box."""
    log = from_log(events)
    if claimed is None:
        if log.counts.checkins or log.counts.paper_records is not None:
            raise VerificationError("the event log has check-ins but the bundle no pollbook")
        return log
    if claimed != log.counts:
        raise VerificationError(
            f"pollbook says {claimed.to_body()}, the event log {log.counts.to_body()}")
    return log


def findings(counts: PollbookCounts, activations: int, ballots: int,
             unbacked: int = 0) -> tuple[Finding, ...]:
    """Every difference among check-ins, activations, ballots and paper records.

    Anomalies: ballots or activations above check-ins, activations that had no check-in
    waiting (`unbacked`, from the log), a paper count that is not the ballot count, no
    paper count entered. Notes: voters checked in who got no ballot activated."""
    out: list[Finding] = []
    c = counts.checkins
    if ballots > c:
        out.append(Finding("ballots_over_checkins", "anomaly",
                           f"{ballots} suara tetapi hanya {c} pemilih hadir",
                           f"{ballots} ballots but only {c} voters checked in"))
    if activations > c:
        out.append(Finding("activations_over_checkins", "anomaly",
                           f"{activations} aktivasi tetapi hanya {c} pemilih hadir",
                           f"{activations} activations but only {c} voters checked in"))
    elif unbacked:
        out.append(Finding("activations_without_checkin", "anomaly",
                           f"{unbacked} aktivasi tanpa pemilih hadir yang menunggu",
                           f"{unbacked} activations with no checked-in voter waiting"))
    if counts.paper_records is None:
        out.append(Finding("paper_not_entered", "anomaly",
                           "jumlah catatan kertas di kotak audit tidak dimasukkan",
                           "the audit-box paper-record count was not entered"))
    elif counts.paper_records != ballots:
        out.append(Finding("paper_mismatch", "anomaly",
                           f"{counts.paper_records} catatan kertas di kotak audit, {ballots} suara",
                           f"{counts.paper_records} paper records in the audit box, "
                           f"{ballots} ballots"))
    if c > activations:
        out.append(Finding("checked_in_not_activated", "note",
                           f"{c - activations} pemilih hadir tanpa aktivasi surat suara",
                           f"{c - activations} checked-in voters had no ballot activated"))
    return tuple(out)


def anomalies(found: Sequence[Finding]) -> tuple[Finding, ...]:
    return tuple(f for f in found if f.severity == "anomaly")


__all__ = [
    "CHECKED_IN",
    "COUNTED",
    "PAPER_COUNTED",
    "Finding",
    "LogPollbook",
    "PollbookCounts",
    "anomalies",
    "check_pollbook",
    "findings",
    "from_log",
]
