"""Folders on tmpfs (/dev/shm) for tests, always removed, named so a leak is recognisable.

fsync is free on tmpfs, so tests of logic and crash recovery (SIGKILL keeps the page cache)
do not wait on a shared disk. Every folder is named `sdtest-<run tag>-<prefix>...`; the
run tag comes from `SUARADESA_TEST_RUN`, set once per run by tests/leakcheck.py, which
fails the run if such a folder is still there at the end. Use the `fast_dir` fixture (a
factory) or the `fast_folder` context manager: both remove what they made.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

SHM = Path("/dev/shm")
RUN_ENV = "SUARADESA_TEST_RUN"


def base_dir() -> Path | None:
    """/dev/shm when it is a writable folder, else None (the system temp folder)."""
    return SHM if SHM.is_dir() and os.access(SHM, os.W_OK) else None


def run_prefix() -> str:
    """The name prefix of this run's folders."""
    return f"sdtest-{os.environ.get(RUN_ENV, 'norun')}-"


def make_folder(prefix: str) -> Path:
    """A new folder on tmpfs named after this run and `prefix`; the caller removes it."""
    return Path(tempfile.mkdtemp(prefix=run_prefix() + prefix, dir=base_dir()))


@contextlib.contextmanager
def fast_folder(prefix: str) -> Iterator[Path]:
    """A tmpfs folder for the duration of the `with` block, then removed."""
    folder = make_folder(prefix)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_folders() -> list[Path]:
    """This run's folders still present (where `make_folder` puts them)."""
    root = base_dir() or Path(tempfile.gettempdir())
    return sorted(p for p in root.glob(run_prefix() + "*"))
