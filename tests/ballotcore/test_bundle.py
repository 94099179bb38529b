"""Event log, station results and the export bundle, verified as the tally would."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from ballotcore import elgamal, trustees
from ballotcore.ballot import BallotContext, encrypt_ballot
from ballotcore.bundle import SignedBallot, StationBundle
from ballotcore.errors import BallotCoreError, RecordError, SignatureError, VerificationError
from ballotcore.eventlog import GENESIS, EventEntry, next_entry, verify_chain
from ballotcore.public_record import PublicRecord, parse_public_record
from ballotcore.results import (
    StationResults,
    aggregate_hash,
    box_root,
    decryption_context,
)
from ballotcore.signing import SignedRecord, sign, sign_record
from ballotcore.verify import verify_bundle
from tests.ballotcore.conftest import flip_bit
from tests.ballotcore.kiosklog import station_log

VILLAGE, STATION, KIOSK = "16.07.01.2001", "TPS-01", "K-0001"
CHOICES = [0, 2, 2, 1, 2]


@dataclasses.dataclass
class Station:
    record: PublicRecord
    kiosk_key: Ed25519PrivateKey
    bundle: StationBundle
    results: StationResults

    def signed(self, bundle: StationBundle | None = None, key: Any = None) -> bytes:
        b = bundle or self.bundle
        return sign_record(key or self.kiosk_key, "bundle", b.to_bytes()).to_bytes()


def _build(parts: tuple[bytes, list[Any], Ed25519PrivateKey], **overrides: Any) -> Station:
    data, ceremonies, kiosk_key = parts
    record = parse_public_record(data)
    kc = ceremonies[0]
    eid = record.definition.election_id
    ballots = []
    for i, choice in enumerate(CHOICES):
        ctx = BallotContext(eid, VILLAGE, STATION, KIOSK, bytes([200 - i]) * 16)
        b = encrypt_ballot(ctx, kc.public_key, 3, choice)
        ballots.append(SignedBallot(b, sign(kiosk_key, "ballot", b.to_bytes())))
    aggs = tuple(elgamal.aggregate(sb.ballot.ciphertexts[j] for sb in ballots) for j in range(3))
    dctx = decryption_context(eid, VILLAGE, STATION, KIOSK)
    partials = tuple(trustees.partial_decrypt(kc.shares[i], aggs, dctx) for i in (0, 1))
    counts = trustees.combine(aggs, partials, 2, 550)
    events, head = station_log(
        KIOSK, len(CHOICES), 1, trustees=(1, 2), results=True, date="2025-11-02"
    )
    results = StationResults(
        eid,
        record.definition_hash,
        VILLAGE,
        STATION,
        KIOSK,
        "official",
        tuple((n + 1, c) for n, c in enumerate(counts)),
        len(CHOICES),
        6,
        1,
        box_root([sb.ballot.digest() for sb in ballots]),
        aggregate_hash(aggs),
        head,
        (1, 2),
    )
    results = dataclasses.replace(results, **overrides)
    bundle = StationBundle(
        eid,
        record.definition_hash,
        record.digest(),
        VILLAGE,
        STATION,
        KIOSK,
        "official",
        record.signed_certificates[KIOSK],
        tuple(ballots),
        aggs,
        partials,
        sign_record(kiosk_key, "results", results.to_bytes()),
        tuple(events),
        6,
        len(CHOICES),
        1,
    )
    return Station(record, kiosk_key, bundle, results)


@pytest.fixture(scope="module")
def station(public_record_parts: Any) -> Station:
    return _build(public_record_parts)


def test_full_verification_of_a_good_bundle(station: Station) -> None:
    data = station.signed()
    verified = verify_bundle(data, station.record, full=True)
    assert verified.results is not None
    assert [v for _, v in verified.results.votes] == [1, 1, 3]
    assert verified.findings == ()
    assert verified.station_key == (VILLAGE, STATION)
    again = StationBundle.from_bytes(SignedRecord.from_bytes(data).record)
    assert again.to_bytes() == station.bundle.to_bytes()
    # export order is by ballot id, never cast order
    ids = [sb.ballot.context.ballot_id for sb in again.ballots]
    assert ids == sorted(ids)


def test_wrong_results_fail_full_verification(public_record_parts: Any) -> None:
    bad = _build(public_record_parts, votes=((1, 2), (2, 0), (3, 3)))
    data = bad.signed()
    verify_bundle(data, bad.record)  # signatures and hashes are fine...
    with pytest.raises(VerificationError, match="decrypted counts"):
        verify_bundle(data, bad.record, full=True)  # ...but the decryption disagrees
    short = _build(public_record_parts, votes=((1, 1), (2, 1), (3, 2)))
    with pytest.raises(VerificationError, match="votes for"):
        verify_bundle(short.signed(), short.record)


def test_results_must_name_the_k_lowest_present_trustees(public_record_parts: Any) -> None:
    """PROTOCOL.md 7.3/4.9: `trustees` is exactly the k lowest present indexes, as the
    kiosk's compute_results chooses them (not any present ones, not another order)."""
    for named in ((1, 3), (1, 1), (2, 1), (1,), (1, 2, 3), ()):
        bad = _build(public_record_parts, trustees=named)
        with pytest.raises(VerificationError, match="2 lowest trustees present"):
            verify_bundle(bad.signed(), bad.record)
    good = _build(public_record_parts, trustees=(1, 2))
    assert verify_bundle(good.signed(), good.record, full=True).results is not None


def test_bundle_rejections(station: Station) -> None:
    b, rec = station.bundle, station.record
    other_key = Ed25519PrivateKey.from_private_bytes(b"\x05" * 32)
    with pytest.raises(SignatureError, match="kiosk's key"):
        verify_bundle(station.signed(key=other_key), rec)
    cases: list[tuple[StationBundle, type[Exception], str]] = [
        (dataclasses.replace(b, election_id="X"), VerificationError, "another election"),
        (
            dataclasses.replace(b, public_record_hash=bytes(32)),
            VerificationError,
            "public election",
        ),
        (dataclasses.replace(b, station="TPS-02"), VerificationError, "certified for"),
        (dataclasses.replace(b, events=b.events[1:]), VerificationError, "event log"),
        (dataclasses.replace(b, ballots=b.ballots[1:]), VerificationError, "ballots but holds"),
        (dataclasses.replace(b, aggregate=b.aggregate[:2]), VerificationError, "aggregate has"),
        (dataclasses.replace(b, mode="test"), VerificationError, "does not match"),
    ]
    for bundle, error, match in cases:
        with pytest.raises(error, match=match):
            verify_bundle(station.signed(bundle), rec, full=True)
    # a ballot whose signature is not the kiosk's
    sb = b.ballots[0]
    forged = dataclasses.replace(sb, signature=sign(other_key, "ballot", sb.ballot.to_bytes()))
    with pytest.raises(SignatureError, match="kiosk signature does not verify"):
        verify_bundle(
            station.signed(dataclasses.replace(b, ballots=(forged, *b.ballots[1:]))), rec, full=True
        )
    # a ballot of another station
    moved_ctx = dataclasses.replace(sb.ballot.context, station="TPS-02")
    moved = SignedBallot(dataclasses.replace(sb.ballot, context=moved_ctx), sb.signature)
    with pytest.raises(VerificationError, match="another station"):
        verify_bundle(station.signed(dataclasses.replace(b, ballots=(moved, *b.ballots[1:]))), rec)


@given(data=st.data())
@settings(max_examples=60, deadline=None)
def test_bit_flips_of_a_bundle_file_are_rejected(data: st.DataObject, station: Station) -> None:
    raw = _SIGNED.setdefault("b", station.signed())
    bit = data.draw(st.integers(0, len(raw) * 8 - 1))
    with pytest.raises(BallotCoreError):
        verify_bundle(flip_bit(raw, bit), station.record, full=True)


_SIGNED: dict[str, bytes] = {}


def test_event_chain() -> None:
    e0 = next_entry(None, "polls-opened", "2025-11-02T07:00:00Z", {"officer": 1})
    e1 = next_entry(e0, "ballot-cast", "2025-11-02T07:01:00Z")
    assert (e0.seq, e0.prev, e1.seq, e1.prev) == (0, GENESIS, 1, e0.digest())
    assert verify_chain([]) == GENESIS
    assert verify_chain([e0, e1]) == e1.digest()
    assert EventEntry.from_bytes(e1.to_bytes()) == e1
    for broken in ([e1], [e0, e0], [e1, e0], [e0, dataclasses.replace(e1, event="x")][::-1]):
        with pytest.raises(VerificationError):
            verify_chain(broken)
    with pytest.raises(VerificationError):
        verify_chain([e0, e1, next_entry(dataclasses.replace(e1, time="t"), "x", "t")])
    for key in ("ballot_id", "Tracking", "selection", "choice", "candidate", "pin", "kiosk_key"):
        with pytest.raises(ValueError):
            next_entry(e1, "x", "t", {key: 1})
    with pytest.raises(RecordError):
        EventEntry.from_bytes(e0.to_bytes().replace(b'"officer":1', b'"officer":true'))


def test_results_record(station: Station) -> None:
    r = station.results
    assert StationResults.from_bytes(r.to_bytes()) == r
    assert r.total_votes == 5
    for edit in (
        {"mode": "practice"},
        {"votes": ((2, 1), (1, 1))},
        {"votes": ((1, -1),)},
        {"ballots": -1},
    ):
        with pytest.raises(RecordError):
            StationResults.from_bytes(dataclasses.replace(r, **edit).to_bytes())  # type: ignore[arg-type]
    assert box_root([b"\x02" * 32, b"\x01" * 32]) == box_root([b"\x01" * 32, b"\x02" * 32])
    assert box_root([]) != box_root([b"\x01" * 32])
