"""Power loss: a child process casting ballots is SIGKILLed at named points and at random
instants; after every restart the box holds exactly the confirmed ballots (or one more,
logged as committed-not-confirmed), both integrity checks are clean and every stored
ballot verifies (proofs and kiosk signature).

Numbers: named points: 5 points x (killed at the 7th pass, then restarted to 12 ballots).
Random instants: one station cast to 1,000 ballots across restarts, killed each time at a
random instant chosen by the child's own progress (it prints a line per step), never by
the parent's clock, so the number of kills is fixed by the seeded schedule and not by the
machine's speed: every fifth kill during start-up (after `started` or `unlocked`: opening,
recovery, login, polls-open), the others after a uniform 0..60 further ballots; each kill
then waits a random fraction of the child's own last step time, so it lands anywhere
inside a cast (signing, the transaction, the confirmation write), not only between casts.
The last round is let run to the 1,000th ballot.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ballotcore import signing
from ballotcore.ballot import EncryptedBallot, verify_ballot
from kiosk.crash import ENV, POINTS
from provisioning.testing import ElectionFixture
from tests.kiosk.helpers import custom_election, engine_for, ensure_installed, officer_pins

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def election2(tmp_path_factory: pytest.TempPathFactory) -> ElectionFixture:
    return custom_election(tmp_path_factory.mktemp("pl"), ["Dua", "Tiga"], 1000)


@contextlib.contextmanager
def _child(
    fx: ElectionFixture, data: Path, total: int, env: dict[str, str]
) -> Iterator[subprocess.Popen[str]]:
    """The casting child; killed and waited for when the block ends, whatever happened."""
    ensure_installed(fx, data)
    args = [sys.executable, "-m", "tests.kiosk.child_cast", str(fx.package_paths()[0]), str(data),
            fx.authority_id, officer_pins(fx)[0], str(total), str(data / "confirmations.txt")]
    full_env = {k: v for k, v in os.environ.items() if k != ENV} | env
    child = subprocess.Popen(args, cwd=ROOT, env=full_env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        yield child
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate(timeout=60)


def _stderr(child: subprocess.Popen[str]) -> str:
    return child.stderr.read() if child.stderr else ""


def _read_progress(child: subprocess.Popen[str]) -> str:
    """The child's next progress line (fails the test if it ended instead)."""
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line, f"the child ended early (exit {child.wait(timeout=60)}): {_stderr(child)}"
    return line.strip()


class Checker:
    """Opens the kiosk after a crash (which runs recovery) and checks the invariants."""

    def __init__(self, fx: ElectionFixture, data: Path) -> None:
        self.fx, self.data = fx, data
        self.verified: set[bytes] = set()
        self.unconfirmed_events = 0

    def check(self) -> tuple[int, int]:
        confirmations = self.data / "confirmations.txt"
        lines = len(confirmations.read_text().splitlines()) if confirmations.exists() else 0
        if not (self.data / "kiosk.db").exists():
            return lines, 0
        e = engine_for(self.fx, self.data)
        e.officer_login(officer_pins(self.fx)[0])
        store = e.store
        assert store is not None
        stored = store.ballot_count()
        assert store.integrity_problems() == []
        assert int(store.get("ballots")) == stored
        events = [x["event"] for x in e.event_log()]
        unconfirmed = events.count("ballot.committed_not_confirmed")
        assert stored in (lines, lines + 1), (stored, lines)
        if stored == lines + 1:
            assert unconfirmed == self.unconfirmed_events + 1
        self.unconfirmed_events = unconfirmed
        key = e.package.certificate.public_key
        for record, sig in store.ballots():
            ballot = EncryptedBallot.from_bytes(record)
            if ballot.context.ballot_id in self.verified:
                continue
            signing.verify(key, "ballot", record, sig)
            verify_ballot(ballot, e.village_key.public_key, len(e.candidates))
            self.verified.add(ballot.context.ballot_id)
        assert len(self.verified) == stored
        e.close()
        # the parent's check counts as the voter's confirmation of an unconfirmed ballot
        if stored == lines + 1:
            with open(confirmations, "a") as fh:
                fh.write("confirmed-after-restart\n")
        return lines, stored


@pytest.mark.parametrize("point", POINTS)
def test_sigkill_at_named_point(
    election2: ElectionFixture, point: str, fast_dir: Callable[[str], Path]
) -> None:
    data = fast_dir(f"pl-{point}-")
    checker = Checker(election2, data)
    with _child(election2, data, 12, {ENV: f"{point}:7"}) as child:
        child.wait(timeout=60)
        assert child.returncode == -signal.SIGKILL, _stderr(child)
    lines, stored = checker.check()
    expected_extra = 1 if point == "after_commit" else 0
    assert stored == lines + expected_extra
    assert lines == 7 - (1 if point in ("before_begin", "after_insert", "after_commit") else 0)
    with _child(election2, data, 12, {}) as child:
        child.wait(timeout=60)
        assert child.returncode == 0, _stderr(child)
    lines, stored = checker.check()
    assert stored == lines == 12


@pytest.mark.slow
def test_sigkill_at_random_instants_up_to_1000_ballots(
    election2: ElectionFixture, fast_dir: Callable[[str], Path]
) -> None:
    data = fast_dir("pl-random-")
    checker = Checker(election2, data)
    rng = random.Random(20261201)  # not secret: test schedule only
    kills = at_start_up = 0
    stored = 0
    while stored < 1000:
        with _child(election2, data, 1000, {}) as child:
            further = rng.randint(0, 60)
            if stored + further + 10 >= 1000:  # the last round: let it finish
                assert child.wait(timeout=300) == 0, _stderr(child)
            else:
                if kills % 5 == 0:  # during start-up, recovery, login or polls-open
                    target = rng.choice(["started", "unlocked"])
                    at_start_up += 1
                else:  # while casting: after `further` more ballots
                    target = f"cast {stored + further + 1}"
                t0 = time.perf_counter()
                step = 0.0
                while _read_progress(child) != target:
                    step, t0 = time.perf_counter() - t0, time.perf_counter()
                # a random instant within the child's next step, scaled by its own pace
                time.sleep(rng.random() * min(step, 0.05))
                assert child.poll() is None  # by construction it cannot have finished yet
                child.send_signal(signal.SIGKILL)
                assert child.wait(timeout=60) == -signal.SIGKILL
                kills += 1
        _, stored = checker.check()
    # Only the schedule decides these counts, not the machine's speed: a killed round adds
    # at most 60 + 2 ballots (the target, and what fits in the <= one-step wait), so 1,000
    # ballots take at least 15 killed rounds, one in five of them at start-up.
    assert stored == 1000
    assert kills >= 15 and at_start_up >= 3, (kills, at_start_up)
