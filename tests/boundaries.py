"""The package layering of docs/ARCHITECTURE.md as data, and a checker over a source tree.

`violations(root)` parses every module under `root` with `ast` (nothing is imported or
run, so a tree that cannot even be imported is still checked) and returns one line per
import that breaks a rule. Imports inside functions and `if TYPE_CHECKING:` blocks count
too: a lazy import still ties the packages together.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGES = ("ballotcore", "provisioning", "kiosk", "tally", "hardware", "suaradesa")
STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}

#: What ballotcore may import besides the standard library and itself.
BALLOTCORE_THIRD_PARTY = frozenset({"cryptography", "rbcl"})
#: The parts of hardware the tally may import (docs/TALLY.md): QR part framing and its
#: exception types, both standard-library only.
TALLY_HARDWARE = frozenset({"hardware", "hardware.qrparts", "hardware.errors"})
#: kiosk.ui modules allowed to reach the engine: the bridge (screens' only door) and the
#: `kiosk run` command, which builds the engine and devices and hands them to the app.
UI_DOORS = frozenset({"kiosk.ui.bridge", "kiosk.ui.command"})


@dataclass(frozen=True)
class Import:
    """One imported module name, where it was imported."""

    importer: str  # dotted module name of the importing file
    module: str  # dotted name imported (for `from a import b`: a.b if that is a module)
    path: Path
    line: int

    @property
    def top(self) -> str:
        return self.module.split(".")[0]

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.importer} imports {self.module}"


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(root: Path, dotted: str) -> bool:
    base = root.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imports(root: Path) -> Iterator[Import]:
    """Every import statement of every module of the project packages under `root`."""
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            importer = _module_name(root, path)
            is_pkg = path.name == "__init__.py"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
                if isinstance(node, ast.Import):
                    for alias in node.names:
                        yield Import(importer, alias.name, path, node.lineno)
                elif isinstance(node, ast.ImportFrom):
                    base = node.module or ""
                    if node.level:
                        anchor = importer.split(".")
                        anchor = anchor[: len(anchor) - node.level + (1 if is_pkg else 0)]
                        base = ".".join([*anchor, *([base] if base else [])])
                    for alias in node.names:
                        full = f"{base}.{alias.name}"
                        name = full if _is_module(root, full) else base
                        yield Import(importer, name, path, node.lineno)


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def check(imp: Import) -> str | None:
    """Why this import breaks a rule, or None."""
    src, dst, top = imp.importer, imp.module, imp.top
    if _within(src, "ballotcore"):
        if top not in STDLIB | BALLOTCORE_THIRD_PARTY | {"ballotcore"}:
            return "ballotcore imports only the standard library, cryptography and rbcl"
    if _within(src, "kiosk") and top == "tally" or _within(src, "tally") and top == "kiosk":
        return "kiosk and tally never import each other"
    if _within(src, "tally") and top == "hardware" and dst not in TALLY_HARDWARE:
        return f"the tally imports only {sorted(TALLY_HARDWARE)} of hardware"
    if src in TALLY_HARDWARE and top not in STDLIB and dst not in TALLY_HARDWARE:
        return "the tally's parts of hardware stay standard-library only"
    if _within(src, "hardware") and top in {"kiosk", "tally", "provisioning", "ballotcore"}:
        return "hardware imports no kiosk, tally, provisioning or ballotcore"
    if _within(src, "provisioning") and top in {"kiosk", "tally", "hardware"}:
        return "provisioning imports no kiosk, tally or hardware"
    if _within(src, "kiosk") and not _within(src, "kiosk.ui") and top == "kivy":
        return "only kiosk.ui imports Kivy"
    if _within(src, "kiosk.ui") and src not in UI_DOORS:
        engine = _within(dst, "kiosk") and not _within(dst, "kiosk.ui")
        if engine or top in {"ballotcore", "hardware", "sqlcipher3", "serial"}:
            return "kiosk.ui reaches the engine only through kiosk.ui.bridge"
    return None


def violations(root: Path) -> list[str]:
    """One line per import under `root` that breaks a rule of the layering."""
    found = []
    for imp in imports(root):
        reason = check(imp)
        if reason:
            found.append(f"{imp} ({reason})")
    return found
