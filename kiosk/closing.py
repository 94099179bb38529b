"""Close of polls, results and export: the pieces, as functions the engine composes.

* `tally_box` aggregates every stored ballot homomorphically (ElGamal sums per
  candidate) and computes the ballot-box root: no ballot is ever decrypted.
* Partial decryptions are stored as small canonical records (`encode_partial`); they
  hold no secret (the trustee's share is used in memory and dropped).
* `write_bundle` writes the signed bundle to `<usb>/<village>_<station>.sdbundle` via a
  temporary name, fsyncs it, reads it back, verifies it in full against the public
  record and compares the bytes, and only then renames it into place.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from ballotcore import elgamal
from ballotcore.ballot import EncryptedBallot
from ballotcore.bundle import SUFFIX
from ballotcore.codec import (
    canonical_json,
    expect_keys,
    field,
    hex_point,
    hex_scalar,
    parse_canonical_json,
    scalar_hex,
)
from ballotcore.elgamal import Ciphertext
from ballotcore.errors import BallotCoreError
from ballotcore.proofs import EqualityProof
from ballotcore.public_record import PublicRecord
from ballotcore.results import box_root
from ballotcore.trustees import PartialDecryption
from ballotcore.verify import VerifiedBundle, verify_bundle
from kiosk.errors import ExportError


def tally_box(records: Sequence[bytes], n_candidates: int) -> tuple[tuple[Ciphertext, ...], bytes]:
    """(aggregate per candidate, ballot-box root) over the stored ballot records."""
    sums = [elgamal.ZERO] * n_candidates
    digests: list[bytes] = []
    for record in records:
        ballot = EncryptedBallot.from_bytes(record)
        if len(ballot.ciphertexts) != n_candidates:
            raise ValueError("a stored ballot has the wrong number of selections")
        digests.append(ballot.digest())
        sums = [s + c for s, c in zip(sums, ballot.ciphertexts, strict=True)]
    return tuple(sums), box_root(digests)


def encode_aggregate(aggregate: Sequence[Ciphertext]) -> list[list[str]]:
    return [ct.to_hex() for ct in aggregate]


def decode_aggregate(value: list[list[str]]) -> tuple[Ciphertext, ...]:
    return tuple(Ciphertext.from_hex(pair) for pair in value)


def encode_partial(p: PartialDecryption) -> bytes:
    return canonical_json(
        {
            "index": p.index,
            "shares": [d.hex() for d in p.shares],
            "proofs": [[scalar_hex(x.c), scalar_hex(x.v)] for x in p.proofs],
        }
    )


def decode_partial(data: bytes) -> PartialDecryption:
    body = parse_canonical_json(data)
    expect_keys(body, {"index", "shares", "proofs"}, "partial")
    return PartialDecryption(
        field(body, "index", int),
        tuple(hex_point(d, allow_identity=True) for d in field(body, "shares", list)),
        tuple(EqualityProof(hex_scalar(c), hex_scalar(v)) for c, v in field(body, "proofs", list)),
    )


def bundle_file_name(village: str, station: str) -> str:
    return f"{village}_{station}{SUFFIX}"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_bundle(
    usb_dir: Path, name: str, data: bytes, record: PublicRecord
) -> tuple[Path, VerifiedBundle]:
    """Write, fsync, read back, verify in full, rename (see module docstring)."""
    usb_dir = Path(usb_dir)
    if not usb_dir.is_dir():
        raise ExportError(f"{usb_dir} is not a folder (is the USB stick mounted?)",
                          f"{usb_dir} bukan folder (apakah USB sudah terpasang?)")
    final = usb_dir / name
    tmp = usb_dir / f".{name}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        back = tmp.read_bytes()
        if back != data:
            raise ExportError("the bundle read back from the USB stick differs from what was written")
        verified = verify_bundle(back, record, full=True)
        os.replace(tmp, final)
        _fsync_dir(usb_dir)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"writing {final} failed: {exc.strerror or exc}") from exc
    except BallotCoreError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"the written bundle does not verify: {exc}") from exc
    except ExportError:
        tmp.unlink(missing_ok=True)
        raise
    return final, verified


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
