"""Realistic signed station bundles for tally tests and the tally benchmark.

The public record, kiosk keys and trustee shares come from a real provisioned election
(`provisioning.testing.make_election`): kiosk keys are unlocked from the station packages
with the officer PINs, trustee shares opened from the trustee cards with their PINs. The
polling day itself is played with ballotcore exactly as /work/notes/bundle_example.py
does (encrypt, sign, aggregate, k partial decryptions, combine, results, event log,
bundle), so bundles are what a kiosk exports, byte for byte in format.

Decks are deterministic (`deck(seed, ...)`), so tests can check that tally totals equal
the decks. `random` is used only for deck generation, with an explicit seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballotcore import elgamal, trustees
from ballotcore.ballot import BallotContext, encrypt_ballot, new_ballot_id
from ballotcore.bundle import SignedBallot, StationBundle, sort_ballots
from ballotcore.elgamal import Ciphertext
from ballotcore.eventlog import EventEntry, next_entry
from ballotcore.package import load_package, open_installation
from ballotcore.public_record import PublicRecord, parse_public_record
from ballotcore.results import StationResults, aggregate_hash, box_root, decryption_context
from ballotcore.signing import SignedRecord, sign, sign_record
from ballotcore.trustee_card import open_trustee_card, parse_trustee_card
from ballotcore.trustees import PartialDecryption, TrusteeShare
from provisioning.testing import ElectionFixture, make_election


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
    events: list[EventEntry]

    @property
    def kiosk(self) -> Kiosk:
        return self.election.kiosks[(self.village, self.station)]

    def results(self, mode: str = "official", counts: tuple[int, ...] | None = None) -> StationResults:
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
            self.events[-1].digest(),
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
    ) -> bytes:
        """A signed bundle; `extra_events` appends export events (a later export)."""
        d = self.election.record.definition
        k = self.kiosk
        events = list(self.events)
        for i in range(extra_events):
            events.append(next_entry(events[-1], "bundle_exported", f"2026-11-22T14:{i:02d}:00Z",
                                     {"copy": i + 1}))
        signer = key or k.key
        results = (
            sign_record(signer, "results", self.results(mode).to_bytes()) if with_results else None
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
        )
        return sign_record(signer, "bundle", bundle.to_bytes()).to_bytes()


def run_station(
    election: Election, village: str, station: str, choices: list[int], voided: int = 1
) -> StationRun:
    """Cast `choices` at a station, close, decrypt with k trustees."""
    d = election.record.definition
    vdef = d.village(village)
    n = len(vdef.candidates)
    kiosk = election.kiosks[(village, station)]
    key = election.record.village_keys[village].public_key
    ballots: list[SignedBallot] = []
    events = [next_entry(None, "polls_opened", "2026-11-22T07:00:00Z")]
    for choice in choices:
        ctx = BallotContext(d.election_id, village, station, kiosk.kiosk_id, new_ballot_id())
        eb = encrypt_ballot(ctx, key, n, choice)
        ballots.append(SignedBallot(eb, sign(kiosk.key, "ballot", eb.to_bytes())))
        events.append(next_entry(events[-1], "ballot_cast", "2026-11-22T09:00:00Z"))
    events.append(next_entry(events[-1], "polls_closed", "2026-11-22T13:00:00Z"))
    aggregate = tuple(elgamal.aggregate(b.ballot.ciphertexts[j] for b in ballots) for j in range(n))
    ctx_bytes = decryption_context(d.election_id, village, station, kiosk.kiosk_id)
    partials = tuple(
        trustees.partial_decrypt(s, aggregate, ctx_bytes) for s in election.share_list(village)
    )
    dpt = vdef.station(station).dpt
    counts = trustees.combine(aggregate, partials, vdef.threshold, max(dpt, len(ballots)))
    events.append(next_entry(events[-1], "results_decrypted", "2026-11-22T13:30:00Z"))
    return StationRun(election, village, station, list(choices), voided, tuple(ballots),
                      aggregate, partials, counts, events)
