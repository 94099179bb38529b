"""Audio guidance really speaks: espeak-ng's Indonesian voice renders the review sentence.

The Speaker is given a wrapper program that adds `-w FILE` to the exact espeak-ng command
line the kiosk uses, so the test hears (as a WAV file) what a voter would.
"""

from __future__ import annotations

import stat
import threading
import wave
from pathlib import Path

import pytest

from kiosk.ui.audio import Speaker
from tests.programs import require_program


def _recording_speaker(tmp_path: Path) -> tuple[Speaker, Path]:
    wav = tmp_path / "spoken.wav"
    wrapper = tmp_path / "espeak-record"
    espeak = require_program("espeak-ng", "espeak-ng")
    wrapper.write_text(f'#!/bin/sh\nexec {espeak} -w {wav} "$@"\n', encoding="utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    return Speaker(program=str(wrapper)), wav


def _speak(speaker: Speaker, text: str, lang: str) -> bool:
    finished = threading.Event()
    result: list[bool] = []

    def done(ok: bool) -> None:
        result.append(ok)
        finished.set()

    speaker.say(text, lang, done)
    assert finished.wait(60), "speech did not finish"
    return result[0]


def _seconds(wav: Path) -> float:
    with wave.open(str(wav)) as w:
        return w.getnframes() / w.getframerate()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_review_sentence_is_spoken(tmp_path: Path, lang: str) -> None:
    speaker, wav = _recording_speaker(tmp_path)
    assert speaker.available
    assert _speak(speaker, "Anda memilih: 2 - Siti Aminah. Benar?", lang)
    assert _seconds(wav) > 1.0  # a real sentence, not silence or an error beep


def test_longer_text_takes_longer(tmp_path: Path) -> None:
    """Reading all candidates produces proportionally more speech than one name."""
    speaker, wav = _recording_speaker(tmp_path)
    assert _speak(speaker, "Nomor 1, Budi Santoso.", "id")
    short = _seconds(wav)
    names = ". ".join(f"Nomor {i}, Calon kepala desa nomor {i}" for i in range(1, 7))
    assert _speak(speaker, names, "id")
    assert _seconds(wav) > 3 * short


def test_missing_program_is_silent_not_fatal() -> None:
    speaker = Speaker(program=None, enabled=False)
    called: list[bool] = []
    speaker.say("Halo", "id", called.append)
    assert called == [False] and not speaker.available
