"""Forbidden transitions are refused and logged; the officer PIN policy survives restarts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kiosk.clock import FakeClock
from kiosk.engine import KioskEngine
from kiosk.errors import PinLockedOut, PinRejected, PinWait, StorageError, TransitionRefused
from kiosk.storage import KioskStore
from provisioning.testing import ElectionFixture
from tests.kiosk.helpers import engine_for, officer_pins, open_engine, vote
from tests.secretscan import holds_secret


def _refusals(e: KioskEngine) -> list[dict[str, Any]]:
    return [x["detail"] for x in e.event_log() if x["event"].endswith("transition_refused")]


def test_forbidden_transitions_are_refused_and_logged(
    election3: ElectionFixture, data_dir: Path
) -> None:
    e = engine_for(election3, data_dir)
    pin = officer_pins(election3)[0]
    e.officer_login(pin)
    # cast / activate before the zero report (polls in setup)
    with pytest.raises(TransitionRefused):
        e.activate_ballot(pin)
    with pytest.raises(TransitionRefused):
        e.cast()
    with pytest.raises(TransitionRefused):  # open before readiness and zero report
        e.open_polls(pin)
    assert e.readiness().ok
    e.open_polls(pin)
    with pytest.raises(TransitionRefused):  # cast without activation and review
        e.cast()
    e.activate_ballot(pin)
    with pytest.raises(TransitionRefused):  # a second activation for the same voter
        e.activate_ballot(pin)
    e.select(1)
    with pytest.raises(TransitionRefused):  # cast before review
        e.cast()
    e.review()
    e.cast()
    with pytest.raises(TransitionRefused):  # one activation, at most one ballot
        e.cast()
    e.confirm_cast()
    # mode switch without clearing while ballots exist
    with pytest.raises(TransitionRefused):
        e.set_mode("test", pin)
    e.close_polls(pin)
    with pytest.raises(TransitionRefused):  # cast after close
        e.activate_ballot(pin)
    with pytest.raises(TransitionRefused):
        e.cast()
    with pytest.raises(TransitionRefused):  # re-open after close
        e.open_polls(pin)
    with pytest.raises(TransitionRefused):
        e.resume()
    with pytest.raises(TransitionRefused):  # official ballots are never cleared
        e.set_mode("test", pin, clear=True)
    actions = [(d["state"], d["action"]) for d in _refusals(e)]
    assert ("setup", "activate") in actions and ("closed", "open") in actions
    assert ("open", "switch_mode_test") in actions and ("closed", "cast") in actions
    assert len(actions) == 13
    assert e.status().ballots == 1


def test_open_with_nonzero_totals_is_refused(election3: ElectionFixture, data_dir: Path) -> None:
    e = engine_for(election3, data_dir)
    pin = officer_pins(election3)[0]
    e.officer_login(pin)
    assert e.readiness().ok
    assert e.store is not None
    with e.store.transaction() as txn:  # a box that is somehow not empty at open
        txn.set("ballots", 3)
    with pytest.raises(TransitionRefused) as refused:
        e.open_polls(pin)
    assert "not zero" in str(refused.value)
    assert e.status().polls == "ready"


def test_mode_switch_with_clearing_empties_the_box(election3: ElectionFixture, data_dir: Path) -> None:
    e = engine_for(election3, data_dir)
    pin = officer_pins(election3)[0]
    e.officer_login(pin)
    e.set_mode("test", pin)
    assert e.readiness().ok
    e.open_polls(pin)
    vote(e, pin, 2)
    e.set_mode("official", pin, clear=True)
    s = e.status()
    assert (s.mode, s.polls, s.ballots, s.activations) == ("official", "setup", 0, 0)
    assert e.store is not None and e.store.slot_count() == 0
    assert e.readiness().ok
    e.open_polls(pin)
    assert e.status().polls == "open"


def test_pin_lockout_survives_restarts_and_is_logged(
    election3: ElectionFixture, data_dir: Path
) -> None:
    clock = FakeClock()
    good = officer_pins(election3)[0]
    wrong = "000000" if good != "000000" else "111111"
    e = engine_for(election3, data_dir, clock=clock)
    e.officer_login(good)  # creates the database
    e.close()
    for _ in range(5):
        e = engine_for(election3, data_dir, clock=clock)  # a restart before every try
        with pytest.raises(PinRejected):
            e.officer_login(wrong)
    e = engine_for(election3, data_dir, clock=clock)
    with pytest.raises(PinWait) as wait:
        e.officer_login(good)  # even the right PIN must wait
    assert 14 < wait.value.seconds <= 15
    clock.advance(15)
    for n in range(6, 15):
        with pytest.raises(PinRejected):
            engine_for(election3, data_dir, clock=clock).officer_login(wrong)
        clock.advance(15 * 2 ** (n - 5))
    with pytest.raises(PinLockedOut):
        engine_for(election3, data_dir, clock=clock).officer_login(wrong)
    clock.advance(3600)
    with pytest.raises(PinLockedOut):
        engine_for(election3, data_dir, clock=clock).officer_login(good)
    assert engine_for(election3, data_dir, clock=clock).status().pin_locked


def test_attempts_reach_the_event_log_and_success_resets(
    election3: ElectionFixture, data_dir: Path
) -> None:
    clock = FakeClock()
    good = officer_pins(election3)[0]
    wrong = "000000" if good != "000000" else "111111"
    engine_for(election3, data_dir, clock=clock).officer_login(good)
    for _ in range(3):
        with pytest.raises(PinRejected):
            engine_for(election3, data_dir, clock=clock).officer_login(wrong)
    e = engine_for(election3, data_dir, clock=clock)
    e.officer_login(good)
    log = [x["event"] for x in e.event_log()]
    assert log.count("officer.pin_wrong") == 3
    assert e.status().pin_failures == 0
    assert e.readiness().ok
    with pytest.raises(PinRejected):
        e.open_polls(wrong)  # attempts while unlocked are logged at once
    assert [x["event"] for x in e.event_log()].count("officer.pin_wrong") == 4
    log_text = json.dumps(e.event_log())
    assert not holds_secret(log_text, good)
    assert holds_secret(log_text + json.dumps({"pin": good}), good)  # positive control


def test_tampered_pin_state_locks(election3: ElectionFixture, data_dir: Path) -> None:
    good = officer_pins(election3)[0]
    engine_for(election3, data_dir).officer_login(good)
    state = data_dir / "pin-state.json"
    outer = json.loads(state.read_text())
    outer["payload"] = outer["payload"].replace('"failures": 0', '"failures": 1')
    state.write_text(json.dumps(outer))
    with pytest.raises(PinLockedOut):
        engine_for(election3, data_dir).officer_login(good)


def test_database_refuses_unknown_schema_and_wrong_key(
    election3: ElectionFixture, data_dir: Path
) -> None:
    e = open_engine(election3, data_dir)
    assert e.store is not None
    e.store._conn.execute("CREATE TABLE surprise (x)")
    e.close()
    with pytest.raises(StorageError):
        engine_for(election3, data_dir).officer_login(officer_pins(election3)[0])
    with pytest.raises(StorageError):
        KioskStore(data_dir, bytes(32))
