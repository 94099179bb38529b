"""Receipt content: what the engine hands in, as plain frozen dataclasses.

The kiosk engine owns the facts (counts, tracking codes, the signed results record);
`hardware.layout` owns where they go on paper. Each class checks on construction that
its content can be printed honestly and raises `ReceiptContentError` otherwise; it
does not check election rules, which are the engine's business.

The voter record (the paper record for the audit box) deliberately carries nothing but
the place and the choice: no tracking code, no ballot id, no time and no sequence number.
Whoever holds a take-home slip and can see the audit box must not be able to pair them
(a vote buyer collecting slips would otherwise learn each choice), and the records must
not be orderable back to the queue of voters. `TakeHomeSlip` carries the tracking code
and where to look it up, never the choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Union

from hardware import text as tx
from hardware.errors import ReceiptContentError

if TYPE_CHECKING:  # it builds on Station and on hardware.layout (an import cycle at run time)
    from hardware.pollbook_receipts import AttendanceList


def _require_text(value: str, what: str) -> None:
    if not isinstance(value, str) or not tx.printable(value).strip():
        raise ReceiptContentError(f"{what} must be a non-blank string")


def _require_count(value: int, what: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ReceiptContentError(f"{what} must be a non-negative integer, not {value!r}")


def _require_candidates(candidates: tuple[CandidateCount, ...]) -> None:
    if not isinstance(candidates, tuple) or not candidates:
        raise ReceiptContentError("candidates must be a non-empty tuple")
    numbers = [candidate.number for candidate in candidates]
    if len(set(numbers)) != len(numbers):
        raise ReceiptContentError("candidate numbers must be unique")


@dataclass(frozen=True)
class Station:
    """Where a report comes from: election title, village (desa), polling station, kiosk."""

    election: str
    village: str
    station: str
    kiosk_id: str

    def __post_init__(self) -> None:
        for name in ("election", "village", "station", "kiosk_id"):
            _require_text(getattr(self, name), name)


@dataclass(frozen=True)
class CandidateCount:
    """One line of a report: ballot number, name and votes counted."""

    number: int
    name: str
    votes: int

    def __post_init__(self) -> None:
        if not isinstance(self.number, int) or self.number < 1:
            raise ReceiptContentError("candidate number must be a positive integer")
        _require_text(self.name, "candidate name")
        _require_count(self.votes, "votes")


@dataclass(frozen=True)
class ZeroReport:
    """Printed before polls open: every candidate at zero, the store empty."""

    station: Station
    candidates: tuple[CandidateCount, ...]
    ballots_cast: int
    commitment_root: str
    software_version: str
    printed_at: datetime

    def __post_init__(self) -> None:
        _require_candidates(self.candidates)
        _require_count(self.ballots_cast, "ballots_cast")
        if self.ballots_cast or any(c.votes for c in self.candidates):
            raise ReceiptContentError("a zero report must show zero ballots and zero votes")
        _require_text(self.commitment_root, "commitment_root")
        _require_text(self.software_version, "software_version")


@dataclass(frozen=True)
class VoterRecord:
    """The voter's paper record of their choice, dropped into the audit box."""

    village: str
    station: str
    candidate_number: int
    candidate_name: str
    training: bool = False  # printed "LATIHAN / TRAINING" (training mode never counts)

    def __post_init__(self) -> None:
        _require_text(self.village, "village")
        _require_text(self.station, "station")
        if not isinstance(self.candidate_number, int) or self.candidate_number < 1:
            raise ReceiptContentError("candidate number must be a positive integer")
        _require_text(self.candidate_name, "candidate name")


@dataclass(frozen=True)
class TakeHomeSlip:
    """What the voter takes home: the tracking code and where to look it up, no choice."""

    tracking_code: str
    lookup: str  # the village's bulletin board (election definition), or the default text
    training: bool = False

    def __post_init__(self) -> None:
        _require_text(self.tracking_code, "tracking code")
        _require_text(self.lookup, "lookup")


@dataclass(frozen=True)
class ChallengeReceipt:
    """A checked (Benaloh-challenged) ballot: its tracking code and the candidate it
    encrypts, marked "TIDAK DIHITUNG / NOT COUNTED". The voter keeps it and finds the same
    code and candidate on the bulletin board. Like the voter record: no time, no number."""

    village: str
    station: str
    candidate_number: int
    candidate_name: str
    tracking_code: str

    def __post_init__(self) -> None:
        _require_text(self.village, "village")
        _require_text(self.station, "station")
        if not isinstance(self.candidate_number, int) or self.candidate_number < 1:
            raise ReceiptContentError("candidate number must be a positive integer")
        _require_text(self.candidate_name, "candidate name")
        _require_text(self.tracking_code, "tracking code")


@dataclass(frozen=True)
class ResultsReport:
    """Printed at close of polls; `signed_results` is the engine's signed record, opaque here."""

    station: Station
    candidates: tuple[CandidateCount, ...]
    ballots_cast: int
    activations: int
    voided: int
    commitment_root: str
    signature_fingerprint: str
    signed_results: bytes
    closed_at: datetime  # in the election's local time zone (tzname WIB/WITA/WIT) if known
    dpt: int  # registered voters of the station (DPT)
    test_mode: bool  # True: a test-mode kiosk; the report says its counts are not official

    def __post_init__(self) -> None:
        _require_candidates(self.candidates)
        for name in ("ballots_cast", "activations", "voided", "dpt"):
            _require_count(getattr(self, name), name)
        _require_text(self.commitment_root, "commitment_root")
        _require_text(self.signature_fingerprint, "signature_fingerprint")
        if not isinstance(self.signed_results, bytes) or not self.signed_results:
            raise ReceiptContentError("signed_results must be non-empty bytes")

    @property
    def total_votes(self) -> int:
        return sum(candidate.votes for candidate in self.candidates)


@dataclass(frozen=True)
class TrusteeCardReprint:
    """A replacement trustee (key holder) card; `card_data` is opaque, printed as QR."""

    election: str
    trustee_number: int
    trustee_name: str
    card_fingerprint: str
    card_data: bytes

    def __post_init__(self) -> None:
        _require_text(self.election, "election")
        if not isinstance(self.trustee_number, int) or self.trustee_number < 1:
            raise ReceiptContentError("trustee number must be a positive integer")
        _require_text(self.trustee_name, "trustee name")
        _require_text(self.card_fingerprint, "card_fingerprint")
        if not isinstance(self.card_data, bytes) or not self.card_data:
            raise ReceiptContentError("card_data must be non-empty bytes")


@dataclass(frozen=True)
class PollbookSection:
    """The poll-book part of the close summary at a station with a voter list: the
    check-ins, the paper records the officers counted in the audit box (None until they
    enter the count) and every difference among the four counts (bilingual lines,
    anomalies first), so the witnesses sign one close receipt, not two."""

    checkins: int
    men: int
    women: int
    dptb: int
    paper_records: int | None
    findings: tuple[str, ...]

    def __post_init__(self) -> None:
        for name in ("checkins", "men", "women", "dptb"):
            _require_count(getattr(self, name), name)
        if self.paper_records is not None:
            _require_count(self.paper_records, "paper_records")
        for finding in self.findings:
            _require_text(finding, "finding")


@dataclass(frozen=True)
class CloseSummary:
    """Printed when the polls close, before the trustees arrive: the counts and the
    ballot-box root the results must later match (no vote counts: nothing is decrypted yet).
    The witnesses sign it, so a later results report that differs is caught on paper."""

    station: Station
    ballots_cast: int
    activations: int
    voided: int
    box_root: str
    closed_at: datetime
    training: bool = False
    pollbook: PollbookSection | None = None  # a station with a voter list

    def __post_init__(self) -> None:
        for name in ("ballots_cast", "activations", "voided"):
            _require_count(getattr(self, name), name)
        if self.ballots_cast > self.activations:
            raise ReceiptContentError("more ballots than activations cannot be printed")
        _require_text(self.box_root, "box_root")


ReceiptContent = Union[  # the attendance list is a forward reference (import cycle)
    ZeroReport, VoterRecord, TakeHomeSlip, ChallengeReceipt, ResultsReport, TrusteeCardReprint,
    CloseSummary, "AttendanceList",
]
