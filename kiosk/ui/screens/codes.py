"""The officer-PIN lock-out screen and the code screen (installation or unlock code).

`LockoutScreen` ("lockout") says why no PIN may be tried now: during a wait, a live
countdown to the next try and how many wrong PINs lock the kiosk; when locked, what the
permanent lock means and that a one-time unlock code from the sealed officer sheet opens
it. `CodeScreen` ("code", purpose "install" or "unlock") takes a 17-symbol code from an
on-screen keypad of the code alphabet (ballotcore.codes) or from the scanner (the QR on
the sheet), then asks the engine (through the bridge) to install or unlock. The engine
checks everything; a refusal is shown as the engine words it, and nothing changes.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import NumericProperty, StringProperty

from kiosk.ui.bridge import CODE_ALPHABET as ALPHABET
from kiosk.ui.bridge import CODE_QR_PREFIX as QR_PREFIX
from kiosk.ui.bridge import CODE_SYMBOLS as DATA_SYMBOLS
from kiosk.ui.bridge import format_install_code as format_code
from kiosk.ui.i18n import tr
from kiosk.ui.screens.base import KioskScreen

CODE_SYMBOLS = DATA_SYMBOLS + 1  # 16 data symbols and the check symbol


def countdown_text(seconds: float) -> str:
    """`m:ss` (or `h:mm:ss`) of a wait, rounded up so it never shows 0:00 while waiting."""
    total = max(0, int(seconds + 0.999))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class LockoutScreen(KioskScreen):
    """A PIN wait (live countdown) or the permanent lock, and the way out of each."""

    screen_name = "lockout"
    locked = NumericProperty(0)
    remaining = NumericProperty(0.0)
    countdown = StringProperty("")
    lock_after = NumericProperty(15)

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._event: Any = None

    def prepare(self, **params: Any) -> None:
        self.refresh()

    def on_enter(self, *_args: Any) -> None:
        self._event = Clock.schedule_interval(lambda _dt: self.refresh(), 0.5)

    def on_leave(self, *_args: Any) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None

    def refresh(self) -> None:
        lock = self.app.bridge.pin_lock()
        self.locked = 1 if lock.locked else 0
        self.lock_after = lock.lock_after
        self.remaining = 0.0 if lock.locked else max(0.0, lock.wait_seconds)
        self.countdown = countdown_text(self.remaining)

    def try_pin(self) -> None:
        if not self.locked and self.remaining <= 0:
            self.app.go("pin", purpose="officer")

    def enter_code(self) -> None:
        self.app.go("code", purpose="unlock")


class CodeScreen(KioskScreen):
    """Type or scan a 17-symbol code; `purpose` is "install" or "unlock"."""

    screen_name = "code"
    purpose = StringProperty("install")
    shown = StringProperty("")  # the typed symbols in the printed grouping
    count = NumericProperty(0)
    length = NumericProperty(CODE_SYMBOLS)
    message = StringProperty("")
    ok_message = StringProperty("")
    busy = NumericProperty(0)

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._symbols: list[str] = []

    def prepare(self, **params: Any) -> None:
        self.purpose = params.get("purpose", "install")
        self._symbols = []
        self._show()
        self.message = ""
        self.ok_message = ""
        self.busy = 0

    def on_kv_post(self, base_widget: Any) -> None:
        from kivy.factory import Factory

        grid = self.ids.keypad
        for symbol in ALPHABET:
            key = Factory.CodeKey(text=symbol)
            key.bind(on_tap=lambda _w, s=symbol: self.press(s))
            grid.add_widget(key)

    def _show(self) -> None:
        typed = "".join(self._symbols)
        groups = [typed[i:i + 4] for i in range(0, min(len(typed), DATA_SYMBOLS), 4)]
        if len(typed) > DATA_SYMBOLS:
            groups.append(typed[DATA_SYMBOLS:])
        self.shown = "-".join(groups) if typed else ""
        self.count = len(self._symbols)

    def press(self, symbol: str) -> None:
        if self.busy or len(self._symbols) >= CODE_SYMBOLS:
            return
        self._symbols.append(symbol)
        self.message = ""
        self._show()

    def erase(self) -> None:
        if self._symbols and not self.busy:
            self._symbols.pop()
            self._show()

    def cancel(self) -> None:
        self.app.go("boot" if self.purpose == "install" else "lockout")

    def submit(self) -> None:
        if self.busy or len(self._symbols) != CODE_SYMBOLS:
            return
        self._send(format_code("".join(self._symbols)))

    def scan(self) -> None:
        if self.busy:
            return
        self.busy = 1
        self.message = tr.gettext("Hold the QR code of the sealed officer sheet under the scanner.")
        timeout = self.app.services.timeouts.scan_card
        self.app.worker.submit(lambda: self.app.bridge.scan_code(timeout), self._scanned,
                               self._failed)

    def _scanned(self, text: str) -> None:
        self.busy = 0
        shown = text[len(QR_PREFIX):] if text.upper().startswith(QR_PREFIX) else text
        self._symbols = [c for c in shown.upper() if c in ALPHABET][:CODE_SYMBOLS]
        self._show()
        self._send(text)

    def _send(self, code: str) -> None:
        self.busy = 1
        self.message = ""
        bridge = self.app.bridge
        call = bridge.install if self.purpose == "install" else bridge.unlock_pins
        self.app.worker.submit(lambda: call(code), self._done, self._failed)

    def _done(self, _result: Any) -> None:
        self.busy = 0
        self._symbols = []
        self._show()
        if self.purpose == "install":
            self.app.go("boot", message=tr.gettext("The package is installed on this kiosk."))
        else:
            self.app.go("pin", purpose="officer",
                        message=tr.gettext("Officer PINs are unlocked. Enter the officer PIN."))

    def _failed(self, exc: BaseException) -> None:
        self.busy = 0
        text = self.app.bridge.code_refusal(exc)
        if text is None:
            self.app.show_error(exc, back="boot")
            return
        self.message = text
