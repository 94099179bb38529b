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


# ------------------------------------------------ event semantics (PROTOCOL.md 4.9)
COUNTERS = ("activations", "ballots", "voided")


def _doc_events() -> dict[str, str]:
    """Event code -> count column of the 4.9 table ("—" for none)."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("### 4.9 Event log semantics", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z_.]+)` \| .+ \| (\w+|—) \|$", section, re.MULTILINE)
    return dict(rows)


def _kiosk_counting() -> dict[str, set[str]]:
    """For every kiosk event code written in a function that changes a counter (or passed
    to such a function), the counters that function adds to. Read with `ast` from
    kiosk/*.py, so a new counted event fails the test until PROTOCOL.md lists it."""
    from kiosk.events import EVENTS

    functions: dict[str, ast.FunctionDef] = {}
    for path in sorted((ROOT / "kiosk").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                functions[node.name] = node

    def calls(fn: ast.FunctionDef) -> list[ast.Call]:
        return [n for n in ast.walk(fn) if isinstance(n, ast.Call)]

    def strings(nodes: list[ast.expr]) -> set[str]:
        return {n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)}

    found: dict[str, set[str]] = defaultdict(set)
    for name, fn in functions.items():
        counted = {
            s
            for c in calls(fn)
            if isinstance(c.func, ast.Attribute) and c.func.attr in ("add", "set")
            for s in strings(c.args[:1])
            if s in COUNTERS
        }
        for loop in (n for n in ast.walk(fn) if isinstance(n, ast.For)):  # for name in (...)
            if isinstance(loop.iter, ast.Tuple) and any(
                isinstance(c.func, ast.Attribute) and c.func.attr in ("add", "set")
                for b in loop.body for c in ast.walk(b) if isinstance(c, ast.Call)
            ):
                counted |= strings(loop.iter.elts) & set(COUNTERS)
        if not counted:
            continue
        codes = {n.value for n in ast.walk(fn) if isinstance(n, ast.Constant)
                 and isinstance(n.value, str) and n.value in EVENTS}
        for other in functions.values():  # codes handed to this function by its callers
            for c in calls(other):
                callee = c.func.attr if isinstance(c.func, ast.Attribute) else getattr(
                    c.func, "id", "")
                if callee == name:
                    codes |= strings(list(c.args)) & set(EVENTS)
        adds = {
            s
            for c in calls(fn)
            if isinstance(c.func, ast.Attribute) and c.func.attr == "add"
            for s in strings(c.args[:1])
        }
        for code in codes:
            found[code] |= adds
    return found


def test_event_table_matches_the_verifier_and_the_kiosk_registry() -> None:
    from ballotcore import reconcile
    from kiosk import polls
    from kiosk.events import EVENTS

    doc = _doc_events()
    assert len(doc) >= 20  # the table was found
    assert set(doc) <= set(EVENTS), sorted(set(doc) - set(EVENTS))
    assert {c: n for c, n in doc.items() if n != "—"} == reconcile.COUNTED
    kiosk_polls = {code for _, code in polls.TRANSITIONS.values()}
    assert kiosk_polls == set(reconcile.POLLS) | set(reconcile.EXPORT_ONLY)
    assert kiosk_polls <= set(doc)
    named = {reconcile.FIRST, reconcile.BOX_CLEARED, reconcile.MODE_SWITCHED,
             reconcile.RESULTS_COMPUTED, reconcile.TRUSTEE_ACCEPTED, reconcile.CHALLENGED,
             *reconcile.VOIDS}
    assert named <= set(doc)
    # every main-chain polls step of the verifier is the kiosk's (exported reads closed)
    for (state, _), (new, code) in polls.TRANSITIONS.items():
        if code in reconcile.POLLS:
            before, after = reconcile.POLLS[code]
            assert (before, after) == tuple(
                "closed" if s == "exported" else s for s in (state.value, new.value)
            )


def test_event_table_lists_every_code_the_kiosk_writes_beside_a_counter() -> None:
    from ballotcore import reconcile

    doc, kiosk = _doc_events(), _kiosk_counting()
    # the extraction works: the three counters and the restart paths are seen
    assert {"session.activated", "ballot.cast", "session.timed_out",
            "session.voided_on_restart", "ballot.committed_not_confirmed",
            "box.cleared"} <= set(kiosk)
    missing = sorted(set(kiosk) - set(doc))
    assert not missing, f"PROTOCOL.md 4.9 must say whether these count: {missing}"
    for code, counter in reconcile.COUNTED.items():
        assert counter in kiosk[code], (code, counter, kiosk[code])
