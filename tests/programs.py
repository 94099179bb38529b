"""One way for a test to need an external program (Chromium, espeak-ng, Xvfb, poppler).

`require_program(name, package)` returns the program's path. When it is missing the test
is *skipped* on a developer machine, with the Debian package to install in the reason,
and *fails* in CI (`CI=true`, as GitHub Actions, GitLab and most runners set it): there
the programs are part of the test machine (scripts/_setup.sh installs them), so a skip
would hide a check that never ran.
"""

from __future__ import annotations

import os
import shutil

import pytest


def in_ci() -> bool:
    """True when the environment says this is a CI run (`CI=true`, `1` or `yes`)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def require_program(name: str, package: str, *alternatives: str) -> str:
    """The path of `name` (or of the first of `alternatives` found); skip or fail if none.

    Call it inside a test or fixture: it raises pytest's skip (locally) or fail (in CI).
    """
    for candidate in (name, *alternatives):
        path = shutil.which(candidate)
        if path is not None:
            return path
    message = f"{name} is not installed: sudo apt-get install {package}"
    if in_ci():
        pytest.fail(f"{message} (CI=true: a missing test program is a failure, not a skip)")
    pytest.skip(message)
