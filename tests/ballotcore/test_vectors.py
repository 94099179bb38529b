"""Golden vectors: the checked-in files equal a fresh run of scripts/gen_vectors.py, and
every vector verifies with the public ballotcore functions (as an outside verifier would)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ballotcore import group
from ballotcore.ballot import EncryptedBallot, verify_ballot
from ballotcore.codec import hex_scalar
from ballotcore.elgamal import Ciphertext
from ballotcore.errors import CryptoError
from ballotcore.eventlog import EventEntry, verify_chain
from ballotcore.hashing import hash_to_scalar
from ballotcore.proofs import EqualityProof
from ballotcore.results import aggregate_hash, box_root
from ballotcore.signing import SignedRecord, key_id, verify
from ballotcore.tracking import tracking_code
from ballotcore.trustees import PartialDecryption, combine, verify_partial

ROOT = Path(__file__).resolve().parents[2]
VECTORS = Path(__file__).resolve().parent / "vectors"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_vectors", ROOT / "scripts" / "gen_vectors.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _load(name: str) -> Any:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def test_checked_in_vectors_match_the_generator() -> None:
    gen = _generator()
    original = group.random_scalar
    files = gen.generate()
    assert group.random_scalar is original  # the fixed randomness never leaks out
    assert sorted(files) == sorted(p.name for p in VECTORS.glob("*.json"))
    for name, text in files.items():
        assert (VECTORS / name).read_text(encoding="utf-8") == text, (
            f"{name} is stale: run `python scripts/gen_vectors.py --write` if the change "
            "to the format is deliberate"
        )


def test_hashing_vectors() -> None:
    v = _load("hashing.json")
    for case in v["cases"]:
        tag = (v["domain"] + case["label"]).encode()
        data = len(tag).to_bytes(4, "big") + tag
        for part in map(bytes.fromhex, case["parts"]):
            data += len(part).to_bytes(4, "big") + part
        assert data.hex() == case["hash_input"]
        h = hashlib.sha512(data).digest()
        assert h.hex() == case["hash_bytes"] and h[:32].hex() == case["digest32"]
        expected = int.from_bytes(h, "little") % group.L
        assert hex_scalar(case["hash_to_scalar"]) == expected
        parts = [bytes.fromhex(p) for p in case["parts"]]
        assert hash_to_scalar(case["label"], *parts) == expected


def test_point_vectors() -> None:
    v = _load("points.json")
    assert int(v["order_L"]) == group.L and v["generator"] == group.G.hex()
    for case in v["base_multiples"]:
        k = int.from_bytes(bytes.fromhex(case["scalar"]), "little")
        assert group.base_mul(k).hex() == case["point"]
        if k:
            assert group.decode_point(bytes.fromhex(case["point"])).hex() == case["point"]
    for case in v["invalid_points"]:
        with pytest.raises(CryptoError):
            group.decode_point(bytes.fromhex(case["encoding"]))
    for case in v["invalid_scalars"]:
        with pytest.raises(CryptoError):
            group.decode_scalar(bytes.fromhex(case["encoding"]))


def test_ballot_vector_verifies() -> None:
    v = _load("ballot.json")
    ballot = EncryptedBallot.from_bytes(v["record"].encode())
    assert ballot.to_bytes().decode() == v["record"]
    assert ballot.context.to_bytes().decode() == v["context_bytes"]
    verify_ballot(ballot, bytes.fromhex(v["public_key"]), v["n_candidates"])
    assert ballot.digest().hex() == v["digest"]
    assert tracking_code(ballot.digest()) == v["tracking_code"]


def test_partial_decryption_vector_verifies() -> None:
    v = _load("partial.json")
    commitments = [bytes.fromhex(c) for c in v["commitments"]]
    ballots = [EncryptedBallot.from_bytes(b.encode()) for b in v["ballots"]]
    for b in ballots:
        verify_ballot(b, commitments[0], 3)
    aggregates = [Ciphertext.from_hex(x) for x in v["aggregate"]]
    assert aggregate_hash(aggregates).hex() == v["aggregate_hash"]
    assert box_root([b.digest() for b in ballots]).hex() == v["box_root"]
    ctx = v["decryption_context"].encode()
    partials = []
    quorum = [p["index"] for p in v["partials"]]
    for p in v["partials"]:
        partial = PartialDecryption(
            p["index"],
            tuple(bytes.fromhex(d) for d in p["shares"]),
            tuple(EqualityProof(hex_scalar(c), hex_scalar(s)) for c, s in p["proofs"]),
        )
        verify_partial(commitments, aggregates, partial, ctx, v["trustees"])
        assert hex_scalar(p["lagrange"]) == group.lagrange_at_zero(p["index"], quorum)
        partials.append(partial)
    assert list(combine(aggregates, partials, v["threshold"], 10)) == v["counts"]
    assert v["counts"] == [1, 2, 0]


def test_tracking_vectors() -> None:
    for case in _load("tracking.json")["cases"]:
        assert tracking_code(bytes.fromhex(case["ballot_digest"])) == case["code"]


def test_signed_vector_verifies() -> None:
    v = _load("signed.json")
    pub = bytes.fromhex(v["public_key"])
    record = v["record"].encode()
    assert key_id(pub) == v["key_id"]
    verify(pub, v["label"], record, bytes.fromhex(v["signature"]))
    envelope = SignedRecord.from_bytes(v["envelope"].encode())
    assert envelope.verify(pub, v["label"]) == record
    entries = [EventEntry.from_bytes(e["record"].encode()) for e in v["event_chain"]]
    assert [e.digest().hex() for e in entries] == [e["digest"] for e in v["event_chain"]]
    assert verify_chain(entries).hex() == v["event_chain"][-1]["digest"]
