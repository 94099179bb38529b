"""Package boundaries (docs/ARCHITECTURE.md), enforced over the source tree.

The static rules live in tests/boundaries.py: ballotcore imports only the standard
library, cryptography and rbcl; kiosk and tally never import each other; the tally
imports only hardware.qrparts and hardware.errors; kiosk.ui reaches the engine only
through kiosk.ui.bridge (and the `kiosk run` command that builds it); hardware and
provisioning import none of the apps. Positive controls add one forbidden import to a
copy of the tree and show the checker reports exactly that one.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.boundaries import PACKAGES, imports, violations

ROOT = Path(__file__).resolve().parent.parent


def test_the_tree_keeps_every_boundary() -> None:
    assert violations(ROOT) == []


def test_the_checker_sees_the_whole_tree() -> None:
    """Guards against a checker that passes because it reads nothing."""
    found = list(imports(ROOT))
    importers = {imp.importer.split(".")[0] for imp in found}
    assert importers == set(PACKAGES)
    assert any(imp.module == "rbcl" for imp in found)
    # relative and `from package import module` forms resolve to the module
    assert any(
        imp.importer == "kiosk.ui.bridge" and imp.module == "kiosk.errors" for imp in found
    )
    # the outbox screen's door: the bridge's lazy import of the outbox is seen
    assert any(
        imp.importer == "kiosk.ui.bridge" and imp.module == "kiosk.outbox" for imp in found
    )


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tree")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, root / package, ignore=shutil.ignore_patterns("*.pyc"))
    return root


INJECTIONS = [
    ("ballotcore/group.py", "import kivy", "ballotcore imports only"),
    ("ballotcore/codec.py", "def _late():\n    import serial", "ballotcore imports only"),
    ("ballotcore/ballot.py", "from tally import db", "ballotcore imports only"),
    ("kiosk/engine.py", "from tally import db", "kiosk and tally never"),
    ("tally/model.py", "import kiosk.storage", "kiosk and tally never"),
    ("tally/qr.py", "import hardware.printer", "the tally imports only"),
    ("tally/cli.py", "from hardware import transport", "the tally imports only"),
    ("hardware/qrparts.py", "import serial", "standard-library only"),
    ("hardware/escpos.py", "from kiosk import views", "hardware imports no"),
    ("provisioning/render.py", "import tally.db", "provisioning imports no"),
    ("kiosk/storage.py", "import kivy.app", "only kiosk.ui imports Kivy"),
    ("kiosk/ui/screens/voter.py", "from kiosk.engine import KioskEngine", "kiosk.ui reaches"),
    ("kiosk/ui/app.py", "from .. import storage", "kiosk.ui reaches"),
    ("kiosk/ui/widgets.py", "import ballotcore.group", "kiosk.ui reaches"),
    ("kiosk/ui/screens/outbox.py", "from kiosk.outbox import Outbox", "kiosk.ui reaches"),
]


@pytest.mark.parametrize(("module", "statement", "rule"), INJECTIONS, ids=[i[0] for i in INJECTIONS])
def test_an_added_forbidden_import_is_caught(
    tree_copy: Path, module: str, statement: str, rule: str
) -> None:
    path = tree_copy / module
    original = path.read_text()
    path.write_text(original + "\n\n" + statement + "\n")
    try:
        found = violations(tree_copy)
    finally:
        path.write_text(original)
    assert len(found) == 1, found
    assert module in found[0] and rule in found[0], found


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(','.join(sorted(sys.modules)))"
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    return {name.split(".")[0] for name in output.stdout.strip().split(",")}


APPS = {"kiosk", "tally", "provisioning"}


def test_the_tally_can_join_qr_parts_without_pyserial_or_pillow() -> None:
    loaded = _loaded_after("import hardware.qrparts, hardware.errors")
    assert not {"serial", "PIL", "segno", "zxingcpp", *APPS} & loaded


def test_the_hardware_cli_group_loads_without_device_libraries() -> None:
    loaded = _loaded_after("import hardware.cli")
    assert not {"serial", "PIL", "zxingcpp"} & loaded


def test_ballotcore_loads_no_device_or_ui_library() -> None:
    modules = sorted(p.stem for p in (ROOT / "ballotcore").glob("*.py") if p.stem != "__init__")
    loaded = _loaded_after("import " + ", ".join(f"ballotcore.{m}" for m in modules))
    assert not {"kivy", "serial", "sqlcipher3", "PIL", *APPS, "hardware"} & loaded
    assert {"rbcl", "cryptography"} <= loaded  # the control: the walk really imported it


def test_no_stdlib_random_in_hardware() -> None:
    for imp in imports(ROOT):
        if imp.importer.startswith("hardware"):
            assert imp.top != "random", imp
