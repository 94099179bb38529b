"""A pytest plugin that fails the run when a test leaves a tmpfs folder or a process behind.

Loaded by tests/conftest.py (and by name, `-p tests.leakcheck`, in its own positive
control). It works with and without pytest-xdist:

* The controller (or the only process) picks a run tag and exports it as
  `SUARADESA_TEST_RUN` before any worker starts; every folder a test makes on /dev/shm
  through `tests.tmpfs` starts with `sdtest-<tag>-`, so the check sees this run's folders
  and never another run's (other engineers run the suite on the same machine).
* Every process that runs tests becomes a Linux *child subreaper*: a grandchild whose
  parent died (an Xvfb whose xvfb-run was killed, a daemon) is re-parented to it instead
  of to init, so "my children" covers every descendant a test left running. After each
  test the process lists its live children and notes new ones with the test's id; at the
  end it reports those still running (an xdist worker hands its list to the controller in
  `workeroutput`).
* At the end the controller lists /dev/shm for the run tag. Anything found - a folder or
  a live process - is printed with the test that made it, removed or killed so the
  machine is left clean, and the exit status becomes "tests failed".
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import shutil
import signal
from pathlib import Path
from typing import Any

import pytest

from tests import tmpfs

_PR_SET_CHILD_SUBREAPER = 36
_LEAKS_KEY = "suaradesa_leaked_processes"


def _become_subreaper() -> None:
    """Adopt orphaned descendants (Linux prctl); silently nothing elsewhere."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def live_children(pid: int | None = None, *, include_zombies: bool = False) -> dict[int, str]:
    """pid -> command line of every live (non-zombie, unless asked) child of `pid`
    (default: this process)."""
    parent = os.getpid() if pid is None else pid
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            state, ppid = fields[0], int(fields[1])
            if ppid != parent or (state in {"Z", "X"} and not include_zombies):
                continue
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue  # the process ended while we looked
        found[int(entry.name)] = cmdline.strip() or stat.split(" ", 2)[1]
    return found


def _infrastructure_pids() -> set[int]:
    """Helper processes multiprocessing keeps for the life of *this* process (its resource
    tracker and forkserver, started by the first process pool and reused): not leaks."""
    import multiprocessing.forkserver as forkserver
    import multiprocessing.resource_tracker as resource_tracker

    pids = {
        getattr(resource_tracker._resource_tracker, "_pid", None),
        getattr(forkserver._forkserver, "_forkserver_pid", None),
    }
    return {pid for pid in pids if isinstance(pid, int)}


def _reap_zombies() -> None:
    """Collect exit statuses of dead children nobody waited for (adopted orphans)."""
    with contextlib.suppress(ChildProcessError):
        while True:
            pid, _status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                return


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)


class LeakCheck:
    """Per-process state: children seen so far, and which test made each one."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.is_worker = hasattr(config, "workerinput")
        self.known = set(live_children())  # children that existed before any test
        self.made_by: dict[int, tuple[str, str]] = {}
        self.worker_leaks: list[dict[str, Any]] = []

    @pytest.hookimpl(hookwrapper=True, trylast=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> Any:
        yield
        for pid, cmd in live_children().items():
            if pid not in self.known and pid not in self.made_by:
                self.made_by[pid] = (item.nodeid, cmd)

    def _process_leaks(self) -> list[dict[str, Any]]:
        _reap_zombies()
        alive = live_children()
        for pid in _infrastructure_pids():
            alive.pop(pid, None)
        leaks = []
        for pid, (nodeid, cmd) in self.made_by.items():
            if pid in alive:
                # The longer of the two readings: one taken just after the test started the
                # process may fall inside its exec, when /proc/PID/cmdline is still empty
                # and only "(comm)" could be named (seen once in five fresh-clone runs).
                named = max(alive[pid], cmd, key=len)
                leaks.append({"pid": pid, "test": nodeid, "cmd": named[:200]})
                _kill(pid)
        _reap_zombies()
        return leaks

    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """Controller side: collect a finished worker's leaked processes."""
        output = getattr(node, "workeroutput", None) or {}
        self.worker_leaks.extend(output.get(_LEAKS_KEY, []))

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        processes = self._process_leaks()
        if self.is_worker:
            self.config.workeroutput[_LEAKS_KEY] = processes  # type: ignore[attr-defined]
            return
        processes += self.worker_leaks
        folders = tmpfs.run_folders()
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
        if not processes and not folders:
            return
        lines = ["", "tests leaked resources (removed now; fix the test that made them):"]
        lines += [f"  tmpfs folder {f}" for f in folders]
        lines += [f"  process {p['pid']} ({p['cmd']}) left running by {p['test']}" for p in processes]
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        for line in lines:
            if reporter is not None:
                reporter.write_line(line, red=True)
            else:
                print(line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_configure(config: pytest.Config) -> None:
    """Pick the run tag (controller only), become a subreaper, register the check."""
    if not hasattr(config, "workerinput"):
        os.environ[tmpfs.RUN_ENV] = secrets.token_hex(4)
    _become_subreaper()
    config.pluginmanager.register(LeakCheck(config), "suaradesa-leakcheck")
