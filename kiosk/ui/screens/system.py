"""System screens: boot/readiness, PIN pad, the locked waiting screen, error screens."""

from __future__ import annotations

from typing import Any

from kivy.properties import ListProperty, NumericProperty, StringProperty

from kiosk.ui.bridge import PIN_LENGTH
from kiosk.ui.i18n import N_, tr
from kiosk.ui.screens.base import KioskScreen


class BootScreen(KioskScreen):
    """Readiness checks (package, storage, printer, scanner), each with what to do on failure.

    A failed required check (package, storage, printer) is red, "Not ready", and keeps
    Continue disabled; a failed optional one (scanner) is amber, "Warning", and does not.
    """

    screen_name = "boot"
    checks = ListProperty([])  # [{"label", "status", "ok", "hint", "required"}]
    all_ok = NumericProperty(0)  # every REQUIRED check passed; warnings do not block
    summary = StringProperty("")
    level = StringProperty("fail")  # "ok", "warn" (only optional checks failed) or "fail"
    identity = StringProperty("")  # village, TPS and election date: is this the right package?
    notice = StringProperty("")  # e.g. "installed" after the installation screen

    def prepare(self, **params: Any) -> None:
        self.notice = params.get("message", "")
        self.refresh()

    def refresh(self) -> None:
        village, station, date = self.app.bridge.identity()
        self.identity = tr.gettext("Village {village}, {station}, election day {date}").format(
            village=village, station=station, date=date)
        rows = []
        ok = True
        warnings = 0
        for check in self.app.bridge.readiness():
            if check.ok:
                status = tr.gettext("OK")
            elif check.required:
                status = tr.gettext("Not ready: {problem}").format(problem=tr.gettext(check.problem))
            else:
                status = tr.gettext("Warning: {problem}").format(problem=tr.gettext(check.problem))
            rows.append({
                "key": check.key,
                "label": tr.gettext(check.label),
                "status": status,
                "hint": "" if check.ok else tr.gettext(check.hint),
                "ok": check.ok,
                "required": check.required,
            })
            ok = ok and (check.ok or not check.required)
            warnings += 0 if check.ok or check.required else 1
        self.level = "fail" if not ok else "warn" if warnings else "ok"
        self.summary = {"fail": tr.gettext("Not ready: fix the items marked Not ready."),
                        "warn": tr.gettext("Ready, with warnings."),
                        "ok": tr.gettext("Ready.")}[self.level]
        self.checks = rows
        self.all_ok = 1 if ok else 0

    def on_checks(self, _inst: Any, rows: list[dict[str, Any]]) -> None:
        """One line per check: what, and its status or what to do."""
        from kivy.factory import Factory

        grid = self.ids.rows
        grid.clear_widgets()
        theme = self.app.theme
        for row in rows:
            color = theme.ok if row["ok"] else (theme.danger if row["required"] else theme.warn)
            grid.add_widget(Factory.BootCell(text=row["label"], bold=True, color=theme.fg,
                                             size_hint_x=0.35))
            status = row["status"] + ("\n" + row["hint"] if row["hint"] else "")
            grid.add_widget(Factory.BootCell(text=status, color=color, size_hint_x=0.65))

    def proceed(self) -> None:
        """To the PIN pad, or first to the installation screen (package not installed on
        this kiosk yet) or the lock-out screen (a PIN wait or the permanent lock)."""
        if not self.all_ok:
            return
        bridge = self.app.bridge
        if not bridge.installed():
            self.app.go("code", purpose="install")
        elif bridge.pin_lock().locked or bridge.pin_lock().waiting:
            self.app.go("lockout")
        else:
            self.app.go("pin", purpose="officer")


class PinScreen(KioskScreen):
    """A PIN pad; digits are shown as dots only. `purpose` is "officer" or "trustee"."""

    screen_name = "pin"
    purpose = StringProperty("officer")
    count = NumericProperty(0)
    length = NumericProperty(PIN_LENGTH["officer"])
    message = StringProperty("")
    busy = NumericProperty(0)

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._digits: list[str] = []

    def prepare(self, **params: Any) -> None:
        self.purpose = params.get("purpose", "officer")
        self.length = PIN_LENGTH[self.purpose]
        self._digits = []
        self.count = 0
        self.message = params.get("message", "")
        self.busy = 0

    def press(self, digit: str) -> None:
        if self.busy or len(self._digits) >= self.length:
            return
        self._digits.append(digit)
        self.count = len(self._digits)
        self.message = ""
        if len(self._digits) == self.length:
            self.submit()

    def erase(self) -> None:
        if self._digits and not self.busy:
            self._digits.pop()
            self.count = len(self._digits)

    def cancel(self) -> None:
        self._digits = []
        self.count = 0
        if self.purpose == "trustee":
            self.app.go("trustees")
        elif self.purpose in ("reprint", "skip"):
            self.app.go("recorded")
        elif self.app.bridge.logged_in():
            self.app.go("officer")
        else:
            self.app.go("waiting" if self.app.bridge.polls_state() != "boot" else "boot")

    def submit(self) -> None:
        pin = "".join(self._digits)
        self._digits = []
        self.busy = 1
        if self.purpose == "trustee":
            self.app.screen("trustees").submit_pin(pin)
            return
        if self.purpose in ("reprint", "skip"):  # the recorded screen checks it (engine)
            self.busy = 0
            self.app.screen("recorded").officer_pin(self.purpose, pin)
            return
        bridge = self.app.bridge
        self.app.worker.submit(lambda: bridge.login(pin), self._login_done, self._login_failed)

    def _login_done(self, ready: bool) -> None:
        self.busy = 0
        self.count = 0
        self.app.go("officer" if ready else "boot")

    def _login_failed(self, exc: BaseException) -> None:
        self.busy = 0
        self.count = 0
        bridge = self.app.bridge
        if bridge.is_lockout(exc):
            self.app.go("lockout")
            return
        if bridge.is_not_installed(exc):
            self.app.go("code", purpose="install")
            return
        refusal = bridge.login_refusal(exc)
        if refusal is None:
            self.app.show_error(exc, back="pin")
            return
        self.message = refusal

    def trustee_failed(self, message: str) -> None:
        """The trustee screen reports a wrong trustee PIN back here."""
        self.busy = 0
        self.count = 0
        self.message = message


class WaitingScreen(KioskScreen):
    """Locked screen between voters: "Silakan tunggu petugas"; only an officer PIN unlocks."""

    screen_name = "waiting"
    paused = NumericProperty(0)
    closed = NumericProperty(0)

    def prepare(self, **params: Any) -> None:
        self.app.bridge.logout()
        state = self.app.bridge.polls_state()
        self.paused = 1 if state == "paused" else 0
        self.closed = 1 if state == "closed" else 0


class ErrorScreen(KioskScreen):
    """A clear error for the officer: what happened, what to do, and a retry."""

    screen_name = "error"
    kind = StringProperty("unknown")
    title = StringProperty("")
    explanation = StringProperty("")
    action = StringProperty("")
    detail = StringProperty("")
    back = StringProperty("officer")

    TEXTS = {
        "printer_paper": (
            N_("Printer out of paper"),
            N_("Printing stopped because the printer has no paper."),
            N_("Load paper and close the printer cover, then touch Try again. The receipt is reprinted."),
        ),
        "printer_cover": (
            N_("Printer cover open"),
            N_("The printer cover is open, so nothing can be printed."),
            N_("Close the printer cover, then touch Try again."),
        ),
        "printer": (
            N_("Printer not working"),
            N_("The printer does not answer."),
            N_("Check the printer cable and power, then touch Try again."),
        ),
        "scanner": (
            N_("Scanner unplugged"),
            N_("The card scanner does not answer."),
            N_("Plug the scanner in again, or read the trustee card from a file on the USB stick."),
        ),
        "storage": (
            N_("Storage failure"),
            N_("The kiosk cannot write to its storage and has stopped accepting ballots. Ballots already recorded stay on disk."),
            N_("Do not switch the kiosk off. Call the district technician."),
        ),
        "unknown": (
            N_("Something went wrong"),
            N_("The kiosk could not finish the last action."),
            N_("Touch Try again. If it happens again, call the district technician."),
        ),
    }

    def prepare(self, **params: Any) -> None:
        self.kind = params.get("kind", "unknown")
        self.back = params.get("back", "officer")
        self.detail = params.get("detail", "")
        self._apply()

    def on_enter(self, *_args: Any) -> None:
        tr.bind(_=self._relabel)

    def on_leave(self, *_args: Any) -> None:
        tr.unbind(_=self._relabel)

    def _relabel(self, *_args: Any) -> None:
        self._apply()

    def _apply(self) -> None:
        title, explanation, action = self.TEXTS.get(self.kind, self.TEXTS["unknown"])
        self.title = tr.gettext(title)
        self.explanation = tr.gettext(explanation)
        self.action = tr.gettext(action)

    def retry(self) -> None:
        back = self.back
        if back in ("officer", "trustees", "results", "export") and not self.app.bridge.logged_in():
            back = "pin"
        if back == "pin":
            self.app.go("pin", purpose="officer")
        else:
            self.app.go(back)
