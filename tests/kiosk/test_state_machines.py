"""The pure state machines, the event registry and the PIN policy (no I/O)."""

from __future__ import annotations

import itertools

import pytest

from kiosk import events, pinstate, timeouts
from kiosk import polls as pm
from kiosk import session as sm
from kiosk.errors import PinLockedOut, PinWait


def test_polls_table_is_exactly_the_documented_one() -> None:
    allowed = {(s.value, a.value): n.value for (s, a), (n, _) in pm.TRANSITIONS.items()}
    assert allowed == {
        ("setup", "prepare"): "ready",
        ("ready", "open"): "open",
        ("open", "pause"): "paused",
        ("paused", "resume"): "open",
        ("open", "close"): "closed",
        ("paused", "close"): "closed",
        ("closed", "publish_results"): "results",
        ("exported", "publish_results"): "results",
        ("closed", "export"): "exported",
        ("results", "export"): "exported",
        ("exported", "export"): "exported",
    }


@pytest.mark.parametrize("state", list(pm.PollsState))
def test_no_way_back_to_open_after_close(state: pm.PollsState) -> None:
    for action in pm.PollsAction:
        step = pm.transition(state, action)
        if state in pm.SEALED_STATES and step is not None:
            assert step[0] in pm.SEALED_STATES


def test_every_transition_has_its_own_registered_event() -> None:
    codes = [code for _, code in pm.TRANSITIONS.values()]
    assert len(set(codes)) == len(codes)
    assert all(code in events.EVENTS for code in codes)
    with pytest.raises(KeyError):
        events.check("polls.nonsense")


def test_session_one_activation_at_most_one_cast() -> None:
    # every path from idle that reaches CAST passes through exactly one ACTIVATE
    for path in itertools.product(list(sm.SessionAction), repeat=5):
        state, activations, casts = sm.SessionState.IDLE, 0, 0
        for action in path:
            nxt = sm.transition(state, action)
            if nxt is None:
                break
            activations += action == sm.SessionAction.ACTIVATE
            casts += nxt == sm.SessionState.CAST
            state = nxt
        assert casts <= activations


def test_session_cast_only_from_review_or_a_committed_ballot() -> None:
    for state in sm.SessionState:
        nxt = sm.transition(state, sm.SessionAction.CAST)
        assert (nxt is not None) == (
            state in (sm.SessionState.REVIEWING, sm.SessionState.COMMITTED)
        )


def test_session_commit_then_challenge_returns_to_the_ballot() -> None:
    S, A = sm.SessionState, sm.SessionAction
    for state in S:
        assert (sm.transition(state, A.COMMIT) is not None) == (state == S.REVIEWING)
        assert (sm.transition(state, A.CHALLENGE) is not None) == (state == S.COMMITTED)
    assert sm.transition(S.COMMITTED, A.CHALLENGE) == S.SELECTING  # same activation
    assert sm.transition(S.COMMITTED, A.BACK) is None  # answer first: cast or check
    assert sm.transition(S.COMMITTED, A.TIMEOUT) == S.VOIDED
    assert S.COMMITTED in sm.LIVE_STATES


def test_mode_switch_rules() -> None:
    S, M = pm.PollsState, pm.Mode
    assert pm.mode_switch_refusal(S.SETUP, M.OFFICIAL, M.TEST, True, False) is None
    assert pm.mode_switch_refusal(S.OPEN, M.TEST, M.OFFICIAL, False, False) is not None
    assert pm.mode_switch_refusal(S.OPEN, M.TEST, M.OFFICIAL, False, True) is None
    assert pm.mode_switch_refusal(S.CLOSED, M.OFFICIAL, M.TEST, False, True) is not None
    assert pm.mode_switch_refusal(S.SETUP, M.TEST, M.TEST, True, True) is not None


def test_pin_policy_waits_double_and_lock_at_15() -> None:
    assert [timeouts.pin_wait_seconds(f) for f in range(8)] == [0, 0, 0, 0, 0, 15, 30, 60]
    rec = pinstate.PinRecord()
    t = 1000.0
    for n in range(1, 16):
        pinstate.gate(rec, t)  # allowed: we always wait long enough
        rec = pinstate.after_failure(rec, t, "x")
        t += timeouts.pin_wait_seconds(n) + 1
        if n == 5:
            with pytest.raises(PinWait):
                pinstate.gate(rec, rec.last_failure + 14.0)  # type: ignore[operator]
    assert rec.locked
    with pytest.raises(PinLockedOut):
        pinstate.gate(rec, t + 10**9)
    assert pinstate.after_success(pinstate.PinRecord(3, 1.0), "x").failures == 0
