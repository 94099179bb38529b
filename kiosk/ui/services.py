"""What the touchscreen is handed at `build()`, and how slow engine calls leave the UI thread.

`Services` bundles the kiosk engine (through `KioskBridge`), the speaker, the clock and the
timeouts. Nothing in `kiosk/ui` creates an engine, a printer or a database by itself: the
`kiosk run` command (or a test) builds them and passes them in.

`Worker.submit(fn, on_done, on_error)` runs `fn` on a background thread and delivers the
result on the Kivy main thread through `Clock.schedule_once`. Casting, opening polls,
trustee decryption and export all go through it, so the screen keeps drawing while the
crypto, SQLCipher and printer work happens.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kivy.clock import Clock

from kiosk.ui.audio import Speaker

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class UiTimeouts:
    """The touchscreen's own timers, in seconds. The voter idle limits themselves are the
    engine's (kiosk.timeouts); the UI only warns `idle_warn_lead` seconds before them."""

    idle_warn_lead: float = 30.0  # "Are you still there?" this long before the engine voids
    recorded_return: float = 10.0  # "your vote is recorded" shown this long, then locked screen
    voided_return: float = 8.0  # "ballot cancelled" shown this long, then locked screen
    scan_card: float = 30.0  # waiting for a trustee card at the scanner

    @classmethod
    def fast(cls) -> UiTimeouts:
        """Short screen timers for tests (the idle limits still come from the engine).

        The "recorded" and "voided" screens leave by themselves after these real-time
        seconds; tests read those screens after a few frames, which under a loaded CI
        machine took longer than the 0.5 s once used (a check then saw the next screen).
        Several seconds leave a margin of more than 10x over a loaded frame."""
        return cls(idle_warn_lead=30.0, recorded_return=4.0, voided_return=3.0, scan_card=5.0)


@dataclass
class Services:
    """The collaborators of the app, built by the caller and handed in at build()."""

    bridge: Any  # kiosk.ui.bridge.KioskBridge (typed Any: the bridge imports the engine)
    speaker: Speaker
    clock: Callable[[], float] = time.monotonic  # the ENGINE's monotonic clock (tests: fake)
    timeouts: UiTimeouts = field(default_factory=UiTimeouts)
    usb_dir: Path | None = None  # where exports and trustee-card files are looked for
    server_url: str | None = None  # the district intake server (E-rekap), if a link exists


class Worker:
    """Runs blocking calls off the UI thread, one at a time, results back on the main thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.busy = False

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> bool:
        """Start `fn` unless a call is already running; False (and nothing run) if busy."""
        with self._lock:
            if self.busy:
                return False
            self.busy = True

        def run() -> None:
            try:
                result = fn()
            except BaseException as exc:  # delivered to the UI, which shows an error screen
                err = exc
                Clock.schedule_once(lambda _dt: self._finish(on_error, err), 0)
                return
            Clock.schedule_once(lambda _dt: self._finish(on_done, result), 0)

        threading.Thread(target=run, name="kiosk-ui-worker", daemon=True).start()
        return True

    def _finish(self, callback: Callable[[Any], None], value: Any) -> None:
        with self._lock:
            self.busy = False
        callback(value)
