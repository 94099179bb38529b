"""Power loss: a child process casting ballots is SIGKILLed at named points and at random
instants; after every restart the box holds exactly the confirmed ballots (or one more,
logged as committed-not-confirmed), both integrity checks are clean and every stored
ballot verifies (proofs and kiosk signature).

Numbers: named points: 5 points x (killed at the 7th pass, then restarted to 12 ballots).
Random instants: one station cast to 1,000 ballots across restarts, killed each time at a
random instant: one kill in five uniformly within 0.8 s of the child's start (start-up,
recovery, polls-open), the others uniformly within 1.5 s after it starts casting; seeded.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ballotcore import signing
from ballotcore.ballot import EncryptedBallot, verify_ballot
from kiosk.crash import ENV, POINTS
from provisioning.testing import ElectionFixture
from tests.kiosk.helpers import (
    custom_election,
    engine_for,
    ensure_installed,
    fast_dir,
    officer_pins,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def election2(tmp_path_factory: pytest.TempPathFactory) -> ElectionFixture:
    return custom_election(tmp_path_factory.mktemp("pl"), ["Dua", "Tiga"], 1000)


def _child(fx: ElectionFixture, data: Path, total: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    ensure_installed(fx, data)
    args = [sys.executable, "-m", "tests.kiosk.child_cast", str(fx.package_paths()[0]), str(data),
            fx.authority_id, officer_pins(fx)[0], str(total), str(data / "confirmations.txt")]
    full_env = {k: v for k, v in os.environ.items() if k != ENV} | env
    return subprocess.Popen(args, cwd=ROOT, env=full_env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


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
def test_sigkill_at_named_point(election2: ElectionFixture, point: str) -> None:
    data = fast_dir(f"pl-{point}-")
    checker = Checker(election2, data)
    child = _child(election2, data, 12, {ENV: f"{point}:7"})
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL, child.stderr.read() if child.stderr else ""
    lines, stored = checker.check()
    expected_extra = 1 if point == "after_commit" else 0
    assert stored == lines + expected_extra
    assert lines == 7 - (1 if point in ("before_begin", "after_insert", "after_commit") else 0)
    child = _child(election2, data, 12, {})
    child.wait(timeout=60)
    assert child.returncode == 0, child.stderr.read() if child.stderr else ""
    lines, stored = checker.check()
    assert stored == lines == 12


@pytest.mark.slow
def test_sigkill_at_random_instants_up_to_1000_ballots(election2: ElectionFixture) -> None:
    data = fast_dir("pl-random-")
    checker = Checker(election2, data)
    rng = random.Random(20261201)  # not secret: test schedule only
    kills = 0
    stored = 0
    while stored < 1000:
        child = _child(election2, data, 1000, {})
        if rng.random() < 0.2:  # during start-up, recovery or polls-open
            time.sleep(rng.uniform(0.05, 0.8))
        else:  # while casting
            assert child.stdout is not None
            child.stdout.readline()
            # Short enough that even a fast machine (~1.5 ms a cast) is killed many times
            # before the 1,000th ballot; the count of kills is asserted below.
            time.sleep(rng.uniform(0.0, 0.3))
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            kills += 1
        child.wait(timeout=60)
        assert child.returncode in (0, -signal.SIGKILL), child.stderr.read() if child.stderr else ""
        _, stored = checker.check()
    assert stored == 1000 and kills >= 5
