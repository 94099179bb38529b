"""Text size (A, A+, A++) and contrast on the ballot and the review, and the candidate
card's geometry at A++, in real windows on bare Xvfb screens, by X pointer events."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.conftest import run_scenario

pytestmark = pytest.mark.gui


@pytest.mark.parametrize(("size", "lang"), [("1024x600", "id"), ("1280x800", "en"),
                                            ("800x1280", "id")])
def test_three_text_sizes_contrast_and_the_card_at_the_largest_size(
        tmp_path: Path, size: str, lang: str) -> None:
    result = run_scenario(tmp_path, "text_sizes", "--size", size, "--lang", lang, "--photos",
                          "--deadline", "400", screen=size, timeout=440)
    names = {c["name"] for c in result["checks"]}
    assert {"three size buttons", "A++ chosen by click", "toggled unlike the main action",
            "review offers the sizes", "review: A and contrast off"} <= names
    geometry = [n for n in names if n.endswith(("number inside the card",
                                                "photo not a thumbnail"))]
    assert len(geometry) >= 2 * 7  # six ballot cards and the review card, both checks each
