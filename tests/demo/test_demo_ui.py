"""`suaradesa demo --ui` up to the touchscreen and after it, with the touchscreen itself
replaced by a stand-in that prints one receipt through the same simulated hardware
`kiosk run --simulate-hardware` builds (the window is tested in tests/ui)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from hardware import samples
from kiosk.cli import RECEIPTS_ENV, simulated_hardware
from suaradesa.demo import interactive

pytestmark = pytest.mark.slow


def test_demo_ui_reports_progress_opens_at_1024x600_and_names_the_receipts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_run = subprocess.run
    windows: list[list[str]] = []

    def run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        if argv[3:5] != ["kiosk", "run"]:
            return real_run(argv, **kwargs)  # the install: the real command
        windows.append(argv)
        env = kwargs["env"]
        monkeypatch.setenv(RECEIPTS_ENV, env[RECEIPTS_ENV])
        printer, scanner = simulated_hardware(lambda _line: None)
        printer.print_receipt(samples.take_home_slip())  # what the officer would print
        scanner.stop()
        return subprocess.CompletedProcess(argv, 0)

    monkeypatch.setattr(interactive.subprocess, "run", run)
    said: list[str] = []
    interactive.run_interactive(tmp_path / "out", "Kabupaten Banyuasin", 2, 11, 2, 6,
                                said.append)
    text = "\n".join(said)
    (argv,) = windows
    assert argv[argv.index("--size") + 1] == "1024x600"
    receipts = tmp_path / "out" / "receipts"
    (folder,) = receipts.iterdir()
    assert [p.suffix for p in sorted(folder.iterdir())] == [".png", ".txt"]
    assert f"receipts are saved in: {folder}" in text
    assert f"1 struk tercetak / receipts printed: {folder}" in text
    assert "villages provisioned 2/2" in text
    others = [line for line in said if line.lstrip().startswith("[")]
    assert others and all("ballots, bundle" in line for line in others), others
    assert "4/4 District tally" in text
    assert os.environ.get(RECEIPTS_ENV) == str(folder)  # what the window was given
