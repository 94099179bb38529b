"""The crypto benchmark runs, counts the operations PROTOCOL.md states, ends in JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_runs_and_counts_operations() -> None:
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts/bench/crypto.py"),
            "--candidates",
            "2,3",
            "--repeat",
            "2",
            "--ballots",
            "20",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    lines = out.strip().splitlines()
    summary = json.loads(lines[-1])
    assert summary["bench"] == "crypto" and summary["candidates"] == 2
    for key in ("encrypt_ms", "verify_ms", "encrypt_floor_ms", "verify_floor_ms", "ratio"):
        assert summary[key] > 0
    for n in (2, 3):
        r = summary["per_candidates"][str(n)]
        # encrypt: 4n+1 fixed-base, 3n+1 variable-base, 3n+2 additions/subtractions
        assert r["encrypt_ops"] == {"base_mul": 4 * n + 1, "mul": 3 * n + 1, "add_sub": 3 * n + 2}
        # verify: 2n+1 fixed-base, 6n+3 variable-base, 7n+3 additions/subtractions
        assert r["verify_ops"] == {"base_mul": 2 * n + 1, "mul": 6 * n + 3, "add_sub": 7 * n + 3}
