"""docs/PROTOCOL.md stays true: its label registry equals the labels the code uses.

Labels are collected from the ballotcore sources with `ast` (not imported), so a new
hash label, signature purpose, PIN-derivation purpose or record kind added to the code
fails this test until PROTOCOL.md lists it, and a label removed from the code fails it
until PROTOCOL.md drops it.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "PROTOCOL.md"
HASH_FUNCS = {"hash_bytes", "digest32", "hash_to_scalar", "prove_equality", "verify_equality"}


def _doc_labels() -> dict[str, set[str]]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("### Label registry", 1)[1].split("\n## ", 1)[0]
    found: dict[str, set[str]] = defaultdict(set)
    for m in re.finditer(r"^\| `([^`]+)` \| (\w+) \|", section, re.MULTILINE):
        found[m.group(2)].add(m.group(1))
    return found


def _module_constants(tree: ast.Module) -> dict[str, str]:
    """Module-level string constants, including `A, B = "x", "y"` and `A = B = "x"`."""
    consts: dict[str, str] = {}
    for node in tree.body:
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                pairs = list(zip(target.elts, node.value.elts, strict=False))
            else:
                pairs = [(target, node.value)]
            for name, value in pairs:
                if (
                    isinstance(name, ast.Name)
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                ):
                    consts[name.id] = value.value
    return consts


def _resolve(arg: ast.expr, consts: dict[str, str]) -> str | None:
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    if isinstance(arg, ast.Name):
        return consts.get(arg.id)
    if isinstance(arg, ast.BinOp) and isinstance(arg.left, ast.Constant):
        return str(arg.left.value)  # "sig/" + label
    return None


def _code_labels() -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for path in sorted((ROOT / "ballotcore").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        consts = _module_constants(tree)
        for name, value in consts.items():
            if name == "KIND" or name.endswith("_KIND"):
                found["kind"].add(value)
            elif name.endswith("LABEL") and not value.startswith("proof/"):
                found["signature"].add(value)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            fname = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if fname in HASH_FUNCS:
                label = _resolve(node.args[0], consts)
                if label is not None:
                    found["hash"].add(label)
            elif fname == "derive_pin_keys" and len(node.args) >= 4:
                label = _resolve(node.args[3], consts)
                if label is not None:
                    found["hkdf"].add(label)
    return found


def test_code_labels_are_found() -> None:
    code = _code_labels()
    # the extraction itself works (or every comparison below would be vacuous)
    assert {"proof/zero-one", "proof/exactly-one", "proof/partial-decryption"} <= code["hash"]
    assert {"sig/", "tracking-code", "ballot", "key-id"} <= code["hash"]
    assert {"kiosk-cert", "public-record"} <= code["signature"]
    assert {"ballot", "signed", "definition"} <= code["kind"]


def test_protocol_label_registry_matches_code() -> None:
    doc, code = _doc_labels(), _code_labels()
    for kind in ("hash", "signature", "kind", "hkdf"):
        assert doc[kind] == code[kind], (
            f"{kind} labels: only in PROTOCOL.md {sorted(doc[kind] - code[kind])}, "
            f"only in code {sorted(code[kind] - doc[kind])}"
        )


def test_protocol_states_the_constants() -> None:
    text = DOC.read_text(encoding="utf-8")
    from ballotcore import group, hashing, tracking

    assert f"L = 2^252 + {group.L - 2**252}" in text
    assert group.G.hex() in text
    assert f'"{hashing.DOMAIN.decode()}"' in text
    assert tracking.ALPHABET in text
    for name in (
        "hashing.json",
        "points.json",
        "ballot.json",
        "partial.json",
        "tracking.json",
        "signed.json",
    ):
        assert f"`{name}`" in text
        assert (Path(__file__).parent / "vectors" / name).is_file()
