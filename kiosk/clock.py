"""Time, injectable: the engine never calls `time` or `datetime.now` directly.

`wall()` is UTC wall-clock time (event-log timestamps, PIN waiting that must survive a
restart); `monotonic()` measures idle timeouts within one run. Tests pass a `FakeClock`
and advance it explicitly.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Protocol


class Clock(Protocol):
    def wall(self) -> dt.datetime:
        """Current UTC time (timezone-aware)."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards."""
        ...


class SystemClock:
    """The real clocks."""

    def wall(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def monotonic(self) -> float:
        return time.monotonic()


class FakeClock:
    """A clock that moves only when told to (tests, the headless simulation)."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        if start is None:  # today at 07:00 UTC, so certificate validity checks pass
            start = dt.datetime.combine(dt.date.today(), dt.time(7, 0), tzinfo=dt.UTC)
        self._start = start
        self._offset = 0.0

    def wall(self) -> dt.datetime:
        return self._start + dt.timedelta(seconds=self._offset)

    def monotonic(self) -> float:
        return self._offset

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock does not go backwards")
        self._offset += seconds


def iso_seconds(moment: dt.datetime) -> str:
    """ISO 8601 UTC to the second, as the event log records times: 2026-12-01T07:00:00Z."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
