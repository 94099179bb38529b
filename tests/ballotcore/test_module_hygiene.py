"""ballotcore's modules declare their API once and carry no dead private helpers.

`package.py` once had two `__all__` lists (the second, which won, dropped six names) and
`proofs.py` an unused `_sb`. These checks read the source with `ast`.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import ballotcore

PACKAGE = Path(ballotcore.__file__).parent
MODULES = sorted(p for p in PACKAGE.glob("*.py"))


def all_assignments(tree: ast.Module) -> int:
    """How many top-level statements assign `__all__`."""
    return sum(
        1
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign)
        and any(
            isinstance(t, ast.Name) and t.id == "__all__"
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
        )
    )


def unused_private_functions(tree: ast.Module) -> set[str]:
    """Top-level `_name` functions that nothing in the module refers to."""
    defined = {
        n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("_")
    }
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    used |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    return {name for name in defined if name not in used and not name.startswith("__")}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_one_all_and_every_name_exists(path: Path) -> None:
    tree = ast.parse(path.read_text())
    assert all_assignments(tree) <= 1
    module = importlib.import_module(f"ballotcore.{path.stem}" if path.stem != "__init__" else "ballotcore")
    for name in getattr(module, "__all__", []):
        assert hasattr(module, name), f"{path.name}: __all__ names missing {name}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_unused_private_functions(path: Path) -> None:
    assert unused_private_functions(ast.parse(path.read_text())) == set()


def test_package_exports_the_full_list() -> None:
    from ballotcore import package

    assert {"CERT_LABEL", "Manifest", "OfficerCredentials", "file_hash", "package_name",
            "seal_officer_credentials"} <= set(package.__all__)  # fmt: skip


def test_the_checks_catch_what_they_look_for() -> None:
    """Positive controls: a second `__all__` and an unused helper are both found."""
    tree = ast.parse("__all__ = ['a']\na = 1\n__all__ = []\ndef _sb(k): return k\n")
    assert all_assignments(tree) == 2
    assert unused_private_functions(tree) == {"_sb"}
