"""Pictures that tell a voter where each paper goes, drawn on the canvas (no image files).

`PaperPicture(kind="box")`: the paper record (a sheet with the chosen number ticked)
going into the audit box. `kind="home"`: the slip (a sheet with code groups) going
home. They follow the theme colours and scale to any screen, like `widgets.Pictogram`.
"""

from __future__ import annotations

from typing import Any

from kivy.graphics import Color, Line, Rectangle, Triangle
from kivy.properties import ColorProperty, OptionProperty
from kivy.uix.widget import Widget


class PaperPicture(Widget):
    """A sheet, an arrow and its destination (the audit box or a house)."""

    kind = OptionProperty("box", options=["box", "home"])
    fg = ColorProperty((0.1, 0.1, 0.1, 1))
    accent = ColorProperty((0, 0.4, 0.85, 1))
    paper = ColorProperty((1, 1, 1, 1))

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bind(pos=self._redraw, size=self._redraw, kind=self._redraw, fg=self._redraw,
                  accent=self._redraw, paper=self._redraw)

    def _redraw(self, *_args: Any) -> None:
        self.canvas.clear()
        u = min(self.width / 3.4, self.height * 0.9)  # one unit: the sheet's height
        left = self.center_x - 3.2 * u / 2
        bottom = self.center_y - u / 2
        with self.canvas:
            self._sheet(left, bottom, u)
            self._arrow(left + 0.8 * u, self.center_y, u)
            if self.kind == "box":
                self._box(left + 1.9 * u, bottom, u)
            else:
                self._house(left + 1.9 * u, bottom, u)

    def _sheet(self, x: float, y: float, u: float) -> None:
        w = 0.62 * u
        Color(*self.paper)
        Rectangle(pos=(x, y), size=(w, u))
        Color(*self.fg)
        Line(rectangle=(x, y, w, u), width=2)
        if self.kind == "box":  # the choice: a ticked number
            Color(*self.accent)
            Line(points=[x + w * 0.2, y + u * 0.55, x + w * 0.42, y + u * 0.35,
                         x + w * 0.8, y + u * 0.78], width=max(2.0, u * 0.05), cap="round")
        else:  # the code: groups of short bars
            for row in range(3):
                for group in range(2):
                    gx = x + w * (0.12 + group * 0.42)
                    gy = y + u * (0.7 - row * 0.2)
                    Rectangle(pos=(gx, gy), size=(w * 0.32, u * 0.06))

    def _arrow(self, x: float, y: float, u: float) -> None:
        Color(*self.fg)
        Line(points=[x, y, x + 0.8 * u, y], width=max(2.0, u * 0.04))
        Triangle(points=[x + 0.8 * u, y + 0.14 * u, x + 1.0 * u, y, x + 0.8 * u, y - 0.14 * u])

    def _box(self, x: float, y: float, u: float) -> None:
        Color(*self.accent)
        Line(rectangle=(x, y, 1.2 * u, 0.8 * u), width=max(2.0, u * 0.04))
        Color(*self.fg)
        Rectangle(pos=(x + 0.35 * u, y + 0.8 * u - 0.02 * u), size=(0.5 * u, 0.06 * u))  # slot

    def _house(self, x: float, y: float, u: float) -> None:
        Color(*self.accent)
        Line(rectangle=(x + 0.1 * u, y, u, 0.6 * u), width=max(2.0, u * 0.04))
        Line(points=[x, y + 0.6 * u, x + 0.6 * u, y + u, x + 1.2 * u, y + 0.6 * u],
             width=max(2.0, u * 0.04), joint="round")
        Color(*self.fg)
        Rectangle(pos=(x + 0.45 * u, y), size=(0.3 * u, 0.38 * u))  # the door
