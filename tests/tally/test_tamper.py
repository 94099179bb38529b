"""Tamper: every bit of the envelope header and signature, and thousands of random flips
and truncations elsewhere, are rejected with a reason and leave the database unchanged."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tally.db import TallyDB, safe_label
from tally.importer import import_paths
from tests.tally.conftest import held_digest
from tests.tally.factory import StationRun


@pytest.fixture(scope="module")
def small_bundle(runs: dict) -> bytes:
    run: StationRun = min(runs.values(), key=lambda r: len(r.ballots))
    return run.export()


def _regions(data: bytes) -> list[range]:
    """Byte ranges of the envelope header, the signer and the signature."""
    header = range(0, data.index(b'"body":') + len(b'"body":{"$magic":"SD/bundle","$v":1,'))
    tail = data.rindex(b',"label":')
    sig = re.search(rb'"sig":"[0-9a-f]{128}"', data[tail:])
    signer = re.search(rb'"signer":"[0-9a-f]{32}"', data[tail:])
    assert sig is not None and signer is not None
    return [
        header,
        range(tail, tail + sig.end()),  # label and signature
        range(tail + signer.start(), tail + signer.end()),
    ]


def _reject_all(db_path: Path, tmp: Path, variants: list[bytes]) -> None:
    """Import each variant as its own file; all must be rejected with a reason."""
    with TallyDB.open(db_path) as db:
        for i, data in enumerate(variants):
            path = tmp / f"v{i % 4}.sdbundle"
            path.write_bytes(data)
            seen = len(db.incidents())
            report = import_paths(db, [path])
            ((outcome,),) = (report.outcomes,)
            assert outcome.status == "rejected", (i, outcome)
            assert len(outcome.message) > 10  # a specific reason, not an empty one
            assert not report.written
            (incident,) = db.incidents()[seen:]  # the one trace the rejection leaves
            assert incident.outcome == "rejected"
            assert incident.reason == safe_label(outcome.message, 1000)


def test_every_header_and_signature_bit_flip_is_rejected(
    tmp_path: Path, db_path: Path, small_bundle: bytes
) -> None:
    before = held_digest(db_path)
    variants = []
    for region in _regions(small_bundle):
        for pos in region:
            for bit in range(8):
                bad = bytearray(small_bundle)
                bad[pos] ^= 1 << bit
                variants.append(bytes(bad))
    assert len(variants) > 1500
    # Reference in the same test: the CPU time of one honest import (full verification)
    # into a scratch database. Refusing a tampered bundle must cost less than accepting
    # an honest one; CPU time, so other processes on the machine cannot fail the check.
    scratch = tmp_path / "scratch.sqlite"
    scratch.write_bytes(db_path.read_bytes())
    honest = tmp_path / "honest.sdbundle"
    honest.write_bytes(small_bundle)
    start = time.process_time()
    with TallyDB.open(scratch) as db:
        assert import_paths(db, [honest]).outcomes[0].status == "accepted"
    reference = time.process_time() - start
    start = time.process_time()
    _reject_all(db_path, tmp_path, variants)
    assert time.process_time() - start < len(variants) * reference
    assert held_digest(db_path) == before


@settings(max_examples=1500, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_flips_and_truncations_are_rejected(
    tmp_path: Path, db_path: Path, small_bundle: bytes, data: st.DataObject
) -> None:
    before = held_digest(db_path)
    bad = bytearray(small_bundle)
    if data.draw(st.booleans(), label="truncate"):
        cut = data.draw(st.integers(1, len(bad) - 1), label="keep")
        bad = bad[:cut]
    else:
        for _ in range(data.draw(st.integers(1, 4), label="flips")):
            pos = data.draw(st.integers(0, len(bad) - 1), label="pos")
            bad[pos] ^= 1 << data.draw(st.integers(0, 7), label="bit")
    assume(bytes(bad) != small_bundle)  # two flips of the same bit cancel out
    _reject_all(db_path, tmp_path, [bytes(bad)])
    assert held_digest(db_path) == before
