"""Counts reconciled with the event log (docs/PROTOCOL.md 4.9), against a real kiosk.

A real provisioned election and a real `KioskEngine` play the polling day; the attacker
holds the kiosk's own private key (unlocked by an officer PIN) and, where said, the
trustees' shares. Each attack rewrites the exported bundle and re-signs everything the
kiosk key can sign; `verify_bundle` must refuse it. Honest paths (training mode, timed
out and voided sessions, power cuts with a session open or a cast unconfirmed, export
without results then with results, re-export) must reconcile.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballotcore import elgamal, trustees
from ballotcore.ballot import BallotContext, encrypt_ballot, new_ballot_id
from ballotcore.bundle import BALLOT_LABEL, SignedBallot, StationBundle, sort_ballots
from ballotcore.errors import BallotCoreError, VerificationError
from ballotcore.eventlog import GENESIS, EventEntry, next_entry
from ballotcore.public_record import PublicRecord
from ballotcore.reconcile import replay
from ballotcore.results import StationResults, aggregate_hash, box_root, decryption_context
from ballotcore.signing import SignedRecord, sign, sign_record
from ballotcore.tracking import tracking_code
from ballotcore.trustee_card import open_trustee_card, parse_trustee_card
from ballotcore.trustees import TrusteeShare
from ballotcore.verify import verify_bundle
from hardware import receipts
from kiosk import timeouts
from kiosk.clock import FakeClock
from kiosk.devices import MemoryContentPrinter
from kiosk.engine import KioskEngine
from kiosk.errors import SessionTimedOut, TransitionRefused
from provisioning.testing import ElectionFixture
from tests import tmpfs
from tests.kiosk.helpers import add_trustees, custom_election, engine_for, officer_pins
from tests.kiosk.helpers import vote as cast_vote

DECK = [1, 2, 2, 3, 1, 2]


@dataclasses.dataclass
class Day:
    """An exported polling day and everything the attacker holds."""

    fx: ElectionFixture
    record: PublicRecord
    data: bytes
    key: Ed25519PrivateKey
    printed_results: bytes

    @property
    def bundle(self) -> StationBundle:
        return StationBundle.from_bytes(SignedRecord.from_bytes(self.data).record)

    @property
    def results(self) -> StationResults:
        assert self.bundle.results is not None
        return StationResults.from_bytes(self.bundle.results.record)

    def shares(self, indexes: Sequence[int]) -> list[TrusteeShare]:
        village = self.bundle.village
        return [
            open_trustee_card(
                parse_trustee_card(self.fx.trustee_card_path(village, i).read_bytes()),
                self.fx.trustee_pin(village, i),
                self.record.village_keys[village],
            )
            for i in indexes
        ]


@pytest.fixture(scope="module")
def election(tmp_path_factory: pytest.TempPathFactory) -> ElectionFixture:
    """Three candidates, DPT 12, 5 trustees with k = 3."""
    return custom_election(tmp_path_factory.mktemp("reconcile"), ["Ani", "Budi", "Citra"], 12)


def _engine(fx: ElectionFixture, data: Path, clock: FakeClock, printer: MemoryContentPrinter
            ) -> KioskEngine:
    e = engine_for(fx, data, clock=clock, printer=printer)
    e.officer_login(officer_pins(fx)[0])
    return e


@pytest.fixture(scope="module")
def day(election: ElectionFixture, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Day]:
    """Official day: 6 ballots, one voided and one timed-out session, trustees 1, 2, 4, 5
    (results name 1, 2, 4), exported with results."""
    with tmpfs.fast_folder("reconcile-") as folder:
        yield _play_day(election, tmp_path_factory, folder)


def _play_day(election: ElectionFixture, tmp_path_factory: pytest.TempPathFactory,
              folder: Path) -> Day:
    clock, printer = FakeClock(), MemoryContentPrinter()
    e = _engine(election, folder, clock, printer)
    pin = officer_pins(election)[0]
    assert e.readiness().ok
    e.open_polls(pin)
    for n in DECK[:3]:
        cast_vote(e, pin, n)
    e.activate_ballot(pin)
    e.void_session()
    e.activate_ballot(pin)
    clock.advance(timeouts.ACTIVATED_IDLE_TIMEOUT_S + 1)
    with pytest.raises(SessionTimedOut):
        e.select(1)
    for n in DECK[3:]:
        cast_vote(e, pin, n)
    e.close_polls(pin)
    add_trustees(e, election, [5, 2, 4, 1])
    e.compute_results()
    report = printer.printed[-1]
    assert isinstance(report, receipts.ResultsReport)
    usb = tmp_path_factory.mktemp("usb")
    data = e.export(usb).path.read_bytes()
    return Day(election, election.package(0).public_record, data, e._kiosk_key(),
               report.signed_results)


# ---------------------------------------------------------------- attacker's tools
def _chain(entries: Sequence[EventEntry]) -> tuple[EventEntry, ...]:
    """Re-chain edited entries (new seq and prev links), as a kiosk-key holder can."""
    out: list[EventEntry] = []
    for i, e in enumerate(entries):  # EventEntry directly: the attacker skips next_entry's rules
        out.append(EventEntry(i, out[-1].digest() if out else GENESIS, e.event, e.time,
                              dict(e.detail)))
    return tuple(out)


def _remove_one_cast(events: Sequence[EventEntry], with_activation: bool) -> list[EventEntry]:
    i = max(j for j, e in enumerate(events) if e.event == "ballot.cast")
    drop = {i, i - 1} if with_activation else {i}
    assert events[i - 1].event == "session.activated"
    return [e for j, e in enumerate(events) if j not in drop]


def _set_ballots(events: Sequence[EventEntry], ballots: int) -> list[EventEntry]:
    """Rewrite the ballot counts the close and results.computed entries carry."""
    return [
        dataclasses.replace(e, detail=dict(e.detail, ballots=ballots))
        if e.event in ("polls.open_to_closed", "results.computed")
        else e
        for e in events
    ]


def _forge(
    day: Day,
    ballots: Sequence[SignedBallot] | None = None,
    events: Sequence[EventEntry] | None = None,
    shares: Sequence[TrusteeShare] | None = None,
    counts: tuple[int, int, int] | None = None,
    results_edit: Callable[[StationResults], StationResults] | None = None,
    keep_aggregate: bool = False,
) -> bytes:
    """The bundle with ballots/events replaced and everything derived recomputed and
    re-signed with the kiosk key: aggregate, box root, counts, results (log head at the
    entry before results.computed; votes decrypted when the trustees' shares are given,
    else the old votes shifted to add up), partials (re-made only with shares)."""
    b, old = day.bundle, day.results
    ballots = sort_ballots(ballots if ballots is not None else b.ballots)
    events = _chain(events if events is not None else b.events)
    n = len(b.aggregate)
    aggregate = b.aggregate if keep_aggregate else tuple(
        elgamal.aggregate(sb.ballot.ciphertexts[j] for sb in ballots) for j in range(n)
    )
    partials = b.partials
    votes = list(v for _, v in old.votes)
    if shares is not None:
        ctx = decryption_context(b.election_id, b.village, b.station, b.kiosk_id)
        partials = tuple(trustees.partial_decrypt(s, aggregate, ctx) for s in shares)
        votes = list(trustees.combine(aggregate, partials, 3, 12))
    else:
        while sum(votes) > len(ballots):
            votes[votes.index(max(votes))] -= 1
        while sum(votes) < len(ballots):
            votes[0] += 1
    activations, cast, voided = counts or (b.activations, len(ballots), b.voided)
    at = max(i for i, e in enumerate(events) if e.event == "results.computed")
    results = dataclasses.replace(
        old,
        votes=tuple((i + 1, v) for i, v in enumerate(votes)),
        ballots=cast,
        activations=activations,
        voided=voided,
        box_root=box_root([sb.ballot.digest() for sb in ballots]),
        aggregate_hash=aggregate_hash(aggregate),
        log_head=events[at - 1].digest(),
        trustees=tuple(sorted(p.index for p in partials)[:3]),
    )
    if results_edit is not None:
        results = results_edit(results)
    forged = dataclasses.replace(
        b,
        ballots=ballots,
        aggregate=aggregate,
        partials=partials,
        results=sign_record(day.key, "results", results.to_bytes()),
        events=events,
        activations=activations,
        ballot_count=cast,
        voided=voided,
    )
    return sign_record(day.key, "bundle", forged.to_bytes()).to_bytes()


def _stuffed(day: Day, extra: int) -> list[SignedBallot]:
    b = day.bundle
    key = day.record.village_keys[b.village].public_key
    out = list(b.ballots)
    for _ in range(extra):
        ctx = BallotContext(b.election_id, b.village, b.station, b.kiosk_id, new_ballot_id())
        ballot = encrypt_ballot(ctx, key, 3, 0)
        out.append(SignedBallot(ballot, sign(day.key, BALLOT_LABEL, ballot.to_bytes())))
    return out


# ---------------------------------------------------------------- the honest day
def test_the_honest_bundle_reconciles(day: Day) -> None:
    verified = verify_bundle(day.data, day.record, full=True)
    log = replay(verified.bundle.events)
    assert (log.activations, log.ballots, log.voided) == (8, 6, 2)
    assert (verified.bundle.activations, verified.bundle.ballot_count) == (8, 6)
    assert verified.results is not None and verified.results.trustees == (1, 2, 4)
    assert verified.findings == ()


# ---------------------------------------------------------------- dropping ballots
def test_dropping_a_ballot_with_counts_and_results_re_signed_is_refused(day: Day) -> None:
    """The log still records every cast: the counts disagree with it (quick check)."""
    b = day.bundle
    kept = b.ballots[1:]
    data = _forge(day, kept, counts=(b.activations - 1, len(kept), b.voided),
                  shares=day.shares([1, 2, 4, 5]))
    with pytest.raises(VerificationError, match="counts say 7 activations, the event log 8"):
        verify_bundle(data, day.record)
    # same with activations kept: the log's casts are still 6
    data = _forge(day, kept, shares=day.shares([1, 2, 4, 5]))
    with pytest.raises(VerificationError, match="counts say 5 ballots, the event log 6"):
        verify_bundle(data, day.record)


def test_dropping_a_ballot_and_its_log_entries_is_refused_without_trustee_shares(
    day: Day,
) -> None:
    """Ballot, activation and cast removed, close/results counts rewritten, log re-chained,
    aggregate and results recomputed: the trustees' partial decryptions (which the kiosk
    key cannot re-make) no longer decrypt the aggregate."""
    b = day.bundle
    kept = b.ballots[1:]
    events = _set_ballots(_remove_one_cast(b.events, with_activation=True), len(kept))
    data = _forge(day, kept, events, counts=(b.activations - 1, len(kept), b.voided))
    with pytest.raises(BallotCoreError):
        verify_bundle(data, day.record, full=True)
    # keeping the old aggregate instead: it is no longer the sum of the ballots
    data = _forge(day, kept, events, counts=(b.activations - 1, len(kept), b.voided),
                  keep_aggregate=True)
    with pytest.raises(VerificationError, match="aggregate does not equal the sum"):
        verify_bundle(data, day.record, full=True)


def test_a_consistent_rewrite_with_trustee_shares_differs_from_the_printed_report(
    day: Day,
) -> None:
    """The limit (PROTOCOL.md 4.9): kiosk key AND k trustee shares can rewrite a bundle
    that verifies on its own. The results report printed at the station (its QR is the
    signed results) then no longer matches: box root, counts and log head differ."""
    b = day.bundle
    kept = b.ballots[1:]
    events = _set_ballots(_remove_one_cast(b.events, with_activation=True), len(kept))
    data = _forge(day, kept, events, counts=(b.activations - 1, len(kept), b.voided),
                  shares=day.shares([1, 2, 4, 5]))
    forged = verify_bundle(data, day.record, full=True).results
    printed = StationResults.from_bytes(SignedRecord.from_bytes(day.printed_results).record)
    assert forged is not None and printed == day.results
    assert (forged.box_root, forged.ballots, forged.log_head) != (
        printed.box_root, printed.ballots, printed.log_head)


def test_a_cast_removed_from_the_log_while_the_counts_still_claim_it_is_refused(
    day: Day,
) -> None:
    b = day.bundle
    for with_activation in (False, True):
        events = _remove_one_cast(b.events, with_activation)
        with pytest.raises(VerificationError, match="event log"):
            verify_bundle(_forge(day, events=events), day.record)
    # positive control: the same forging without an edit verifies
    assert verify_bundle(_forge(day), day.record, full=True).results == day.results


# ---------------------------------------------------------------- stuffing ballots
def test_stuffed_ballots_with_activations_raised_to_match_are_refused(day: Day) -> None:
    b = day.bundle
    ballots = _stuffed(day, 2)
    counts = (b.activations + 2, len(ballots), b.voided)
    data = _forge(day, ballots, counts=counts, shares=day.shares([1, 2, 4, 5]))
    with pytest.raises(VerificationError, match="counts say 10 activations, the event log 8"):
        verify_bundle(data, day.record)
    # activations not raised: more ballots than activations is an error, not a finding
    stuffed = _stuffed(day, 3)
    data = _forge(day, stuffed, counts=(b.activations, len(stuffed), 0),
                  shares=day.shares([1, 2, 4, 5]))
    with pytest.raises(VerificationError, match="9 ballots but only 8 activations"):
        verify_bundle(data, day.record)
    # beyond the DPT (12): every ballot needs a voter
    many = _stuffed(day, 7)
    data = _forge(day, many, counts=(20, len(many), 7), shares=day.shares([1, 2, 4, 5]))
    with pytest.raises(VerificationError, match="13 ballots exceed the DPT of 12"):
        verify_bundle(data, day.record)


# ---------------------------------------------------------------- the log itself
def test_a_truncated_log_is_refused(day: Day) -> None:
    events = day.bundle.events
    at = max(i for i, e in enumerate(events) if e.event == "results.computed")
    truncated = dataclasses.replace(day.bundle, events=events[:at])  # results kept
    with pytest.raises(VerificationError, match="no results.computed"):
        verify_bundle(sign_record(day.key, "bundle", truncated.to_bytes()).to_bytes(),
                      day.record)
    close = max(i for i, e in enumerate(events) if e.event == "polls.open_to_closed")
    before_close = dataclasses.replace(day.bundle, events=events[:close], results=None)
    with pytest.raises(VerificationError, match="ends with the polls open"):
        verify_bundle(sign_record(day.key, "bundle", before_close.to_bytes()).to_bytes(),
                      day.record)


def _with_head(head: bytes) -> Callable[[StationResults], StationResults]:
    return lambda r: dataclasses.replace(r, log_head=head)


def test_log_head_must_be_the_entry_before_results_computed(day: Day) -> None:
    events = day.bundle.events
    at = max(i for i, e in enumerate(events) if e.event == "results.computed")
    for index in (at, at - 2, len(events) - 1):
        data = _forge(day, results_edit=_with_head(events[index].digest()))
        with pytest.raises(VerificationError, match="log_head is not the entry before"):
            verify_bundle(data, day.record)
    wrong = _forge(day, results_edit=lambda r: dataclasses.replace(r, ballots=5, votes=(
        (1, 1), (2, 2), (3, 2)), activations=7))
    with pytest.raises(VerificationError):
        verify_bundle(wrong, day.record)


def test_results_and_polls_steps_must_agree(day: Day) -> None:
    b = day.bundle
    # results stripped from the bundle while the log says they were computed
    stripped = dataclasses.replace(b, results=None)
    with pytest.raises(VerificationError, match="the bundle no results"):
        verify_bundle(sign_record(day.key, "bundle", stripped.to_bytes()).to_bytes(), day.record)
    # results computed twice, a cast after the close, the step to results missing
    at = max(i for i, e in enumerate(b.events) if e.event == "results.computed")
    edits = {
        "computed again": [*b.events[: at + 2], b.events[at], b.events[at + 1]],
        "not open": [*b.events, next_entry(b.events[-1], "session.activated", "t", {})],
        "without the step": [e for e in b.events if e.event != "polls.closed_to_results"],
        "export log": [*b.events, next_entry(b.events[-1], "polls.exported_again", "t")],
    }
    for match, events in edits.items():
        with pytest.raises(VerificationError, match=match):
            verify_bundle(_forge(day, events=events), day.record)


def test_partials_must_be_the_trustees_the_log_accepted(day: Day) -> None:
    b = day.bundle
    events = [e for e in b.events if not (e.event == "trustee.accepted"
                                          and e.detail.get("index") == 5)]
    with pytest.raises(VerificationError, match="differ from the trustees the log accepted"):
        verify_bundle(_forge(day, events=events), day.record)
    # results naming trustees 2, 4, 5 although 1 is present
    data = _forge(day, results_edit=lambda r: dataclasses.replace(r, trustees=(2, 4, 5)))
    with pytest.raises(VerificationError, match="3 lowest trustees present"):
        verify_bundle(data, day.record)


def test_no_log_entry_may_carry_a_ballot_id_or_tracking_code(day: Day) -> None:
    b = day.bundle
    sb = b.ballots[2]
    bid = sb.ballot.context.ballot_id
    code = tracking_code(sb.ballot.digest())
    at = max(i for i, e in enumerate(b.events) if e.event == "results.computed")
    cases: list[tuple[dict[str, str | int], str]] = [
        ({"note": f"slot {bid.hex()} ok"}, "ballot id"),
        ({"note": bid.hex().upper()}, "ballot id"),
        ({"x": sb.ballot.digest().hex()}, "ballot id"),
        ({"code": code.lower().replace("-", " ")}, "tracking code"),
        ({"ballot_id": "x"}, "forbidden"),
        ({"PIN": 1234}, "forbidden"),
    ]
    for detail, match in cases:
        hidden = EventEntry(0, bytes(32), "receipt.printed", "t", detail)
        events = [*b.events[:at - 3], hidden, *b.events[at - 3:]]
        with pytest.raises(VerificationError, match=match):
            verify_bundle(_forge(day, events=events), day.record)
    # positive control: an unrelated hex value and code-like text are fine
    harmless = EventEntry(0, bytes(32), "receipt.printed", "t",
                          {"note": "ab" * 32, "code": "7K3Q-MX2B-0HTR-9WCE"})
    events = [*b.events[:at - 3], harmless, *b.events[at - 3:]]
    assert verify_bundle(_forge(day, events=events), day.record).results is not None


# ---------------------------------------------------------------- honest paths
def _power_cut(e: KioskEngine, fx: ElectionFixture, data: Path, clock: FakeClock,
               printer: MemoryContentPrinter) -> KioskEngine:
    """Drop the engine without any clean-up step and start a new one on its data."""
    assert e.store is not None
    e.store.close()
    return _engine(fx, data, clock, printer)


def test_training_restarts_timeouts_and_late_results_all_reconcile(
    election: ElectionFixture, tmp_path: Path, fast_dir: Callable[[str], Path]
) -> None:
    """Test mode then official; a power cut with a session open and one with a cast not
    yet confirmed; an export without results, then results and re-exports."""
    clock, printer, data = FakeClock(), MemoryContentPrinter(), fast_dir("reconcile-honest-")
    pin = officer_pins(election)[0]
    record = election.package(0).public_record
    e = _engine(election, data, clock, printer)
    e.set_mode("test", pin)
    assert e.readiness().ok
    e.open_polls(pin)
    cast_vote(e, pin, 1)
    e.activate_ballot(pin)
    e.close_polls(pin)  # voids the open session
    add_trustees(e, election, [1, 2, 3])
    e.compute_results()
    (tmp_path / "test").mkdir()
    verified = verify_bundle(e.export(tmp_path / "test").path.read_bytes(), record, full=True)
    assert verified.bundle.mode == "test" and verified.bundle.voided == 1
    e.set_mode("official", pin, clear=True)
    assert e.readiness().ok
    e.open_polls(pin)
    cast_vote(e, pin, 2)
    e.activate_ballot(pin)
    e.select(3)
    e = _power_cut(e, election, data, clock, printer)  # with a voter session open
    cast_vote(e, pin, 3, confirm=False)
    e = _power_cut(e, election, data, clock, printer)  # before the cast was confirmed
    e.activate_ballot(pin)
    clock.advance(timeouts.ACTIVATED_IDLE_TIMEOUT_S + 1)
    assert e.tick()
    e.close_polls(pin)
    add_trustees(e, election, [4])
    usb = tmp_path / "usb"
    usb.mkdir()
    without = verify_bundle(e.export(usb).path.read_bytes(), record, full=True)
    assert without.results is None and [p.index for p in without.bundle.partials] == [4]
    add_trustees(e, election, [5, 3])
    e.compute_results()
    first = e.export(usb).path.read_bytes()
    e.reprint_results()
    again = e.export(usb).path.read_bytes()
    for raw in (first, again):
        v = verify_bundle(raw, record, full=True)
        assert v.results is not None and v.results.trustees == (3, 4, 5)
        assert (v.bundle.activations, v.bundle.ballot_count, v.bundle.voided) == (4, 2, 2)
    codes = [x.event for x in StationBundle.from_bytes(SignedRecord.from_bytes(again).record
                                                        ).events]
    for code in ("box.cleared", "session.voided_on_restart", "ballot.committed_not_confirmed",
                 "session.timed_out", "polls.exported_to_results", "report.results_reprinted"):
        assert code in codes


def test_the_kiosk_refuses_more_ballots_than_the_dpt(
    tmp_path: Path, fast_dir: Callable[[str], Path]
) -> None:
    fx = custom_election(tmp_path / "e", ["Ani", "Budi"], 2)
    e = _engine(fx, fast_dir("reconcile-dpt-"), FakeClock(), MemoryContentPrinter())
    pin = officer_pins(fx)[0]
    assert e.readiness().ok
    e.open_polls(pin)
    cast_vote(e, pin, 1)
    cast_vote(e, pin, 2)
    with pytest.raises(TransitionRefused, match="as many ballots as the DPT"):
        e.activate_ballot(pin)
    e.close_polls(pin)
    add_trustees(e, fx, [1, 2, 3])
    e.compute_results()
    report = e.export(tmp_path)
    assert verify_bundle(report.path.read_bytes(), fx.package(0).public_record, full=True)
