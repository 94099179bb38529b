"""The background-thread shell shared by the device simulators.

One thread owns the pty: it reads what the driver writes and runs every request made
from other threads (emit a payload, inject a fault, unplug), in order. Requests wait
for the thread to run them, so after `sim.unplug()` returns the device is really gone.
Closing a file descriptor from another thread while this one selects on it could hand
the number to an unrelated file, which is why nothing else touches the pty.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Self, TypeVar

from hardware import timeouts as t
from hardware.errors import SimulatorError
from hardware.sim.pty import PtyPort

log = logging.getLogger(__name__)
T = TypeVar("T")

#: How long a request from another thread may wait for the simulator thread.
REQUEST_TIMEOUT = 10.0


class _Request:
    def __init__(self, action: Callable[[], object]) -> None:
        self.action = action
        self.done = threading.Event()
        self.result: object = None
        self.error: BaseException | None = None


class PtySimulator:
    """Start/stop, context manager, stable `path`, unplug/replug, requests run in-thread."""

    name = "device"

    def __init__(self, link_path: str | Path | None = None) -> None:
        self._port = PtyPort(link_path, self.name)
        self._requests: queue.SimpleQueue[_Request] = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------

    @property
    def path(self) -> str:
        """The stable device path to open with pyserial (a symlink to the current pty)."""
        return str(self._port.link)

    @property
    def device(self) -> str:
        """The current pty slave (`/dev/pts/N`); changes on every replug."""
        return self._port.device

    @property
    def connected(self) -> bool:
        return self._port.connected

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> Self:
        """Create the pty and start the simulator thread."""
        if self.running:
            return self
        self._port.plug()
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name=f"{self.name}-sim", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread, finish pending work, remove the pty and its link."""
        thread = self._thread
        if thread is not None:
            self._stopping.set()
            thread.join(timeout=REQUEST_TIMEOUT)
            self._thread = None
        self._port.close()
        self._finished()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- requests ------------------------------------------------------------------

    def _call(self, action: Callable[[], T]) -> T:
        """Run `action` on the simulator thread and return its result."""
        if not self.running or threading.current_thread() is self._thread:
            return action()
        request = _Request(action)
        self._requests.put(request)
        if not request.done.wait(REQUEST_TIMEOUT):
            raise SimulatorError(f"{self.name} simulator thread did not answer")
        if request.error is not None:
            raise request.error
        return request.result  # type: ignore[return-value]

    def _run_requests(self) -> None:
        while True:
            try:
                request = self._requests.get_nowait()
            except queue.Empty:
                return
            try:
                request.result = request.action()
            except BaseException as exc:  # handed back to the requesting thread
                request.error = exc
            request.done.set()

    def _run(self) -> None:
        try:
            while not self._stopping.is_set():
                self._run_requests()
                data = self._port.read(t.SIM_POLL, self._stopping)
                if data:
                    self._received(data)
                self._tick()
            self._run_requests()
        except Exception:
            log.exception("%s simulator thread crashed", self.name)
            raise

    # -- device actions ------------------------------------------------------------

    def unplug(self) -> None:
        """Pull the cable: the pty closes and its link disappears."""
        self._call(self._unplug)

    def replug(self) -> None:
        """Plug the cable back in: a fresh pty behind the same link."""
        self._call(self._port.plug)

    def _unplug(self) -> None:
        self._port.unplug()

    # -- hooks for subclasses ------------------------------------------------------

    def _received(self, data: bytes) -> None:
        """Bytes the driver wrote (simulator thread)."""

    def _tick(self) -> None:
        """Called after every poll (simulator thread)."""

    def _finished(self) -> None:
        """Called once by stop(), after the thread ended."""
