"""Real X input for the UI scenarios: pointer clicks and key presses sent to the X server
with xdotool (the XTest extension), so they reach the app through SDL exactly as a
touchscreen's or a USB keypad's events do, with no window manager in between.

Used from inside a scenario (the app's own process, under xvfb-run): each call runs
xdotool to completion; the events are queued by the X server and the app reads them on
its next frames, so a scenario yields frames after a call before it checks anything.
"""

from __future__ import annotations

import os
import subprocess
from typing import Any

from tests.programs import require_program


class XInput:
    """Clicks at widget positions and key presses, on the display the app runs on."""

    def __init__(self) -> None:
        self.xdotool = require_program("xdotool", "xdotool")
        self._window: str | None = None

    def _run(self, *args: str) -> str:
        done = subprocess.run([self.xdotool, *args], capture_output=True, text=True,
                              timeout=20, check=True, env=dict(os.environ))
        return done.stdout.strip()

    def focus(self) -> None:
        """Give the app's window the keyboard focus (there is no window manager to)."""
        if self._window is None:
            ids = self._run("search", "--sync", "--onlyvisible", "--pid", str(os.getpid()))
            self._window = ids.split()[0]
        self._run("windowfocus", "--sync", self._window)

    def screen_point(self, widget: Any) -> tuple[int, int]:
        """The X screen position of the middle of `widget` (Kivy's y grows upwards)."""
        from kivy.core.window import Window

        x, y = widget.to_window(*widget.center)
        return int(Window.left + x), int(Window.top + Window.height - y)

    def click(self, widget: Any) -> None:
        """A pointer press and release in the middle of `widget`."""
        x, y = self.screen_point(widget)
        self._run("mousemove", "--sync", str(x), str(y), "click", "1")

    def wheel(self, widget: Any, button: int, clicks: int = 1) -> None:
        """Turn the mouse wheel over `widget` (X button 4 or 5), as an officer scrolls."""
        x, y = self.screen_point(widget)
        self._run("mousemove", "--sync", str(x), str(y), "click", "--repeat", str(clicks),
                  "--delay", "30", str(button))

    def point(self, wx: float, wy: float) -> tuple[int, int]:
        """The X screen position of Kivy window coordinates (wx, wy)."""
        from kivy.core.window import Window

        return int(Window.left + wx), int(Window.top + Window.height - wy)

    def press_at(self, wx: float, wy: float) -> None:
        """Move to Kivy window coordinates (wx, wy) and press the button (a finger down)."""
        x, y = self.point(wx, wy)
        self._run("mousemove", "--sync", str(x), str(y), "mousedown", "1")

    def move_to(self, wx: float, wy: float) -> None:
        """Move the pressed pointer (a finger dragging)."""
        x, y = self.point(wx, wy)
        self._run("mousemove", "--sync", str(x), str(y))

    def release(self) -> None:
        """Release the button (the finger lifts)."""
        self._run("mouseup", "1")

    def key(self, *names: str) -> None:
        """Press and release keys by X keysym name ("Right", "Return", "plus", "KP_Add")."""
        self.focus()
        for name in names:
            self._run("key", "--clearmodifiers", name)
