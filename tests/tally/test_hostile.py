"""Hostile inputs are refused within fixed time and memory and never write anywhere."""

from __future__ import annotations

import io
import os
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from tally.db import TallyDB
from tally.importer import import_paths
from tests.tally.conftest import held_digest

LIMIT_S = 3.0
LIMIT_BYTES = 40 * 1024 * 1024


def _tree(root: Path) -> list[tuple[str, int]]:
    return sorted((str(p.relative_to(root)), p.lstat().st_size) for p in root.rglob("*"))


def _refused(db_path: Path, *paths: Path) -> list[str]:
    """Import `paths`; every outcome must be a rejection, fast and lean, nothing written."""
    root = db_path.parent.parent
    before_db, before_tree = held_digest(db_path), _tree(root)
    tracemalloc.start()
    start = time.monotonic()
    with TallyDB.open(db_path) as db:
        report = import_paths(db, list(paths))
    elapsed = time.monotonic() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < LIMIT_S, elapsed
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


def test_zip_bomb_is_refused_without_extracting(db_path: Path, usb: Path) -> None:
    bomb = usb / "bundles.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.sdbundle", b"\0" * (200 * 1024 * 1024))  # ~200 KB compressed
    (usb / "disguised.sdbundle").write_bytes(bomb.read_bytes())
    messages = _refused(db_path, usb)
    assert len(messages) == 2 and all("archives" in m for m in messages)


def test_zip_with_parent_paths_writes_nothing_outside(db_path: Path, usb: Path) -> None:
    evil = usb / "evil.zip"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("../../escaped.sdbundle", b'{"$magic":"SD/signed",')
        z.writestr("/etc/tally-owned", b"x")
    (messages,) = [_refused(db_path, evil)]
    assert "archives" in messages[0]
    assert not (usb.parent / "escaped.sdbundle").exists()
    assert not (usb.parent.parent / "escaped.sdbundle").exists()


def test_symlinks_are_never_followed(db_path: Path, usb: Path, bundle_dir: Path) -> None:
    target = sorted(bundle_dir.iterdir())[0]
    (usb / "link.sdbundle").symlink_to(target)
    (usb / "linked-folder").symlink_to(bundle_dir, target_is_directory=True)
    messages = _refused(db_path, usb, usb / "link.sdbundle")
    assert len(messages) == 3 and all("symbolic link" in m for m in messages)


def test_huge_file_is_refused_by_size(db_path: Path, usb: Path) -> None:
    huge = usb / "huge.sdbundle"
    with huge.open("wb") as f:  # a sparse 2 GiB file: costs no disk, would cost memory
        f.write(b'{"$magic":"SD/signed",')
        f.truncate(2 * 1024**3)
    big_photo = usb / "huge.png"
    big_photo.write_bytes(b"\x89PNG\r\n\x1a\n")
    os.truncate(big_photo, 1024**3)
    messages = _refused(db_path, huge, big_photo)
    assert all("more than the limit" in m for m in messages)


def test_decompression_bomb_image_is_refused(db_path: Path, usb: Path) -> None:
    out = io.BytesIO()
    Image.new("1", (20000, 20000), 1).save(out, "PNG")  # 400 megapixels, tiny file
    (usb / "bomb.png").write_bytes(out.getvalue())
    (message,) = _refused(db_path, usb / "bomb.png")
    assert "pixels" in message or "image" in message


def test_deeply_nested_json_is_refused(db_path: Path, usb: Path) -> None:
    depth = 1_000_000
    deep = b'{"$magic":"SD/signed","$v":1,"body":' + b"[" * depth + b"]" * depth + b"}"
    (usb / "deep.sdbundle").write_bytes(deep)
    (message,) = _refused(db_path, usb / "deep.sdbundle")
    assert "nested too deeply" in message or "not valid JSON" in message


def test_invalid_utf8_is_refused(db_path: Path, usb: Path, bundle_dir: Path) -> None:
    data = bytearray(sorted(bundle_dir.iterdir())[0].read_bytes())
    at = data.index(b'"village":"') + 11
    data[at] = 0xFF
    (usb / "bad.sdbundle").write_bytes(bytes(data))
    (message,) = _refused(db_path, usb / "bad.sdbundle")
    assert "UTF-8" in message


def test_fifo_and_garbage_are_refused_without_blocking(db_path: Path, usb: Path) -> None:
    os.mkfifo(usb / "pipe.sdbundle")
    (usb / "notes.sdbundle").write_bytes(b"hello, not a bundle")
    (usb / "empty.sdbundle").write_bytes(b"")
    messages = _refused(db_path, usb)
    assert len(messages) == 3
    assert any("regular file" in m for m in messages)
    assert any("neither a SuaraDesa bundle" in m for m in messages)
    assert any("empty" in m for m in messages)
