"""A real Dask cluster on loopback: `dask scheduler` and `dask worker` as separate processes.

Used by tests/tally/test_dask_cluster.py and scripts/bench/tally.py, so that `--dask
ADDRESS` is exercised against processes started exactly as an operator would start them
on other machines (not a `LocalCluster` living inside the test process).

`dask_cluster(folder, workers=2)` starts the scheduler (127.0.0.1, a free port chosen by
the scheduler, no dashboard; the address is read from its `--scheduler-file`) and
`workers` worker processes (`--nworkers 1 --nthreads 1`), waits until they have all
registered, yields a `Cluster` (address and process groups), and always ends every process group it started (SIGTERM,
then SIGKILL after a grace period). Scratch space, logs and the scheduler file live in
`folder`, never in the source tree.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: How long the scheduler and the workers get to come up on a loaded 2-core machine.
START_TIMEOUT_S = 60.0
#: How long a process group gets to exit after SIGTERM before SIGKILL.
STOP_GRACE_S = 5.0
#: How long SIGKILLed group members get to be gone (a dask worker freeing its memory on a
#: loaded machine is still "running" for a moment after the signal).
KILL_WAIT_S = 30.0


def dask_command(role: str) -> list[str]:
    """`dask scheduler` / `dask worker` from the running interpreter's environment."""
    script = Path(sys.executable).parent / "dask"
    if script.exists():
        return [str(script), role]
    found = shutil.which("dask")
    if found is not None and Path(found).parent == Path(sys.executable).parent:
        return [found, role]
    return [sys.executable, "-m", f"distributed.cli.dask_{role}"]


def _start(args: list[str], log: Path, cwd: Path) -> subprocess.Popen[bytes]:
    """One process in its own session (so its whole group, nanny children too, can be
    ended), output to `log`."""
    env = dict(os.environ, DASK_TEMPORARY_DIRECTORY=str(cwd))
    with log.open("wb") as out:
        return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=cwd,
                                env=env, start_new_session=True)


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """End every process group started (workers first, the scheduler last), and return
    only once no member of those groups is left running (or KILL_WAIT_S has passed)."""
    for proc in reversed(procs):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_S
    for proc in reversed(procs):
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        # The group may still hold children (a nanny's worker) after its leader exited.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    # SIGKILL is delivered asynchronously: a nanny's worker (not our child, so nothing to
    # wait for) can still be exiting when its leader has been reaped. Checking at once
    # made the cluster fixture report a leak (once in three fresh-clone runs).
    groups = tuple(p.pid for p in procs)
    deadline = time.monotonic() + KILL_WAIT_S
    while live_members(groups) and time.monotonic() < deadline:
        for pgid in groups:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
        time.sleep(0.05)


def _read_address(scheduler_file: Path, scheduler: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if scheduler.poll() is not None:
            raise RuntimeError(f"dask scheduler exited early:\n{log.read_text()[-2000:]}")
        try:
            address = json.loads(scheduler_file.read_text())["address"]
        except (OSError, ValueError, KeyError):
            time.sleep(0.1)
            continue
        return str(address)
    raise RuntimeError(f"dask scheduler did not start:\n{log.read_text()[-2000:]}")


@dataclass(frozen=True)
class Cluster:
    """A running cluster: where to reach it, and the process groups that make it up."""

    address: str
    groups: tuple[int, ...]


@contextlib.contextmanager
def dask_cluster(folder: Path, workers: int = 2) -> Iterator[Cluster]:
    """A scheduler and `workers` single-threaded workers (see module docstring)."""
    from dask.distributed import Client

    folder.mkdir(parents=True, exist_ok=True)
    scheduler_file = folder / "scheduler.json"
    procs: list[subprocess.Popen[bytes]] = []
    try:
        log = folder / "scheduler.log"
        procs.append(_start([*dask_command("scheduler"), "--host", "127.0.0.1", "--port", "0",
                             "--no-dashboard", "--scheduler-file", str(scheduler_file)],
                            log, folder))
        address = _read_address(scheduler_file, procs[0], log)
        for i in range(workers):
            scratch = folder / f"worker-{i}"
            scratch.mkdir(exist_ok=True)
            procs.append(_start([*dask_command("worker"), address, "--nworkers", "1",
                                 "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1",
                                 "--local-directory", str(scratch), "--name", f"w{i}"],
                                folder / f"worker-{i}.log", folder))
        with Client(address, timeout=START_TIMEOUT_S) as client:
            client.wait_for_workers(workers, timeout=START_TIMEOUT_S)
        yield Cluster(address, tuple(p.pid for p in procs))
    finally:
        _stop(procs)


def live_members(groups: tuple[int, ...]) -> list[int]:
    """Pids of processes (not zombies) still in any of the process `groups` (Linux /proc).

    For leak checks: after `dask_cluster` ends this must be empty.
    """
    left = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # the process ended while we looked
        # pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses
        fields = text[text.rindex(")") + 2:].split()
        if fields[0] != "Z" and int(fields[2]) in groups:
            left.append(int(stat.parent.name))
    return left
