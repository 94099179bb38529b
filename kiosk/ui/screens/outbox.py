"""The officer's outbox screen: which exported bundles the district server has confirmed.

After the export the station's public bundle waits in the outbox of the USB stick
(`kiosk.outbox`, the same one `suaradesa kiosk send` uses) until the district intake server
(`suaradesa tally serve`) answers that it verified and holds it. This screen lists each
bundle as sent, not yet sent or refused by the server, and, when a server URL is
configured (`kiosk run --server URL`), offers "send now": one attempt for every bundle not
yet confirmed. Reading the stick and the network run on the worker; the engine and the
outbox are reached only through the bridge.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.properties import ListProperty, NumericProperty, StringProperty

from kiosk.ui.i18n import N_, tr
from kiosk.ui.screens.base import KioskScreen

STATE_TEXT = {
    "sent": N_("Sent"),
    "pending": N_("Not yet sent"),
    "refused": N_("Refused by the server"),
}

NOT_CONFIRMED = N_("Not sent yet: no confirmation from the server. The bundle stays in the outbox; press Send now again when the link is up.")


class OutboxScreen(KioskScreen):
    """Sent / not yet sent per exported bundle, and "send now" when a server is set."""

    screen_name = "outbox"
    rows = ListProperty([])  # [(exported file name, state, detail)]
    server = StringProperty("")
    message = StringProperty("")
    busy = NumericProperty(0)

    def prepare(self, **params: Any) -> None:
        self.server = self.app.services.server_url or ""
        self.message = ""
        usb = self.app.services.usb_dir
        if usb is None:
            self.rows = []
            self.message = tr.gettext("No USB stick found. Insert the stick and try again.")
            return
        self._run(lambda: self.app.bridge.outbox_rows(Path(usb)), "")

    def send_now(self) -> None:
        usb = self.app.services.usb_dir
        if self.busy or not self.server or usb is None:
            return
        url = self.server
        self._run(lambda: self.app.bridge.send_outbox(Path(usb), url),
                  tr.gettext("Sending to the district server..."), sent=True)

    def _run(self, fn: Any, working: str, sent: bool = False) -> None:
        self.busy = 1
        self.message = working
        if not self.app.worker.submit(fn, lambda rows: self._shown(rows, sent), self._failed):
            self.busy = 0

    def _shown(self, rows: list[Any], sent: bool) -> None:
        self.busy = 0
        self.rows = [(r.name, r.state, r.detail) for r in rows]
        if not rows:
            self.message = tr.gettext("No exported bundle on the USB stick yet.")
        elif all(r.state == "sent" for r in rows):
            self.message = tr.gettext("Every bundle has reached the district.")
        elif sent and any(r.state == "pending" for r in rows):
            self.message = tr.gettext(NOT_CONFIRMED)
        else:
            self.message = ""

    def _failed(self, exc: BaseException) -> None:
        self.busy = 0
        text = self.app.bridge.outbox_refusal(exc)
        if text is None:
            self.app.show_error(exc, back="officer")
        else:
            self.message = text

    def state_text(self, state: str) -> str:
        return tr.gettext(STATE_TEXT.get(state, state))

    def on_rows(self, _inst: Any, rows: list[Any]) -> None:
        """One line per bundle: its name, sent / not yet sent, and the server's last word."""
        from kivy.factory import Factory

        box = self.ids.rows
        box.clear_widgets()
        for name, state, detail in rows:
            line = Factory.OutboxLine()
            line.label = f"{name}: {self.state_text(state)}"
            line.state = state
            line.detail = detail
            box.add_widget(line)
