"""Window set-up: a kiosk window that fills the whole screen, even with no window manager.

Kivy's `fullscreen = auto` asks the window manager for a desktop-sized window; on the
usual kiosk set-up (a bare X server, no window manager) nobody answers and the window stays
at Kivy's default 800x600 with the layout cut off. `configure_window` instead reads the
screen size from the X server (libX11 through ctypes, no extra dependency) and opens a
borderless window of exactly that size at (0, 0). Call it before `kivy.core.window` is
imported. Without an X display it falls back to Kivy's own fullscreen.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from typing import Any


def x_screen_size() -> tuple[int, int] | None:
    """The default X screen's size in pixels, or None without libX11 or a display."""
    name = ctypes.util.find_library("X11")
    if name is None:
        return None
    try:
        x11 = ctypes.CDLL(name)
    except OSError:
        return None
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    for fn in ("XDefaultScreen", "XCloseDisplay"):
        getattr(x11, fn).argtypes = [ctypes.c_void_p]
    for fn in ("XDisplayWidth", "XDisplayHeight"):
        getattr(x11, fn).argtypes = [ctypes.c_void_p, ctypes.c_int]
    display = x11.XOpenDisplay(None)
    if not display:
        return None
    try:
        screen = x11.XDefaultScreen(display)
        return int(x11.XDisplayWidth(display, screen)), int(x11.XDisplayHeight(display, screen))
    finally:
        x11.XCloseDisplay(display)


def configure_window(config: Any, windowed: bool, size: tuple[int, int] | None) -> None:
    """Set Kivy's graphics config: a window of `size`, or the whole screen (see module)."""
    if windowed or size is not None:
        if size is not None:
            config.set("graphics", "width", str(size[0]))
            config.set("graphics", "height", str(size[1]))
        config.set("graphics", "fullscreen", "0" if windowed else "auto")
        return
    screen = x_screen_size()
    if screen is None:
        config.set("graphics", "fullscreen", "auto")
        return
    config.set("graphics", "fullscreen", "0")
    config.set("graphics", "borderless", "1")
    config.set("graphics", "resizable", "0")
    config.set("graphics", "position", "custom")
    config.set("graphics", "left", "0")
    config.set("graphics", "top", "0")
    config.set("graphics", "width", str(screen[0]))
    config.set("graphics", "height", str(screen[1]))
