"""Generate the district-combination vector (docs/PROTOCOL.md section 12) into
tests/tally/vectors/district.json.

Each case is the set of bundles held for one station, given by the facts section 12.1
compares (kiosk, mode, ballots, aggregate, counts, event-log entry digests, partial
decryptions, results), the officials' resolutions, and the expected outcome: which bundle
counts, which are superseded, which are in conflict. No cryptography is involved: the
facts are short labels, so an outside implementation can check its rules against these
cases directly. The expected outcomes are computed by `tally.lineage` and were checked
by hand against section 12.

  python scripts/gen_district_vectors.py           # check the checked-in file
  python scripts/gen_district_vectors.py --write   # regenerate
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

import click

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tally.lineage import BundleFacts, station_lineage

OUT = Path(__file__).resolve().parent.parent / "tests" / "tally" / "vectors" / "district.json"

BASE = BundleFacts(
    digest="a1",
    village="16.07.01.2001",
    station="TPS-01",
    kiosk_id="k1",
    mode="official",
    events=("e1", "e2", "e3"),
    ballots="b1",
    box_root="r1",
    aggregate="g1",
    activations=12,
    ballot_count=11,
    voided=1,
    partials=((1, "p1"), (2, "p2")),
    results=b"R1",
    exported_at="2026-11-22T13:30:00Z",
)


def _b(digest: str, **changes: Any) -> BundleFacts:
    return dataclasses.replace(BASE, digest=digest, **changes)


def cases() -> list[dict[str, Any]]:
    """(name, held, resolutions) for every rule of section 12.1-12.2."""
    later = _b("a2", events=("e1", "e2", "e3", "e4"))
    no_results = _b("a0", events=("e1", "e2"), partials=(), results=None)
    rival = _b("c1", kiosk_id="k2", ballots="b9", box_root="r9", aggregate="g9")
    raw = [
        ("one bundle counts", [BASE], []),
        ("later export extends (only events added)", [BASE, later], []),
        ("results and partials added extend an export without results", [no_results, BASE], []),
        (
            "dropped ballot is not an extension: conflict",
            [
                BASE,
                _b(
                    "a3",
                    events=BASE.events + ("e4",),
                    ballots="b2",
                    ballot_count=10,
                    activations=11,
                    box_root="r2",
                    aggregate="g2",
                ),
            ],
            [],
        ),
        ("same-length different log: conflict", [BASE, _b("a4", events=("e1", "e2", "x3"))], []),
        (
            "diverging log with more entries: conflict",
            [BASE, _b("a5", events=("e1", "x2", "e3", "e4"))],
            [],
        ),
        (
            "different results: conflict",
            [BASE, _b("a6", events=BASE.events + ("e4",), results=b"R2")],
            [],
        ),
        (
            "a partial removed: conflict",
            [BASE, _b("a7", events=BASE.events + ("e4",), partials=((1, "p1"),))],
            [],
        ),
        (
            "test mode never extends official",
            [BASE, _b("a8", events=BASE.events + ("e4",), mode="test")],
            [],
        ),
        ("another kiosk: conflict", [BASE, rival], []),
        ("resolution keeps one", [BASE, rival], [("a1", ["c1"])]),
        (
            "resolution survives a later export of the kept bundle",
            [BASE, rival, later],
            [("a1", ["c1"])],
        ),
        (
            "a new rival after a resolution: conflict again",
            [BASE, rival, _b("c2", kiosk_id="k3", ballots="b8")],
            [("a1", ["c1"])],
        ),
        (
            "resolution whose kept bundle is not held does not apply",
            [rival, later],
            [("zz", ["a2"])],
        ),
    ]
    out = []
    for name, held, resolutions in raw:
        lineage = station_lineage(held, [(k, tuple(a)) for k, a in resolutions])
        out.append(
            {
                "name": name,
                "held": [_facts_json(b) for b in held],
                "resolutions": [{"kept": k, "set_aside": a} for k, a in resolutions],
                "counted": None if lineage.counted is None else lineage.counted.digest,
                "conflict": sorted(b.digest for b in lineage.conflict),
                "superseded": sorted(lineage.superseded),
            }
        )
    return out


def _facts_json(b: BundleFacts) -> dict[str, Any]:
    return {
        "digest": b.digest,
        "village": b.village,
        "station": b.station,
        "kiosk_id": b.kiosk_id,
        "mode": b.mode,
        "events": list(b.events),
        "ballots": b.ballots,
        "box_root": b.box_root,
        "aggregate": b.aggregate,
        "counts": [b.activations, b.ballot_count, b.voided],
        "partials": [list(p) for p in b.partials],
        "results": None if b.results is None else b.results.decode(),
    }


def render() -> str:
    return json.dumps({"section": "PROTOCOL.md 12.1-12.2", "cases": cases()}, indent=1) + "\n"


@click.command()
@click.option("--write", is_flag=True, help="Rewrite the vector file.")
def main(write: bool) -> None:
    text = render()
    if write:
        OUT.write_text(text, encoding="utf-8")
        click.echo(f"wrote {OUT}")
        return
    if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
        raise click.ClickException(f"{OUT.name} differs from the code")
    click.echo(f"{OUT.name} matches")


if __name__ == "__main__":
    main()
