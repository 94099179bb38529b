"""The polls state machine: a pure transition table, no I/O.

    setup --prepare--> ready --open--> open <--pause/resume--> paused
    open|paused --close--> closed --publish_results--> results
    closed|results|exported --export--> exported;  exported --publish_results--> results

`prepare` needs passing readiness checks, `open` an officer PIN and a printed zero
report, `close` an officer PIN, `publish_results` k trustees (the engine checks these
preconditions; this table only says which (state, action) pairs exist at all). There is
no way back from closed to open. Each transition has its own event code; any pair not in
the table is refused and logged as `polls.transition_refused`.

Mode (official or test) is orthogonal: `mode_switch_refusal` says when a switch is
allowed. Switching clears the ballot box and returns the polls to setup, so the two
modes never mix in one box and results are always marked with the mode they came from.
"""

from __future__ import annotations

from enum import StrEnum


class PollsState(StrEnum):
    SETUP = "setup"
    READY = "ready"
    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"
    RESULTS = "results"
    EXPORTED = "exported"


class PollsAction(StrEnum):
    PREPARE = "prepare"
    OPEN = "open"
    PAUSE = "pause"
    RESUME = "resume"
    CLOSE = "close"
    PUBLISH_RESULTS = "publish_results"
    EXPORT = "export"


class Mode(StrEnum):
    OFFICIAL = "official"
    TEST = "test"


S, A = PollsState, PollsAction

#: (state, action) -> (new state, event code logged for this transition)
TRANSITIONS: dict[tuple[PollsState, PollsAction], tuple[PollsState, str]] = {
    (S.SETUP, A.PREPARE): (S.READY, "polls.setup_to_ready"),
    (S.READY, A.OPEN): (S.OPEN, "polls.ready_to_open"),
    (S.OPEN, A.PAUSE): (S.PAUSED, "polls.open_to_paused"),
    (S.PAUSED, A.RESUME): (S.OPEN, "polls.paused_to_open"),
    (S.OPEN, A.CLOSE): (S.CLOSED, "polls.open_to_closed"),
    (S.PAUSED, A.CLOSE): (S.CLOSED, "polls.paused_to_closed"),
    (S.CLOSED, A.PUBLISH_RESULTS): (S.RESULTS, "polls.closed_to_results"),
    (S.EXPORTED, A.PUBLISH_RESULTS): (S.RESULTS, "polls.exported_to_results"),
    (S.CLOSED, A.EXPORT): (S.EXPORTED, "polls.closed_to_exported"),
    (S.RESULTS, A.EXPORT): (S.EXPORTED, "polls.results_to_exported"),
    (S.EXPORTED, A.EXPORT): (S.EXPORTED, "polls.exported_again"),
}

#: States in which voters may be activated and ballots cast.
VOTING_STATES = frozenset({S.OPEN})
#: States in which trustees may present their cards.
TRUSTEE_STATES = frozenset({S.CLOSED, S.EXPORTED})
#: States after the close: the ballot box is sealed.
SEALED_STATES = frozenset({S.CLOSED, S.RESULTS, S.EXPORTED})


def transition(state: PollsState, action: PollsAction) -> tuple[PollsState, str] | None:
    """The new state and its event code, or None when the table has no such transition."""
    return TRANSITIONS.get((state, action))


def mode_switch_refusal(
    state: PollsState, current: Mode, new: Mode, box_empty: bool, clear: bool
) -> str | None:
    """Why switching mode is refused (None when it is allowed).

    A switch always clears the box. It therefore needs `clear=True` whenever the box or
    the polls hold anything; switching from official to test is refused once official
    polls have been opened, because that would erase real votes.
    """
    if new == current:
        return "the kiosk is already in this mode"
    if current == Mode.OFFICIAL and state not in (S.SETUP, S.READY):
        return "official polls were opened; official ballots are never cleared"
    if (not box_empty or state not in (S.SETUP, S.READY)) and not clear:
        return "switching mode clears the ballot box; confirm clearing first"
    return None
