"""Positive control of tests/leakcheck.py: a tiny suite that leaves a tmpfs folder and a
running process behind must fail, with both named in the output - in one process and
under pytest-xdist - and a clean tiny suite must pass."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests import tmpfs

ROOT = Path(__file__).resolve().parents[1]

LEAKY = '''
import subprocess
from pathlib import Path
from tests import tmpfs

def test_leaks_a_folder():
    folder = tmpfs.make_folder("leaky-")
    (folder / "f").write_text("x")

def test_leaks_a_process():
    proc = subprocess.Popen(["sleep", "300"])
    Path("{pidfile}").write_text(str(proc.pid))

def test_clean(tmp_path):
    assert tmp_path.is_dir()
'''

CLEAN = '''
import subprocess
from tests import tmpfs

def test_clean_folder_and_process():
    with tmpfs.fast_folder("tidy-") as folder:
        (folder / "f").write_text("x")
    subprocess.run(["true"], check=True)
'''


def _inner_run(tmp_path: Path, source: str, *args: str) -> subprocess.CompletedProcess[str]:
    suite = tmp_path / "suite"
    suite.mkdir()
    pidfile = tmp_path / "pid"
    (suite / "test_inner.py").write_text(textwrap.dedent(source.format(pidfile=pidfile)))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop(tmpfs.RUN_ENV, None)  # the inner run picks its own tag
    cmd = [sys.executable, "-m", "pytest", "-p", "tests.leakcheck", "-p", "no:cacheprovider",
           "-q", "--rootdir", str(suite), "-c", os.devnull, str(suite), *args]
    try:
        return subprocess.run(cmd, cwd=suite, env=env, capture_output=True, text=True,
                              timeout=300)
    finally:
        if pidfile.exists():  # the leak check kills it; make sure even if it did not
            try:
                os.kill(int(pidfile.read_text()), signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one-process", "xdist"])
def test_leaked_folder_and_process_fail_the_run(tmp_path: Path, workers: list[str]) -> None:
    proc = _inner_run(tmp_path, LEAKY, *workers)
    out = proc.stdout + proc.stderr
    assert proc.returncode == pytest.ExitCode.TESTS_FAILED, out
    assert "3 passed" in out, out  # the tests themselves pass: only the leak check fails
    assert "tmpfs folder" in out and "leaky-" in out, out
    assert "sleep 300" in out and "test_leaks_a_process" in out, out
    # and it cleaned up: the folder is gone, the process killed
    folders = [w for line in out.splitlines() if "tmpfs folder" in line for w in line.split()]
    leaked = [Path(w) for w in folders if "leaky-" in w]
    assert len(leaked) == 1 and not leaked[0].exists(), out
    pid = int((tmp_path / "pid").read_text())
    assert not Path(f"/proc/{pid}").exists() or ") Z" in Path(f"/proc/{pid}/stat").read_text()


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one-process", "xdist"])
def test_clean_suite_passes(tmp_path: Path, workers: list[str]) -> None:
    proc = _inner_run(tmp_path, CLEAN, *workers)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "leaked" not in proc.stdout
