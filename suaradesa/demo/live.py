"""`suaradesa demo --live`: the district intake server runs while the stations close.

`LiveDistrict` starts `suaradesa tally serve` (a child process on 127.0.0.1) before
polling day, each station sends its bundle through its kiosk outbox
(`kiosk.outbox.Outbox`, the code of `kiosk send`) as soon as it closes, and the
district's other arrivals (a phone photo, a tampered stick, a second copy) are posted
like the phone upload page does. A browser on the dashboard URL watches the regency
fill in. The server is stopped (SIGTERM: a clean stop, WAL checkpointed) before the
usual verify, reports and bulletin board.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from kiosk.outbox import Outbox


class LiveDistrict:
    """The intake server of the demo and the latency of every delivery it answered."""

    def __init__(self, db: Path, election: Path, authority: str, port: int,
                 say: Callable[[str], None]) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.say = say
        self.latencies: list[float] = []
        db.parent.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "suaradesa", "tally", "serve", "--db", str(db), "--record",
             str(election / "election.json"), "--authority", authority, "--host", "127.0.0.1",
             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{self.url}/api/v1/results", timeout=2)
                break
            except httpx.TransportError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"tally serve did not start on port {port}") from None
                time.sleep(0.2)
        say(f"    live dashboard: {self.url}/  (phone upload page: {self.url}/kirim)")

    def station_closed(self, usb: Path) -> str:
        """Send a closed station's export folder through its outbox; the final state."""
        box = Outbox(usb / ".suaradesa-outbox")
        box.add_export(usb)
        t0 = time.perf_counter()
        box.send(self.url, max_attempts=5)
        self.latencies.append(time.perf_counter() - t0)
        return ", ".join(f"{e.state} ({e.answer.split(':')[0]})" for e in box.entries.values())

    def post(self, path: Path) -> str:
        """Post one arrival (a photo, a tampered file, a second copy) as the upload page does."""
        t0 = time.perf_counter()
        r = httpx.post(f"{self.url}/api/v1/deliveries", content=path.read_bytes(),
                       headers={"X-Filename": path.name}, timeout=300)
        self.latencies.append(time.perf_counter() - t0)
        return str(r.json().get("outcome"))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.proc.stderr:
            self.proc.stderr.close()

    def note(self) -> str:
        """The closing note's load figures."""
        ms = sorted(x * 1000 for x in self.latencies)
        if not ms:
            return "live: no deliveries"
        p = lambda q: ms[min(len(ms) - 1, round(q * (len(ms) - 1)))]  # noqa: E731
        return (f"live: {len(ms)} deliveries through {self.url}, p50 {p(0.5):.0f} ms, "
                f"p99 {p(0.99):.0f} ms (load and throughput: python scripts/bench/intake.py)")
