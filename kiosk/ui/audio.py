"""Spoken guidance with espeak-ng, off the UI thread, silent when the machine cannot speak.

The voter asks for it ("Dengarkan"); the app speaks the candidates or the review sentence.
Speech runs as a subprocess in a daemon thread; a new request stops the one still speaking.
The text spoken is never logged (it names the voter's choice on the review screen).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

VOICES = {"id": "id", "en": "en"}


class Speaker:
    """Speaks text through espeak-ng; `available` is False when espeak-ng is missing."""

    def __init__(self, program: str | None = None, enabled: bool = True) -> None:
        self.program = program or shutil.which("espeak-ng") or shutil.which("espeak")
        self.enabled = enabled and self.program is not None
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self.spoken: list[str] = []  # language codes of requests, for tests; never the text

    @property
    def available(self) -> bool:
        return self.enabled

    def say(self, text: str, lang: str, done: Callable[[bool], None] | None = None) -> None:
        """Speak `text` in `lang` in the background; `done(ok)` is called from that thread."""
        self.spoken.append(lang)
        if not self.enabled:
            if done is not None:
                done(False)
            return
        threading.Thread(target=self._run, args=(text, lang, done), daemon=True).start()

    def stop(self) -> None:
        """Stop speaking now (the voter left the screen or the session ended)."""
        with self._lock:
            proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()

    def _run(self, text: str, lang: str, done: Callable[[bool], None] | None) -> None:
        self.stop()
        assert self.program is not None
        cmd = [self.program, "-v", VOICES.get(lang, "id"), "-s", "140", "--stdin"]
        ok = False
        try:
            proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            with self._lock:
                self._proc = proc
            proc.communicate(text.encode("utf-8"), timeout=120)
            ok = proc.returncode == 0
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("speech failed: %s", type(exc).__name__)
        if done is not None:
            done(ok)
