"""Serial QR scanners: the `QrScanner` protocol and a reader-thread driver.

`SerialScanner` reads the port on a background thread, frames payloads with the pure
functions in `hardware.scanframe`, and calls `on_payload(text)` for each one, on that
thread: a GUI must hop to its main thread itself (Kivy's `@mainthread`).

It survives what a cheap scanner on a long cable does: garbage and oversize frames are
dropped with a warning (reason and length only, never content); when the device
disappears the status becomes DISCONNECTED and the port is reopened every
`reconnect_interval` until it comes back. Status changes go to `on_status`, as values,
on the reader thread (except the final STOPPED, on the thread that calls `stop()`).

If `on_payload` itself raises, that is a bug in the caller, not a device fault: the
reader stops with status FAILED (and the exception in `status.detail`) rather than
carry on in an unknown state.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol, Self

from hardware import scanframe as sf
from hardware import timeouts as t
from hardware.errors import TransportError
from hardware.transport import Transport, open_serial

log = logging.getLogger(__name__)

DEFAULT_BAUDRATE = 9600


class ScannerState(Enum):
    STOPPED = "stopped"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    FAILED = "failed"


@dataclass(frozen=True)
class ScannerStatus:
    state: ScannerState
    detail: str = ""


class QrScanner(Protocol):
    """What the kiosk needs from a scanner; payloads arrive through a callback."""

    @property
    def status(self) -> ScannerStatus: ...

    def start(self) -> Self: ...

    def stop(self) -> None: ...


class SerialScanner:
    """A serial (or USB-serial, or simulated) QR scanner read on a background thread."""

    def __init__(
        self,
        url: str,
        on_payload: Callable[[str], None],
        *,
        on_status: Callable[[ScannerStatus], None] | None = None,
        baudrate: int = DEFAULT_BAUDRATE,
        framing: sf.FramingConfig | None = None,
        reconnect_interval: float = t.SCANNER_RECONNECT_INTERVAL,
        read_poll: float = t.SCANNER_READ_POLL,
        clock: Callable[[], float] = time.monotonic,
        opener: Callable[[str, int, float], Transport] = open_serial,
    ) -> None:
        self.url = url
        self._on_payload = on_payload
        self._on_status = on_status
        self._baudrate = baudrate
        self._framing = framing or sf.FramingConfig()
        self._reconnect_interval = reconnect_interval
        self._read_poll = read_poll
        self._clock = clock
        self._opener = opener
        self._status = ScannerStatus(ScannerState.STOPPED)
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._rejections: list[sf.Rejected] = []

    # -- observation ---------------------------------------------------------------

    @property
    def status(self) -> ScannerStatus:
        with self._changed:
            return self._status

    @property
    def rejections(self) -> list[sf.Rejected]:
        """Frames dropped so far (reason and length only)."""
        with self._changed:
            return list(self._rejections)

    def wait_for(self, state: ScannerState, timeout: float) -> bool:
        """Wait until the status is `state`; False if `timeout` passes first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._status.state is not state:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
            return True

    def _set_status(self, status: ScannerStatus) -> None:
        with self._changed:
            if status.state is self._status.state:
                return  # same state, new detail: not worth a log line or a callback
            old, self._status = self._status, status
            self._changed.notify_all()
        level = logging.WARNING if status.state is ScannerState.DISCONNECTED else logging.INFO
        log.log(
            level,
            "scanner %s -> %s",
            old.state.value,
            status.state.value,
            extra={"event": "hw.scanner.status", "new": status.state.value},
        )
        if self._on_status is not None:
            self._on_status(status)

    # -- lifecycle -----------------------------------------------------------------

    def start(self) -> Self:
        """Start the reader thread; it connects (and reconnects) by itself."""
        if self._thread is not None and self._thread.is_alive():
            return self
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="qr-scanner", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the reader thread and close the port."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self.status.state is not ScannerState.FAILED:
            self._set_status(ScannerStatus(ScannerState.STOPPED))

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- reader thread -------------------------------------------------------------

    def _deliver(self, events: list[sf.FrameEvent]) -> bool:
        """Hand events on; False if the payload callback failed."""
        for event in events:
            if isinstance(event, sf.Payload):
                try:
                    self._on_payload(event.text)
                except Exception as exc:
                    log.exception(
                        "scanner payload callback failed", extra={"event": "hw.scanner.failed"}
                    )
                    self._set_status(ScannerStatus(ScannerState.FAILED, repr(exc)))
                    return False
            else:
                with self._changed:
                    self._rejections.append(event)
                log.warning(
                    "scanner ignored %d bytes: %s",
                    event.length,
                    event.reason.value,
                    extra={"event": "hw.scanner.rejected", "reason": event.reason.value},
                )
        return True

    def _run(self) -> None:
        port: Transport | None = None
        state = sf.FramerState()
        try:
            while not self._stopping.is_set():
                if port is None:
                    try:
                        port = self._opener(self.url, self._baudrate, t.WRITE_TIMEOUT)
                    except TransportError as exc:
                        self._set_status(ScannerStatus(ScannerState.DISCONNECTED, str(exc)))
                        self._stopping.wait(self._reconnect_interval)
                        continue
                    self._set_status(ScannerStatus(ScannerState.CONNECTED))
                try:
                    data = port.read_available(self._read_poll)
                except TransportError as exc:
                    port.close()
                    port = None
                    state, events = sf.reset(state)
                    if not self._deliver(events):
                        return
                    self._set_status(ScannerStatus(ScannerState.DISCONNECTED, str(exc)))
                    continue
                now = self._clock()
                if data:
                    state, events = sf.feed(state, data, now, self._framing)
                else:
                    state, events = sf.expire(state, now, self._framing)
                if not self._deliver(events):
                    return
        except Exception as exc:  # a bug here must not leave a stale CONNECTED status
            log.exception("scanner reader crashed", extra={"event": "hw.scanner.failed"})
            self._set_status(ScannerStatus(ScannerState.FAILED, repr(exc)))
        finally:
            if port is not None:
                port.close()
