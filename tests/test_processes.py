"""`tests.processes` leaves nothing behind, even a helper that left the program's session.

The helper here does what Chromium's crash handler does: it calls setsid (so a kill of
the program's process group misses it) and outlives the program that started it, which
re-parents it to this test process (a subreaper under tests/leakcheck.py).
"""

from __future__ import annotations

import subprocess
import sys
import time

from tests.leakcheck import live_children
from tests.processes import await_leftovers, run_group

#: Starts a grandchild in a new session that sleeps `seconds`, prints its pid, and exits.
ESCAPER = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(float(sys.argv[1]))',"
    " sys.argv[1]], start_new_session=True,"
    " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(p.pid)\n"
)


def _escaper(seconds: float) -> list[str]:
    return [sys.executable, "-c", ESCAPER.replace("float(sys.argv[1])", repr(seconds)),
            str(seconds)]


def test_run_group_waits_for_a_helper_that_ends_soon() -> None:
    before = set(live_children())
    start = time.monotonic()
    out = run_group(_escaper(0.5), timeout=60, check=True)
    helper = int(out.stdout)
    assert set(live_children()) - before == set()
    assert time.monotonic() - start >= 0.5  # it waited for the helper to end by itself
    assert helper not in live_children(include_zombies=True)  # and collected it


def test_run_group_kills_a_helper_that_outstays() -> None:
    before = set(live_children())
    out = run_group(_escaper(600), timeout=60, check=True, leftover_timeout=0.5)
    assert int(out.stdout) not in live_children()
    assert set(live_children()) - before == set()


def test_a_helper_outside_the_group_survives_a_group_kill() -> None:
    """Positive control: without `await_leftovers` the escaped helper is still running."""
    before = set(live_children())
    proc = subprocess.Popen(_escaper(600), stdout=subprocess.PIPE, text=True)
    out, _ = proc.communicate(timeout=60)  # the program has ended; its helper has not
    helper = int(out)
    try:
        deadline = time.monotonic() + 30
        while helper not in live_children() and time.monotonic() < deadline:
            time.sleep(0.05)  # the re-parenting to this subreaper follows the exit
        assert helper in live_children()
    finally:
        await_leftovers(before, timeout=0)
    assert helper not in live_children()
