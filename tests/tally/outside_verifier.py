"""An outside verifier of the district combination, written from docs/PROTOCOL.md alone.

It imports nothing of SuaraDesa: only the standard library and `cryptography` for
Ed25519. From a published bulletin board's `data/` folder it checks the authority's
signature on the public record, each published bundle's kiosk certificate, bundle and
results signatures (sections 2, 3, 4.4-4.8, 8), applies the district rules of section 12
to the published bundles, and computes every village's votes, ballots, winner and tie.
(It does not re-check the ballot proofs: that is section 10 step 10, which the browser
verifier and `tally verify --full` do.)

Spoiled (Benaloh-challenged) ballots (4.8 `spoiled`, 4.10) are checked in every
published bundle: the kiosk's signature (label `spoiled-ballot`), the ballot names this
station and is no cast ballot, the candidate exists, and re-encrypting 1 at the
candidate and 0 elsewhere with the revealed nonces gives exactly the committed
ciphertexts (pure-Python ristretto255, `outside_ristretto`); the current box of the log
has one `ballot.challenged` per spoiled ballot (4.9 check 4). A ballot whose ciphertexts
equal those encryptions encrypts that candidate whatever its proofs say, so the proofs
are left to the full verifiers here as for cast ballots. Each village's result lists the
checked ballots as (tracking code, candidate); they count nowhere.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tests.tally import outside_ristretto as rist

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


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


def tracking_code(ballot: dict[str, Any]) -> str:
    """Section 5: the tracking code of a ballot body."""
    digest = h("ballot", canonical({"$magic": "SD/ballot", "$v": 1, **ballot}))[:32]
    v = int.from_bytes(h("tracking-code", digest)[:10], "big")
    c = "".join(ALPHABET[(v >> (75 - 5 * i)) & 31] for i in range(16))
    return "-".join(c[i:i + 4] for i in range(0, 16, 4))


def _opens_to(ballot: dict[str, Any], candidate: int, nonces: list[str], key: bytes) -> bool:
    """4.10: (r_i*G, m_i*G + r_i*K) is selection i's ciphertext, m_i = 1 at the candidate."""
    K = rist.decode(key)
    for i, (sel, r_hex) in enumerate(zip(ballot["selections"], nonces, strict=True)):
        r = int.from_bytes(bytes.fromhex(r_hex), "little")
        A, B = (rist.decode(bytes.fromhex(x)) for x in sel["ct"])
        m = rist.G if i == candidate - 1 else rist.IDENTITY
        if not (rist.equal(A, rist.mul(r, rist.G))
                and rist.equal(B, rist.add(m, rist.mul(r, K)))):
            return False
    return True


def check_spoiled(body: dict[str, Any], pub: bytes, key: bytes, n: int
                  ) -> list[tuple[str, int]]:
    """Every spoiled ballot of a bundle body (see the module docstring); ValueError or
    InvalidSignature when one fails. Returns (tracking code, candidate) per ballot."""
    where = f"{body['village']}/{body['station']}"
    items = body.get("spoiled", [])
    if "spoiled" in body and not items:
        raise ValueError(f"{where}: an empty spoiled list is written by leaving it out")
    cast = {e["ballot"]["ballot_id"] for e in body["ballots"]}
    ids = [x["spoiled"]["ballot"]["ballot_id"] for x in items]
    if ids != sorted(set(ids)):
        raise ValueError(f"{where}: spoiled ballots not sorted by id, or one twice")
    opened = []
    for item in items:
        record = item["spoiled"]
        Ed25519PublicKey.from_public_bytes(pub).verify(bytes.fromhex(item["sig"]), h(
            "sig/spoiled-ballot", canonical({"$magic": "SD/spoiled", "$v": 1, **record})))
        ballot = record["ballot"]
        if (ballot["election_id"], ballot["village"], ballot["station"], ballot["kiosk"]) != (
                body["election_id"], body["village"], body["station"], body["kiosk_id"]):
            raise ValueError(f"{where}: a spoiled ballot of another station or kiosk")
        if ballot["ballot_id"] in cast:
            raise ValueError(f"{where}: a spoiled ballot has a cast ballot's id")
        candidate, nonces = record["candidate"], record["nonces"]
        if not (type(candidate) is int and 1 <= candidate <= n) or \
                len(nonces) != n or len(ballot["selections"]) != n:
            raise ValueError(f"{where}: a spoiled ballot's candidate or nonces do not fit")
        if not _opens_to(ballot, candidate, nonces, key):
            raise ValueError(f"{where}: a spoiled ballot does not re-encrypt to its candidate")
        opened.append((tracking_code(ballot), candidate))
    events = body["events"]
    start = max((i + 1 for i, e in enumerate(events) if e["event"] == "box.cleared"), default=0)
    challenges = sum(e["event"] == "ballot.challenged" for e in events[start:])
    if challenges != len(items):
        raise ValueError(f"{where}: {len(items)} spoiled ballots but {challenges} challenges "
                         f"in the log")
    return opened


def _event_digest(event: dict[str, Any]) -> str:
    record = {"$magic": "SD/event", "$v": 1, **event}
    return h("event", canonical(record))[:32].hex()


def _facts(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "who": (body["village"], body["station"], body["kiosk_id"], body["mode"]),
        "same": (canonical(body["ballots"]), canonical(body.get("spoiled", [])),
                 canonical(body["aggregate"]), canonical(body["counts"])),
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
    keys = {k["village"]: bytes.fromhex(k["commitments"][0]) for k in record["village_keys"]}
    out: dict[str, dict[str, Any]] = {}
    for village in record["definition"]["villages"]:
        code = village["code"]
        n = len(village["candidates"])
        votes, ballots, complete = [0] * n, 0, True
        spoiled: set[tuple[str, int]] = set()
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
                spoiled.update(check_spoiled(body, pub, keys[code], n))
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
            "spoiled": sorted(spoiled),
        }
    return out
