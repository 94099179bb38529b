"""Suite-wide fixtures and checks.

* tests/leakcheck.py fails the run if a test left a tmpfs folder or a process behind.
* `fast_dir(prefix)` makes a folder on tmpfs that is removed after the test.
* Test artefacts (screenshots, reports for a human to look at) go to
  $SUARADESA_TEST_ARTIFACTS, by default a folder in the system temp dir, never the tree.
* The officials' command line speaks Bahasa Indonesia by default; the suite pins English
  (SUARADESA_LANG=en, inherited by subprocesses) because its tests read the tools' output
  lines. tests/test_officials_i18n.py tests the Indonesian default and the selection.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests import tmpfs

pytest_plugins = ["tests.leakcheck"]


def pytest_configure(config: pytest.Config) -> None:
    """Default the artefact folder outside the source tree (inherited by subprocesses)."""
    os.environ.setdefault(
        "SUARADESA_TEST_ARTIFACTS", str(Path(tempfile.gettempdir()) / "suaradesa-test-artifacts")
    )
    os.environ["SUARADESA_LANG"] = "en"


@pytest.fixture
def fast_dir() -> Iterator[Callable[[str], Path]]:
    """A factory of tmpfs folders (`fast_dir("prefix-")`), all removed after the test."""
    made: list[Path] = []

    def make(prefix: str) -> Path:
        folder = tmpfs.make_folder(prefix)
        made.append(folder)
        return folder

    yield make
    for folder in made:
        shutil.rmtree(folder, ignore_errors=True)
