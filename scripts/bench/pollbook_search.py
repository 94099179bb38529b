#!/usr/bin/env python3
"""Benchmark: poll-book search latency at the kiosk on a 1,000-voter list.

`KioskEngine.search_voters(query)` from the call to its return (real SQLCipher database,
300 voters already checked in so results carry check-in times), over a mix of queries an
officer types: one name word, two name words, a DPT number, the last 4 or 6 NIK digits.

Target (issue 15): p95 < 50 ms. Last line:
{"bench": "pollbook_search", "voters": 1000, "queries": .., "p50_ms": .., "p95_ms": .., "max_ms": ..}

Usage: scripts/bench/pollbook_search.py [--queries N] [--voters N]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.kiosk.helpers import custom_election
from tests.kiosk.voters import pollbook_engine, voters_for


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--voters", type=int, default=1000)
    args = parser.parse_args()
    rnd = random.Random(15)  # noqa: S311 - which queries to time; nothing secret
    with tempfile.TemporaryDirectory(prefix="bench-pollbook-") as tmp:
        root = Path(tmp)
        fx = custom_election(root / "e", ["Ani", "Budi", "Citra"], args.voters)
        voters = voters_for(fx, args.voters)
        e = pollbook_engine(fx, root / "data", voters)
        for n in rnd.sample(range(1, args.voters + 1), min(300, args.voters)):
            e.check_in(n)
        queries = []
        for _ in range(args.queries):
            v = rnd.choice(voters.voters)
            first, last = v.name.split()
            queries.append(rnd.choice([
                first, last.lower(), f"{last} {first[:3]}", str(v.dpt_number),
                v.nik[-4:], v.nik[-6:]]))
        times = []
        for q in queries:
            start = time.perf_counter()
            e.search_voters(q)
            times.append((time.perf_counter() - start) * 1000)
        e.close()
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(json.dumps({"bench": "pollbook_search", "voters": args.voters,
                      "queries": len(times), "p50_ms": round(statistics.median(times), 3),
                      "p95_ms": round(p95, 3), "max_ms": round(times[-1], 3)}))


if __name__ == "__main__":
    main()
