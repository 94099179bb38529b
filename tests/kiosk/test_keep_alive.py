"""keep_alive(): the voter's "I'm still here" restarts the idle timer, nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk import timeouts
from kiosk.clock import FakeClock
from kiosk.errors import SessionTimedOut, TransitionRefused
from provisioning.testing import ElectionFixture
from tests.kiosk.helpers import officer_pins, open_engine


def test_keep_alive_restarts_the_idle_timer_without_a_transition(
    election3: ElectionFixture, data_dir: Path
) -> None:
    clock = FakeClock()
    e = open_engine(election3, data_dir, clock=clock)
    pin = officer_pins(election3)[0]
    with pytest.raises(TransitionRefused):
        e.keep_alive()  # no voter session
    e.activate_ballot(pin)
    clock.advance(timeouts.ACTIVATED_IDLE_TIMEOUT_S - 10)
    e.keep_alive()
    clock.advance(timeouts.ACTIVATED_IDLE_TIMEOUT_S - 10)  # 340 s since activation
    assert e.tick() is False and e.status().session == "activated"
    e.select(2)
    e.review()
    events_before = len(e.event_log())
    for _ in range(3):  # 3 x 110 s: only alive because the voter keeps answering
        clock.advance(timeouts.VOTER_IDLE_TIMEOUT_S - 10)
        e.keep_alive()
    assert e.status().session == "reviewing" and e.voter.choice == 2
    assert len(e.event_log()) == events_before  # no transition, nothing logged
    e.cast()
    e.confirm_cast()
    assert e.status().ballots == 1 and e.status().voided == 0


def test_keep_alive_too_late_is_a_timeout(election3: ElectionFixture, data_dir: Path) -> None:
    clock = FakeClock()
    e = open_engine(election3, data_dir, clock=clock)
    e.activate_ballot(officer_pins(election3)[0])
    e.select(1)
    clock.advance(timeouts.VOTER_IDLE_TIMEOUT_S + 1)
    with pytest.raises(SessionTimedOut):
        e.keep_alive()
    s = e.status()
    assert (s.session, s.voided, s.ballots) == ("idle", 1, 0)
