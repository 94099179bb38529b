"""A small Chrome DevTools Protocol client over `--remote-debugging-pipe` (no websocket).

Headless Chromium reads commands on fd 3 and writes answers and events on fd 4, each a
JSON message ended by NUL. `Browser` opens one page, collects console messages,
exceptions and log entries (CSP violations arrive as log errors), evaluates
expressions, and waits (bounded) for a condition in the page. It kills Chromium (its
whole process group, then the crash handlers it started in their own sessions) on exit.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from tests.leakcheck import live_children
from tests.processes import await_leftovers, kill_group
from tests.programs import require_program


def chromium() -> str:
    """Chromium's path; a skip naming the package locally, a failure in CI (tests.programs)."""
    return require_program("chromium", "chromium", "chromium-browser")


class Browser:
    def __init__(self, profile: Path) -> None:
        browser = chromium()
        cmd_r, self._cmd_w = os.pipe()
        self._evt_r, evt_w = os.pipe()

        def fds() -> None:
            os.dup2(cmd_r, 3)
            os.dup2(evt_w, 4)

        self._before = set(live_children())
        self.proc = subprocess.Popen(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"],
            preexec_fn=fds, pass_fds=(3, 4), start_new_session=True, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(cmd_r)
        os.close(evt_w)
        self._answers: dict[int, queue.Queue[dict[str, Any]]] = {}
        self.events: list[dict[str, Any]] = []
        self._next = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Page"):
            self.call(f"{domain}.enable", session=True)

    def _read(self) -> None:
        buf = b""
        while True:
            chunk = os.read(self._evt_r, 1 << 16)
            if not chunk:
                return
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg and msg["id"] in self._answers:
                    self._answers[msg["id"]].put(msg)
                else:
                    self.events.append(msg)

    def call(self, method: str, params: dict[str, Any] | None = None, *, session: bool = False,
             timeout: float = 60) -> dict[str, Any]:
        self._next += 1
        msg: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = self.session
        box: queue.Queue[dict[str, Any]] = queue.Queue()
        self._answers[self._next] = box
        os.write(self._cmd_w, json.dumps(msg).encode() + b"\0")
        answer = box.get(timeout=timeout)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return dict(answer.get("result", {}))

    def navigate(self, url: str) -> None:
        self.call("Page.navigate", {"url": url}, session=True)

    def eval(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", {"expression": expression,
                                                "returnByValue": True}, session=True)
        return result.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float = 60) -> Any:
        """Poll `expression` until it is truthy (bounded by `timeout` seconds)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            value = self.eval(expression)
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {expression}")

    def problems(self) -> list[str]:
        """Console messages, uncaught exceptions and error log entries seen so far."""
        out = []
        for e in list(self.events):
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.consoleAPICalled":
                out.append(f"console.{p.get('type')}: {p.get('args')}")
            elif m == "Runtime.exceptionThrown":
                out.append(f"exception: {p.get('exceptionDetails')}")
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") in ("error",
                                                                              "warning"):
                out.append(f"log: {p['entry'].get('text')}")
        return out

    def close(self) -> None:
        kill_group(self.proc.pid)
        self.proc.kill()
        self.proc.wait(30)
        await_leftovers(self._before)
        os.close(self._cmd_w)
        self._reader.join(10)
        os.close(self._evt_r)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
