#!/usr/bin/env python3
"""Benchmark: kiosk cast latency against its floor, and close-of-polls time.

* p50_ms / p99_ms: `KioskEngine.cast()` from the call to its return, which happens right
  after the durable COMMIT (WAL, synchronous=FULL) of the one cast transaction (no
  printer attached, so no printing time is included).
* floor_ms: the median of the same crypto (encrypt_ballot with proofs + kiosk signature)
  plus ONE SQLCipher FULL commit writing the same-size row into a pre-allocated slot, in a
  database in the same folder, measured interleaved with the casts in the same run.
* close_3000_s: close_polls + 3 trustees' partial decryptions + compute_results for a
  station holding 3,000 ballots (3 candidates).

Targets (issue 4): ratio = p50/floor <= 1.5, p99 <= 3 x floor, close_3000_s < 5.
Last line: {"bench": "cast", "p50_ms": .., "p99_ms": .., "floor_ms": .., "ratio": .., "close_3000_s": ..}

Usage: scripts/bench/cast.py [--casts N] [--dir DIR]   (DIR: a real disk; default: a temp dir)
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import sqlcipher3

from ballotcore.ballot import BallotContext, encrypt_ballot
from ballotcore.package import PinKdf
from ballotcore.signing import sign
from kiosk.engine import KioskEngine
from provisioning.create import PINS_FILE, create_election
from provisioning.sample import write_sample
from provisioning.testing import DEFAULT_REGENCY, TEST_PASSPHRASE

CANDIDATES = ["Ani", "Budi", "Citra"]


def make_station(root: Path, dpt: int) -> tuple[Path, str, str, dict[int, tuple[bytes, str]]]:
    """A 1-village, 1-station, 3-candidate election: (package, authority, pin, cards)."""
    spec = root / "spec"
    write_sample(DEFAULT_REGENCY, spec, villages=1, seed=3)
    with open(spec / "villages.csv", encoding="utf-8") as fh:
        village = next(csv.DictReader(fh))["code"]
    with open(spec / "candidates.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["village", "number", "name", "photo"])
        w.writerows([village, i, n, ""] for i, n in enumerate(CANDIDATES, start=1))
    with open(spec / "stations.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["village", "station", "dpt"], [village, "TPS-01", dpt]])
    summary = create_election(spec, root / "election", TEST_PASSPHRASE, kdf=PinKdf.testing())
    pins = json.loads((summary.out_dir / PINS_FILE).read_text(encoding="utf-8"))
    package = next((summary.out_dir / "packages").iterdir())
    cards = {
        i: ((summary.out_dir / "trustee-cards" / village / f"trustee-{i}.sdcard").read_bytes(),
            pins["trustees"][village][str(i)])
        for i in (1, 2, 3)
    }
    return package, summary.authority_id, pins["officers"][f"{village}/TPS-01"][0], cards


def open_engine(package: Path, data: Path, authority: str, pin: str) -> KioskEngine:
    from kiosk.devices import MemoryScanner

    class NullPrinter:  # ready, prints nothing: the bench measures the engine
        def status(self) -> Any:
            from hardware.status import READY

            return READY

        def print_receipt(self, content: Any) -> Any:
            return self.status()

    e = KioskEngine(package, data, printer=NullPrinter(), scanner=MemoryScanner(),
                    expected_authority=authority)
    if not e.status().installed:  # the once-per-kiosk installation, code from pins.json
        pins = json.loads((package.parent.parent / PINS_FILE).read_text(encoding="utf-8"))
        e.install(pins["install_codes"][f"{e.village.code}/{e.station.code}"])
    e.officer_login(pin)
    if not e.readiness().ok:
        raise SystemExit("readiness failed")
    e.open_polls(pin)
    return e


class Floor:
    """Same crypto + one FULL commit of a same-size slot row, in the same folder."""

    def __init__(self, folder: Path, engine: KioskEngine, slots: int) -> None:
        self.engine = engine
        self.conn = sqlcipher3.connect(str(folder / "floor.db"), isolation_level=None)
        self.conn.execute(f"PRAGMA key = \"x'{secrets.token_hex(32)}'\"")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute(
            "CREATE TABLE slots (id BLOB PRIMARY KEY, filled INTEGER NOT NULL, record BLOB NOT NULL) WITHOUT ROWID"
        )
        self.size = engine._slot_size()
        self.free = [secrets.token_bytes(16) for _ in range(slots)]
        self.conn.execute("BEGIN")
        self.conn.executemany("INSERT INTO slots VALUES (?, 0, ?)",
                              ((i, bytes(self.size)) for i in self.free))
        self.conn.execute("COMMIT")

    def once(self) -> float:
        cert = self.engine.package.certificate
        t0 = time.perf_counter()
        slot = self.free.pop()
        ctx = BallotContext(cert.election_id, cert.village, cert.station, cert.kiosk_id, slot)
        ballot = encrypt_ballot(ctx, self.engine.village_key.public_key, len(CANDIDATES), 1)
        data = ballot.to_bytes()
        sig = sign(self.engine._kiosk_key(), "ballot", data)
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("UPDATE slots SET filled = 1, record = ? WHERE id = ?", (data + sig, slot))
        self.conn.execute("COMMIT")
        return time.perf_counter() - t0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--casts", type=int, default=300, help="casts measured (default 300)")
    parser.add_argument("--dir", type=Path, help="folder on the disk to measure (default: temp)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-cast-", dir=args.dir))
    package, authority, pin, cards = make_station(root, 3000)

    engine = open_engine(package, root / "data", authority, pin)
    floor = Floor(root, engine, args.casts + 10)
    casts: list[float] = []
    floors: list[float] = []
    for i in range(args.casts + 10):
        floors.append(floor.once())
        engine.activate_ballot(pin)
        engine.select(i % 3 + 1)
        engine.review()
        t0 = time.perf_counter()
        engine.cast()
        casts.append(time.perf_counter() - t0)
        engine.confirm_cast()
    casts, floors = casts[10:], floors[10:]  # warm-up
    engine.close()

    # close of polls with 3,000 ballots (filled on tmpfs when available, to save time)
    shm = Path("/dev/shm") if os.access("/dev/shm", os.W_OK) else None
    big = open_engine(package, Path(tempfile.mkdtemp(prefix="bench-close-", dir=shm)),
                      authority, pin)
    for i in range(3000):
        big.activate_ballot(pin)
        big.select(i % 3 + 1)
        big.review()
        big.cast()
        big.confirm_cast()
    t0 = time.perf_counter()
    big.close_polls(pin)
    for card, tpin in cards.values():
        big.add_trustee(card, tpin)
    results = big.compute_results()
    close_s = time.perf_counter() - t0
    assert [v for _, _, v in results.votes] == [1000, 1000, 1000]
    big.close()

    p50, p99, fl = statistics.median(casts) * 1e3, percentile(casts, 0.99) * 1e3, statistics.median(floors) * 1e3
    print(f"casts measured: {len(casts)}; targets: ratio <= 1.5, p99 <= {3 * fl:.2f} ms, close < 5 s",
          file=sys.stderr)
    print(json.dumps({"bench": "cast", "p50_ms": round(p50, 3), "p99_ms": round(p99, 3),
                      "floor_ms": round(fl, 3), "ratio": round(p50 / fl, 3),
                      "close_3000_s": round(close_s, 3)}))


if __name__ == "__main__":
    main()
