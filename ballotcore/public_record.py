"""The public election record (`election.json`) and kiosk certificates.

The public record is what any verifier needs, signed by the authority root key:
the election definition, its hash (the "manifest hash"), every village's election public
key with its Feldman commitments, and every kiosk certificate. Verifiers obtain the
authority key's fingerprint (`key_id`) out of band (printed on the Berita Acara and
published by the regency) and pass it to `parse_public_record`.

A kiosk certificate binds one Ed25519 kiosk key to one polling station of one election
for a validity window; it is signed by the authority with label "kiosk-cert".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ballotcore.codec import (
    decode_record,
    encode_record,
    expect_keys,
    field,
    hex_bytes,
    hex_point,
    parse_canonical_json,
)
from ballotcore.election import ElectionDefinition, parse_definition
from ballotcore.errors import BallotCoreError, RecordError, SignatureError, VerificationError
from ballotcore.hashing import digest32
from ballotcore.signing import SignedRecord, key_id

CERT_KIND, CERT_LABEL = "kiosk-cert", "kiosk-cert"
RECORD_KIND, RECORD_LABEL = "public-record", "public-record"
VERSION = 1


@dataclass(frozen=True, slots=True)
class KioskCertificate:
    """The authority's statement: `public_key` is the kiosk of this station."""

    election_id: str
    definition_hash: bytes
    kiosk_id: str
    village: str
    station: str
    public_key: bytes
    valid_from: str  # ISO date, inclusive
    valid_until: str  # ISO date, inclusive

    def to_bytes(self) -> bytes:
        return encode_record(
            CERT_KIND,
            VERSION,
            {
                "election_id": self.election_id,
                "definition_hash": self.definition_hash.hex(),
                "kiosk_id": self.kiosk_id,
                "village": self.village,
                "station": self.station,
                "public_key": self.public_key.hex(),
                "valid_from": self.valid_from,
                "valid_until": self.valid_until,
            },
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> KioskCertificate:
        body = decode_record(CERT_KIND, VERSION, data)
        expect_keys(
            body,
            {
                "election_id",
                "definition_hash",
                "kiosk_id",
                "village",
                "station",
                "public_key",
                "valid_from",
                "valid_until",
            },
            "kiosk certificate",
        )
        return cls(
            field(body, "election_id", str),
            hex_bytes(body["definition_hash"], 32, "definition_hash"),
            field(body, "kiosk_id", str),
            field(body, "village", str),
            field(body, "station", str),
            hex_bytes(body["public_key"], 32, "public_key"),
            field(body, "valid_from", str),
            field(body, "valid_until", str),
        )

    def is_valid_on(self, day: dt.date) -> bool:
        return (
            dt.date.fromisoformat(self.valid_from) <= day <= dt.date.fromisoformat(self.valid_until)
        )


def open_certificate(signed: SignedRecord, authority_key: bytes) -> KioskCertificate:
    """Verify the authority's signature on a certificate and parse it."""
    return KioskCertificate.from_bytes(signed.verify(authority_key, CERT_LABEL))


@dataclass(frozen=True, slots=True)
class VillageKey:
    """A village's election public key K = C_0 and its Feldman commitments."""

    village: str
    commitments: tuple[bytes, ...]

    @property
    def public_key(self) -> bytes:
        return self.commitments[0]


@dataclass(frozen=True, slots=True)
class PublicRecord:
    """The verified content of `election.json` (see module docstring)."""

    definition: ElectionDefinition
    authority_key: bytes
    village_keys: dict[str, VillageKey]
    certificates: dict[str, KioskCertificate]  # by kiosk_id
    signed_certificates: dict[str, SignedRecord]
    raw: bytes  # the signed envelope as published
    definition_hash: bytes  # the manifest hash, computed once at parse time

    def digest(self) -> bytes:
        """Hash of the published file: bundles name the record they were made under."""
        return digest32("public-record", self.raw)

    def certificate_for_station(self, village: str, station: str) -> KioskCertificate | None:
        for cert in self.certificates.values():
            if cert.village == village and cert.station == station:
                return cert
        return None


def build_public_record_body(
    definition: ElectionDefinition,
    authority_key: bytes,
    village_keys: list[VillageKey],
    certificates: list[SignedRecord],
) -> bytes:
    """The unsigned public-record record bytes (provisioning signs them)."""
    return encode_record(
        RECORD_KIND,
        VERSION,
        {
            "definition": definition.to_body(),
            "definition_hash": definition.digest().hex(),
            "authority_key": authority_key.hex(),
            "village_keys": [
                {"village": vk.village, "commitments": [c.hex() for c in vk.commitments]}
                for vk in village_keys
            ],
            "kiosk_certificates": [
                {
                    "body": parse_canonical_json(c.record),
                    "label": c.label,
                    "signer": c.signer,
                    "sig": c.signature.hex(),
                }
                for c in certificates
            ],
        },
    )


def parse_public_record(data: bytes, expected_authority: str | None = None) -> PublicRecord:
    """Parse and fully verify `election.json`; raise with a clear reason otherwise.

    `expected_authority` is the authority key id obtained out of band; without it the
    record is checked for internal consistency only (it is then self-signed).
    """
    try:
        signed = SignedRecord.from_bytes(data)
        body = decode_record(RECORD_KIND, VERSION, signed.record)
        expect_keys(
            body,
            {
                "definition",
                "definition_hash",
                "authority_key",
                "village_keys",
                "kiosk_certificates",
            },
            "public record",
        )
        authority_key = hex_bytes(body["authority_key"], 32, "authority_key")
        if expected_authority is not None and key_id(authority_key) != expected_authority:
            raise SignatureError("the public record is signed by a different authority")
        signed.verify(authority_key, RECORD_LABEL)
        definition = parse_definition(field(body, "definition", dict))
        definition_hash = definition.digest()  # once: hashing the definition is not free
        village_codes = {v.code for v in definition.villages}
        if definition_hash.hex() != body["definition_hash"]:
            raise VerificationError("definition hash does not match the definition")
        village_keys: dict[str, VillageKey] = {}
        for vk in field(body, "village_keys", list):
            if not isinstance(vk, dict):
                raise RecordError("a village key entry is not an object")
            expect_keys(vk, {"village", "commitments"}, "village key")
            village = field(vk, "village", str)
            commitments = tuple(
                hex_point(c, name="commitment") for c in field(vk, "commitments", list)
            )
            vdef = (
                definition.village(village)
                if village in {v.code for v in definition.villages}
                else None
            )
            if vdef is None:
                raise VerificationError(f"key for unknown village {village}")
            if len(commitments) != vdef.threshold:
                raise VerificationError(
                    f"village {village}: {len(commitments)} commitments, threshold {vdef.threshold}"
                )
            village_keys[village] = VillageKey(village, commitments)
        missing = village_codes - set(village_keys)
        if missing:
            raise VerificationError(f"no election key for village(s) {sorted(missing)}")
        certs: dict[str, KioskCertificate] = {}
        signed_certs: dict[str, SignedRecord] = {}
        for env in field(body, "kiosk_certificates", list):
            sc = SignedRecord.from_body(env)
            cert = open_certificate(sc, authority_key)
            if (
                cert.election_id != definition.election_id
                or cert.definition_hash != definition_hash
            ):
                raise VerificationError(
                    f"certificate of kiosk {cert.kiosk_id} is for another election"
                )
            if cert.kiosk_id in certs:
                raise VerificationError(f"kiosk {cert.kiosk_id} is certified twice")
            try:
                definition.village(cert.village).station(cert.station)
            except KeyError as exc:
                raise VerificationError(f"kiosk {cert.kiosk_id} is for an unknown station") from exc
            certs[cert.kiosk_id] = cert
            signed_certs[cert.kiosk_id] = sc
    except BallotCoreError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise RecordError(f"public record is malformed: {exc}") from exc
    return PublicRecord(
        definition, authority_key, village_keys, certs, signed_certs, data, definition_hash
    )


__all__ = [
    "KioskCertificate",
    "PublicRecord",
    "VillageKey",
    "build_public_record_body",
    "open_certificate",
    "parse_public_record",
]
