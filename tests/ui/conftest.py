"""Runs each UI scenario in its own subprocess with a real Kivy window under Xvfb.

A Kivy App cannot be restarted within one process, so every test starts
tests/ui/driver.py; the driver prints one `RESULT {json}` line. If DISPLAY is not set,
the driver is started through `xvfb-run -a` (Xvfb and Mesa are installed on the test
machines), so `scripts/test` needs nothing special.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.processes import run_group
from tests.programs import require_program

DRIVER = Path(__file__).with_name("driver.py")


def run_scenario(tmp_path: Path, scenario: str, *args: str, timeout: float = 150,
                 screen: str | None = None) -> dict[str, Any]:
    """Run one scenario in a subprocess; return its JSON result (fail on a crash).
    `screen` (WxH) runs it on its own Xvfb of exactly that size (no window manager)."""
    cmd = [sys.executable, str(DRIVER), scenario, str(tmp_path / scenario), *args]
    if screen is not None or not os.environ.get("DISPLAY"):
        xvfb = require_program("xvfb-run", "xvfb")
        cmd = [xvfb, "-a", "-s", f"-screen 0 {screen or '1600x1600'}x24", *cmd]
    env = dict(os.environ, KIVY_NO_ARGS="1", KIVY_NO_CONSOLELOG="1", KIVY_NO_FILELOG="1",
               KIVY_HOME=str(tmp_path / "kivy-home"))
    proc = run_group(cmd, timeout=timeout, env=env)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if not lines:
        pytest.fail(f"driver crashed (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n"
                    f"{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1][len("RESULT "):])
    if result.get("error"):
        pytest.fail(f"scenario {scenario} failed on screen {result.get('screen')}: "
                    f"{result['error']}\ntexts: {result.get('texts')}")
    failed = [c for c in result["checks"] if not c["ok"]]
    assert not failed, failed
    assert result["checks"], "the scenario checked nothing"
    return result
