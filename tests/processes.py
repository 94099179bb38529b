"""Run a test's helper program in its own process group, and never leave any of it behind.

`run_group` is `subprocess.run` for programs that start programs (xvfb-run starts Xvfb,
the UI driver starts espeak-ng, Chromium starts renderers): the command gets a new
session, and when it returns - normally, on a timeout or on any error - whatever is left
in its process group is killed, so a timed-out test cannot leave an Xvfb display or a
browser running. tests/leakcheck.py checks that nothing survived.

Some programs start helpers in a session of their own, out of reach of a group kill:
Chromium's crash handler (`chrome_crashpad_handler`, two per browser) calls setsid and,
once the browser is gone, is re-parented to the test process (tests/leakcheck.py makes
it a subreaper). It ends by itself about 0.2 s later, but a test run that ends inside
that window counts it as a leak. `await_leftovers` waits for such adopted processes to
end (bounded) and kills what is left, so nothing outlives the test that started it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Sequence
from typing import Any

from tests.leakcheck import live_children


def kill_group(pgid: int) -> None:
    """SIGKILL every process of group `pgid` (nothing if it is already empty)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def await_leftovers(before: set[int], *, timeout: float = 20.0) -> None:
    """Wait until this process's children not in `before` have ended; kill them after
    `timeout` seconds. Call it after the program that made them has been stopped."""
    deadline = time.monotonic() + timeout
    while True:
        left = set(live_children()) - before
        if not left:
            break
        if time.monotonic() > deadline:
            for pid in left:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.1)
            break
        time.sleep(0.05)
    for pid in set(live_children(include_zombies=True)) - before:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # adopted orphans only: no Popen waits for them


def run_group(
    cmd: Sequence[str], *, timeout: float, check: bool = False, leftover_timeout: float = 20.0,
    **kwargs: Any,
) -> subprocess.CompletedProcess[str]:
    """Run `cmd` (text mode, output captured) in a new session; kill its group afterwards,
    then wait for (or kill) what it left in other sessions (`await_leftovers`)."""
    before = set(live_children())
    proc = subprocess.Popen(
        cmd, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, **kwargs,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        kill_group(proc.pid)
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        await_leftovers(before, timeout=leftover_timeout)
    result = subprocess.CompletedProcess(list(cmd), proc.returncode, out, err)
    if check:
        result.check_returncode()
    return result
