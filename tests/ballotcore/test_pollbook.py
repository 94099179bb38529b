"""`ballotcore.pollbook`: the four counts re-derived from a log, the bundle field's
checks, and the findings (docs/PROTOCOL.md 4.11)."""

from __future__ import annotations

import pytest

from ballotcore.errors import RecordError, VerificationError
from ballotcore.eventlog import EventEntry, next_entry
from ballotcore.pollbook import (
    PollbookCounts,
    anomalies,
    check_pollbook,
    findings,
    from_log,
)

Item = tuple[str, dict[str, str | int] | None]


def _log(*codes: Item) -> list[EventEntry]:
    out: list[EventEntry] = []
    for n, (code, detail) in enumerate(codes):
        out.append(next_entry(out[-1] if out else None, code,
                              f"2026-12-01T07:00:{n:02d}Z", detail))
    return out


OPEN: list[Item] = [("storage.created", {"kiosk": "K1"}), ("polls.setup_to_ready", None),
        ("polls.ready_to_open", {"officer": 1, "mode": "official"})]
IN_L: Item = ("voter.checked_in", {"sex": "L", "list": "dpt"})
IN_P_B: Item = ("voter.checked_in", {"sex": "P", "list": "dptb"})
ACT: Item = ("session.activated", {"officer": 1})
CAST: Item = ("ballot.cast", None)
CLOSE: Item = ("polls.open_to_closed", {"officer": 1, "ballots": 2})


def test_counts_come_from_the_current_box() -> None:
    events = _log(*OPEN, IN_L, ACT, CAST, IN_P_B, ACT, CAST, ACT, CAST, CLOSE,
                  ("pollbook.paper_counted", {"paper_records": 4, "officer": 1}),
                  ("pollbook.paper_counted", {"paper_records": 3, "officer": 1}))
    log = from_log(events)
    assert log.counts == PollbookCounts(2, 1, 1, 1, 3)  # the last paper count
    assert log.unbacked == 1  # the third activation had no check-in waiting
    assert check_pollbook(events, PollbookCounts(2, 1, 1, 1, 3)) == log
    with pytest.raises(VerificationError, match="pollbook says"):
        check_pollbook(events, PollbookCounts(3, 2, 1, 1, 3))
    with pytest.raises(VerificationError, match="no pollbook"):
        check_pollbook(events, None)
    plain = _log(*OPEN, ACT, CAST, CLOSE)
    assert check_pollbook(plain, None).counts == PollbookCounts(0, 0, 0, 0, None)
    cleared = _log(*OPEN, IN_L, ("polls.open_to_closed", {"officer": 1, "ballots": 0}),
                   ("box.cleared", {"officer": 1}), ("mode.switched", {"from": "test",
                                                                       "to": "official"}),
                   ("polls.setup_to_ready", None))
    assert from_log(cleared).counts.checkins == 0  # test-mode check-ins are gone


def test_malformed_poll_book_entries_are_refused() -> None:
    for bad in (_log(OPEN[0], IN_L),  # polls not open
                _log(*OPEN, ("voter.checked_in", {"sex": "X", "list": "dpt"})),
                _log(*OPEN, ("voter.checked_in", {"sex": "L"})),
                _log(*OPEN, ("pollbook.paper_counted", {"paper_records": 1})),  # before close
                _log(*OPEN, CLOSE, ("pollbook.paper_counted", {"paper_records": -1}))):
        with pytest.raises(VerificationError):
            from_log(bad)


def test_the_field_round_trips_and_is_checked() -> None:
    counts = PollbookCounts(5, 2, 3, 1, None)
    assert PollbookCounts.from_body(counts.to_body()) == counts
    body = counts.to_body()
    for change in ({"checkins": 6}, {"dptb": 9}, {"paper_records": -1},
                   {"paper_records": True}, {"extra": 1}):
        with pytest.raises(RecordError):
            PollbookCounts.from_body(body | change)


def test_findings() -> None:
    honest = findings(PollbookCounts(10, 5, 5, 0, 9), activations=10, ballots=9)
    assert [f.code for f in honest] == []
    left = findings(PollbookCounts(10, 5, 5, 0, 8), activations=8, ballots=8)
    assert [(f.code, f.severity) for f in left] == [("checked_in_not_activated", "note")]
    stuffed = findings(PollbookCounts(4, 2, 2, 0, 5), activations=6, ballots=6)
    assert [f.code for f in anomalies(stuffed)] == [
        "ballots_over_checkins", "activations_over_checkins", "paper_mismatch"]
    assert "6 ballots but only 4 voters checked in" in stuffed[0].text()
    assert "6 suara tetapi hanya 4 pemilih hadir" in stuffed[0].text()
    order = findings(PollbookCounts(4, 2, 2, 0, None), activations=4, ballots=4, unbacked=1)
    assert [f.code for f in order] == ["activations_without_checkin", "paper_not_entered"]
