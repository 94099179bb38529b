"""The station election package: one folder per polling station, copied to the kiosk's USB stick.

Layout of `<village-code>_<station-code>.sdpkg/`:

    manifest.json    authority-signed (label "station-manifest") record "station-manifest":
                     election id, definition hash, digest of election.json, village, station,
                     kiosk id and the hash and size of EVERY other file in the folder
    election.json    the public record, byte-identical to the election's election.json
    kiosk-cert.json  the authority-signed kiosk certificate of this station
    officers.json    record "officer-credentials" v2 (`ballotcore.credentials`): the
                     kiosk's Ed25519 private key and the officer PINs sealed under the
                     80-bit installation code, and verifiers of the one-time unlock codes
    photos/<file>    candidate photos named in the definition (optional)
    voters.sealed.json  the station's voter list (DPT), sealed for this station's kiosk
                     key (record "voter-list-sealed", `ballotcore.voterlist`, PROTOCOL
                     9.4); optional: a station without it has no poll book

`load_package` verifies everything (authority signature on the manifest, the public record,
every file hash, no unlisted file, the certificate) and returns a typed `StationPackage`,
or raises `PackageError` whose message starts with the file or part that is wrong.

Nothing on the stick opens with a short PIN: the kiosk key is sealed under the
installation code (Argon2id, `ballotcore.kdf`), which the kiosk uses once to re-wrap the
key under its own device secret (`kiosk.device`); the daily officer PIN is checked by the
kiosk alone. The sealed officer sheets are written next to the packages, never inside one.
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
from dataclasses import dataclass
from pathlib import Path

from ballotcore.codec import decode_record, encode_record, expect_keys, field, hex_bytes
from ballotcore.credentials import (
    OFFICER_SLOTS,
    InstallSecret,
    OfficerCredentials,
    parse_officer_credentials,
    seal_officer_credentials,
)
from ballotcore.credentials import match_unlock_code as _match_unlock
from ballotcore.credentials import open_installation as _open_installation
from ballotcore.election import Station, Village
from ballotcore.errors import BallotCoreError, CodeFormatError, PackageError, WrongInstallCode
from ballotcore.hashing import digest32
from ballotcore.limits import MAX_PACKAGE_FILE_BYTES
from ballotcore.pins import PinKdf, derive_pin_keys, is_weak_pin, new_pin
from ballotcore.public_record import (
    CERT_LABEL,
    KioskCertificate,
    PublicRecord,
    open_certificate,
    parse_public_record,
)
from ballotcore.signing import SignedRecord
from ballotcore.voterlist import SEALED_KIND as VOTERS_KIND
from ballotcore.voterlist import VERSION as VOTERS_VERSION
from ballotcore.voterlist import VOTERS_FILE

MANIFEST_KIND = MANIFEST_LABEL = "station-manifest"
OFFICERS_KIND = "officer-credentials"
VERSION = 1
MANIFEST_FILE = "manifest.json"
RECORD_FILE = "election.json"
CERT_FILE = "kiosk-cert.json"
OFFICERS_FILE = "officers.json"
PHOTO_DIR = "photos"
PACKAGE_SUFFIX = ".sdpkg"
OFFICER_PIN_DIGITS = 6


# ------------------------------------------------------------------ manifest


@dataclass(frozen=True, slots=True)
class Manifest:
    """What the authority signed: which station, which election, which exact files."""

    election_id: str
    definition_hash: bytes
    public_record: bytes  # PublicRecord.digest() of election.json
    village: str
    station: str
    kiosk_id: str
    files: dict[str, tuple[int, bytes]]  # relative path -> (size, hash)

    def to_bytes(self) -> bytes:
        return encode_record(
            MANIFEST_KIND,
            VERSION,
            {
                "election_id": self.election_id,
                "definition_hash": self.definition_hash.hex(),
                "public_record": self.public_record.hex(),
                "village": self.village,
                "station": self.station,
                "kiosk_id": self.kiosk_id,
                "files": [
                    {"path": p, "size": s, "hash": h.hex()}
                    for p, (s, h) in sorted(self.files.items())
                ],
            },
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> Manifest:
        body = decode_record(MANIFEST_KIND, VERSION, data)
        keys = {"election_id", "definition_hash", "public_record", "village", "station"}
        expect_keys(body, keys | {"kiosk_id", "files"}, "manifest")
        files: dict[str, tuple[int, bytes]] = {}
        for entry in field(body, "files", list):
            if not isinstance(entry, dict):
                raise PackageError("file entry must be an object")
            expect_keys(entry, {"path", "size", "hash"}, "file entry")
            path = field(entry, "path", str)
            _check_rel_path(path)
            if path in files:
                raise PackageError(f"{path} is listed twice")
            files[path] = (field(entry, "size", int), hex_bytes(entry["hash"], 32, "hash"))
        return cls(
            field(body, "election_id", str),
            hex_bytes(body["definition_hash"], 32, "definition_hash"),
            hex_bytes(body["public_record"], 32, "public_record"),
            field(body, "village", str),
            field(body, "station", str),
            field(body, "kiosk_id", str),
            files,
        )


def file_hash(data: bytes) -> bytes:
    """The hash a manifest lists for one file."""
    return digest32("package-file", data)


def _check_rel_path(path: str) -> None:
    parts = path.split("/")
    if (
        not path
        or path.startswith("/")
        or any(p in {"", ".", ".."} or p.startswith(".") for p in parts)
        or "\\" in path
    ):
        raise PackageError(f"{path!r} is not a plain relative path")


def package_name(village: str, station: str) -> str:
    """Folder name of a station's package."""
    return f"{village}_{station}{PACKAGE_SUFFIX}"


# ------------------------------------------------------------------ loading


@dataclass(frozen=True)
class StationPackage:
    """A fully verified station package (see module docstring)."""

    path: Path
    manifest: Manifest
    public_record: PublicRecord
    certificate: KioskCertificate
    signed_certificate: SignedRecord
    village: Village
    station: Station
    kiosk_id: str
    photos: dict[int, bytes]  # candidate number -> image bytes
    digest: bytes  # digest32("station-package", manifest.json bytes)
    credentials: OfficerCredentials
    # The voters.sealed.json bytes (SD/voter-list-sealed), or None when the package has no
    # voter list (no poll book at this station). Only the installed kiosk key opens them:
    # `ballotcore.voterlist.open_voter_list(sealed_voters, kiosk_key, election_id, village,
    # station)`. load_package checked that the seal names this package's station.
    sealed_voters: bytes | None = None


def _check_sealed_voters(data: bytes, cert: KioskCertificate) -> None:
    """PackageError unless `data` is a well-formed sealed list naming the certificate's
    election, village and station (what can be checked without the kiosk key)."""
    body = decode_record(VOTERS_KIND, VOTERS_VERSION, data)
    expect_keys(body, {"election_id", "village", "station", "nonce", "sealed"},
                "sealed voter list")
    ids = (field(body, "election_id", str), field(body, "village", str),
           field(body, "station", str))
    hex_bytes(field(body, "nonce", str), 12, "nonce")
    hex_bytes(field(body, "sealed", str), None, "sealed")
    if ids != (cert.election_id, cert.village, cert.station):
        raise PackageError(
            f"daftar pemilih untuk TPS lain ({ids[1]}/{ids[2]}) / "
            f"voter list of another station ({ids[1]}/{ids[2]})")


def _read(root: Path, rel: str) -> bytes:
    p = root / rel
    if not p.is_file():
        raise PackageError("missing")
    if p.stat().st_size > MAX_PACKAGE_FILE_BYTES:
        raise PackageError("file is too large")
    return p.read_bytes()


def _list_files(root: Path) -> list[str]:
    out: list[str] = []
    for p in sorted(root.rglob("*")):
        if p.is_symlink():
            raise PackageError(f"{p.relative_to(root).as_posix()}: symbolic links are not allowed")
        if p.is_file():
            out.append(p.relative_to(root).as_posix())
    return out


@functools.lru_cache(maxsize=4)
def _parse_record(data: bytes, expected_authority: str | None) -> PublicRecord:
    """parse_public_record, remembered: every package of an election carries the same
    election.json, and parsing a regency's record costs seconds (`verify` of a whole
    election folder loads hundreds of packages). Only successes are cached."""
    return parse_public_record(data, expected_authority)


def check_certificate_dates(cert: KioskCertificate, today: dt.date, allow_early: bool) -> None:
    """Raise unless `today` is inside the certificate's window (or before it, if allowed)."""
    if today > dt.date.fromisoformat(cert.valid_until):
        raise PackageError(f"{CERT_FILE}: the kiosk certificate expired on {cert.valid_until}")
    if not allow_early and today < dt.date.fromisoformat(cert.valid_from):
        raise PackageError(f"{CERT_FILE}: the kiosk certificate is valid from {cert.valid_from}")


def load_package(
    path: Path,
    expected_authority: str | None = None,
    today: dt.date | None = None,
    *,
    expected_election: bytes | None = None,
    allow_early: bool = False,
) -> StationPackage:
    """Read and verify a station package folder; raise PackageError naming the bad part.

    `expected_authority`: the authority key id obtained out of band (authority.txt).
    `expected_election`: PublicRecord.digest() of the election the caller belongs to.
    `today`: check the certificate's validity window on that day (`allow_early` accepts
    a day before the window, for preparing kiosks ahead of election day).
    """
    path = Path(path)
    if not path.is_dir():
        raise PackageError(f"{path}: not a package folder")
    part = RECORD_FILE
    try:
        record_bytes = _read(path, RECORD_FILE)
        record = _parse_record(record_bytes, expected_authority)
        if expected_election is not None and record.digest() != expected_election:
            raise PackageError("package is for another election")
        part = MANIFEST_FILE
        manifest_bytes = _read(path, MANIFEST_FILE)
        signed_manifest = SignedRecord.from_bytes(manifest_bytes)
        manifest = Manifest.from_bytes(signed_manifest.verify(record.authority_key, MANIFEST_LABEL))
        if (
            manifest.election_id != record.definition.election_id
            or manifest.definition_hash != record.definition_hash
            or manifest.public_record != record.digest()
        ):
            raise PackageError("package is for another election")
        contents: dict[str, bytes] = {}
        for rel in _list_files(path):
            if rel == MANIFEST_FILE:
                continue
            part = rel
            if rel not in manifest.files:
                raise PackageError("file is not listed in the manifest")
            contents[rel] = _read(path, rel)
            size, expected = manifest.files[rel]
            if len(contents[rel]) != size or not hmac.compare_digest(
                file_hash(contents[rel]), expected
            ):
                raise PackageError("hash mismatch (the file was changed or damaged)")
        for rel in sorted(set(manifest.files) - set(contents)):
            part = rel
            raise PackageError("missing")
        part = CERT_FILE
        signed_cert = SignedRecord.from_bytes(contents[CERT_FILE])
        cert = open_certificate(signed_cert, record.authority_key)
        if record.signed_certificates.get(cert.kiosk_id) != signed_cert:
            raise PackageError("certificate is not the one in the public record")
        if (cert.kiosk_id, cert.village, cert.station) != (
            manifest.kiosk_id,
            manifest.village,
            manifest.station,
        ):
            raise PackageError("certificate is for another station")
        village = record.definition.village(cert.village)
        station = village.station(cert.station)
        if today is not None:
            check_certificate_dates(cert, today, allow_early)
        part = OFFICERS_FILE
        credentials = parse_officer_credentials(contents[OFFICERS_FILE], cert.kiosk_id)
        photos: dict[int, bytes] = {}
        for cand in village.candidates:
            if cand.photo is not None:
                part = f"{PHOTO_DIR}/{cand.photo}"
                if part not in contents:
                    raise PackageError("missing")
                photos[cand.number] = contents[part]
        sealed_voters = contents.get(VOTERS_FILE)
        if sealed_voters is not None:
            part = VOTERS_FILE
            _check_sealed_voters(sealed_voters, cert)
    except PackageError as exc:
        if str(exc).startswith(("package is for another election", f"{CERT_FILE}:")):
            raise
        raise PackageError(f"{part}: {exc}") from exc
    except BallotCoreError as exc:
        raise PackageError(f"{part}: {exc}") from exc
    except (KeyError, ValueError, TypeError) as exc:
        raise PackageError(f"{part}: malformed ({exc})") from exc
    return StationPackage(
        path,
        manifest,
        record,
        cert,
        signed_cert,
        village,
        station,
        cert.kiosk_id,
        photos,
        digest32("station-package", manifest_bytes),
        credentials,
        sealed_voters,
    )


# ------------------------------------------------------------------ installation


def open_installation(package: StationPackage, code: str) -> InstallSecret:
    """Kiosk key, officer PINs and their KDF for the package's installation code.

    CodeFormatError if the code is garbled, WrongInstallCode if it is another package's;
    both messages are bilingual (Indonesian first) and name no secret.
    """
    try:
        return _open_installation(package.credentials, package.certificate, code)
    except (CodeFormatError, WrongInstallCode):
        raise
    except BallotCoreError as exc:
        raise PackageError(f"{OFFICERS_FILE}: {exc}") from exc


def match_unlock_code(package: StationPackage, code: str) -> int | None:
    """Index of the package's one-time unlock code `code` is, or None (foreign code);
    CodeFormatError if garbled. Whether it was used already is the kiosk's record."""
    return _match_unlock(package.credentials, code)


__all__ = [
    "CERT_LABEL",
    "OFFICER_SLOTS",
    "VOTERS_FILE",
    "CodeFormatError",
    "InstallSecret",
    "Manifest",
    "OfficerCredentials",
    "PackageError",
    "PinKdf",
    "StationPackage",
    "WrongInstallCode",
    "derive_pin_keys",
    "file_hash",
    "is_weak_pin",
    "load_package",
    "match_unlock_code",
    "new_pin",
    "open_installation",
    "package_name",
    "seal_officer_credentials",
]
