"""Run a test's helper program in its own process group, and never leave any of it behind.

`run_group` is `subprocess.run` for programs that start programs (xvfb-run starts Xvfb,
the UI driver starts espeak-ng, Chromium starts renderers): the command gets a new
session, and when it returns - normally, on a timeout or on any error - whatever is left
in its process group is killed, so a timed-out test cannot leave an Xvfb display or a
browser running. tests/leakcheck.py checks that nothing survived.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Sequence
from typing import Any


def kill_group(pgid: int) -> None:
    """SIGKILL every process of group `pgid` (nothing if it is already empty)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def run_group(
    cmd: Sequence[str], *, timeout: float, check: bool = False, **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    """Run `cmd` (text mode, output captured) in a new session; kill its group afterwards."""
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
    result = subprocess.CompletedProcess(list(cmd), proc.returncode, out, err)
    if check:
        result.check_returncode()
    return result
