"""Plain progress lines for a parent process (`SUARADESA_PROGRESS=lines`, tally.progress):
counted in items, one line per tenth of the work, nothing without the variable."""

from __future__ import annotations

import pytest

from tally.progress import LINES_ENV, progress


def _run(total: int | None, items: int) -> None:
    with progress("verifying", enabled=False) as tick:
        if total is not None:
            tick.set_total(total)
        for _ in range(items):
            tick.advance()


def test_lines_at_every_tenth_and_at_the_end(monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(LINES_ENV, "lines")
    _run(40, 40)
    lines = capsys.readouterr().err.splitlines()
    assert lines == [f"progress: verifying {n}/40" for n in range(0, 41, 4)]
    _run(None, 7)  # no total known: one line at the end
    assert capsys.readouterr().err.splitlines() == ["progress: verifying 7/?"]
    _run(3, 2)  # stopped early: the end still says where it stopped
    assert capsys.readouterr().err.splitlines()[-1] == "progress: verifying 2/3"


def test_no_lines_without_the_variable(monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv(LINES_ENV, raising=False)
    _run(40, 40)
    assert capsys.readouterr().err == ""
