"""The district-combination vector (PROTOCOL.md 12.1-12.2): current, and reproduced by
`tally.lineage` from the JSON alone."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tally.lineage import BundleFacts, station_lineage

ROOT = Path(__file__).resolve().parents[2]
VECTOR = ROOT / "tests" / "tally" / "vectors" / "district.json"


def _facts(d: dict) -> BundleFacts:
    a, b, v = d["counts"]
    return BundleFacts(d["digest"], d["village"], d["station"], d["kiosk_id"], d["mode"],
                       tuple(d["events"]), d["ballots"], d["box_root"], d["aggregate"], a, b, v,
                       tuple((i, p) for i, p in d["partials"]),
                       None if d["results"] is None else d["results"].encode(), "")


def test_district_vector_is_current() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_district_vectors.py")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_every_case_is_reproduced_from_the_json() -> None:
    cases = json.loads(VECTOR.read_text())["cases"]
    assert len(cases) >= 12
    outcomes = set()
    for case in cases:
        lineage = station_lineage([_facts(b) for b in case["held"]],
                                  [(r["kept"], tuple(r["set_aside"])) for r in case["resolutions"]])
        got = None if lineage.counted is None else lineage.counted.digest
        assert got == case["counted"], case["name"]
        assert sorted(b.digest for b in lineage.conflict) == case["conflict"], case["name"]
        assert sorted(lineage.superseded) == case["superseded"], case["name"]
        outcomes.add("counted" if got else "conflict")
    assert outcomes == {"counted", "conflict"}  # the vector exercises both
