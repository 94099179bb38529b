"""Nothing writes into the source tree at run time: every package module (kiosk.ui.i18n
with both catalogs included) imports from a read-only copy of the tree, and the copy is
byte-for-byte unchanged afterwards. Positive control: a module that writes next to itself
at import is caught by the same check.

The copy is made read-only (chmod a-w) *and* compared before/after, because the suite may
run as root, for whom chmod does not prevent writing. Bytecode caches go to a separate
prefix (PYTHONPYCACHEPREFIX): they are Python's, not ours. Kivy modules open a window at
import, so the importer runs under Xvfb when there is no display.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import sys
from pathlib import Path

import pytest

from tests.processes import run_group
from tests.programs import require_program

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ballotcore", "provisioning", "kiosk", "tally", "hardware", "suaradesa")

IMPORTER = r"""
import importlib, json, pkgutil, sys
copy = sys.argv[1]
sys.path.insert(0, copy)
names, failed = [], {}
for package in sys.argv[2:]:
    module = importlib.import_module(package)
    names.append(package)
    names += [m.name for m in pkgutil.walk_packages(module.__path__, package + ".")
              if not m.name.endswith(".__main__")]  # __main__ runs the program
for name in names:
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed[name] = repr(exc)
from kiosk.ui import i18n
texts = [i18n.load_translations(lang).gettext("Back") for lang in i18n.LANGUAGES]
outside = sorted(n for n in names if not sys.modules[n].__file__.startswith(copy))
print("RESULT " + json.dumps({"modules": len(names), "failed": failed, "texts": texts,
                              "outside": outside}))
"""


def _snapshot(root: Path) -> dict[str, str]:
    """relative path -> mode and content hash of every file and folder under root."""
    out = {}
    for path in sorted(root.rglob("*")):
        mode = oct(path.lstat().st_mode)
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        out[str(path.relative_to(root))] = f"{mode} {digest}"
    return out


def _read_only_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "tree"
    for package in PACKAGES:
        shutil.copytree(ROOT / package, copy / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return copy


def _chmod_read_only(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _import_all(copy: Path, tmp_path: Path) -> dict[str, object]:
    cmd = [sys.executable, "-c", IMPORTER, str(copy), *PACKAGES]
    if not os.environ.get("DISPLAY"):
        cmd = [require_program("xvfb-run", "xvfb"), "-a", *cmd]
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(tmp_path / "pycache"), KIVY_NO_ARGS="1",
               KIVY_NO_CONSOLELOG="1", KIVY_NO_FILELOG="1", KIVY_HOME=str(tmp_path / "kivy"))
    proc = run_group(cmd, timeout=300, cwd=tmp_path, env=env)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert lines, f"importer crashed ({proc.returncode}):\n{proc.stdout[-2000:]}{proc.stderr[-3000:]}"
    result: dict[str, object] = json.loads(lines[-1][len("RESULT "):])
    return result


def _writable_again(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)


@pytest.fixture
def tree(tmp_path: Path):  # type: ignore[no-untyped-def]
    copy = _read_only_copy(tmp_path)
    yield copy
    _writable_again(copy)  # so tmp_path can be removed


def test_every_module_imports_from_a_read_only_tree_and_writes_nothing(
    tree: Path, tmp_path: Path
) -> None:
    _chmod_read_only(tree)
    before = _snapshot(tree)
    result = _import_all(tree, tmp_path)
    assert result["failed"] == {}
    assert result["outside"] == []  # really imported from the copy
    assert result["texts"] == ["Kembali", "Back"]  # both catalogs compiled in memory
    assert isinstance(result["modules"], int) and result["modules"] > 50
    assert _snapshot(tree) == before


def test_positive_control_a_module_writing_next_to_itself_is_caught(
    tree: Path, tmp_path: Path
) -> None:
    (tree / "hardware" / "_writes_at_import.py").write_text(
        "from pathlib import Path\n"
        "Path(__file__).with_name('cache.tmp').write_text('x')\n"
    )
    _chmod_read_only(tree)
    before = _snapshot(tree)
    result = _import_all(tree, tmp_path)
    after = _snapshot(tree)
    if os.geteuid() != 0:  # chmod protects the tree: the write fails at import
        assert "hardware._writes_at_import" in result["failed"]  # type: ignore[operator]
    else:  # as root it succeeds - and the comparison sees it
        assert set(after) - set(before) == {"hardware/cache.tmp"}
