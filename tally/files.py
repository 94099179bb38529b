"""Finding and reading import inputs safely: the tally's only contact with USB sticks.

`discover(paths)` expands the command-line paths (files and folders) into inputs, and
`read_input(path)` reads one regular file into memory and says what it is. Both are
defensive because a USB stick is hostile until proven otherwise:

- symbolic links (to files or folders) are refused, never followed (`O_NOFOLLOW`);
- only regular files are opened (no FIFOs or devices, which could block forever);
- size is checked with `fstat` before reading, and reading stops at the cap, so a huge
  file costs one system call, not memory;
- zip (and other) archives are refused outright: nothing is ever extracted, so zip
  bombs and `../` member names cannot write anywhere;
- folders are walked to a fixed depth and a fixed number of entries.

Nothing here writes to disk. Content checks (UTF-8, canonical JSON, nesting depth,
signatures) are `ballotcore`'s, reached through `ballotcore.verify.verify_bundle`.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from ballotcore.limits import (
    MAX_BUNDLE_BYTES,
    MAX_FOLDER_DEPTH,
    MAX_FOLDER_ENTRIES,
    MAX_IMAGE_BYTES,
)
from tally.errors import RejectedInput

BUNDLE_SUFFIXES = frozenset({".sdbundle"})
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg"})
ARCHIVE_SUFFIXES = frozenset({".zip", ".tar", ".gz", ".tgz", ".7z", ".rar", ".xz", ".bz2"})

_BUNDLE_MAGIC = b'{"$magic":"SD/signed",'
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"
_ARCHIVE_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"\xfd7zXZ")


class Kind(Enum):
    BUNDLE = "bundle"
    IMAGE = "image"


@dataclass(frozen=True, slots=True)
class Input:
    """One file to import, read into memory and classified."""

    path: Path
    kind: Kind
    data: bytes


@dataclass(frozen=True, slots=True)
class Refused:
    """A path refused before or while reading it."""

    path: Path
    reason: str


def discover(paths: list[Path]) -> tuple[list[Path], list[Refused]]:
    """Expand command-line paths into candidate files (sorted) and refused paths.

    Explicit files are always candidates (their content decides); inside folders only
    files with a bundle, image or archive suffix are taken (archives to be refused with
    a clear reason), hidden files and other names are ignored.
    """
    files: list[Path] = []
    refused: list[Refused] = []
    seen = 0
    for path in paths:
        try:
            st = path.lstat()
        except OSError as exc:
            refused.append(Refused(path, f"cannot be read ({exc.strerror})"))
            continue
        if stat.S_ISLNK(st.st_mode):
            refused.append(Refused(path, "is a symbolic link; links are never followed"))
        elif stat.S_ISDIR(st.st_mode):
            seen = _walk(path, 0, files, refused, seen)
        else:
            files.append(path)
    return sorted(set(files)), refused


def _walk(folder: Path, depth: int, files: list[Path], refused: list[Refused], seen: int) -> int:
    if depth > MAX_FOLDER_DEPTH:
        refused.append(Refused(folder, f"is nested more than {MAX_FOLDER_DEPTH} folders deep"))
        return seen
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        refused.append(Refused(folder, f"cannot be listed ({exc.strerror})"))
        return seen
    for entry in entries:
        seen += 1
        if seen > MAX_FOLDER_ENTRIES:
            refused.append(Refused(folder, f"holds more than {MAX_FOLDER_ENTRIES} entries"))
            return seen
        path = Path(entry.path)
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            refused.append(Refused(path, "is a symbolic link; links are never followed"))
        elif entry.is_dir(follow_symlinks=False):
            seen = _walk(path, depth + 1, files, refused, seen)
        elif path.suffix.lower() in BUNDLE_SUFFIXES | IMAGE_SUFFIXES | ARCHIVE_SUFFIXES:
            files.append(path)
    return seen


def read_input(path: Path) -> Input:
    """Read one candidate file safely and classify it; raise `RejectedInput`."""
    try:
        st = path.lstat()
    except OSError as exc:
        raise RejectedInput(f"cannot be read ({exc.strerror})") from exc
    if stat.S_ISLNK(st.st_mode):
        raise RejectedInput("is a symbolic link; links are never followed")
    if not stat.S_ISREG(st.st_mode):
        raise RejectedInput("is not a regular file")
    suffix = path.suffix.lower()
    if suffix in ARCHIVE_SUFFIXES:
        raise RejectedInput(
            "archives (zip, tar, ...) are not accepted; copy the .sdbundle files out first"
        )
    cap = MAX_IMAGE_BYTES if suffix in IMAGE_SUFFIXES else MAX_BUNDLE_BYTES
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise RejectedInput(f"cannot be opened ({exc.strerror})") from exc
    try:
        fst = os.fstat(fd)
        if not stat.S_ISREG(fst.st_mode) or (fst.st_dev, fst.st_ino) != (st.st_dev, st.st_ino):
            raise RejectedInput("changed while being opened")
        if fst.st_size > cap:
            raise RejectedInput(f"is {fst.st_size} bytes, more than the limit of {cap}")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, cap + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:
                raise RejectedInput(f"is more than the limit of {cap} bytes")
    finally:
        os.close(fd)
    data = b"".join(chunks)
    return Input(path, classify(data), data)


def classify(data: bytes) -> Kind:
    """What a file is, from its first bytes (never from its name alone)."""
    if not data:
        raise RejectedInput("is empty")
    if data.startswith(_BUNDLE_MAGIC):
        return Kind.BUNDLE
    if data.startswith(_PNG_MAGIC) or data.startswith(_JPEG_MAGIC):
        return Kind.IMAGE
    if data.startswith(_ARCHIVE_MAGICS):
        raise RejectedInput(
            "archives (zip, tar, ...) are not accepted; copy the .sdbundle files out first"
        )
    raise RejectedInput("is neither a SuaraDesa bundle nor a PNG/JPEG photo of a results QR")
