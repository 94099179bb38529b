"""Names that meant two different things are now one class each (issue 14, part 8).

`WrongPin`, `ReceiptPrinter`, `QrScanner` and `MemoryPrinter` were each defined twice,
with different roles. The kiosk's are now `PinRejected` (the PIN guard's refusal, with
attempts left), `ContentPrinter` / `PollingScanner` (what the engine is handed: receipt
content in, scanned texts polled out) and `MemoryContentPrinter`; ballotcore's
`WrongPin` and hardware's `ReceiptPrinter` / `QrScanner` / `MemoryPrinter` (print jobs,
callback scanners) keep theirs.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

from tests.boundaries import PACKAGES

ROOT = Path(__file__).resolve().parent.parent
ONCE = ("WrongPin", "ReceiptPrinter", "QrScanner", "MemoryPrinter", "PinRejected",
        "ContentPrinter", "PollingScanner", "MemoryContentPrinter")  # fmt: skip
NEW = ("PinRejected", "ContentPrinter", "PollingScanner", "MemoryContentPrinter")


def class_names(sources: list[str]) -> Counter[str]:
    """How often each top-level class name is defined across `sources`."""
    return Counter(
        node.name
        for source in sources
        for node in ast.parse(source).body
        if isinstance(node, ast.ClassDef)
    )


def _tree_sources() -> list[str]:
    return [p.read_text() for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))]


@pytest.mark.parametrize("name", ONCE)
def test_defined_at_most_once(name: str) -> None:
    count = class_names(_tree_sources())[name]
    assert count == 1 if name in NEW else count <= 1, (name, count)


def test_a_duplicate_is_counted() -> None:
    """Positive control: two definitions of one name count as two."""
    assert class_names(["class WrongPin: ...", "class WrongPin(Exception): ..."])["WrongPin"] == 2
