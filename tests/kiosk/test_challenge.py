"""The Benaloh challenge on the engine: commit, check (spoil), back to the ballot, cast.

What is checked: the kiosk encrypts and prints the tracking code before the voter answers;
a checked ballot is stored spoiled with its nonces and exported (it verifies, it encrypts
the candidate the challenge receipt names), never counted; the same activation continues
to one cast; the paper record is printed only for the cast ballot; a session voided while
a ballot is committed stores nothing. Secrecy: spoiled ballots take their ids from the
same uniformly random free slots as casts, so their id order (which is also their export
order) does not follow challenge order - with the bound of tests/kiosk/test_secrecy.py and
its positive control (slots taken in order).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ballotcore.bundle import StationBundle
from ballotcore.signing import SignedRecord
from ballotcore.spoiled import SpoiledBallot
from ballotcore.tracking import tracking_code
from ballotcore.verify import verify_bundle
from hardware import receipts
from kiosk import timeouts
from kiosk.devices import MemoryContentPrinter
from kiosk.engine import KioskEngine
from kiosk.errors import SessionTimedOut, TransitionRefused
from provisioning.testing import ElectionFixture
from tests.kiosk.helpers import (
    add_trustees,
    custom_election,
    engine_for,
    officer_pins,
    open_engine,
    spearman,
)
from tests.kiosk.test_secrecy import _CastOrderSlots, rho_bound


def _export(e: KioskEngine, fx: ElectionFixture, usb: Path) -> StationBundle:
    pin = officer_pins(fx)[0]
    e.close_polls(pin)
    add_trustees(e, fx, [1, 2, 3])
    e.compute_results()
    report = e.export(usb)
    data = report.path.read_bytes()
    verify_bundle(data, e.record, full=True)
    return StationBundle.from_bytes(SignedRecord.from_bytes(data).record)


def test_check_then_cast_one_activation(election3: ElectionFixture, data_dir: Path,
                                        tmp_path: Path) -> None:
    printer = MemoryContentPrinter()
    e = open_engine(election3, data_dir, printer=printer)
    pin = officer_pins(election3)[1]
    before = len(printer.printed)
    e.activate_ballot(pin)
    e.select(2)
    e.review()
    with pytest.raises(TransitionRefused):
        e.challenge()  # nothing is committed yet
    first = e.commit()
    assert first.candidate_number == 2 and first.slip_status == "ready"
    with pytest.raises(TransitionRefused):
        e.back()  # answer first: cast or check
    check = e.challenge()
    assert (check.tracking_code, check.candidate_number, check.printed) == (
        first.tracking_code, 2, True)
    assert e.status().session == "selecting" and e.status().ballots == 0
    e.review()  # the choice is kept: straight to the review
    again = e.commit()
    assert again.tracking_code != first.tracking_code  # a fresh encryption
    e.challenge()
    e.select(3)
    e.review()
    final = e.commit()
    receipt = e.cast()
    assert receipt.tracking_code == final.tracking_code and receipt.printed
    with pytest.raises(TransitionRefused):
        e.challenge()  # one cast per activation, then nothing more
    e.confirm_cast()
    status = e.status()
    assert (status.activations, status.ballots, status.voided) == (1, 1, 0)
    docs = printer.printed[before:]
    assert [type(d).__name__ for d in docs] == [
        "TakeHomeSlip", "ChallengeReceipt", "TakeHomeSlip", "ChallengeReceipt",
        "TakeHomeSlip", "VoterRecord",
    ]
    records = [d for d in docs if isinstance(d, receipts.VoterRecord)]
    # the paper record only for the cast ballot (it carries the choice, never a code)
    assert [r.candidate_number for r in records] == [3]
    challenge = docs[1]
    assert isinstance(challenge, receipts.ChallengeReceipt)
    assert (challenge.tracking_code, challenge.candidate_number) == (first.tracking_code, 2)

    bundle = _export(e, election3, tmp_path)
    e.close()
    assert len(bundle.ballots) == 1 and tracking_code(bundle.ballots[0].ballot.digest()) == (
        final.tracking_code)
    spoiled = {tracking_code(s.spoiled.ballot.digest()): s.spoiled.candidate
               for s in bundle.spoiled}
    assert spoiled == {first.tracking_code: 2, again.tracking_code: 2}
    challenged = [ev for ev in bundle.events if ev.event == "ballot.challenged"]
    assert len(challenged) == 2 and all(ev.detail == {} for ev in challenged)


def test_a_session_voided_while_committed_stores_nothing(election3: ElectionFixture,
                                                         data_dir: Path) -> None:
    e = open_engine(election3, data_dir)
    pin = officer_pins(election3)[1]
    free = len(e._free)
    e.activate_ballot(pin)
    e.select(1)
    e.review()
    e.commit()
    assert len(e._free) == free - 1  # the committed ballot holds its slot
    e.clock.advance(timeouts.VOTER_IDLE_TIMEOUT_S + 1)  # type: ignore[attr-defined]
    with pytest.raises(SessionTimedOut):
        e.cast()
    assert len(e._free) == free  # the slot is free again
    status = e.status()
    assert (status.ballots, status.voided, status.session) == (0, 1, "idle")
    assert e.store is not None and e.store.spoiled() == []
    e.close()


def _spoiled_order(fx: ElectionFixture, data: Path, n: int, **kw: object) -> float:
    """n voters each check one ballot then cast; rho of spoiled id vs challenge order."""
    e = engine_for(fx, data, **kw)  # type: ignore[arg-type]
    officer, other = officer_pins(fx)
    e.officer_login(officer)
    assert e.readiness().ok
    e.open_polls(officer)
    codes = []
    for i in range(n):
        e.activate_ballot(other)
        e.select(i % 3 + 1)
        e.review()
        codes.append(e.commit().tracking_code)
        e.challenge()
        e.review()
        e.commit()
        e.cast()
        e.confirm_cast()
    assert e.store is not None
    stored = [SpoiledBallot.from_bytes(r) for r, _ in e.store.spoiled()]
    ids = [s.ballot_id for s in stored]
    assert ids == sorted(ids)  # stored (and exported) by random id
    by_code = {tracking_code(s.ballot.digest()): s.ballot_id for s in stored}
    order = [float(int.from_bytes(by_code[c], "big")) for c in codes]
    e.close()
    return spearman(list(range(n)), order)


def test_spoiled_ids_do_not_follow_challenge_order(
    tmp_path: Path, fast_dir: Callable[[str], Path]
) -> None:
    n = 150
    fx = custom_election(tmp_path / "e", ["Ani", "Budi", "Citra"], n)
    assert abs(_spoiled_order(fx, fast_dir("spoil-"), n)) < rho_bound(n)


def test_positive_control_slots_in_order_leak_challenge_order(
    tmp_path: Path, fast_dir: Callable[[str], Path]
) -> None:
    n = 40
    fx = custom_election(tmp_path / "e", ["Ani", "Budi", "Citra"], n)
    rho = _spoiled_order(fx, fast_dir("spoil-control-"), n, rng=_CastOrderSlots())
    assert abs(rho) >= rho_bound(n)
