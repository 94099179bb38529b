"""Ballot secrecy against someone holding the kiosk database AND its key.

1,000 ballots are cast in a known order. The orderings such an attacker can read are
tested against cast order:

* ballot id (the slot B-tree key; the export bundle lists ballots in id order, which is
  asserted exactly, so export order is the same variable and not tested twice);
* physical position of each ballot in the decrypted database file (page, offset);
* rowids do not exist (WITHOUT ROWID, asserted), the event log's cast events carry no
  detail and no id or tracking code (asserted).

Error rate (stated, computed below): under H0 (a correct engine: ids and slots uniformly
random, so every ordering is an independent uniform permutation of cast order) Spearman's
rho over n ballots has mean 0 and variance exactly 1/(n-1), and is approximately normal;
its permutation distribution is platykurtic (kurtosis 3 - O(1/n)), lighter-tailed than the
normal, so the normal tail over-states the risk. Each of the two tests fails when
|rho| >= z/sqrt(n-1) with z the two-sided normal quantile of 1e-6/2, so by the union bound a
correct engine fails this test with probability below 1e-6. For n = 1,000 the bound is
|rho| >= 0.159; the old fixed 0.1 at n = 500 failed a correct engine 2.6% of the time.

Logs: a voter session's log (the event-log entries and every Python log record between
activation and the end of the cast) must be the same whatever the choice - that catches a
candidate *number* as well as a name, in any wording. Unique marker names are also searched
in every log, temporary file, database page and Kivy log.

Poll book (a station with a voter list): voters arrive in random DPT order, check in and
vote. The attacker also reads the attendance list (row order and check-in times: the
committee's file) and where each check-in row lies in the decrypted file; none of the
three, paired by voter, may correlate with either ballot ordering (six tests, the same
1e-6 rate split over them: |rho| >= 0.262 at n = 400). Check-ins are never paired with
an activation in storage, and ballots take random slots, so only chance links them.

Positive control: the same checks on an engine that assigns slots in cast order (an rng
whose randbelow always takes the last free slot) and logs the chosen number must report
both ordering leaks and the choice-dependent log; a name logged through the same capture
must be found by the marker search. For the poll book, the same engine links every
check-in ordering to both ballot orderings.
"""

from __future__ import annotations

import logging
import math
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from statistics import NormalDist
from typing import Any

import pytest
import sqlcipher3

from ballotcore.bundle import StationBundle
from ballotcore.signing import SignedRecord
from ballotcore.tracking import tracking_code
from kiosk.engine import KioskEngine, database_key
from provisioning.testing import ElectionFixture
from tests.kiosk.helpers import (
    add_trustees,
    custom_election,
    decrypt_pages,
    officer_pins,
    open_engine,
    spearman,
    vote,
)

MARKERS = ["ZQXMARKERALFA", "ZQXMARKERBRAVO", "ZQXMARKERCHARLIE"]
N = 1000
ORDER_TESTS = ("ballot id", "position in the decrypted file")
FALSE_FAILURE = 1e-6
#: two-sided normal quantile for FALSE_FAILURE split over the tests (union bound): ~5.03
Z = NormalDist().inv_cdf(1 - FALSE_FAILURE / len(ORDER_TESTS) / 2)


def rho_bound(n: int) -> float:
    """|rho| at or above which an ordering of n ballots counts as leaking cast order."""
    return Z / math.sqrt(n - 1)


def choice_of(i: int) -> int:
    """The candidate number the i-th voter chooses (all three, interleaved)."""
    return i % 3 + 1


class Day:
    """A polling day of `n` casts on one engine, with each session's Python log records."""

    def __init__(self, e: KioskEngine, pin: str, n: int, caplog: pytest.LogCaptureFixture):
        self.codes: list[str] = []
        self.records: list[list[tuple[str, str, str]]] = []
        for i in range(n):
            start = len(caplog.records)
            self.codes.append(vote(e, pin, choice_of(i)))
            self.records.append(
                [(r.name, r.levelname, r.getMessage()) for r in caplog.records[start:]]
            )


def readable_orders(
    data: Path, key: bytes, bundle: StationBundle, codes: Sequence[str]
) -> tuple[dict[str, list[float]], list[bytes]]:
    """Each readable ordering as positions listed in cast order; also the ids in cast order."""
    by_code = {tracking_code(b.ballot.digest()): b.ballot for b in bundle.ballots}
    ids = [by_code[c].context.ballot_id for c in codes]
    pages = decrypt_pages(data / "kiosk.db", key)
    assert pages[0][16:100].startswith(bytes(84)) is False  # really decrypted
    position: dict[bytes, float] = {}
    for n, page in enumerate(pages):
        for ballot_id in ids:
            at = page.find(b'"ballot_id":"' + ballot_id.hex().encode())
            if at >= 0:
                position[ballot_id] = n * 4096 + at
    assert len(position) == len(ids)
    orders = {
        "ballot id": [float(int.from_bytes(i, "big")) for i in ids],
        "position in the decrypted file": [position[i] for i in ids],
    }
    assert sorted(orders) == sorted(ORDER_TESTS)
    return orders, ids


def leaking_orders(orders: dict[str, list[float]]) -> dict[str, float]:
    """name -> rho of every ordering whose correlation with cast order reaches the bound."""
    cast = list(range(len(next(iter(orders.values())))))
    rhos = {name: spearman(cast, values) for name, values in orders.items()}
    return {name: r for name, r in rhos.items() if abs(r) >= rho_bound(len(cast))}


def session_logs(events: list[dict[str, Any]], day: Day) -> list[tuple[Any, ...]]:
    """Per voter session: its event-log entries (no seq, hash or time) and Python records."""
    sessions: list[list[tuple[str, str]]] = []
    for ev in events:
        if ev["event"] == "session.activated":
            sessions.append([])
        if sessions and ev.get("log") is None:
            sessions[-1].append((ev["event"], repr(sorted(ev["detail"].items()))))
    sessions = sessions[: len(day.codes)]
    assert len(sessions) == len(day.codes)
    # the last session runs on into closing: keep only what a session logs
    ends = {"session.activated", "ballot.cast", "ballot.confirmed", "receipt.printed"}
    return [
        (tuple(x for x in s if x[0] in ends), tuple(r))
        for s, r in zip(sessions, day.records, strict=True)
    ]


def choice_dependent_logs(logs: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Session logs that occur for one choice but not for another (empty if none)."""
    by_choice: dict[int, set[tuple[Any, ...]]] = {}
    for i, log in enumerate(logs):
        by_choice.setdefault(choice_of(i), set()).add(log)
    every = set.intersection(*by_choice.values())
    return sorted({log for logs_ in by_choice.values() for log in logs_ - every}, key=repr)


def markers_found(haystacks: list[bytes]) -> list[str]:
    """Marker candidate names that appear in any haystack."""
    return [m for m in MARKERS if any(m.encode() in h for h in haystacks)]


class _CastOrderSlots:
    """A broken rng for the positive control: always the last free slot (so ids follow cast
    order exactly); ballot encryption still gets real randomness."""

    def token_bytes(self, nbytes: int) -> bytes:
        import secrets

        return secrets.token_bytes(nbytes)

    def randbelow(self, exclusive_upper_bound: int) -> int:
        return exclusive_upper_bound - 1


def _run_day(
    fx: ElectionFixture,
    data: Path,
    tmp_path: Path,
    n: int,
    caplog: pytest.LogCaptureFixture,
    **engine_kw: Any,
) -> tuple[Day, StationBundle, bytes, list[dict[str, Any]]]:
    e = open_engine(fx, data, **engine_kw)
    pin = officer_pins(fx)[0]
    day = Day(e, pin, n, caplog)
    # the WAL holds no trace of recent writes after a confirmation
    wal = data / "kiosk.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    e.close_polls(pin)
    add_trustees(e, fx, [1, 2, 3])
    e.compute_results()
    report = e.export(tmp_path)
    assert e._key is not None
    key = database_key(e._key, e.package)
    events = e.event_log()
    e.close()
    bundle = StationBundle.from_bytes(SignedRecord.from_bytes(report.path.read_bytes()).record)
    return day, bundle, key, events


def test_the_bound_is_what_the_docstring_says() -> None:
    assert round(Z, 2) == 5.03 and round(rho_bound(N), 3) == 0.159
    # the normal tail at the bound, doubled, times the number of tests: the stated rate
    assert len(ORDER_TESTS) * 2 * (1 - NormalDist().cdf(Z)) == pytest.approx(FALSE_FAILURE)


def test_no_readable_ordering_correlates_with_cast_order(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    fast_dir: Callable[[str], Path],
) -> None:
    caplog.set_level(logging.DEBUG)
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    kivy_home = tmp_path / "kivy"
    monkeypatch.setenv("TMPDIR", str(private_tmp))
    monkeypatch.setenv("KIVY_HOME", str(kivy_home))
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    fx = custom_election(tmp_path / "e", MARKERS, N)  # every ballot needs a voter on the DPT
    data = fast_dir("secrecy-")
    day, bundle, key, events = _run_day(fx, data, tmp_path, N, caplog)

    orders, ids = readable_orders(data, key, bundle, day.codes)
    assert leaking_orders(orders) == {}
    # export order is id order (so it is the ballot-id test, not a third one)
    assert [b.ballot.context.ballot_id for b in bundle.ballots] == sorted(ids)

    # rowid: the ballot table has none
    conn = sqlcipher3.connect(str(data / "kiosk.db"))
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'slots'").fetchone()[0]
    assert "WITHOUT ROWID" in sql
    with pytest.raises(sqlcipher3.OperationalError):
        conn.execute("SELECT rowid FROM slots").fetchone()
    conn.close()

    # the log: no ballot id or tracking code anywhere, cast events carry no detail
    log_text = str(events)
    for ballot_id, code in zip(ids, day.codes, strict=True):
        assert ballot_id.hex() not in log_text and code not in log_text
    casts = [ev for ev in bundle.events if ev.event == "ballot.cast"]
    assert len(casts) == N and all(ev.detail == {} for ev in casts)

    # a session's log does not depend on the choice (numbers and names alike)
    assert choice_dependent_logs(session_logs(events, day)) == []

    # no candidate name in logs, temp files, database pages or Kivy logs
    haystacks = [caplog.text.encode(), log_text.encode(), *decrypt_pages(data / "kiosk.db", key)]
    for folder in (data, private_tmp, kivy_home):
        if folder.exists():
            haystacks += [p.read_bytes() for p in folder.rglob("*") if p.is_file()]
    assert markers_found(haystacks) == []


def test_positive_control_a_leaky_engine_fails_every_check(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    fast_dir: Callable[[str], Path],
) -> None:
    caplog.set_level(logging.DEBUG)
    n = 60
    fx = custom_election(tmp_path / "e", MARKERS, n)  # every ballot needs a voter on the DPT
    leak = logging.getLogger("kiosk.voting")
    real_select = KioskEngine.select

    def select_and_log(self: KioskEngine, number: int) -> Any:
        leak.info("voter chose %d", number)  # the bug under test: a number, no name
        return real_select(self, number)

    monkeypatch.setattr(KioskEngine, "select", select_and_log)
    data = fast_dir("secrecy-control-")
    day, bundle, key, events = _run_day(fx, data, tmp_path, n, caplog, rng=_CastOrderSlots())

    orders, _ = readable_orders(data, key, bundle, day.codes)
    assert set(leaking_orders(orders)) == set(ORDER_TESTS)
    assert len(choice_dependent_logs(session_logs(events, day))) == 3  # one per candidate
    assert markers_found([caplog.text.encode()]) == []  # a number alone has no marker...
    for name in MARKERS:  # ...and a logged name is found through the same capture
        leak.debug("voter chose %s", name)
    assert markers_found([caplog.text.encode()]) == MARKERS


# ------------------------------------------------ the poll book's check-in order
#: Ballot-side orderings an attacker with the database and its key reads...
BALLOT_ORDERS = ORDER_TESTS
#: ...and voter-side ones: the attendance list (exported and printed, so everyone at the
#: committee reads it) in row order, its check-in times, and where each check-in row lies
#: in the decrypted database file.
VOTER_ORDERS = ("attendance row", "check-in time", "check-in row in the decrypted file")
CHECKIN_TESTS = len(BALLOT_ORDERS) * len(VOTER_ORDERS)
#: the same 1e-6 false-failure rate, split over these 6 tests (union bound): ~5.23
Z_CHECKIN = NormalDist().inv_cdf(1 - FALSE_FAILURE / CHECKIN_TESTS / 2)
CHECKIN_N = 400  # the DPT of election3: every voter on the list checks in and votes


def checkin_bound(n: int) -> float:
    return Z_CHECKIN / math.sqrt(n - 1)


def _pollbook_day(fx: ElectionFixture, data: Path, usb: Path, n: int, rng: Any = None
                  ) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """A day where voters arrive in random DPT order, each checked in and then voting;
    the readable orderings of their ballots and of their check-ins, both listed in the
    order the voters came (so index i is the same person on both sides)."""
    import secrets as os_random

    from kiosk.clock import FakeClock
    from tests.kiosk.voters import pollbook_engine, voters_for

    voters = voters_for(fx, n)
    clock = FakeClock()
    kw = {} if rng is None else {"rng": rng}
    e = pollbook_engine(fx, data, voters, clock=clock, **kw)
    pin = officer_pins(fx)[0]
    arrival = [v.dpt_number for v in voters.voters]
    for i in range(len(arrival) - 1, 0, -1):  # Fisher-Yates with the OS CSPRNG
        j = os_random.randbelow(i + 1)
        arrival[i], arrival[j] = arrival[j], arrival[i]
    codes = []
    for k, dpt in enumerate(arrival):
        clock.advance(20 + k % 17)  # distinct, increasing check-in times
        e.check_in(dpt)
        codes.append(vote(e, pin, choice_of(k)))
    e.close_polls(pin, paper_records=n)
    add_trustees(e, fx, [1, 2, 3])
    e.compute_results()
    report = e.export(usb)
    assert e._key is not None
    key = database_key(e._key, e.package)
    attendance = (usb / f"{e.village.code}_{e.station.code}.daftar-hadir.csv").read_text(
        encoding="utf-8").splitlines()[1:]
    e.close()
    bundle = StationBundle.from_bytes(SignedRecord.from_bytes(report.path.read_bytes()).record)
    ballots, _ = readable_orders(data, key, bundle, codes)
    rows = {int(line.split(",")[0]): (i, line.split(",")[-1]) for i, line in enumerate(attendance)}
    pages = decrypt_pages(data / "kiosk.db", key)
    by_dpt = voters.by_dpt()
    place: dict[int, float] = {}
    for p, page in enumerate(pages):
        for dpt in arrival:
            at = page.find(by_dpt[dpt].nik.encode())
            if at >= 0 and dpt not in place:
                place[dpt] = p * 4096 + at
    assert len(place) == n and len(rows) == n
    seconds = [sum(int(x) * m for x, m in zip(rows[d][1].split(":"), (3600, 60, 1), strict=True))
               for d in arrival]
    people = {
        "attendance row": [float(rows[d][0]) for d in arrival],
        "check-in time": [float(s) for s in seconds],
        "check-in row in the decrypted file": [place[d] for d in arrival],
    }
    assert sorted(people) == sorted(VOTER_ORDERS)
    return ballots, people


def linking_orders(ballots: dict[str, list[float]], people: dict[str, list[float]]
                   ) -> dict[tuple[str, str], float]:
    """(ballot ordering, voter ordering) -> rho for every pair reaching the bound."""
    n = len(next(iter(ballots.values())))
    rhos = {(b, p): spearman(ballots[b], people[p]) for b in ballots for p in people}
    return {k: r for k, r in rhos.items() if abs(r) >= checkin_bound(n)}


def test_checkin_bound_is_what_the_comment_says() -> None:
    assert round(Z_CHECKIN, 2) == 5.23 and round(checkin_bound(CHECKIN_N), 3) == 0.262
    assert CHECKIN_TESTS * 2 * (1 - NormalDist().cdf(Z_CHECKIN)) == pytest.approx(FALSE_FAILURE)


def test_checkin_order_and_times_do_not_link_a_voter_to_a_ballot(
        election3: ElectionFixture, fast_dir: Callable[[str], Path], tmp_path: Path) -> None:
    """The attendance list's order and times and the check-in rows' place in the file,
    against the ballots' ids and places, paired by voter: no correlation (the 1e-6 rate
    as above, over six tests)."""
    ballots, people = _pollbook_day(election3, fast_dir("secrecy-pb-"), tmp_path, CHECKIN_N)
    # the voter-side orderings really are the arrival order (the attacker's knowledge)
    arrival = list(range(CHECKIN_N))
    assert spearman(arrival, people["attendance row"]) == pytest.approx(1.0)
    assert spearman(arrival, people["check-in time"]) == pytest.approx(1.0)
    assert linking_orders(ballots, people) == {}


def test_positive_control_slots_in_order_link_checkins_to_ballots(
        election3: ElectionFixture, fast_dir: Callable[[str], Path], tmp_path: Path) -> None:
    """A broken engine (slots taken in cast order): every pair links."""
    ballots, people = _pollbook_day(election3, fast_dir("secrecy-pb-control-"), tmp_path, 60,
                                    rng=_CastOrderSlots())
    assert set(linking_orders(ballots, people)) == {
        (b, p) for b in BALLOT_ORDERS for p in VOTER_ORDERS}
