"""Verification of a station export bundle against the public election record.

`verify_bundle(data, record, full=...)` is the one function the kiosk (read-back after
export) and the tally (every import, and `--full`) both call. It raises a
`BallotCoreError` subclass naming the first thing that is wrong; otherwise it returns the
parsed bundle with its verified results.

Always checked: envelope, kiosk certificate (authority signature, this election, this
station, valid on the election day), bundle signature by the certified kiosk key, election
and public-record hashes, the event-log hash chain, the results signature and that the
results agree with the bundle (station, mode, counts, box root, aggregate hash), and the
count reconciliation of `ballotcore.reconcile` (docs/PROTOCOL.md 4.9): counts equal the
log's events, ballots <= activations and <= DPT, results computed exactly once with
`log_head` the entry before `results.computed`, the polls steps in order, the partials
those the log accepted and the results naming the k lowest, no ballot id in the log.
Spoiled (challenged) ballots, always (they are few): each names this station and no cast
ballot's id, carries the kiosk's signature (label `spoiled-ballot`) and opens to its
candidate (`ballotcore.spoiled.verify_spoiled`); the log has one `ballot.challenged` per
spoiled ballot. They are never part of the aggregate, the box root or any count.
With `full=True` also: every ballot's kiosk signature and proofs, the aggregate recomputed
from the ballots, every trustee's partial-decryption proof against the Feldman
commitments, and the decrypted counts recomputed from k partials.

`VerifiedBundle.findings` (facts to show an official that do not invalidate a bundle) is
empty in this version: more ballots than activations or than the DPT used to be findings
and are now errors, because every ballot needs an activation and a voter.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from ballotcore import elgamal, reconcile, signing, trustees
from ballotcore.ballot import verify_ballot
from ballotcore.bundle import BALLOT_LABEL, LABEL, StationBundle
from ballotcore.errors import SignatureError, VerificationError
from ballotcore.eventlog import verify_chain
from ballotcore.hashing import digest32
from ballotcore.public_record import KioskCertificate, PublicRecord, open_certificate
from ballotcore.results import LABEL as RESULTS_LABEL
from ballotcore.results import (
    StationResults,
    aggregate_hash,
    box_root,
    decryption_context,
)
from ballotcore.signing import SignedRecord
from ballotcore.spoiled import SPOILED_LABEL, verify_spoiled


@functools.lru_cache(maxsize=4)
def _log_table(maximum: int) -> elgamal.DiscreteLogTable:
    """Discrete-log tables shared across bundles (rounded up so stations share one)."""
    return elgamal.DiscreteLogTable(maximum)


def table_for(maximum: int) -> elgamal.DiscreteLogTable:
    """A table covering counts 0..maximum, reused across calls in this process."""
    return _log_table(-(-maximum // 1024) * 1024)


@dataclass(frozen=True, slots=True)
class VerifiedBundle:
    bundle: StationBundle
    certificate: KioskCertificate
    results: StationResults | None
    findings: tuple[str, ...]
    digest: bytes  # hash of the bundle file, for de-duplication

    @property
    def station_key(self) -> tuple[str, str]:
        return (self.bundle.village, self.bundle.station)


def verify_bundle(data: bytes, record: PublicRecord, *, full: bool = False) -> VerifiedBundle:
    """Verify one bundle file's bytes (see module docstring)."""
    envelope = SignedRecord.from_bytes(data)
    bundle = StationBundle.from_bytes(envelope.record)
    definition = record.definition
    if bundle.election_id != definition.election_id:
        raise VerificationError(f"bundle is for another election ({bundle.election_id})")
    if bundle.definition_hash != record.definition_hash:
        raise VerificationError("bundle was made under a different election definition")
    if bundle.public_record_hash != record.digest():
        raise VerificationError("bundle refers to a different public election record")
    try:
        cert = open_certificate(bundle.certificate, record.authority_key)
    except SignatureError as exc:
        raise SignatureError(
            "kiosk certificate is not signed by this election's authority"
        ) from exc
    known = record.certificates.get(cert.kiosk_id)
    if known is None or known != cert:
        raise VerificationError(f"kiosk {cert.kiosk_id} is not certified in the public record")
    if (cert.village, cert.station, cert.kiosk_id) != (
        bundle.village,
        bundle.station,
        bundle.kiosk_id,
    ):
        raise VerificationError(
            f"kiosk {cert.kiosk_id} is certified for {cert.village}/{cert.station}, "
            f"not {bundle.village}/{bundle.station}"
        )
    if not cert.is_valid_on(dt.date.fromisoformat(definition.date)):
        raise VerificationError(f"kiosk {cert.kiosk_id}'s certificate is not valid on election day")
    try:
        envelope.verify(cert.public_key, LABEL)
    except SignatureError as exc:
        raise SignatureError("bundle signature does not verify with the kiosk's key") from exc
    if bundle.mode not in ("official", "test"):
        raise VerificationError(f"unknown mode {bundle.mode!r}")
    village = definition.village(bundle.village)
    station = village.station(bundle.station)
    n = len(village.candidates)
    if len(bundle.aggregate) != n:
        raise VerificationError(f"aggregate has {len(bundle.aggregate)} entries for {n} candidates")
    verify_chain(bundle.events)
    if bundle.ballot_count != len(bundle.ballots):
        raise VerificationError(
            f"bundle says {bundle.ballot_count} ballots but holds {len(bundle.ballots)}"
        )
    for sb in bundle.ballots:
        ctx = sb.ballot.context
        if (ctx.election_id, ctx.village, ctx.station, ctx.kiosk) != (
            bundle.election_id,
            bundle.village,
            bundle.station,
            bundle.kiosk_id,
        ):
            raise VerificationError("a ballot belongs to another station or kiosk")
    _check_spoiled(bundle, cert, record, n)
    digests = [sb.ballot.digest() for sb in bundle.ballots]
    results = _check_results(bundle, cert, digests)
    _reconcile(bundle, results, digests, station.dpt, village.threshold)
    if full:
        _full_checks(bundle, cert, record, n, station.dpt, results)
    return VerifiedBundle(bundle, cert, results, (), digest32("bundle-file", data))


def _reconcile(
    bundle: StationBundle,
    results: StationResults | None,
    digests: list[bytes],
    dpt: int,
    threshold: int,
) -> None:
    """Counts, results and trustees against the event log (docs/PROTOCOL.md 4.9)."""
    log = reconcile.check_counts(
        bundle.events, bundle.mode, bundle.activations, bundle.ballot_count, bundle.voided, dpt
    )
    reconcile.check_results_entry(
        bundle.events,
        log,
        results is not None,
        results.log_head if results is not None else b"",
        bundle.ballot_count,
    )
    reconcile.check_trustees(
        bundle.events,
        [p.index for p in bundle.partials],
        None if results is None else results.trustees,
        threshold,
    )
    reconcile.check_challenges(log, len(bundle.spoiled))
    spoiled = [s.spoiled.ballot for s in bundle.spoiled]
    reconcile.check_no_ballot_ids(
        bundle.events,
        [sb.ballot.context.ballot_id for sb in bundle.ballots] + [b.context.ballot_id for b in spoiled],
        digests + [b.digest() for b in spoiled],
    )


def _check_spoiled(
    bundle: StationBundle, cert: KioskCertificate, record: PublicRecord, n: int
) -> None:
    """Every spoiled ballot (few: quick and full verification alike) belongs to this
    station and kiosk, is never a cast ballot, carries the kiosk's signature and opens to
    its candidate (`verify_spoiled`)."""
    key = record.village_keys[bundle.village]
    cast = {sb.ballot.context.ballot_id for sb in bundle.ballots}
    for i, item in enumerate(bundle.spoiled):
        ctx = item.spoiled.ballot.context
        if (ctx.election_id, ctx.village, ctx.station, ctx.kiosk) != (
            bundle.election_id,
            bundle.village,
            bundle.station,
            bundle.kiosk_id,
        ):
            raise VerificationError(f"spoiled ballot {i} belongs to another station or kiosk")
        if ctx.ballot_id in cast:
            raise VerificationError(f"spoiled ballot {i} has the id of a cast ballot")
        try:
            signing.verify(cert.public_key, SPOILED_LABEL, item.spoiled.to_bytes(), item.signature)
        except SignatureError as exc:
            raise SignatureError(f"spoiled ballot {i}: kiosk signature does not verify") from exc
        verify_spoiled(item.spoiled, key.public_key, n)


def _check_results(
    bundle: StationBundle, cert: KioskCertificate, digests: list[bytes]
) -> StationResults | None:
    if bundle.results is None:
        return None
    try:
        results = StationResults.from_bytes(bundle.results.verify(cert.public_key, RESULTS_LABEL))
    except SignatureError as exc:
        raise SignatureError("results signature does not verify with the kiosk's key") from exc
    expected = (
        bundle.election_id,
        bundle.definition_hash,
        bundle.village,
        bundle.station,
        bundle.kiosk_id,
        bundle.mode,
        bundle.ballot_count,
        bundle.activations,
        bundle.voided,
    )
    got = (
        results.election_id,
        results.definition_hash,
        results.village,
        results.station,
        results.kiosk_id,
        results.mode,
        results.ballots,
        results.activations,
        results.voided,
    )
    if got != expected:
        raise VerificationError("results record does not match the bundle it travels in")
    if results.total_votes != results.ballots:
        raise VerificationError(
            f"results count {results.total_votes} votes for {results.ballots} ballots"
        )
    if len(results.votes) != len(bundle.aggregate):
        raise VerificationError("results do not list every candidate")
    if results.box_root != box_root(digests):
        raise VerificationError("results ballot-box root does not match the ballots")
    if results.aggregate_hash != aggregate_hash(bundle.aggregate):
        raise VerificationError("results aggregate hash does not match the aggregate")
    return results


def _full_checks(
    bundle: StationBundle,
    cert: KioskCertificate,
    record: PublicRecord,
    n: int,
    dpt: int,
    results: StationResults | None,
) -> None:
    key = record.village_keys[bundle.village]
    for i, sb in enumerate(bundle.ballots):
        try:
            signing.verify(cert.public_key, BALLOT_LABEL, sb.ballot.to_bytes(), sb.signature)
        except SignatureError as exc:
            raise SignatureError(f"ballot {i}: kiosk signature does not verify") from exc
        verify_ballot(sb.ballot, key.public_key, n)
    recomputed = tuple(
        elgamal.aggregate(sb.ballot.ciphertexts[j] for sb in bundle.ballots) for j in range(n)
    )
    if recomputed != bundle.aggregate:
        raise VerificationError("aggregate does not equal the sum of the ballots")
    village = record.definition.village(bundle.village)
    context = decryption_context(
        bundle.election_id, bundle.village, bundle.station, bundle.kiosk_id
    )
    for p in bundle.partials:
        trustees.verify_partial(
            key.commitments, bundle.aggregate, p, context, len(village.trustees)
        )
    if results is not None:
        used = [p for p in bundle.partials if p.index in results.trustees]
        maximum = max(dpt, len(bundle.ballots))
        counts = trustees.combine(
            bundle.aggregate, used, village.threshold, maximum, table_for(maximum)
        )
        if counts != tuple(v for _, v in results.votes):
            raise VerificationError("decrypted counts do not match the signed results")
