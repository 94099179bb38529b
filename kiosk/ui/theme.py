"""Colours, text-size steps and touch-target metrics of the touchscreen.

Two themes: the normal one and a high-contrast one (white/yellow on black) that a voter
with weak eyes can choose. Three text-size steps. A toggled choice (the current text size,
contrast on) has its own colours (`toggle`), never those of the main action (`primary`). Both are per-voter choices that the app
resets before the next voter (`SuaraDesaApp.reset_voter_preferences`).

Touch targets: at least 15 mm on the *target* panel, not on the test machine. Kivy's
`mm()` trusts the reported DPI, which is 96 on Xvfb and often wrong on cheap HDMI panels,
so `min_target_px` also computes the physical DPI from the window's pixel diagonal and the
panel size (default 7 inches, the smallest panel we support and hence the most pixels per
millimetre; override with SUARADESA_PANEL_INCHES) and takes the larger of the two.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from kivy.metrics import mm

MIN_TARGET_MM = 15.0
DEFAULT_PANEL_INCHES = 7.0
TEXT_SCALES = (1.0, 1.3, 1.6)


@dataclass(frozen=True, slots=True)
class Theme:
    """RGBA colours used by the .kv rules."""

    name: str
    bg: tuple[float, float, float, float]
    fg: tuple[float, float, float, float]
    muted: tuple[float, float, float, float]
    panel: tuple[float, float, float, float]
    button: tuple[float, float, float, float]
    button_fg: tuple[float, float, float, float]
    primary: tuple[float, float, float, float]
    primary_fg: tuple[float, float, float, float]
    danger: tuple[float, float, float, float]
    warn: tuple[float, float, float, float]  # a problem that does not block (e.g. no scanner)
    ok: tuple[float, float, float, float]
    selected: tuple[float, float, float, float]
    selected_bg: tuple[float, float, float, float]
    border: tuple[float, float, float, float]
    disabled: tuple[float, float, float, float]
    toggle: tuple[float, float, float, float]  # a choice that is on (text size, contrast)
    toggle_fg: tuple[float, float, float, float]


COLOR_FIELDS = ("bg", "fg", "muted", "panel", "button", "button_fg", "primary", "primary_fg",
                "danger", "warn", "ok", "selected", "selected_bg", "border", "disabled",
                "toggle", "toggle_fg")

NORMAL = Theme(
    name="normal",
    bg=(0.96, 0.96, 0.93, 1),
    fg=(0.08, 0.08, 0.10, 1),
    muted=(0.30, 0.30, 0.34, 1),
    panel=(1, 1, 1, 1),
    button=(0.85, 0.87, 0.90, 1),
    button_fg=(0.05, 0.05, 0.08, 1),
    primary=(0.05, 0.45, 0.20, 1),
    primary_fg=(1, 1, 1, 1),
    danger=(0.70, 0.10, 0.10, 1),
    warn=(0.60, 0.36, 0.00, 1),
    ok=(0.05, 0.50, 0.20, 1),
    selected=(0.00, 0.40, 0.85, 1),
    selected_bg=(0.85, 0.92, 1.00, 1),
    border=(0.55, 0.55, 0.60, 1),
    disabled=(0.75, 0.75, 0.75, 1),
    toggle=(0.00, 0.30, 0.70, 1),
    toggle_fg=(1, 1, 1, 1),
)

HIGH_CONTRAST = Theme(
    name="high-contrast",
    bg=(0, 0, 0, 1),
    fg=(1, 1, 1, 1),
    muted=(1, 1, 0.6, 1),
    panel=(0, 0, 0, 1),
    button=(0.15, 0.15, 0.15, 1),
    button_fg=(1, 1, 0, 1),
    primary=(1, 1, 0, 1),
    primary_fg=(0, 0, 0, 1),
    danger=(1, 0.3, 0.3, 1),
    warn=(1, 0.7, 0.2, 1),
    ok=(0.3, 1, 0.3, 1),
    selected=(1, 1, 0, 1),
    selected_bg=(0.25, 0.25, 0.0, 1),
    border=(1, 1, 1, 1),
    disabled=(0.4, 0.4, 0.4, 1),
    # not the yellow of the main action: a toggled choice is white on black, the main
    # action black on yellow, so "A++ is on" never reads as "press this next"
    toggle=(1, 1, 1, 1),
    toggle_fg=(0, 0, 0, 1),
)


def panel_inches() -> float:
    """Diagonal of the target panel in inches (SUARADESA_PANEL_INCHES, default 7)."""
    try:
        value = float(os.environ.get("SUARADESA_PANEL_INCHES", DEFAULT_PANEL_INCHES))
    except ValueError:
        return DEFAULT_PANEL_INCHES
    return value if 3.0 <= value <= 40.0 else DEFAULT_PANEL_INCHES


def min_target_px(width: int, height: int, inches: float | None = None) -> float:
    """Pixels that make MIN_TARGET_MM on the target panel showing a `width` x `height` window."""
    diag_px = math.hypot(width, height)
    dpi = diag_px / (inches if inches is not None else panel_inches())
    physical = MIN_TARGET_MM / 25.4 * dpi
    return float(math.ceil(max(physical, mm(MIN_TARGET_MM))))
