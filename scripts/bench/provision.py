#!/usr/bin/env python3
"""Benchmark: provision every village of Kabupaten Banyuasin (304) with production settings.

Samples the spec, then times `create_election` with the default scrypt cost and one worker
per core. Peak memory is the largest total resident set of this process plus its worker
processes, sampled every 50 ms from /proc. The last line printed is a JSON object:
{"bench": "provision", "villages": 304, "seconds": ..., "peak_rss_mb": ...}.
Usage: scripts/bench/provision.py [--villages N] [--workers W] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from provisioning.create import create_election
from provisioning.sample import write_sample

REGENCY = "Kabupaten Banyuasin"


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as fh:
                out.extend(int(x) for x in fh.read().split())
    except OSError:
        pass
    return out


class PeakRss:
    """Samples the summed RSS of this process tree in a background thread."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            total = _rss_kb(me) + sum(_rss_kb(c) for c in _children(me))
            self.peak_kb = max(self.peak_kb, total)
            self._stop.wait(0.05)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--villages", type=int, default=None, help="default: all 304")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--keep", type=Path, help="write the election here and keep it")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sd-bench-"))
    try:
        spec = work / "spec"
        n = write_sample(REGENCY, spec, args.villages, seed=2025)
        out = args.keep or work / "election"
        with PeakRss() as rss:
            started = time.perf_counter()
            summary = create_election(spec, out, "bench-passphrase-banyuasin", workers=args.workers)
            seconds = time.perf_counter() - started
        print(
            f"{summary.villages} villages, {len(summary.stations)} stations, "
            f"{summary.trustee_cards} trustee cards",
            file=sys.stderr,
        )
        print(
            json.dumps(
                {
                    "bench": "provision",
                    "villages": n,
                    "stations": len(summary.stations),
                    "trustee_cards": summary.trustee_cards,
                    "seconds": round(seconds, 2),
                    "peak_rss_mb": round(rss.peak_kb / 1024, 1),
                    "cpus": os.cpu_count(),
                }
            )
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
