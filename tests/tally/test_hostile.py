"""Hostile inputs are refused within bounded time and memory and never write anywhere.

Time is bounded relative to a reference measured in the same test, under the same
tracemalloc: importing one genuine station bundle (full verification and a database
write) into a copy of the same database. A hostile input must be refused within
REFERENCE_MULTIPLE times that (a zip bomb extracted or a 2 GiB file parsed would take far
longer). Time is this process's CPU time (`time.process_time`; an import with one worker
runs in this process): a fixed number of seconds failed under load, and so could wall-clock
time against a reference when the other test worker took the cores. A FIFO that would
block the import is caught by pytest's timeout.
"""

from __future__ import annotations

import io
import os
import shutil
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from tally.db import TallyDB
from tally.importer import ImportReport, import_paths
from tests.tally.conftest import held_digest

REFERENCE_MULTIPLE = 10
LIMIT_BYTES = 40 * 1024 * 1024


def _tree(root: Path) -> list[tuple[str, int]]:
    return sorted((str(p.relative_to(root)), p.lstat().st_size) for p in root.rglob("*"))


def _timed_import(db_path: Path, paths: list[Path]) -> tuple[ImportReport, float, int]:
    """Import under tracemalloc: (report, CPU seconds of this process, peak traced bytes)."""
    tracemalloc.start()
    start = time.process_time()
    with TallyDB.open(db_path) as db:
        report = import_paths(db, paths)
    elapsed = time.process_time() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return report, elapsed, peak


def _reference_seconds(db_path: Path, bundle: Path) -> float:
    """Seconds to import the genuine `bundle` into a copy of `db_path` (best of two)."""
    times = []
    for n in range(2):
        copy = db_path.parent / f"reference-{n}" / db_path.name
        copy.parent.mkdir()
        shutil.copy(db_path, copy)
        report, elapsed, _ = _timed_import(copy, [bundle])
        assert [o.status for o in report.outcomes] == ["accepted"], report
        times.append(elapsed)
        shutil.rmtree(copy.parent)
    return min(times)


Refuse = Callable[..., list[str]]


@pytest.fixture
def refused(bundle_dir: Path) -> Refuse:
    """`refused(db_path, *paths)`: import `paths`; every outcome must be a rejection, within
    REFERENCE_MULTIPLE x the genuine-bundle reference and LIMIT_BYTES, nothing written."""
    genuine = sorted(bundle_dir.iterdir())[0]

    def check(db_path: Path, *paths: Path) -> list[str]:
        return _refused(db_path, genuine, *paths)

    return check


def _refused(db_path: Path, genuine: Path, *paths: Path) -> list[str]:
    root = db_path.parent.parent
    reference = _reference_seconds(db_path, genuine)
    before_db, before_tree = held_digest(db_path), _tree(root)
    report, elapsed, peak = _timed_import(db_path, list(paths))
    assert elapsed < REFERENCE_MULTIPLE * reference, (elapsed, reference)
    assert peak < LIMIT_BYTES, peak
    assert report.outcomes and all(o.status == "rejected" for o in report.outcomes), report
    assert held_digest(db_path) == before_db
    assert _tree(root) == before_tree
    return [o.message for o in report.outcomes]


@pytest.fixture()
def usb(tmp_path: Path) -> Path:
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder


def test_zip_bomb_is_refused_without_extracting(db_path: Path, refused: Refuse, usb: Path) -> None:
    bomb = usb / "bundles.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.sdbundle", b"\0" * (200 * 1024 * 1024))  # ~200 KB compressed
    (usb / "disguised.sdbundle").write_bytes(bomb.read_bytes())
    messages = refused(db_path, usb)
    assert len(messages) == 2 and all("archives" in m for m in messages)


def test_zip_with_parent_paths_writes_nothing_outside(db_path: Path, refused: Refuse, usb: Path) -> None:
    evil = usb / "evil.zip"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("../../escaped.sdbundle", b'{"$magic":"SD/signed",')
        z.writestr("/etc/tally-owned", b"x")
    (messages,) = [refused(db_path, evil)]
    assert "archives" in messages[0]
    assert not (usb.parent / "escaped.sdbundle").exists()
    assert not (usb.parent.parent / "escaped.sdbundle").exists()


def test_symlinks_are_never_followed(db_path: Path, refused: Refuse, usb: Path, bundle_dir: Path) -> None:
    target = sorted(bundle_dir.iterdir())[0]
    (usb / "link.sdbundle").symlink_to(target)
    (usb / "linked-folder").symlink_to(bundle_dir, target_is_directory=True)
    messages = refused(db_path, usb, usb / "link.sdbundle")
    assert len(messages) == 3 and all("symbolic link" in m for m in messages)


def test_huge_file_is_refused_by_size(db_path: Path, refused: Refuse, usb: Path) -> None:
    huge = usb / "huge.sdbundle"
    with huge.open("wb") as f:  # a sparse 2 GiB file: costs no disk, would cost memory
        f.write(b'{"$magic":"SD/signed",')
        f.truncate(2 * 1024**3)
    big_photo = usb / "huge.png"
    big_photo.write_bytes(b"\x89PNG\r\n\x1a\n")
    os.truncate(big_photo, 1024**3)
    messages = refused(db_path, huge, big_photo)
    assert all("more than the limit" in m for m in messages)


def test_decompression_bomb_image_is_refused(db_path: Path, refused: Refuse, usb: Path) -> None:
    out = io.BytesIO()
    Image.new("1", (20000, 20000), 1).save(out, "PNG")  # 400 megapixels, tiny file
    (usb / "bomb.png").write_bytes(out.getvalue())
    (message,) = refused(db_path, usb / "bomb.png")
    assert "pixels" in message or "image" in message


def test_deeply_nested_json_is_refused(db_path: Path, refused: Refuse, usb: Path) -> None:
    depth = 1_000_000
    deep = b'{"$magic":"SD/signed","$v":1,"body":' + b"[" * depth + b"]" * depth + b"}"
    (usb / "deep.sdbundle").write_bytes(deep)
    (message,) = refused(db_path, usb / "deep.sdbundle")
    assert "nested too deeply" in message or "not valid JSON" in message


def test_invalid_utf8_is_refused(db_path: Path, refused: Refuse, usb: Path, bundle_dir: Path) -> None:
    data = bytearray(sorted(bundle_dir.iterdir())[0].read_bytes())
    at = data.index(b'"village":"') + 11
    data[at] = 0xFF
    (usb / "bad.sdbundle").write_bytes(bytes(data))
    (message,) = refused(db_path, usb / "bad.sdbundle")
    assert "UTF-8" in message


def test_fifo_and_garbage_are_refused_without_blocking(db_path: Path, refused: Refuse, usb: Path) -> None:
    os.mkfifo(usb / "pipe.sdbundle")
    (usb / "notes.sdbundle").write_bytes(b"hello, not a bundle")
    (usb / "empty.sdbundle").write_bytes(b"")
    messages = refused(db_path, usb)
    assert len(messages) == 3
    assert any("regular file" in m for m in messages)
    assert any("neither a SuaraDesa bundle" in m for m in messages)
    assert any("empty" in m for m in messages)
