"""The plain values the engine returns to the GUI (frozen dataclasses, no behaviour)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CandidateView:
    """A candidate as the ballot screen shows it."""

    number: int  # nomor urut, 1..n
    name: str
    photo: bytes | None  # image bytes from the package, if any


@dataclass(frozen=True)
class Status:
    """Everything the GUI needs to draw the current screen."""

    unlocked: bool  # an officer PIN has opened the database
    polls: str  # kiosk.polls.PollsState value
    mode: str  # "official" or "test"
    session: str  # kiosk.session.SessionState value
    awaiting_confirmation: bool  # a cast is recorded; confirm_cast() not yet called
    activations: int
    ballots: int
    voided: int
    trustees_present: tuple[int, ...]
    trustees_needed: int
    results_ready: bool
    election: str
    village: str
    village_name: str
    station: str
    kiosk_id: str
    dpt: int
    printer: str  # "ready", "paper-near-end", a fault code, or "absent"
    scanner: str
    pin_failures: int
    pin_wait_seconds: float
    pin_locked: bool
    installed: bool = True  # False: the installation code must be entered first
    pin_tries_before_wait: int = 5  # wrong PINs still possible before a wait is imposed
    receipts_pending: bool = False  # the last cast's paper is missing: reprint (officer PIN)


@dataclass(frozen=True)
class ReadinessCheck:
    name: str  # "package", "certificate", "storage", "printer", "scanner"
    ok: bool
    detail: str
    required: bool = True  # False: a failure is a warning and does not block opening


@dataclass(frozen=True)
class Readiness:
    checks: tuple[ReadinessCheck, ...]

    @property
    def ok(self) -> bool:
        """Every required check passed (warnings do not count)."""
        return all(c.ok for c in self.checks if c.required)

    @property
    def failures(self) -> list[str]:
        """Required checks that failed: these keep the polls from opening."""
        return [f"{c.name}: {c.detail}" for c in self.checks if c.required and not c.ok]

    @property
    def warnings(self) -> list[str]:
        """Optional checks that failed (the scanner: trustee cards can come from files)."""
        return [f"{c.name}: {c.detail}" for c in self.checks if not c.required and not c.ok]


@dataclass(frozen=True)
class CastReceipt:
    """Returned by `cast()` only after the ballot is durably committed."""

    tracking_code: str  # what the voter takes home (ballotcore.tracking)
    candidate_number: int  # for the "recorded" screen and the paper record only
    candidate_name: str
    village: str  # village name, as printed
    station: str
    voter_record_status: str  # printer status code after printing the paper record
    slip_status: str  # printer status code after printing the take-home slip

    @property
    def printed(self) -> bool:
        return self.voter_record_status in ("ready", "paper-near-end") and self.slip_status in (
            "ready",
            "paper-near-end",
        )


@dataclass(frozen=True)
class CommitView:
    """Returned by `commit()`: the ballot is encrypted and its tracking code shown and
    printed (take-home slip) before the voter chooses "cast" or "check this ballot"."""

    tracking_code: str
    candidate_number: int  # what the voter chose (the screen shows it, nothing stores it)
    candidate_name: str
    slip_status: str  # printer status code after printing the take-home slip


@dataclass(frozen=True)
class ChallengeView:
    """Returned by `challenge()`: the committed ballot was spoiled and opened; it encrypts
    this candidate, is NOT COUNTED, and the voter is back at the ballot."""

    tracking_code: str
    candidate_number: int  # the candidate the opened ballot encrypts
    candidate_name: str
    receipt_status: str  # printer status code after printing the challenge receipt

    @property
    def printed(self) -> bool:
        return self.receipt_status in ("ready", "paper-near-end")


@dataclass(frozen=True)
class TrusteeProgress:
    """After a trustee card was accepted: who is present, how many are needed."""

    index: int
    present: tuple[int, ...]
    needed: int

    @property
    def enough(self) -> bool:
        return len(self.present) >= self.needed


@dataclass(frozen=True)
class ResultsView:
    """Decrypted, signed station results."""

    votes: tuple[tuple[int, str, int], ...]  # (number, name, votes)
    ballots: int
    activations: int
    voided: int
    mode: str
    trustees: tuple[int, ...]
    signed_results: bytes  # SignedRecord.to_bytes() of the results: the QR payload
    report_status: str  # printer status code after printing the results report


@dataclass(frozen=True)
class ExportReport:
    path: Path
    sha256: str
    results_included: bool
    ballots: int
    findings: tuple[str, ...]

    @property
    def message(self) -> str:
        """English summary; the GUI translates by `results_included`."""
        if self.results_included:
            return f"Bundle written with results: {self.path.name}"
        return (
            f"Bundle written WITHOUT results (fewer than k trustees): {self.path.name}; "
            "the encrypted ballots can be decrypted later by the trustees at the district."
        )
