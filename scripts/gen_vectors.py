"""Generate the golden test vectors of docs/PROTOCOL.md into tests/ballotcore/vectors/.

Deterministic: the dealing, encryption and decryption calls are handed a seeded source
(`ballotcore.rng.SeededRandom`), so every scalar is SHA-512(seed || counter) mod L, and
the Ed25519 keys come from fixed seeds. Nothing is monkeypatched: the seeded source is an
argument of these calls only; real ballots use the default, the OS CSPRNG.

    python scripts/gen_vectors.py           # check the checked-in files, exit 1 if stale
    python scripts/gen_vectors.py --write   # regenerate (only when the format changes on purpose)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballotcore import elgamal, group, hashing, trustees
from ballotcore.ballot import BallotContext, encrypt_ballot
from ballotcore.codec import encode_record, scalar_hex
from ballotcore.eventlog import next_entry
from ballotcore.group import L
from ballotcore.results import aggregate_hash, box_root, decryption_context
from ballotcore.rng import SeededRandom
from ballotcore.signing import key_id, public_bytes, sign_record
from ballotcore.tracking import tracking_code

VECTOR_DIR = Path(__file__).resolve().parent.parent / "tests" / "ballotcore" / "vectors"
SEED = b"SuaraDesa test vectors v1"
SIGNING_SEED = bytes(range(32))


def _hashing() -> dict[str, Any]:
    cases = [
        ("tracking-code", []),
        ("proof/zero-one", [b"", b"\x00"]),
        ("ballot", [b"abc"]),
        ("key-id", [bytes(range(32))]),
        ("ballot-box", [bytes(32), b"\xff" * 32]),
    ]
    out = []
    for label, parts in cases:
        encoded = hashing._encode(label, tuple(parts))
        out.append(
            {
                "label": label,
                "parts": [p.hex() for p in parts],
                "hash_input": encoded.hex(),
                "hash_bytes": hashing.hash_bytes(label, *parts).hex(),
                "digest32": hashing.digest32(label, *parts).hex(),
                "hash_to_scalar": scalar_hex(hashing.hash_to_scalar(label, *parts)),
            }
        )
    return {
        "description": "H(label, parts...) = SHA-512(enc(domain+label) || enc(part)...)",
        "domain": hashing.DOMAIN.decode(),
        "cases": out,
    }


def _points() -> dict[str, Any]:
    scalars = [0, 1, 2, 3, 255, 2**128 + 1, L - 1]
    valid = [{"scalar": scalar_hex(k), "point": group.base_mul(k).hex()} for k in scalars]
    g = int.from_bytes(group.G, "little")
    p = 2**255 - 19
    invalid = [
        {"encoding": (g | 1 << 255).to_bytes(32, "little").hex(), "why": "top bit set"},
        {"encoding": (p - g).to_bytes(32, "little").hex(), "why": "negative (odd) s"},
        {"encoding": p.to_bytes(32, "little").hex(), "why": "s = p, not reduced"},
        {"encoding": (b"\xff" * 32).hex(), "why": "s >= p"},
        {"encoding": bytes(32).hex(), "why": "identity: refused as a public key"},
    ]
    bad_scalars = [
        {"encoding": L.to_bytes(32, "little").hex(), "why": "equals L"},
        {"encoding": (2**256 - 1).to_bytes(32, "little").hex(), "why": "greater than L"},
    ]
    return {
        "description": "ristretto255: scalar k (32 bytes little-endian) and k*G",
        "order_L": str(L),
        "generator": group.G.hex(),
        "base_multiples": valid,
        "invalid_points": invalid,
        "invalid_scalars": bad_scalars,
    }


def _crypto() -> dict[str, dict[str, Any]]:
    rng = SeededRandom(SEED)
    kc = trustees.deal(3, 2, rng)
    contexts = [
        BallotContext("PILKADES-2025", "16.07.01.2001", "TPS-01", "K-0001", bytes([i]) * 16)
        for i in range(1, 4)
    ]
    choices = [1, 0, 1]
    ballots = [
        encrypt_ballot(c, kc.public_key, 3, ch, rng)
        for c, ch in zip(contexts, choices, strict=True)
    ]
    aggregates = [elgamal.aggregate(b.ciphertexts[j] for b in ballots) for j in range(3)]
    dctx = decryption_context("PILKADES-2025", "16.07.01.2001", "TPS-01", "K-0001")
    partials = [trustees.partial_decrypt(kc.shares[i], aggregates, dctx, rng) for i in (0, 2)]
    counts = trustees.combine(aggregates, partials, 2, 10)
    ballot = {
        "description": "a 3-candidate ballot for position 1 (ballot number 2) under a 2-of-3 key",
        "public_key": kc.public_key.hex(),
        "n_candidates": 3,
        "choice": choices[0],
        "context_bytes": contexts[0].to_bytes().decode(),
        "record": ballots[0].to_bytes().decode(),
        "digest": ballots[0].digest().hex(),
        "tracking_code": tracking_code(ballots[0].digest()),
    }
    partial = {
        "description": "three ballots (choices 1, 0, 1), their aggregate, partial decryptions "
        "by trustees 1 and 3 of a 2-of-3 key, and the combined counts",
        "threshold": 2,
        "trustees": 3,
        "commitments": [c.hex() for c in kc.commitments],
        "shares": [{"index": s.index, "secret": scalar_hex(s.secret)} for s in kc.shares],
        "ballots": [b.to_bytes().decode() for b in ballots],
        "aggregate": [ct.to_hex() for ct in aggregates],
        "aggregate_hash": aggregate_hash(aggregates).hex(),
        "box_root": box_root([b.digest() for b in ballots]).hex(),
        "decryption_context": dctx.decode(),
        "partials": [
            {
                "index": p.index,
                "shares": [d.hex() for d in p.shares],
                "proofs": [[scalar_hex(x.c), scalar_hex(x.v)] for x in p.proofs],
                "lagrange": scalar_hex(group.lagrange_at_zero(p.index, [1, 3])),
            }
            for p in partials
        ],
        "counts": list(counts),
    }
    return {"ballot.json": ballot, "partial.json": partial}


def _tracking() -> dict[str, Any]:
    cases = []
    for i in (0, 1, 0xFF):
        digest = bytes([i]) * 32
        cases.append({"ballot_digest": digest.hex(), "code": tracking_code(digest)})
    return {"description": "tracking_code(ballot digest)", "cases": cases}


def _signed() -> dict[str, Any]:
    key = Ed25519PrivateKey.from_private_bytes(SIGNING_SEED)
    record = encode_record("test", 1, {"kiosk": "K-0001", "n": 42, "text": "Desa Sukamaju"})
    signed = sign_record(key, "results", record)
    e0 = next_entry(None, "polls-opened", "2025-11-02T07:00:00Z", {"station": "TPS-01"})
    e1 = next_entry(e0, "ballot-cast", "2025-11-02T07:05:13Z")
    return {
        "description": "Ed25519 over H('sig/' + label, record bytes), with a fixed seed key",
        "private_seed": SIGNING_SEED.hex(),
        "public_key": public_bytes(key).hex(),
        "key_id": key_id(public_bytes(key)),
        "label": "results",
        "record": record.decode(),
        "signed_message": hashing.hash_bytes("sig/results", record).hex(),
        "signature": signed.signature.hex(),
        "envelope": signed.to_bytes().decode(),
        "event_chain": [
            {"record": e.to_bytes().decode(), "digest": e.digest().hex()} for e in (e0, e1)
        ],
    }


def generate() -> dict[str, str]:
    """File name -> exact file text of every vector file."""
    files: dict[str, Any] = {
        "hashing.json": _hashing(),
        "points.json": _points(),
        "tracking.json": _tracking(),
        "signed.json": _signed(),
        **_crypto(),
    }
    return {
        name: json.dumps(content, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        for name, content in sorted(files.items())
    }


@click.command()
@click.option("--write", is_flag=True, help="Rewrite the vector files (deliberate format change).")
def main(write: bool) -> None:
    """Check (default) or regenerate the golden vectors in tests/ballotcore/vectors/."""
    files = generate()
    if write:
        VECTOR_DIR.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (VECTOR_DIR / name).write_text(text, encoding="utf-8")
        click.echo(f"wrote {len(files)} files to {VECTOR_DIR}")
        return
    stale = [
        n
        for n, t in files.items()
        if not (VECTOR_DIR / n).is_file() or (VECTOR_DIR / n).read_text(encoding="utf-8") != t
    ]
    if stale:
        raise click.ClickException(f"vectors differ from the code: {', '.join(stale)}")
    click.echo(f"{len(files)} vector files match")


if __name__ == "__main__":
    sys.exit(main())
