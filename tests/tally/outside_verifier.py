"""An outside verifier of the district combination, written from docs/PROTOCOL.md alone.

It imports nothing of SuaraDesa: only the standard library and `cryptography` for
Ed25519. From a published bulletin board's `data/` folder it checks the authority's
signature on the public record, each published bundle's kiosk certificate, bundle and
results signatures (sections 2, 3, 4.4-4.8, 8), applies the district rules of section 12
to the published bundles, and computes every village's votes, ballots, winner and tie.
(It does not re-check the ballot proofs: that is section 10 step 9, which the browser
verifier and `tally verify --full` do.)
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def _enc(x: bytes) -> bytes:
    return len(x).to_bytes(4, "big") + x


def h(label: str, *parts: bytes) -> bytes:
    """H(label, p1..pn) of section 2."""
    data = _enc(("SuaraDesa/v1/" + label).encode()) + b"".join(_enc(p) for p in parts)
    return hashlib.sha512(data).digest()


def canonical(obj: Any) -> bytes:
    """Section 3's canonical JSON (sorted keys, no white space, raw non-ASCII)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def key_id(pub: bytes) -> str:
    return h("key-id", pub)[:16].hex()


def open_envelope(env: dict[str, Any], label: str, pub: bytes) -> dict[str, Any]:
    """Verify a signed envelope (section 8) and return its inner body."""
    if env["label"] != label or env["signer"] != key_id(pub):
        raise ValueError(f"envelope label/signer mismatch for {label}")
    Ed25519PublicKey.from_public_bytes(pub).verify(
        bytes.fromhex(env["sig"]), h("sig/" + label, canonical(env["body"]))
    )
    body: dict[str, Any] = env["body"]
    return body


def _event_digest(event: dict[str, Any]) -> str:
    record = {"$magic": "SD/event", "$v": 1, **event}
    return h("event", canonical(record))[:32].hex()


def _facts(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "who": (body["village"], body["station"], body["kiosk_id"], body["mode"]),
        "same": (canonical(body["ballots"]), canonical(body["aggregate"]),
                 canonical(body["counts"])),
        "events": [_event_digest(e) for e in body["events"]],
        "partials": {canonical(p) for p in body["partials"]},
        "results": None if body["results"] is None else canonical(body["results"]),
    }


def _extends(new: dict[str, Any], old: dict[str, Any]) -> bool:
    """Section 12.1.3."""
    n = len(old["events"])
    return (new["who"] == old["who"] and new["same"] == old["same"]
            and n < len(new["events"]) and new["events"][:n] == old["events"]
            and old["partials"] <= new["partials"]
            and (old["results"] is None or old["results"] == new["results"]))


def verify_board(data: Path, authority_id: str) -> dict[str, dict[str, Any]]:
    """Every village's totals from `data/` (section 12); raises on a bad signature."""
    env = json.loads((data / "election.json").read_bytes())
    record = env["body"]
    authority = bytes.fromhex(record["authority_key"])
    if key_id(authority) != authority_id:
        raise ValueError("the public record is not signed by the published authority")
    open_envelope(env, "public-record", authority)
    certs = {}
    for c in record["kiosk_certificates"]:
        body = open_envelope(c, "kiosk-cert", authority)
        certs[body["kiosk_id"]] = body
    out: dict[str, dict[str, Any]] = {}
    for village in record["definition"]["villages"]:
        code = village["code"]
        n = len(village["candidates"])
        votes, ballots, complete = [0] * n, 0, True
        for station in village["stations"]:
            held = []
            for path in sorted((data / code).glob(f"{station['code']}*.sdbundle")):
                benv = json.loads(path.read_bytes())
                body = benv["body"]
                cert = certs[body["kiosk_id"]]
                if (cert["village"], cert["station"]) != (code, station["code"]) or \
                        (body["village"], body["station"]) != (code, station["code"]):
                    raise ValueError(f"{path.name}: kiosk certified for another station")
                pub = bytes.fromhex(cert["public_key"])
                open_envelope(benv, "bundle", pub)
                results = None
                if body["results"] is not None:
                    results = open_envelope(body["results"], "results", pub)
                if body["mode"] == "official":
                    held.append((_facts(body), results))
            live = [(f, r) for f, r in held if not any(_extends(o, f) for o, _ in held)]
            if len(live) != 1 or live[0][1] is None:
                complete = False
                continue
            res = live[0][1]
            station_votes = [v["votes"] for v in sorted(res["votes"], key=lambda v: v["number"])]
            if sum(station_votes) != res["ballots"]:
                raise ValueError(f"{code}/{station['code']}: votes do not add up")
            votes = [a + b for a, b in zip(votes, station_votes, strict=True)]
            ballots += res["ballots"]
        numbers = [c["number"] for c in village["candidates"]]
        top = max(votes) if votes else 0
        leading = [num for num, v in zip(numbers, votes, strict=True) if v == top and top > 0]
        out[code] = {
            "votes": votes, "ballots": ballots, "complete": complete,
            "tie": len(leading) > 1,
            "winner": leading[0] if complete and len(leading) == 1 else None,
        }
    return out
