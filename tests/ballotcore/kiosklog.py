"""The event log an honest kiosk writes for a polling day, for tests that build bundles
without running a kiosk (tests/ballotcore, tests/tally/factory.py).

The codes, details and order are those of kiosk/base.py, polling.py, voting.py and
tallying.py for: start, (a switch to test mode), readiness, zero report, `voided` voter
sessions voided by the officer, Benaloh challenges (`ballot.challenged`), `ballots` casts each confirmed with printed receipts,
the close, the trustees' accepted partial decryptions, and the results. A test that
plays a real kiosk (tests/kiosk, tests/ballotcore/test_reconcile.py) checks the same
rules against the kiosk's own log.
"""

from __future__ import annotations

from collections.abc import Sequence

from ballotcore.eventlog import EventEntry, next_entry
from ballotcore.results import box_root


class _Log:
    def __init__(self, date: str) -> None:
        self.entries: list[EventEntry] = []
        self.date = date

    def add(self, code: str, detail: dict[str, str | int] | None = None) -> None:
        n = len(self.entries)
        time = f"{self.date}T{7 + n // 3600 % 12:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z"
        self.entries.append(next_entry(self.entries[-1] if self.entries else None, code,
                                       time, detail))


def station_log(
    kiosk_id: str,
    ballots: int,
    voided: int,
    *,
    mode: str = "official",
    trustees: Sequence[int] = (),
    results: bool = False,
    extra: int = 0,
    date: str = "2026-11-22",
    slots: int = 20,
    challenges: int = 0,
) -> tuple[tuple[EventEntry, ...], bytes]:
    """(the log, the `log_head` its results record carries: the entry before
    `results.computed`). `extra` appends that many later officer logins (a re-export);
    `challenges` Benaloh challenges happen in the first sessions that cast, one each."""
    log = _Log(date)
    log.add("storage.created", {"kiosk": kiosk_id})
    log.add("kiosk.started", {"officer": 1})
    if mode == "test":
        log.add("box.cleared", {"officer": 1})
        log.add("mode.switched", {"from": "official", "to": "test"})
    log.add("readiness.passed")
    log.add("polls.setup_to_ready")
    log.add("box.slots_allocated", {"count": slots})
    log.add("report.zero_printed", {"root": box_root([]).hex()})
    log.add("polls.ready_to_open", {"officer": 1, "mode": mode})
    for _ in range(voided):
        log.add("session.activated", {"officer": 1})
        log.add("session.voided")
    for i in range(ballots):
        log.add("session.activated", {"officer": 2})
        if i < challenges:
            log.add("ballot.challenged")
        log.add("ballot.cast")
        log.add("ballot.confirmed")
        log.add("receipt.printed", {"record": "ready", "slip": "ready"})
    log.add("polls.open_to_closed", {"officer": 1, "ballots": ballots})
    for index in trustees:
        log.add("trustee.accepted", {"index": index})
    head = log.entries[-1].digest()
    if results:
        log.add("results.computed", {"ballots": ballots})
        log.add("polls.closed_to_results")
        log.add("report.results_printed", {"status": "ready"})
    for _ in range(extra):
        log.add("officer.pin_accepted", {"officer": 1, "action": "login"})
    return tuple(log.entries), head
