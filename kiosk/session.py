"""The voter-session state machine: a pure transition table, no I/O.

    idle --activate--> activated --select--> selecting --review--> reviewing --cast--> cast
                                   selecting --select--> selecting (changed their mind)
                                   reviewing --back--> selecting
                                   reviewing --commit--> committed --cast--> cast
                                   committed --challenge--> selecting (Benaloh check)
    activated|selecting|reviewing|committed --void|timeout--> voided
    cast|voided --reset--> idle

`commit` encrypts the choice and shows the tracking code before the voter answers "cast"
or "check this ballot"; a check spoils that ballot and returns the voter to the ballot
under the same activation, so any number of checks, and one cast, per activation. (The
direct reviewing --cast--> cast encrypts and casts in one step.) One activation allows
at most one ballot: `cast` is only reachable from `reviewing` or `committed`, and both
terminal states lead back to `idle`, which needs a new activation. The selection and the
committed ballot live only in memory (`VoterSession`), never in storage or the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class SessionState(StrEnum):
    IDLE = "idle"
    ACTIVATED = "activated"
    SELECTING = "selecting"
    REVIEWING = "reviewing"
    COMMITTED = "committed"
    CAST = "cast"
    VOIDED = "voided"


class SessionAction(StrEnum):
    ACTIVATE = "activate"
    SELECT = "select"
    REVIEW = "review"
    BACK = "back"
    CAST = "cast"
    COMMIT = "commit"
    CHALLENGE = "challenge"
    VOID = "void"
    TIMEOUT = "timeout"
    RESET = "reset"


S, A = SessionState, SessionAction

TRANSITIONS: dict[tuple[SessionState, SessionAction], SessionState] = {
    (S.IDLE, A.ACTIVATE): S.ACTIVATED,
    (S.ACTIVATED, A.SELECT): S.SELECTING,
    (S.SELECTING, A.SELECT): S.SELECTING,
    (S.SELECTING, A.REVIEW): S.REVIEWING,
    (S.REVIEWING, A.BACK): S.SELECTING,
    (S.REVIEWING, A.CAST): S.CAST,
    (S.REVIEWING, A.COMMIT): S.COMMITTED,
    (S.COMMITTED, A.CAST): S.CAST,
    (S.COMMITTED, A.CHALLENGE): S.SELECTING,
    (S.COMMITTED, A.VOID): S.VOIDED,
    (S.COMMITTED, A.TIMEOUT): S.VOIDED,
    (S.ACTIVATED, A.VOID): S.VOIDED,
    (S.SELECTING, A.VOID): S.VOIDED,
    (S.REVIEWING, A.VOID): S.VOIDED,
    (S.ACTIVATED, A.TIMEOUT): S.VOIDED,
    (S.SELECTING, A.TIMEOUT): S.VOIDED,
    (S.REVIEWING, A.TIMEOUT): S.VOIDED,
    (S.CAST, A.RESET): S.IDLE,
    (S.VOIDED, A.RESET): S.IDLE,
}

#: States in which a voter holds an activated ballot.
LIVE_STATES = frozenset({S.ACTIVATED, S.SELECTING, S.REVIEWING, S.COMMITTED})


def transition(state: SessionState, action: SessionAction) -> SessionState | None:
    """The next state, or None when the action is not allowed in `state`."""
    return TRANSITIONS.get((state, action))


@dataclass
class VoterSession:
    """The in-memory voter session: state, the candidate chosen so far, last touch time."""

    state: SessionState = S.IDLE
    choice: int | None = None  # candidate number; memory only, never stored or logged
    last_activity: float = 0.0
    #: The committed, not yet cast or checked ballot (`kiosk.voting.Committed`): memory only.
    pending: Any = None

    def clear(self) -> None:
        """Forget the selection and any committed ballot (after cast or void)."""
        self.choice = None
        self.pending = None
