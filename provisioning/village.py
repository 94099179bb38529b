"""The per-village work of `create`, run in worker processes: packages, cards, PIN sheets.

A station with a voter list gets a fresh invitation key and the list sealed for its kiosk
key (`ballotcore.voterlist`) as `voters.sealed.json` in its package, and its invitation
letters (`provisioning.invitations`) under personal-data/invitations/, never in a package.

A worker receives one village's secrets (trustee shares, kiosk private keys) over the
process pool's pipe, writes every file of that village into the temporary election
folder, and returns the unsigned station manifests and the PINs it drew. The authority
key never leaves the main process: it signs the manifests afterwards.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballotcore.codes import new_code
from ballotcore.election import ElectionDefinition, Village
from ballotcore.package import (
    CERT_FILE,
    OFFICERS_FILE,
    PHOTO_DIR,
    RECORD_FILE,
    VOTERS_FILE,
    Manifest,
    PinKdf,
    file_hash,
    new_pin,
    package_name,
    seal_officer_credentials,
)
from ballotcore.public_record import KioskCertificate
from ballotcore.trustee_card import new_trustee_pin, seal_share
from ballotcore.trustees import TrusteeShare
from ballotcore.voterlist import Voter, VoterList, new_invitation_key, seal_voter_list
from provisioning import render
from provisioning.invitations import INVITATIONS_DIR, invitations_pdf

PACKAGES_DIR = "packages"
CARDS_DIR = "trustee-cards"
OFFICER_SHEETS_DIR = "pin-sheets/officers"
TRUSTEE_SHEETS_DIR = "pin-sheets/trustees"
UNLOCK_CODES_PER_STATION = 3


@dataclass(frozen=True)
class StationTask:
    code: str
    kiosk_key: bytes  # raw Ed25519 private key
    certificate: KioskCertificate
    signed_certificate: bytes


@dataclass(frozen=True)
class VillageTask:
    header: ElectionDefinition  # the definition with villages=() (names and date only)
    village: Village
    root: Path  # the temporary election folder
    record_digest: bytes
    record_size: int
    record_hash: bytes
    shares: tuple[TrusteeShare, ...]
    stations: tuple[StationTask, ...]
    photos: dict[str, bytes]
    kdf: PinKdf | None  # None: production costs (`ballotcore.kdf.SECRETS`)
    voters: dict[str, tuple[Voter, ...]]  # station code -> its voter list (absent: none)
    voting_hours: str  # "HH.MM-HH.MM", printed on the invitations
    locations: dict[str, str]  # station code -> where the TPS is (absent: not given)


@dataclass(frozen=True)
class VillageResult:
    village: str
    manifests: dict[str, bytes]  # station code -> unsigned manifest record bytes
    officer_pins: dict[str, list[str]]  # station code -> 2 PINs
    install_codes: dict[str, str]  # station code -> installation code
    unlock_codes: dict[str, list[str]]  # station code -> one-time unlock codes
    trustee_pins: dict[int, str]
    voters_by_sex: dict[str, dict[str, int]]  # station code -> {"L": n, "P": n} (listed only)


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def _write_package(
    task: VillageTask, st: StationTask, pins: list[str], install: str, unlock: list[str],
    sealed_voters: bytes | None = None,
) -> bytes:
    pkg = task.root / PACKAGES_DIR / package_name(task.village.code, st.code)
    pkg.mkdir(parents=True)
    files: dict[str, tuple[int, bytes]] = {}
    _link_or_copy(task.root / RECORD_FILE, pkg / RECORD_FILE)
    files[RECORD_FILE] = (task.record_size, task.record_hash)
    contents = {
        CERT_FILE: st.signed_certificate,
        OFFICERS_FILE: seal_officer_credentials(
            st.certificate, Ed25519PrivateKey.from_private_bytes(st.kiosk_key), pins,
            install, unlock, task.kdf,
        ),  # fmt: skip
    }
    if sealed_voters is not None:
        contents[VOTERS_FILE] = sealed_voters
    photos = [c.photo for c in task.village.candidates if c.photo is not None]
    if photos:
        (pkg / PHOTO_DIR).mkdir()
    for photo in photos:
        contents[f"{PHOTO_DIR}/{photo}"] = task.photos[photo]
    for rel, data in contents.items():
        (pkg / rel).write_bytes(data)
        files[rel] = (len(data), file_hash(data))
    cert = st.certificate
    return Manifest(
        cert.election_id,
        cert.definition_hash,
        task.record_digest,
        cert.village,
        cert.station,
        cert.kiosk_id,
        files,
    ).to_bytes()


def provision_village(task: VillageTask) -> VillageResult:
    """Write one village's packages, trustee cards and PIN sheets (see module docstring)."""
    v = task.village
    manifests: dict[str, bytes] = {}
    officer_pins: dict[str, list[str]] = {}
    install_codes: dict[str, str] = {}
    unlock_codes: dict[str, list[str]] = {}
    by_sex: dict[str, dict[str, int]] = {}
    sheets = task.root / OFFICER_SHEETS_DIR
    for st in task.stations:
        sealed = None
        if st.code in task.voters:
            vl = VoterList(task.header.election_id, v.code, st.code, task.voters[st.code],
                           new_invitation_key())
            sealed = seal_voter_list(vl, Ed25519PrivateKey.from_private_bytes(st.kiosk_key))
            by_sex[st.code] = vl.count_by_sex()
            invitations_pdf(
                task.header, v, vl, task.root / INVITATIONS_DIR / f"{v.code}_{st.code}.pdf",
                task.voting_hours, task.locations.get(st.code),
            )  # fmt: skip
        pins = [new_pin()]
        while len(pins) < 2:
            pin = new_pin()
            if pin not in pins:
                pins.append(pin)
        install = new_code()
        unlock = [new_code() for _ in range(UNLOCK_CODES_PER_STATION)]
        manifests[st.code] = _write_package(task, st, pins, install, unlock, sealed)
        officer_pins[st.code] = pins
        install_codes[st.code] = install
        unlock_codes[st.code] = unlock
        render.officer_pin_sheet(
            task.header, v, st.code, st.certificate.kiosk_id, pins,
            sheets / f"{v.code}_{st.code}.pdf", install, unlock,
        )  # fmt: skip
    cards_dir = task.root / CARDS_DIR / v.code
    cards_dir.mkdir(parents=True)
    trustee_pins: dict[int, str] = {}
    images = []
    for share in task.shares:
        pin = new_trustee_pin()
        trustee_pins[share.index] = pin
        payload = seal_share(task.header.election_id, v.code, share, pin, task.kdf).to_bytes()
        (cards_dir / f"trustee-{share.index}.sdcard").write_bytes(payload)
        png = render.png_bytes(render.qr_image(payload))
        (cards_dir / f"trustee-{share.index}.png").write_bytes(png)
        images.append((share.index, png))
    render.trustee_cards_pdf(task.header, v, images, cards_dir / "cards.pdf")
    render.trustee_pin_sheet(
        task.header, v, trustee_pins, task.root / TRUSTEE_SHEETS_DIR / f"{v.code}.pdf"
    )
    return VillageResult(
        v.code, manifests, officer_pins, install_codes, unlock_codes, trustee_pins, by_sex
    )
