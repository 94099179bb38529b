"""Count reconciliation: a bundle's counts, results and polls story against its event log.

The kiosk writes one event per counted act in the same transaction as the counter it
changes (docs/KIOSK.md), so an honest bundle's counts are exactly a count of events, and
its polls transitions follow the polls state machine. docs/PROTOCOL.md section 4.9 is the
specification; this module is its one implementation, called by
`ballotcore.verify.verify_bundle` on every bundle (quick and full).

The *current box* is the part of the log after the last `box.cleared` (a mode switch
empties the ballot box and zeroes the counters in the same transaction), or the whole
log when there is none. Within it the log is replayed:

* polls: setup -> ready -> open <-> paused -> closed -> results, one event code per
  step (`POLLS`); export steps live in the kiosk's separate export log, so in this chain
  "exported" reads as "closed" and `polls.exported_to_results` leaves "closed";
* voter sessions: `session.activated` opens one (polls open, none already open); a cast
  or one of the void codes closes it; nothing else opens or closes one;
  `ballot.challenged` (a Benaloh challenge) happens inside an open session and leaves it
  open; the current box has exactly as many as the bundle has spoiled ballots;
* the log ends closed (no results) or in results, with no session open, so
  activations = ballots + voided;
* results, when present, were computed exactly once in this box, by `results.computed`,
  immediately followed by the step to results; their `log_head` is the entry just
  before `results.computed`, and its detail `ballots` equals theirs.

What this cannot catch: a kiosk-key holder who rewrites ballots, aggregate, counts and
log consistently. Without the trustees' shares the partial decryptions then no longer
verify against the aggregate; with them, only evidence outside the bundle (the printed
results report, an earlier export, voters' tracking codes) shows the change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ballotcore.errors import VerificationError
from ballotcore.eventlog import EventEntry, forbidden_detail_key
from ballotcore.tracking import tracking_code

BOX_CLEARED = "box.cleared"
MODE_SWITCHED = "mode.switched"
FIRST = "storage.created"
ACTIVATED = "session.activated"
CAST = "ballot.cast"
CHALLENGED = "ballot.challenged"
VOIDS = ("session.voided", "session.timed_out", "session.voided_on_restart")
RESULTS_COMPUTED = "results.computed"
TRUSTEE_ACCEPTED = "trustee.accepted"

#: Event code -> the bundle count it adds one to (docs/PROTOCOL.md 4.9 lists the same).
COUNTED: dict[str, str] = {ACTIVATED: "activations", CAST: "ballots"} | {
    code: "voided" for code in VOIDS
}

#: Polls steps of the main chain: event code -> (state before, state after).
POLLS: dict[str, tuple[str, str]] = {
    "polls.setup_to_ready": ("setup", "ready"),
    "polls.ready_to_open": ("ready", "open"),
    "polls.open_to_paused": ("open", "paused"),
    "polls.paused_to_open": ("paused", "open"),
    "polls.open_to_closed": ("open", "closed"),
    "polls.paused_to_closed": ("paused", "closed"),
    "polls.closed_to_results": ("closed", "results"),
    "polls.exported_to_results": ("closed", "results"),
}
CLOSES = ("polls.open_to_closed", "polls.paused_to_closed")
#: Codes of the separate export log; never in the exported chain.
EXPORT_ONLY = ("polls.closed_to_exported", "polls.results_to_exported", "polls.exported_again")

_HEX_RUN = re.compile(r"[0-9a-f]{32,}")


@dataclass(frozen=True, slots=True)
class LogCounts:
    """What the current box of a log says happened."""

    activations: int
    ballots: int
    voided: int
    mode: str
    results_at: int | None  # index of `results.computed` in the whole log, if any
    polls: str  # polls state at the end of the log
    challenged: int = 0  # `ballot.challenged` entries of the current box


def box_start(events: Sequence[EventEntry]) -> int:
    """Index of the first entry of the current box (after the last `box.cleared`)."""
    for i in range(len(events) - 1, -1, -1):
        if events[i].event == BOX_CLEARED:
            return i + 1
    return 0


def replay(events: Sequence[EventEntry]) -> LogCounts:
    """Replay the current box (see module docstring); VerificationError if impossible."""
    if not events or events[0].event != FIRST:
        raise VerificationError(f"event log does not begin with {FIRST}")
    start = box_start(events)
    mode = "official"
    if start:
        switch = events[start] if start < len(events) else None
        if switch is None or switch.event != MODE_SWITCHED:
            raise VerificationError(f"event log: {BOX_CLEARED} is not followed by {MODE_SWITCHED}")
        mode = str(switch.detail.get("to", ""))
    state, session = "setup", False
    counts = {"activations": 0, "ballots": 0, "voided": 0}
    results_at: int | None = None
    challenged = 0
    for i in range(start, len(events)):
        e = events[i]
        where = f"event log entry {i} ({e.event})"
        if e.event in EXPORT_ONLY:
            raise VerificationError(f"{where} belongs to the export log, not this chain")
        if e.event in POLLS:
            before, after = POLLS[e.event]
            if state != before:
                raise VerificationError(f"{where}: polls are {state}, not {before}")
            if after == "results" and (results_at is None or results_at != i - 1):
                raise VerificationError(f"{where} does not follow {RESULTS_COMPUTED}")
            state = after
        elif e.event == RESULTS_COMPUTED:
            if state != "closed" or results_at is not None:
                raise VerificationError(f"{where}: results computed again or before the close")
            results_at = i
        elif e.event == CHALLENGED:
            if state != "open" or not session:
                raise VerificationError(f"{where}: a challenge outside an open voter session")
            challenged += 1
        elif e.event in COUNTED:
            if state != "open":
                raise VerificationError(f"{where}: polls are {state}, not open")
            opens = e.event == ACTIVATED
            if opens and session:
                raise VerificationError(f"{where}: a voter session is already open")
            if not opens and not session:
                raise VerificationError(f"{where}: no voter session is open")
            session = opens
            counts[COUNTED[e.event]] += 1
    if results_at is not None and state != "results":
        raise VerificationError(f"event log: {RESULTS_COMPUTED} without the step to results")
    if state not in ("closed", "results"):
        raise VerificationError(f"event log ends with the polls {state}, not closed")
    if session:
        raise VerificationError("event log ends with a voter session still open")
    return LogCounts(
        counts["activations"], counts["ballots"], counts["voided"], mode, results_at, state,
        challenged,
    )


def check_counts(
    events: Sequence[EventEntry],
    mode: str,
    activations: int,
    ballots: int,
    voided: int,
    dpt: int,
) -> LogCounts:
    """The bundle's mode and counts equal the log's; ballots <= activations and DPT."""
    if ballots > activations:
        raise VerificationError(f"{ballots} ballots but only {activations} activations")
    if ballots > dpt:
        raise VerificationError(f"{ballots} ballots exceed the DPT of {dpt}")
    log = replay(events)
    if log.mode != mode:
        raise VerificationError(f"bundle mode {mode} but the log switched to {log.mode!r}")
    for name, claimed, logged in (
        ("activations", activations, log.activations),
        ("ballots", ballots, log.ballots),
        ("voided", voided, log.voided),
    ):
        if claimed != logged:
            raise VerificationError(f"counts say {claimed} {name}, the event log {logged}")
    for i in range(box_start(events), len(events)):
        e = events[i]
        if e.event in CLOSES and e.detail.get("ballots") != ballots:
            raise VerificationError(f"event log entry {i}: polls closed with another ballot count")
    return log


def check_challenges(log: LogCounts, spoiled: int) -> None:
    """The bundle holds one spoiled ballot per `ballot.challenged` of the current box."""
    if log.challenged != spoiled:
        raise VerificationError(
            f"the bundle holds {spoiled} spoiled ballots, the event log {log.challenged} "
            f"challenges"
        )


def check_results_entry(
    events: Sequence[EventEntry], log: LogCounts, has_results: bool, log_head: bytes, ballots: int
) -> None:
    """Results present iff computed once in this box; log_head is the entry before it."""
    if not has_results:
        if log.results_at is not None:
            raise VerificationError(f"the log has {RESULTS_COMPUTED} but the bundle no results")
        return
    if log.results_at is None:
        raise VerificationError(f"results are present but the log has no {RESULTS_COMPUTED}")
    entry = events[log.results_at]
    if log_head != events[log.results_at - 1].digest():
        raise VerificationError(f"results log_head is not the entry before {RESULTS_COMPUTED}")
    if entry.detail.get("ballots") != ballots:
        raise VerificationError(f"{RESULTS_COMPUTED} names another ballot count than the results")


def check_trustees(
    events: Sequence[EventEntry], present: Sequence[int], named: Sequence[int] | None, k: int
) -> None:
    """Partials = trustees accepted in this box; results name the k lowest of them."""
    accepted: list[int] = []
    for e in events[box_start(events) :]:
        if e.event == TRUSTEE_ACCEPTED:
            index = e.detail.get("index")
            if not isinstance(index, int):
                raise VerificationError(f"{TRUSTEE_ACCEPTED} without a trustee index")
            accepted.append(index)
    accepted.sort()
    if accepted != sorted(present):
        raise VerificationError("partial decryptions differ from the trustees the log accepted")
    if named is not None and tuple(named) != tuple(sorted(present)[:k]):
        raise VerificationError(
            f"results must name the {k} lowest trustees present {tuple(sorted(present)[:k])}, "
            f"not {tuple(named)}"
        )


def check_no_ballot_ids(events: Iterable[EventEntry], ballot_ids: Iterable[bytes],
                        digests: Iterable[bytes]) -> None:
    """No detail key is forbidden, and no detail string holds a ballot id (hex, any case),
    a ballot digest (hex, or its first half) or a tracking code of this bundle (any case,
    with or without dashes or spaces). Integers cannot hold a 128-bit id: records refuse
    integers beyond 2^53."""
    hexes = {bid.hex() for bid in ballot_ids}
    codes: set[str] = set()
    for d in digests:
        hexes.add(d.hex()[:32])
        codes.add(tracking_code(d).replace("-", ""))
    allowed: set[str] = set()  # keys already checked (a log uses few distinct keys)
    for i, e in enumerate(events):
        for key, value in e.detail.items():
            if key not in allowed:
                if forbidden_detail_key(key):
                    raise VerificationError(f"event log entry {i}: detail {key!r} is forbidden")
                allowed.add(key)
            if isinstance(value, int) or len(value) < 16:  # too short to hold either
                continue
            for run in _HEX_RUN.findall(value.lower()):
                if any(run[j : j + 32] in hexes for j in range(len(run) - 31)):
                    raise VerificationError(f"event log entry {i} carries a ballot id")
            flat = value.upper().replace(" ", "").replace("-", "")
            if any(flat[j : j + 16] in codes for j in range(len(flat) - 15)):
                raise VerificationError(f"event log entry {i} carries a tracking code")
