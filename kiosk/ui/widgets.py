"""Touch widgets of the kiosk: targets that count a touch only when it starts and ends on them.

`TapTarget` is the one place where a touch becomes an action:
  - the touch must go down AND come up inside the same widget (sliding off cancels it);
  - only one touch at a time may be held on any target in the whole app: a second finger,
    or a palm, touching while the first is down is ignored (no two simultaneous selections);
  - disabled targets ignore touches.
Everything the voter or officer touches is a `TapTarget` (`BigButton`, `CandidateCard`,
`PinKey`), so these rules hold everywhere.
"""

from __future__ import annotations

import weakref
from typing import Any

from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Ellipse, Line, Rectangle, RoundedRectangle
from kivy.metrics import dp
from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    NumericProperty,
    StringProperty,
)
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget


class TapTarget(Widget):
    """Dispatches `on_tap` for a touch that starts and ends inside; see module docstring."""

    pressed = BooleanProperty(False)
    _holder: weakref.ref[TapTarget] | None = None

    __events__ = ("on_tap",)

    @classmethod
    def held(cls) -> TapTarget | None:
        """The target currently holding a touch, if any."""
        ref = TapTarget._holder
        return ref() if ref is not None else None

    def on_touch_down(self, touch: Any) -> bool:
        if not self.collide_point(*touch.pos):
            return super().on_touch_down(touch)
        if self.disabled or getattr(touch, "is_mouse_scrolling", False):
            return True
        holder = TapTarget.held()
        if holder is not None and holder is not self:
            return True  # another finger is already on a target: swallow this one
        if holder is self:
            return True
        touch.grab(self)
        TapTarget._holder = weakref.ref(self)
        self.pressed = True
        return True

    def on_touch_move(self, touch: Any) -> bool:
        if touch.grab_current is self:
            self.pressed = self.collide_point(*touch.pos)
            return True
        return super().on_touch_move(touch)

    def on_touch_up(self, touch: Any) -> bool:
        if touch.grab_current is not self:
            return super().on_touch_up(touch)
        touch.ungrab(self)
        if TapTarget.held() is self:
            TapTarget._holder = None
        inside = self.collide_point(*touch.pos)
        self.pressed = False
        if inside and not self.disabled:
            self.dispatch("on_tap")
        return True

    def on_tap(self) -> None:
        """Override or bind: the touch started and ended on this target."""


#: Horizontal padding of a button's text (the kv rule's `text_size: self.width - dp(12)`).
BUTTON_TEXT_PAD = dp(12)
#: A button's text is never shrunk below this fraction of the size its rule asks for.
MIN_FONT_RATIO = 0.45


def words_fit(text: str, font_size: float, width: float, height: float, bold: bool,
              font_name: str) -> bool:
    """True if `text`, wrapped at spaces only, fits `width` x `height` at `font_size`:
    no single word is wider than `width` (Kivy would break it mid-word, "contra st") and
    the wrapped lines fit the height (`height <= 0`: any height)."""
    label = CoreLabel(font_size=font_size, bold=bold, font_name=font_name)
    space = label.get_extents(" ")[0]
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            w = label.get_extents(word)[0]
            if w > width:
                return False
            if used and used + space + w > width:
                lines += 1
                used = w
            else:
                used = used + space + w if used else w
    return height <= 0 or lines * label.get_extents("Ag")[1] <= height


def fit_font_size(text: str, wanted: float, width: float, height: float, bold: bool = False,
                  font_name: str = "Roboto") -> float:
    """The largest font size <= `wanted` (down to MIN_FONT_RATIO of it) at which `text`
    wraps at whole words inside `width` x `height`."""
    if not text.strip() or width <= 0:
        return wanted
    size, floor = wanted, wanted * MIN_FONT_RATIO
    while size > floor:
        if words_fit(text, size, width, height, bold, font_name):
            return size
        size *= 0.92
    return floor


class BigButton(TapTarget, Label):
    """A labelled button; `role` picks its colours ("normal", "primary", "danger", or
    "toggle" for a choice that is on: its own colours and a thick border).

    Its text wraps at whole words only: when a word (or the wrapped lines) would not fit
    the button at the font size its kv rule asks for (which grows with the voter's text
    size), the font shrinks until it fits instead of Kivy breaking the word ("High
    contra st").
    """

    role = StringProperty("normal")
    bg_color = ColorProperty((0.85, 0.87, 0.90, 1))
    border_color = ColorProperty((0.5, 0.5, 0.5, 1))
    font_size: Any  # Label's Kivy property (annotation only, for the type checker)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._wanted = float(self.font_size)
        self._fitting = False
        self.fbind("font_size", self._font_requested)
        for name in ("text", "size", "bold", "font_name"):
            self.fbind(name, self._refit)
        self._refit()

    def _font_requested(self, _inst: Any, value: float) -> None:
        """The kv rule (or code) set a font size: that is the size wanted from now on."""
        if not self._fitting:
            self._wanted = float(value)
            self._refit()

    def _refit(self, *_args: Any) -> None:
        size = fit_font_size(self.text, self._wanted, self.width - BUTTON_TEXT_PAD,
                             self.height - dp(6), bool(self.bold), str(self.font_name))
        if abs(size - float(self.font_size)) > 0.25:
            self._fitting = True
            try:
                self.font_size = size
            finally:
                self._fitting = False


class FitLabel(Label):
    """A label whose font shrinks (whole words, down to MIN_FONT_RATIO) so that its wrapped
    text fits its width and `max_height`: a candidate's name at the largest text size in a
    narrow card shrinks instead of breaking words or spilling over the card's border."""

    wanted = NumericProperty(20.0)  # the font size the kv rule asks for
    max_height = NumericProperty(0.0)  # 0: any height

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for name in ("text", "width", "wanted", "max_height", "bold", "font_name"):
            self.fbind(name, self._refit)
        self._refit()

    def _refit(self, *_args: Any) -> None:
        self.font_size = fit_font_size(self.text, float(self.wanted), float(self.width),
                                       float(self.max_height), bool(self.bold),
                                       str(self.font_name))


class CandidateCard(TapTarget, BoxLayout):
    """One candidate: photo or drawn placeholder, big ballot number, name; `selected` highlight.

    The selected card gets a thick coloured border, a tinted background, the word
    "SELECTED" and a check mark in its top-right corner (drawn on `canvas.after`, so it
    never takes space from the name).
    """

    index = NumericProperty(0)
    number = StringProperty("")
    name = StringProperty("")
    photo = StringProperty("")
    selected = BooleanProperty(False)
    focused = BooleanProperty(False)  # the card the keypad voter heard last (outlined)
    check_color = ColorProperty((0, 0.4, 0.85, 1))
    check_mark_color = ColorProperty((1, 1, 1, 1))
    check_size = NumericProperty(60)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._redraw = Clock.create_trigger(self._draw_check, -1)
        self.bind(pos=self._redraw, size=self._redraw, selected=self._redraw,
                  check_color=self._redraw, check_size=self._redraw,
                  orientation=self._redraw)

    def _draw_check(self, *_args: Any) -> None:
        self.canvas.after.clear()
        if not self.selected:
            return
        s = self.check_size
        # top-left in the wide (horizontal) card, over the disc's empty corner, never the name
        x0 = self.x + 8 if self.orientation == "horizontal" else self.right - s - 10
        y0 = self.top - s - 8
        with self.canvas.after:
            Color(*self.check_color)
            Ellipse(pos=(x0, y0), size=(s, s))
            Color(*self.check_mark_color)
            Line(points=[x0 + s * 0.25, y0 + s * 0.52, x0 + s * 0.43, y0 + s * 0.32,
                         x0 + s * 0.76, y0 + s * 0.70],
                 width=max(2.0, s * 0.08), cap="round", joint="round")


class NumberBadge(Widget):
    """The drawn placeholder of a candidate without a photo: a disc with the ballot number."""

    number = StringProperty("")
    color = ColorProperty((0.2, 0.3, 0.6, 1))
    text_color = ColorProperty((1, 1, 1, 1))


class CheckMark(Widget):
    """A thick check mark in a disc, drawn with canvas lines (shown on the selected card)."""

    color = ColorProperty((0, 0.4, 0.85, 1))
    mark_color = ColorProperty((1, 1, 1, 1))

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bind(pos=self._redraw, size=self._redraw, color=self._redraw, opacity=self._redraw)

    def _redraw(self, *_args: Any) -> None:
        self.canvas.clear()
        s = min(self.width, self.height)
        x0 = self.center_x - s / 2
        y0 = self.center_y - s / 2
        with self.canvas:
            Color(*self.color)
            Ellipse(pos=(x0, y0), size=(s, s))
            Color(*self.mark_color)
            Line(
                points=[x0 + s * 0.25, y0 + s * 0.52, x0 + s * 0.43, y0 + s * 0.32,
                        x0 + s * 0.76, y0 + s * 0.70],
                width=max(2.0, s * 0.08),
                cap="round",
                joint="round",
            )


class Pictogram(Widget):
    """The how-to picture: a finger touching one card out of three, drawn on the canvas.

    No external image file: it scales to any screen and follows the theme colours.
    """

    fg = ColorProperty((0.1, 0.1, 0.1, 1))
    accent = ColorProperty((0, 0.4, 0.85, 1))
    card = ColorProperty((1, 1, 1, 1))

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bind(pos=self._redraw, size=self._redraw, fg=self._redraw, accent=self._redraw)

    def _redraw(self, *_args: Any) -> None:
        self.canvas.clear()
        w, h = self.width, self.height
        cw = min(w / 3.6, h * 0.55)
        ch = cw * 1.2
        gap = cw * 0.15
        total = 3 * cw + 2 * gap
        x = self.center_x - total / 2
        y = self.y + h * 0.38
        with self.canvas:
            for i in range(3):
                cx = x + i * (cw + gap)
                Color(*(self.accent if i == 1 else self.fg))
                Line(rounded_rectangle=(cx, y, cw, ch, 8), width=4 if i == 1 else 1.5)
                Ellipse(pos=(cx + cw * 0.3, y + ch * 0.45), size=(cw * 0.4, cw * 0.4))
                Rectangle(pos=(cx + cw * 0.2, y + ch * 0.15), size=(cw * 0.6, ch * 0.08))
            # the finger: a rounded bar pointing up at the middle card, with a fingertip disc
            fx = x + cw + gap + cw / 2
            Color(*self.fg)
            RoundedRectangle(pos=(fx - cw * 0.12, self.y), size=(cw * 0.24, y - self.y + ch * 0.1),
                             radius=[cw * 0.12])
            Color(*self.accent)
            Line(circle=(fx, y + ch * 0.18, cw * 0.22), width=3)


class PinDots(Widget):
    """Shows how many PIN digits were typed as filled discs, never the digits themselves."""

    count = NumericProperty(0)
    length = NumericProperty(6)
    color = ColorProperty((0.1, 0.1, 0.1, 1))

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bind(pos=self._redraw, size=self._redraw, count=self._redraw, color=self._redraw,
                  length=self._redraw)  # a trustee PIN is longer than an officer PIN

    def _redraw(self, *_args: Any) -> None:
        self.canvas.clear()
        n = max(1, int(self.length))
        d = min(self.height, self.width / (n * 1.6))
        total = n * d + (n - 1) * d * 0.6
        x = self.center_x - total / 2
        with self.canvas:
            Color(*self.color)
            for i in range(n):
                pos = (x + i * d * 1.6, self.center_y - d / 2)
                if i < self.count:
                    Ellipse(pos=pos, size=(d, d))
                else:
                    Line(ellipse=(pos[0], pos[1], d, d), width=2)


class Spacer(Widget):
    """Empty flexible space."""
