"""Named crash points, for the power-loss tests.

`crash_point(name)` does nothing unless the environment variable `SUARADESA_CRASH_AT`
names this point, optionally with the hit number at which to die:
`SUARADESA_CRASH_AT=after_commit:37` kills the process (SIGKILL, no clean-up, no
flushing: as close to pulling the plug as a process can get) the 37th time the cast path
passes `after_commit`. A hook can also be installed in-process (`set_hook`) for tests
that want to observe rather than die.

Points on the cast path, in order: before_begin, after_insert (inside the transaction,
before COMMIT), after_commit, before_confirm, after_confirm.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable

ENV = "SUARADESA_CRASH_AT"
POINTS = ("before_begin", "after_insert", "after_commit", "before_confirm", "after_confirm")

_hits: dict[str, int] = {}
_hook: Callable[[str], None] | None = None


def set_hook(hook: Callable[[str], None] | None) -> None:
    """Install (or remove with None) an in-process hook called at every crash point."""
    global _hook
    _hook = hook


def crash_point(name: str) -> None:
    """Die here if told to by SUARADESA_CRASH_AT (see module docstring)."""
    if _hook is not None:
        _hook(name)
    spec = os.environ.get(ENV)
    if not spec:
        return
    point, _, nth = spec.partition(":")
    if point != name:
        return
    _hits[name] = _hits.get(name, 0) + 1
    if not nth or _hits[name] == int(nth):
        os.kill(os.getpid(), signal.SIGKILL)
