"""Realistic signed station bundles for tally tests and the tally benchmark.

The public record, kiosk keys and trustee shares come from a real provisioned election
(`provisioning.testing.make_election`): kiosk keys are unlocked from the station packages
with the officer PINs, trustee shares opened from the trustee cards with their PINs. The
polling day itself is played with ballotcore exactly as /work/notes/bundle_example.py
does (encrypt, sign, aggregate, k partial decryptions, combine, results, event log,
bundle), so bundles are what a kiosk exports, byte for byte in format; the event log is
the one an honest kiosk writes (`tests.ballotcore.kiosklog`), so bundles reconcile.

Decks are deterministic (`deck(seed, ...)`), so tests can check that tally totals equal
the decks. `random` is used only for deck generation, with an explicit seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballotcore import elgamal, trustees
from ballotcore.ballot import (
    BallotContext,
    encrypt_ballot,
    encrypt_ballot_with_nonces,
    new_ballot_id,
)
from ballotcore.bundle import SignedBallot, StationBundle, sort_ballots
from ballotcore.elgamal import Ciphertext
from ballotcore.eventlog import EventEntry
from ballotcore.package import load_package, open_installation
from ballotcore.public_record import PublicRecord, parse_public_record
from ballotcore.results import StationResults, aggregate_hash, box_root, decryption_context
from ballotcore.signing import SignedRecord, sign, sign_record
from ballotcore.spoiled import SPOILED_LABEL, SignedSpoiled, SpoiledBallot, sort_spoiled
from ballotcore.trustee_card import open_trustee_card, parse_trustee_card
from ballotcore.trustees import PartialDecryption, TrusteeShare
from provisioning.testing import ElectionFixture, make_election
from tests.ballotcore.kiosklog import station_log


@dataclass(frozen=True)
class Kiosk:
    kiosk_id: str
    key: Ed25519PrivateKey
    certificate: SignedRecord


@dataclass
class Election:
    """A provisioned election with every secret a test needs to play its kiosks."""

    fixture: ElectionFixture
    record: PublicRecord
    record_bytes: bytes
    authority_id: str
    kiosks: dict[tuple[str, str], Kiosk]
    shares: dict[str, list[TrusteeShare]] = field(default_factory=dict)

    @property
    def stations(self) -> list[tuple[str, str]]:
        return sorted(self.kiosks)

    def n_candidates(self, village: str) -> int:
        return len(self.record.definition.village(village).candidates)

    def share_list(self, village: str) -> list[TrusteeShare]:
        """The village's trustee shares, opened from the cards on first use."""
        if village not in self.shares:
            vdef = self.record.definition.village(village)
            key = self.record.village_keys[village]
            self.shares[village] = [
                open_trustee_card(
                    parse_trustee_card(self.fixture.trustee_card_path(village, t.index).read_bytes()),
                    self.fixture.trustee_pin(village, t.index),
                    key,
                )
                for t in vdef.trustees[: vdef.threshold]
            ]
        return self.shares[village]


def make_test_election(tmp_path: Path, villages: int = 3, seed: int = 7) -> Election:
    """Provision an election and open its kiosk keys (installation codes) (trustee shares opened lazily)."""
    fixture = make_election(tmp_path, villages=villages, seed=seed)
    record_bytes = fixture.election_json.read_bytes()
    record = parse_public_record(record_bytes, fixture.authority_id)
    kiosks: dict[tuple[str, str], Kiosk] = {}
    for path in fixture.package_paths():
        package = load_package(path, fixture.authority_id)
        code = fixture.install_code(package.village.code, package.station.code)
        key = open_installation(package, code).kiosk_key
        kiosks[(package.village.code, package.station.code)] = Kiosk(
            package.kiosk_id, key, package.signed_certificate
        )
    return Election(fixture, record, record_bytes, fixture.authority_id, kiosks)


def deck(seed: int, n_candidates: int, size: int) -> list[int]:
    """A deterministic list of choices (candidate positions 0..n-1)."""
    rng = random.Random(seed)  # test decks only; never for anything secret
    return [rng.randrange(n_candidates) for _ in range(size)]


def deck_totals(choices: list[int], n_candidates: int) -> list[int]:
    return [choices.count(i) for i in range(n_candidates)]


@dataclass
class StationRun:
    """One station's polling day, played once; `export` makes bundles from it."""

    election: Election
    village: str
    station: str
    choices: list[int]
    voided: int
    ballots: tuple[SignedBallot, ...]
    aggregate: tuple[Ciphertext, ...]
    partials: tuple[PartialDecryption, ...]
    counts: tuple[int, ...]
    spoiled: tuple[SignedSpoiled, ...] = ()

    @property
    def kiosk(self) -> Kiosk:
        return self.election.kiosks[(self.village, self.station)]

    def log(self, mode: str = "official", with_results: bool = True, extra_events: int = 0
            ) -> tuple[tuple[EventEntry, ...], bytes]:
        """The kiosk's event log of this day and its results' `log_head` (see kiosklog)."""
        return station_log(
            self.kiosk.kiosk_id, len(self.ballots), self.voided, mode=mode,
            trustees=[p.index for p in self.partials] if with_results else (),
            results=with_results, extra=extra_events,
            slots=2 * self.election.record.definition.village(self.village)
            .station(self.station).dpt,
            challenges=len(self.spoiled),
        )

    def results(self, mode: str = "official", counts: tuple[int, ...] | None = None,
                log_head: bytes | None = None) -> StationResults:
        d = self.election.record.definition
        k = self.kiosk
        return StationResults(
            d.election_id,
            d.digest(),
            self.village,
            self.station,
            k.kiosk_id,
            mode,
            tuple((i + 1, c) for i, c in enumerate(counts or self.counts)),
            len(self.ballots),
            len(self.ballots) + self.voided,
            self.voided,
            box_root([b.ballot.digest() for b in self.ballots]),
            aggregate_hash(self.aggregate),
            log_head or self.log(mode)[1],
            tuple(p.index for p in self.partials),
        )

    def results_envelope(self, mode: str = "official", counts: tuple[int, ...] | None = None,
                         key: Ed25519PrivateKey | None = None) -> bytes:
        """The signed results record bytes the receipt's QR code carries."""
        signer = key or self.kiosk.key
        return sign_record(signer, "results", self.results(mode, counts).to_bytes()).to_bytes()

    def export(
        self,
        *,
        mode: str = "official",
        extra_events: int = 0,
        with_results: bool = True,
        key: Ed25519PrivateKey | None = None,
        certificate: SignedRecord | None = None,
        events: tuple[EventEntry, ...] | None = None,
    ) -> bytes:
        """A signed bundle; `extra_events` appends later log entries (a later export).

        `events` replaces the honest log (an attacker's rewrite); the results then name the
        entry before its `results.computed` as their `log_head`, as a kiosk would sign.
        """
        d = self.election.record.definition
        k = self.kiosk
        head = None
        if events is None:
            events, _ = self.log(mode, with_results, extra_events)
        else:
            at = [i for i, e in enumerate(events) if e.event == "results.computed"]
            head = events[at[-1] - 1].digest() if at else None
        signer = key or k.key
        results = (
            sign_record(signer, "results", self.results(mode, log_head=head).to_bytes())
            if with_results else None
        )
        bundle = StationBundle(
            d.election_id,
            d.digest(),
            self.election.record.digest(),
            self.village,
            self.station,
            k.kiosk_id,
            mode,
            certificate or k.certificate,
            sort_ballots(self.ballots),
            self.aggregate,
            self.partials if with_results else (),
            results,
            tuple(events),
            len(self.ballots) + self.voided,
            len(self.ballots),
            self.voided,
            sort_spoiled(self.spoiled),
        )
        return sign_record(signer, "bundle", bundle.to_bytes()).to_bytes()


def spoil(election: Election, village: str, station: str, choice: int) -> SignedSpoiled:
    """A ballot for position `choice` committed and challenged: opened by its nonces and
    signed by the kiosk, as `kiosk.voting` spoils one."""
    d = election.record.definition
    kiosk = election.kiosks[(village, station)]
    key = election.record.village_keys[village].public_key
    ctx = BallotContext(d.election_id, village, station, kiosk.kiosk_id, new_ballot_id())
    eb, nonces = encrypt_ballot_with_nonces(ctx, key, election.n_candidates(village), choice)
    record = SpoiledBallot(eb, choice + 1, nonces)
    return SignedSpoiled(record, sign(kiosk.key, SPOILED_LABEL, record.to_bytes()))


def run_station(
    election: Election, village: str, station: str, choices: list[int], voided: int = 1,
    challenges: Sequence[int] = (),
) -> StationRun:
    """Cast `choices` at a station, close, decrypt with k trustees. `challenges` (positions,
    at most one per cast) are spoiled ballots challenged before the first casts."""
    d = election.record.definition
    vdef = d.village(village)
    n = len(vdef.candidates)
    kiosk = election.kiosks[(village, station)]
    key = election.record.village_keys[village].public_key
    ballots: list[SignedBallot] = []
    for choice in choices:
        ctx = BallotContext(d.election_id, village, station, kiosk.kiosk_id, new_ballot_id())
        eb = encrypt_ballot(ctx, key, n, choice)
        ballots.append(SignedBallot(eb, sign(kiosk.key, "ballot", eb.to_bytes())))
    aggregate = tuple(elgamal.aggregate(b.ballot.ciphertexts[j] for b in ballots) for j in range(n))
    ctx_bytes = decryption_context(d.election_id, village, station, kiosk.kiosk_id)
    partials = tuple(
        trustees.partial_decrypt(s, aggregate, ctx_bytes) for s in election.share_list(village)
    )
    dpt = vdef.station(station).dpt
    counts = trustees.combine(aggregate, partials, vdef.threshold, max(dpt, len(ballots)))
    if len(challenges) > len(choices):
        raise ValueError("every challenge happens in a session that then casts")
    spoiled = tuple(spoil(election, village, station, c) for c in challenges)
    return StationRun(election, village, station, list(choices), voided, tuple(ballots),
                      aggregate, partials, counts, spoiled)
