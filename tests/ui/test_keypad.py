"""The audio-tactile path: a voter votes by keypad (X key events only) and hears guidance
only once an officer has marked headphones connected (espeak-ng renders it to a WAV)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.programs import require_program
from tests.ui.conftest import run_scenario

pytestmark = pytest.mark.gui


@pytest.mark.parametrize(("size", "lang"), [("1024x600", "id"), ("800x1280", "en")])
def test_a_blind_voter_votes_by_keypad_and_hears_only_with_headphones(
        tmp_path: Path, size: str, lang: str) -> None:
    require_program("espeak-ng", "espeak-ng")
    result = run_scenario(tmp_path, "keypad", "--size", size, "--lang", lang, "--speech-wav",
                          "--deadline", "500", screen=size, timeout=540)
    assert {"arrows move the focus", "enter selects the focused card", "first keypad vote cast",
            "nothing spoken without headphones", "headphones mark logged",
            "guidance spoken with headphones", "keypad checks the ballot",
            "both keypad choices counted"} <= {c["name"] for c in result["checks"]}
