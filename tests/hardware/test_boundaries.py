"""Package boundaries: no kiosk/tally/provisioning imports; light modules stay light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import hardware

PACKAGE = Path(hardware.__file__).parent
FORBIDDEN = ("kiosk", "tally", "provisioning")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_no_imports_of_kiosk_tally_or_provisioning(path: Path) -> None:
    for name in _imports(path):
        assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"


def test_no_stdlib_random_in_the_package() -> None:
    for path in PACKAGE.rglob("*.py"):
        assert "random" not in {name.split(".")[0] for name in _imports(path)}, path


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(','.join(sorted(sys.modules)))"
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    return set(output.stdout.strip().split(","))


def test_the_tally_can_join_qr_parts_without_pyserial_or_pillow() -> None:
    loaded = _loaded_after("import hardware.qrparts")
    assert not {"serial", "PIL", "qrcode", "zxingcpp", *FORBIDDEN} & loaded


def test_the_cli_group_loads_without_device_libraries() -> None:
    loaded = _loaded_after("import hardware.cli")
    assert not {"serial", "PIL", "zxingcpp"} & loaded
