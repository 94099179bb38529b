"""`verify`: check a station package, an election.json, or a whole election folder.

Every check raises `VerifyError` with one sentence naming the part that is wrong; success
returns a one-line description of what was checked. When a package sits inside an
election folder (`<election>/packages/<name>.sdpkg`), the folder's authority.txt and
election.json are used as the expected authority and election automatically.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ballotcore.errors import BallotCoreError
from ballotcore.package import (
    MANIFEST_FILE,
    PACKAGE_SUFFIX,
    check_certificate_dates,
    load_package,
)
from ballotcore.public_record import PublicRecord, parse_public_record
from ballotcore.trustee_card import parse_trustee_card
from provisioning.authority import ID_FILE
from provisioning.errors import VerifyError
from provisioning.village import CARDS_DIR, PACKAGES_DIR


def _authority_near(folder: Path) -> str | None:
    f = folder / ID_FILE
    if f.is_file():
        return f.read_text(encoding="ascii").strip() or None
    return None


def verify_record(
    path: Path, expected_authority: str | None = None, today: dt.date | None = None
) -> PublicRecord:
    """Verify an election.json (and, when `today` is given, that no certificate expired)."""
    expected_authority = expected_authority or _authority_near(path.parent)
    try:
        record = parse_public_record(path.read_bytes(), expected_authority)
    except BallotCoreError as exc:
        raise VerifyError(f"{path.name}: {exc}") from exc
    if today is not None:
        for cert in record.certificates.values():
            try:
                check_certificate_dates(cert, today, allow_early=True)
            except BallotCoreError as exc:
                raise VerifyError(f"{path.name}: kiosk {cert.kiosk_id}: {exc}") from exc
    return record


def verify_package(
    path: Path,
    expected_authority: str | None = None,
    election: Path | None = None,
    today: dt.date | None = None,
    allow_early: bool = True,
    expected_election: bytes | None = None,
) -> str:
    """Verify one package folder; return a one-line description."""
    root = path.parent.parent if path.parent.name == PACKAGES_DIR else None
    if root is not None and (root / "election.json").is_file():
        expected_authority = expected_authority or _authority_near(root)
        election = election or root / "election.json"
    if expected_election is None and election is not None:
        expected_election = verify_record(election, expected_authority).digest()
    try:
        pkg = load_package(
            path,
            expected_authority,
            today,
            expected_election=expected_election,
            allow_early=allow_early,
        )
    except BallotCoreError as exc:
        raise VerifyError(f"{path.name}: {exc}") from exc
    return (
        f"{path.name}: OK - village {pkg.village.name} ({pkg.village.code}), station "
        f"{pkg.station.code}, kiosk {pkg.kiosk_id}, {len(pkg.manifest.files) + 1} files"
    )


def verify_election(root: Path, expected_authority: str | None, today: dt.date | None) -> str:
    """Verify election.json, every package, and that every trustee card is well formed."""
    record = verify_record(root / "election.json", expected_authority, today)
    expected_authority = expected_authority or _authority_near(root)
    pkgs = sorted((root / PACKAGES_DIR).glob(f"*{PACKAGE_SUFFIX}"))
    seen: set[str] = set()
    for pkg in pkgs:
        verify_package(pkg, expected_authority, None, today, True, record.digest())
        seen.add(pkg.name)
    if len(pkgs) != len(record.certificates):
        raise VerifyError(
            f"{PACKAGES_DIR}: {len(pkgs)} packages for {len(record.certificates)} kiosks"
        )
    cards = 0
    for v in record.definition.villages:
        for t in v.trustees:
            rel = f"{CARDS_DIR}/{v.code}/trustee-{t.index}.sdcard"
            f = root / rel
            if not f.is_file():
                raise VerifyError(f"{rel}: missing")
            try:
                card = parse_trustee_card(f.read_bytes())
            except BallotCoreError as exc:
                raise VerifyError(f"{rel}: {exc}") from exc
            if (card.election_id, card.village, card.index) != (
                record.definition.election_id,
                v.code,
                t.index,
            ):
                raise VerifyError(f"{rel}: card is for another election, village or trustee")
            cards += 1
    return (
        f"{root.name}: OK - election {record.definition.election_id}, "
        f"{len(record.definition.villages)} villages, {len(pkgs)} packages, {cards} trustee cards"
    )


def verify_path(
    path: Path,
    expected_authority: str | None = None,
    election: Path | None = None,
    today: dt.date | None = None,
    allow_early: bool = True,
) -> str:
    """Dispatch on what `path` is: package folder, election folder or election.json."""
    path = Path(path)
    if not path.exists():
        raise VerifyError(f"{path}: does not exist")
    if path.is_dir() and (path.suffix == PACKAGE_SUFFIX or (path / MANIFEST_FILE).exists()):
        return verify_package(path, expected_authority, election, today, allow_early)
    if path.is_dir() and (path / "election.json").is_file():
        return verify_election(path, expected_authority, today)
    if path.is_file():
        record = verify_record(path, expected_authority, today)
        return (
            f"{path.name}: OK - election {record.definition.election_id}, "
            f"{len(record.definition.villages)} villages, {len(record.certificates)} kiosks"
        )
    raise VerifyError(f"{path}: neither a package, an election folder nor an election.json")
