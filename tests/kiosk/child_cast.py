"""Child process for the power-loss tests: cast ballots until told how many are confirmed.

    python -m tests.kiosk.child_cast PACKAGE DATA AUTHORITY PIN TOTAL CONFIRMATIONS

Opens polls if needed, then per voter: activate, select, review, cast; as soon as cast()
returns (the "recorded" screen) it appends one line to CONFIRMATIONS and fsyncs it, then
calls confirm_cast(). It reports its progress on stdout, one line per step: `started`,
`unlocked` (engine opened, recovery done, officer logged in), `ready` (polls open), then
`cast N` after each confirmation line. The parent kills it (SIGKILL) at random instants
chosen by that progress, or SUARADESA_CRASH_AT makes it kill itself at a named point.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from kiosk.devices import MemoryContentPrinter, MemoryScanner
from kiosk.engine import KioskEngine


def main() -> None:
    package, data, authority, pin, total, confirmations = sys.argv[1:7]
    print("started", flush=True)
    engine = KioskEngine(Path(package), Path(data), printer=MemoryContentPrinter(),
                         scanner=MemoryScanner(), expected_authority=authority)
    engine.officer_login(pin)
    print("unlocked", flush=True)
    if engine.status().polls == "setup":
        assert engine.readiness().ok
    if engine.status().polls == "ready":
        engine.open_polls(pin)
    n = len(engine.candidates)
    path = Path(confirmations)
    done = len(path.read_text().splitlines()) if path.exists() else 0
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    print("ready", flush=True)
    while done < int(total):
        engine.activate_ballot(pin)
        engine.select(done % n + 1)
        engine.review()
        engine.cast()
        os.write(fd, b"confirmed\n")
        os.fsync(fd)
        done += 1
        print(f"cast {done}", flush=True)
        engine.confirm_cast()
    os.close(fd)
    engine.close()


if __name__ == "__main__":
    main()
