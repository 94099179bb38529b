"""Golden ESC/POS bytes for every receipt type, checked in under tests/hardware/golden/.

Each case is the exact byte stream the driver sends (`<case>.bin`) and the simulator's
text rendering of it (`<case>.txt`, for reviewers: a layout change shows up as a
readable diff). A change to layout or encoding fails these tests on purpose.

To regenerate after a deliberate change, run

    SUARADESA_REGENERATE_GOLDEN=1 .venv/bin/pytest tests/hardware/test_golden.py

then review `git diff tests/hardware/golden/` (the .txt files) and commit the files
with the change that caused them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from hardware import escpos, layout, samples
from hardware.document import Document, PaperWidth
from hardware.escpos_parse import parse
from hardware.sim.paper import Paper

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("SUARADESA_REGENERATE_GOLDEN") == "1"

Case = tuple[Callable[[], Document], escpos.QrMode]
CASES: dict[str, Case] = {}
for _width in PaperWidth:
    for _name in sorted(samples.SAMPLES):
        CASES[f"{_name}-{_width.value}"] = (
            lambda n=_name, w=_width: layout.layout_receipt(samples.SAMPLES[n], w),
            escpos.QrMode.NATIVE,
        )
CASES["results-58-raster"] = (
    lambda: layout.layout_receipt(samples.SAMPLES["results"], PaperWidth.MM58),
    escpos.QrMode.RASTER,
)
CASES["voter-58-reprint"] = (
    lambda: layout.layout_receipt(samples.SAMPLES["voter"], PaperWidth.MM58).as_reprint(),
    escpos.QrMode.NATIVE,
)


def _text(data: bytes, width: PaperWidth) -> str:
    commands, rest = parse(data)
    assert rest == b""
    paper = Paper(width)
    receipts = [r for command, _ in commands if (r := paper.apply(command)) is not None]
    assert len(receipts) == 1
    return receipts[0].text(width)


def _first_difference(actual: bytes, expected: bytes) -> str:
    offset = next(
        (i for i, (a, b) in enumerate(zip(actual, expected, strict=False)) if a != b),
        min(len(actual), len(expected)),
    )
    return (
        f"{len(actual)} bytes vs {len(expected)} golden; first difference at offset {offset}: "
        f"{actual[max(0, offset - 16) : offset + 16]!r} vs "
        f"{expected[max(0, offset - 16) : offset + 16]!r}"
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_bytes(case: str) -> None:
    build, mode = CASES[case]
    document = build()
    data = escpos.render(document, mode).data
    text = _text(data, document.width)
    bin_path, txt_path = GOLDEN / f"{case}.bin", GOLDEN / f"{case}.txt"
    if REGENERATE:
        GOLDEN.mkdir(exist_ok=True)
        bin_path.write_bytes(data)
        txt_path.write_text(text, encoding="utf-8")
    assert bin_path.exists(), f"missing {bin_path}; see this module's docstring to regenerate"
    expected = bin_path.read_bytes()
    assert txt_path.read_text(encoding="utf-8") == text
    assert data == expected, _first_difference(data, expected)


def test_no_stale_golden_files() -> None:
    names = {path.stem for path in GOLDEN.iterdir() if path.suffix in (".bin", ".txt")}
    assert names == set(CASES)


def test_golden_bytes_start_with_init_and_end_with_cut() -> None:
    # An independent sanity check on the checked-in files themselves.
    for path in sorted(GOLDEN.glob("*.bin")):
        data = path.read_bytes()
        assert data.startswith(b"\x1b@\x1bt\x13"), path.name
        assert data.endswith(b"\x1dVB\x04"), path.name
