#!/usr/bin/env python3
"""Benchmark: what one offline guess costs, on one core, for every secret a person types.

For each entry of `ballotcore.kdf.SECRETS` (installation code, unlock code, daily officer
PIN on the kiosk, trustee card) times the derivation a guess needs (Argon2id with the
production parameters + HKDF), CPU time of this process, median of `--rounds`; prints
the expected single-core years to search half of each secret's space. The last line is
`{"bench": "kdf", "card_guess_ms": ..., "card_core_years": ..., "install_code_bits": ...,
...}`. Usage: scripts/bench/kdf.py [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ballotcore.kdf import SECRETS, derive_pin_keys, expected_core_years


def per_guess_ms(name: str, rounds: int) -> float:
    """Median CPU milliseconds of one derivation with `name`'s production parameters."""
    spec = SECRETS[name]
    salt = secrets.token_bytes(16)
    times = []
    for _ in range(rounds):
        guess = "".join(secrets.choice("0123456789") for _ in range(spec.length))
        start = time.process_time()
        derive_pin_keys(guess, salt, spec.kdf, name)
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    out: dict[str, object] = {"bench": "kdf"}
    for name, spec in SECRETS.items():
        ms = per_guess_ms(name, args.rounds)
        years = expected_core_years(spec.space, ms / 1000)
        kdf = spec.kdf
        print(f"{name:13s} {spec.bits:5.1f} bits  argon2id m={kdf.memory_kib // 1024} MiB "
              f"t={kdf.time_cost} p={kdf.parallelism}  {ms:7.1f} ms/guess  "
              f"expected {years:.3g} core-years (documented {spec.guess_ms} ms)")
        key = name.replace("-", "_")
        out[f"{key}_guess_ms"] = round(ms, 1)
        out[f"{key}_core_years"] = float(f"{years:.4g}")
    out["card_guess_ms"] = out["trustee_card_guess_ms"]
    out["card_core_years"] = out["trustee_card_core_years"]
    out["install_code_bits"] = SECRETS["install-code"].bits
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
