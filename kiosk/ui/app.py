"""The Kivy application: screens, per-voter preferences, idle timer, error routing.

`SuaraDesaApp(services)` takes every collaborator from `Services` (see services.py); it
never builds an engine, printer or database itself. Screens (kiosk/ui/screens/) hold the
behaviour, `.kv` files hold the layout, `i18n.tr` holds every string.

Per-voter preferences (text size, high contrast, language) live here as Kivy properties
the .kv rules bind to, and `reset_voter_preferences()` puts them back before the next
voter. The touch-target size `touch` (px, >= 15 mm on the target panel) and the ballot
grid's column count follow the window size and orientation.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk.ui import pictures  # noqa: F401  (registers PaperPicture for the .kv rules)
from kiosk.ui import theme as themes
from kiosk.ui.i18n import tr
from kiosk.ui.keypad import Keypad
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.checkin import CheckinScreen, DptbScreen, VoterCheckScreen
from kiosk.ui.screens.codes import CodeScreen, LockoutScreen
from kiosk.ui.screens.officer import (
    CloseScreen,
    ExportScreen,
    OfficerScreen,
    ResultsScreen,
    TrusteeScreen,
    ZeroReportScreen,
)
from kiosk.ui.screens.outbox import OutboxScreen
from kiosk.ui.screens.system import BootScreen, ErrorScreen, PinScreen, WaitingScreen
from kiosk.ui.screens.voter import (
    BallotScreen,
    CheckedScreen,
    RecordedScreen,
    ReviewScreen,
    SealedScreen,
    TimeoutWarning,
    VoidedScreen,
    WelcomeScreen,
)
from kiosk.ui.services import Services, Worker

log = logging.getLogger(__name__)

UI_DIR = Path(__file__).resolve().parent
KV_FILES = ("widgets.kv", "screens/system.kv", "screens/codes.kv", "screens/officer.kv",
            "screens/voter.kv", "screens/outbox.kv", "screens/checkin.kv")
VOTER_SCREENS = frozenset({"welcome", "ballot", "review", "sealed", "checked"})
SCREEN_CLASSES: tuple[type[KioskScreen], ...] = (
    BootScreen, PinScreen, WaitingScreen, ErrorScreen, LockoutScreen, CodeScreen,
    OfficerScreen, ZeroReportScreen, CloseScreen, TrusteeScreen, ResultsScreen, ExportScreen,
    WelcomeScreen, BallotScreen, ReviewScreen, SealedScreen, CheckedScreen, RecordedScreen,
    VoidedScreen, OutboxScreen, CheckinScreen, VoterCheckScreen, DptbScreen,
)


class SuaraDesaApp(App):
    """The kiosk touchscreen. Build with the services; run with `.run()`."""

    theme = ObjectProperty(themes.NORMAL)
    # one Kivy property per theme colour: .kv rules bind to these (`app.c_bg`), so changing
    # the theme re-colours every widget (kv cannot observe attributes of a plain dataclass)
    c_bg = ColorProperty(themes.NORMAL.bg)
    c_fg = ColorProperty(themes.NORMAL.fg)
    c_muted = ColorProperty(themes.NORMAL.muted)
    c_panel = ColorProperty(themes.NORMAL.panel)
    c_button = ColorProperty(themes.NORMAL.button)
    c_button_fg = ColorProperty(themes.NORMAL.button_fg)
    c_primary = ColorProperty(themes.NORMAL.primary)
    c_primary_fg = ColorProperty(themes.NORMAL.primary_fg)
    c_danger = ColorProperty(themes.NORMAL.danger)
    c_warn = ColorProperty(themes.NORMAL.warn)
    c_ok = ColorProperty(themes.NORMAL.ok)
    c_selected = ColorProperty(themes.NORMAL.selected)
    c_selected_bg = ColorProperty(themes.NORMAL.selected_bg)
    c_border = ColorProperty(themes.NORMAL.border)
    c_disabled = ColorProperty(themes.NORMAL.disabled)
    c_toggle = ColorProperty(themes.NORMAL.toggle)
    c_toggle_fg = ColorProperty(themes.NORMAL.toggle_fg)
    high_contrast = BooleanProperty(False)
    text_step = NumericProperty(0)
    text_scale = NumericProperty(themes.TEXT_SCALES[0])
    touch = NumericProperty(100.0)
    grid_cols = NumericProperty(3)
    portrait = BooleanProperty(False)
    officer_lang = StringProperty("id")
    training = BooleanProperty(False)  # training (test) mode: the LATIHAN banner on every screen
    headphones = BooleanProperty(False)  # an officer marked headphones connected: speech on

    def __init__(self, services: Services, lang: str = "id", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services
        self.bridge = services.bridge
        self.worker = Worker()
        self.officer_lang = lang
        self.title = "SuaraDesa"
        self.sm: ScreenManager | None = None
        self._last_activity = services.clock()
        self._warning: TimeoutWarning | None = None
        self._idle_event: Any = None
        self.keypad = Keypad(self)

    # ------------------------------------------------------------------ build

    def build(self) -> FloatLayout:
        tr.lang = self.officer_lang
        for name in KV_FILES:
            Builder.load_file(str(UI_DIR / name))
        self._on_resize(Window, *Window.size)
        Window.bind(on_resize=self._on_resize)
        Window.bind(on_touch_down=self._note_activity)
        Window.bind(on_key_down=self.keypad.on_key_down)
        sm = ScreenManager(transition=NoTransition())
        for cls in SCREEN_CLASSES:
            sm.add_widget(cls(app=self))
        self.sm = sm
        self._warning = TimeoutWarning(app=self)
        self._idle_event = Clock.schedule_interval(self._check_idle, 0.25)
        self.training = self.bridge.training()
        self.headphones = self.bridge.headphones()
        self.go("boot")
        root = FloatLayout()
        root.add_widget(sm)
        root.add_widget(Factory.TrainingBanner())
        return root

    def shut_down(self) -> None:
        """The officer's "shut down": close the engine (database, devices), then the app."""
        try:
            self.bridge.shut_down()
        finally:
            self.stop()

    def _on_resize(self, _window: Any, width: int, height: int) -> None:
        self.touch = themes.min_target_px(width, height)
        self.portrait = height > width
        n = max(1, self.bridge.candidate_count())
        if self.portrait:
            self.grid_cols = 1 if n <= 3 else 2
        else:
            self.grid_cols = min(n, 4) if n <= 4 else (3 if n <= 6 else 4)

    # ------------------------------------------------------------------ navigation

    def go(self, name: str, **params: Any) -> None:
        """Show screen `name`, handing it `params` (see KioskScreen.prepare)."""
        assert self.sm is not None
        screen = self.sm.get_screen(name)
        assert isinstance(screen, KioskScreen)
        screen.prepare(**params)
        if name in VOTER_SCREENS:
            self._note_activity()
        self.sm.current = name
        if self.keypad.active:
            self.keypad.screen_shown(name)

    @property
    def current(self) -> str:
        return self.sm.current if self.sm is not None else ""

    def screen(self, name: str) -> KioskScreen:
        assert self.sm is not None
        screen = self.sm.get_screen(name)
        assert isinstance(screen, KioskScreen)
        return screen

    def guard(self, call: Any) -> bool:
        """Run a quick voter-session call; a timed-out session shows 'cancelled'. True if ok."""
        try:
            call()
        except Exception as exc:
            if self.bridge.is_timeout(exc):
                self.session_lost()
                return False
            self.show_error(exc, back="waiting")
            return False
        self._note_activity()
        return True

    def show_error(self, exc: BaseException, back: str = "officer") -> None:
        """Route an engine failure to the error screen (kind from the bridge's classification)."""
        kind = self.bridge.classify_error(exc)
        log.warning("ui error: %s (%s)", kind, type(exc).__name__)
        self.go("error", kind=kind, back=back, detail=self.bridge.error_detail(exc))

    # ------------------------------------------------------------------ preferences

    def set_text_step(self, step: int) -> None:
        self.text_step = max(0, min(step, len(themes.TEXT_SCALES) - 1))
        self.text_scale = themes.TEXT_SCALES[int(self.text_step)]

    def toggle_contrast(self) -> None:
        self.high_contrast = not self.high_contrast

    def on_high_contrast(self, _inst: Any, value: bool) -> None:
        self.theme = themes.HIGH_CONTRAST if value else themes.NORMAL
        Window.clearcolor = self.theme.bg

    def on_theme(self, _inst: Any, value: themes.Theme) -> None:
        for name in themes.COLOR_FIELDS:
            setattr(self, f"c_{name}", getattr(value, name))
        Window.clearcolor = value.bg

    def reset_voter_preferences(self) -> None:
        """Text size, contrast and language back to the defaults before the next voter."""
        self.set_text_step(0)
        self.high_contrast = False
        tr.lang = self.officer_lang
        self.keypad.reset()
        self.services.speaker.stop()

    def speak(self, text: str) -> None:
        """Read `text` aloud in the current language (never logged), and only while an
        officer has marked headphones as connected: never through a room speaker."""
        if self.headphones:
            self.services.speaker.say(text, tr.lang)

    def note_activity(self) -> None:
        """A key press counts as the voter's activity (like a touch) for the idle timer."""
        self._note_activity()

    # ------------------------------------------------------------------ idle timeout

    def _note_activity(self, *_args: Any) -> None:
        self._last_activity = self.services.clock()

    def _check_idle(self, _dt: float) -> None:
        """Warn before the engine's idle limit; at the limit let the engine void (tick)."""
        if self.current not in VOTER_SCREENS or self.worker.busy:
            return
        limit = self.bridge.idle_limit()
        idle = self.services.clock() - self._last_activity
        assert self._warning is not None
        if idle > limit:
            self.worker.submit(self.bridge.tick, self._ticked,
                               lambda exc: self.show_error(exc, back="waiting"))
        elif idle >= limit - self.services.timeouts.idle_warn_lead and not self._warning.is_open:
            self._warning.open_for(limit - idle)

    def _ticked(self, voided: bool) -> None:
        if voided:
            self.session_lost()

    def session_lost(self) -> None:
        """The engine voided the voter session (idle timeout): show it, nothing was cast."""
        assert self._warning is not None
        self._warning.dismiss()
        self.screen("ballot").clear_selection()
        self.reset_voter_preferences()
        self.go("voided")

    def keep_alive(self) -> None:
        """The voter answered the idle warning: refresh the engine's idle timer too."""
        self._note_activity()
        try:
            self.bridge.keep_alive()
        except Exception as exc:  # a timed-out session: the engine voided it
            if self.bridge.is_timeout(exc):
                self.session_lost()
            else:
                raise

    def on_stop(self) -> None:
        self.services.speaker.stop()
        if self._idle_event is not None:
            self._idle_event.cancel()
