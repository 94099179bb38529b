"""The base class of every screen: a reference to the app and a `prepare(**params)` hook."""

from __future__ import annotations

from typing import Any

from kivy.properties import ObjectProperty
from kivy.uix.screenmanager import Screen


class KioskScreen(Screen):
    """A screen; subclasses set `screen_name` and override `prepare`.

    The app is handed in at construction (no `App.get_running_app()` lookups), and screens
    reach the engine only through `self.app.bridge`.
    """

    screen_name = "base"
    app = ObjectProperty(None)

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(name=self.screen_name, **kwargs)
        self.app = app

    def prepare(self, **params: Any) -> None:
        """Called by `app.go` just before the screen is shown."""
