"""Officer screens: menu and status, zero report, close, trustees, results, export.

Each button calls one bridge method; slow ones (open, close, trustees, results, export)
go through `app.worker` so the screen keeps drawing. No counts here ever say who voted what:
the status shows totals of ballots, activations and voided sessions only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty

from kiosk.ui.i18n import N_, tr
from kiosk.ui.screens.base import KioskScreen

STATE_LABELS = {
    "setup": N_("Not open yet"),
    "ready": N_("Ready to open"),
    "open": N_("Open"),
    "paused": N_("Paused"),
    "closed": N_("Closed"),
    "results": N_("Results ready"),
    "exported": N_("Exported"),
}


class OfficerScreen(KioskScreen):
    """The officer's menu with the station status."""

    screen_name = "officer"
    state = StringProperty("setup")
    state_label = StringProperty("")
    ballots = NumericProperty(0)
    activations = NumericProperty(0)
    voided = NumericProperty(0)
    message = StringProperty("")
    place = StringProperty("")  # village, TPS, election date
    clock = StringProperty("")  # the kiosk clock in the election's local time (WIB/WITA/WIT)
    dpt = NumericProperty(0)
    turnout = StringProperty("0.0")
    training = BooleanProperty(False)
    printer_label = StringProperty("")
    printer_ok = BooleanProperty(True)
    receipts_pending = BooleanProperty(False)

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._tick: Any = None

    def prepare(self, **params: Any) -> None:
        self.message = params.get("message", "")
        self.refresh()

    def on_enter(self, *_args: Any) -> None:
        self._tick = Clock.schedule_interval(lambda _dt: self._clock(), 1.0)

    def on_leave(self, *_args: Any) -> None:
        if self._tick is not None:
            self._tick.cancel()
            self._tick = None

    def _clock(self) -> None:
        self.clock = self.app.bridge.local_now()

    def refresh(self) -> None:
        bridge = self.app.bridge
        status = bridge.status()
        self.state = status.state
        self.state_label = tr.gettext(STATE_LABELS.get(status.state, status.state))
        self.ballots = status.ballots
        self.activations = status.activations
        self.voided = status.voided
        self.dpt = status.dpt
        self.turnout = f"{status.turnout_percent:.1f}"
        self.training = status.mode == "test"
        self.app.training = self.training
        self.printer_label = bridge.printer_state(status.printer)
        self.printer_ok = status.printer in ("ready", "paper-near-end")
        self.receipts_pending = status.receipts_pending
        village, station, date = bridge.identity()
        self.place = f"{village} · {station} · {date}"
        self._clock()

    def reprint(self) -> None:
        def done(receipt: Any) -> None:
            self.refresh()
            self.message = "" if receipt.printed else tr.gettext("Still not printed: {problem}.").format(
                problem=self.app.bridge.printer_problem(receipt.fault))
        self._run(self.app.bridge.reprint_pending, done)

    def toggle_training(self) -> None:
        on = not self.training
        self._run(lambda: self.app.bridge.set_training(on), lambda _r: self.prepare())

    def toggle_headphones(self) -> None:
        """Mark headphones connected or not: speech is on only while they are (logged)."""
        on = not self.app.headphones

        def done(value: bool) -> None:
            self.app.headphones = value
            self.prepare()
        self._run(lambda: self.app.bridge.set_headphones(on), done)

    def shut_down(self) -> None:
        """Close the engine cleanly and stop the app (there is no window manager to do it)."""
        self.app.shut_down()

    def _run(self, fn: Any, done: Any, back: str = "officer") -> None:
        self.message = tr.gettext("Working, please wait...")
        self.app.worker.submit(fn, done, lambda exc: self._failed(exc, back))

    def _failed(self, exc: BaseException, back: str) -> None:
        text = self.app.bridge.refusal_text(exc, tr.lang)
        if text is not None:
            self.message = text
            self.refresh()
        else:
            self.app.show_error(exc, back=back)

    def open_polls(self) -> None:
        self._run(self.app.bridge.open_polls, lambda report: self.app.go("zero", report=report))

    def activate(self) -> None:
        if self.app.bridge.has_voter_list():  # the poll book: check the voter in first
            self.app.go("checkin")
            return

        def done(_r: Any) -> None:
            self.app.reset_voter_preferences()
            self.app.go("welcome")
        self._run(self.app.bridge.activate, done)

    def pause(self) -> None:
        self._run(self.app.bridge.pause, lambda _r: self.prepare())

    def resume(self) -> None:
        self._run(self.app.bridge.resume, lambda _r: self.prepare())

    def lock(self) -> None:
        self.app.go("waiting")


class ZeroReportScreen(KioskScreen):
    """The zero report after opening: every candidate at 0, printed for the witnesses."""

    screen_name = "zero"
    lines = StringProperty("")
    printed = NumericProperty(0)

    def prepare(self, **params: Any) -> None:
        report = params.get("report")
        if report is not None:
            self.lines = "\n".join(report.lines)
            self.printed = 1 if report.printed else 0


class CloseScreen(KioskScreen):
    """Confirm closing the polls: after this no ballot can be cast."""

    screen_name = "close"

    def confirm(self) -> None:
        self.app.worker.submit(
            self.app.bridge.close_polls,
            lambda _r: self.app.go("trustees"),
            lambda exc: self.app.show_error(exc, back="officer"),
        )


class TrusteeScreen(KioskScreen):
    """Collect k of n trustees: scan each card (or choose its file), then its PIN.

    The list names every trustee of the village (from the election definition), marks the
    ones already accepted and offers the card file of the others found on the USB stick; at
    1024x600 it fits in three columns, and when it does not (a stick with many files, large
    text) a wide scroll bar shows that there is more and can be dragged by touch. A card
    already accepted is refused before its PIN is asked (`bridge.card_refusal`)."""

    screen_name = "trustees"
    have = NumericProperty(0)
    needed = NumericProperty(0)
    total = NumericProperty(0)
    message = StringProperty("")
    message_ok = BooleanProperty(False)  # the message is a success (green), not a refusal
    files = ListProperty([])
    roster = ListProperty([])  # bridge.TrusteeRow, one per trustee of the village
    busy = NumericProperty(0)
    summary = StringProperty("")  # did the close summary print (printed at close)
    summary_ok = BooleanProperty(False)

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._card: bytes | None = None
        self.card_buttons: dict[int, Any] = {}  # trustee index -> its button in the list
        self.other_buttons: list[Any] = []  # files that are no card of this village

    def prepare(self, **params: Any) -> None:
        self.message = params.get("message", "")
        self.message_ok = bool(params.get("ok", False))
        self.refresh()

    def refresh(self) -> None:
        progress = self.app.bridge.trustee_progress()
        self.have, self.needed, self.total = progress
        printed, problem = self.app.bridge.close_summary()
        self.summary_ok = printed
        self.summary = (tr.gettext("Close summary printed. Witnesses sign it now.") if printed
                        else tr.gettext("The close summary was NOT printed: {problem}.").format(
                            problem=problem or tr.gettext("Printer error")))
        usb = self.app.services.usb_dir
        self.files = [str(p) for p in self.app.bridge.card_files(usb)] if usb else []
        self.roster = self.app.bridge.trustee_roster()
        self._build_list()

    def _build_list(self) -> None:
        """One button per trustee (accepted, its file to choose, or still to scan), then
        one per other file on the stick (choosing it shows why it is refused)."""
        from kiosk.ui.widgets import BigButton

        by_index: dict[int, str] = {}
        others: list[str] = []
        for path in self.files:
            index = self.app.bridge.card_index(Path(path).read_bytes())
            if index is None or index in by_index:
                others.append(path)
            else:
                by_index[index] = path
        grid = self.ids.filegrid
        grid.clear_widgets()
        self.card_buttons, self.other_buttons = {}, []
        for row in self.roster:
            head = f"{row.index}. {row.name}"
            path = by_index.get(row.index)
            if row.accepted:
                text, role = head + "\n" + tr.gettext("ACCEPTED"), "toggle"
            elif path is not None:
                text, role = head + "\n" + Path(path).name, "normal"
            else:
                text, role = head + "\n" + tr.gettext("Card not read yet"), "normal"
            button = BigButton(text=text, role=role, size_hint_y=None, height=self.app.touch,
                               disabled=row.accepted or path is None)
            if path is not None and not row.accepted:
                button.bind(on_tap=lambda _b, p=path: self.choose_file(p))
            self.card_buttons[row.index] = button
            grid.add_widget(button)
        for path in others:
            button = BigButton(text=Path(path).name, size_hint_y=None, height=self.app.touch)
            button.bind(on_tap=lambda _b, p=path: self.choose_file(p))
            self.other_buttons.append(button)
            grid.add_widget(button)

    def reprint_summary(self) -> None:
        """Print the close summary again (a copy for each witness, or after a fault)."""
        self.busy = 1

        def done(_r: Any) -> None:
            self.busy = 0
            self.summary_ok = True
            self.summary = tr.gettext("Close summary printed again.")

        def failed(exc: BaseException) -> None:
            self.busy = 0
            if not self.app.bridge.classify_error(exc).startswith("printer"):
                self.app.show_error(exc, back="trustees")
                return
            self.summary_ok = False
            self.summary = tr.gettext("Still not printed: {problem}.").format(
                problem=self.app.bridge.printer_problem(getattr(exc, "status", "")))
        self.app.worker.submit(self.app.bridge.print_close_summary, done, failed)

    def scan(self) -> None:
        self.busy = 1
        self.message_ok = False
        self.message = tr.gettext("Hold the trustee card under the scanner.")
        timeout = self.app.services.timeouts.scan_card
        self.app.worker.submit(lambda: self.app.bridge.scan_card(timeout), self._got_card,
                               self._card_failed)

    def choose_file(self, path: str) -> None:
        self.busy = 1
        self.app.worker.submit(lambda: Path(path).read_bytes(), self._got_card, self._card_failed)

    def _got_card(self, data: bytes) -> None:
        self.busy = 0
        refusal = self.app.bridge.card_refusal(data)
        if refusal is not None:  # e.g. already accepted: no PIN is asked for it
            self.message_ok = False
            self.message = refusal
            return
        self._card = data
        self.message = ""
        self.app.go("pin", purpose="trustee")

    def _card_failed(self, exc: BaseException) -> None:
        self.busy = 0
        text = self.app.bridge.refusal_text(exc, tr.lang)
        if text is None:
            self.app.show_error(exc, back="trustees")
        else:
            self.message_ok = False
            self.message = text

    def submit_pin(self, pin: str) -> None:
        """Called by the PIN screen with the trustee PIN for the card read last."""
        card, self._card = self._card, None
        if card is None:
            self.app.go("trustees")
            return
        self.app.worker.submit(lambda: self.app.bridge.add_trustee(card, pin),
                               self._added, self._refused)

    def _added(self, _result: Any) -> None:
        self.app.go("trustees", message=tr.gettext("Trustee accepted."), ok=True)

    def _refused(self, exc: BaseException) -> None:
        text = self.app.bridge.refusal_text(exc, tr.lang)
        if text is None:
            self.app.show_error(exc, back="trustees")
        else:
            self.app.go("trustees", message=text)

    def compute(self) -> None:
        self.busy = 1
        self.message = tr.gettext("Decrypting the totals, please wait...")

        def done(printed: bool) -> None:
            self.busy = 0
            self.app.go("results", printed=tr.gettext("Results report printed.") if printed
                        else tr.gettext("The results report was NOT printed."))

        def failed(exc: BaseException) -> None:
            self.busy = 0
            self._refused(exc)
        self.app.worker.submit(self.app.bridge.compute_results, done, failed)


class ResultsScreen(KioskScreen):
    """The decrypted totals, with reprints of the results report: from the officer menu
    also after the export, one copy for each candidate's witness (counted on screen)."""

    screen_name = "results"
    rows = ListProperty([])
    printed = StringProperty("")
    busy = NumericProperty(0)
    copies = NumericProperty(0)  # reprints made since this screen was opened

    def prepare(self, **params: Any) -> None:
        self.rows = [f"{r.number}. {r.name}: {r.votes}" for r in self.app.bridge.results()]
        self.printed = params.get("printed", "")
        self.copies = 0

    def print_report(self) -> None:
        self.busy = 1
        self.printed = tr.gettext("Printing...")

        def done(_r: Any) -> None:
            self.busy = 0
            self.copies += 1
            self.printed = tr.gettext("Results report reprinted ({copies} copies).").format(
                copies=self.copies)

        def failed(exc: BaseException) -> None:
            self.busy = 0
            self.app.show_error(exc, back="results")
        self.app.worker.submit(self.app.bridge.print_results, done, failed)


class ExportScreen(KioskScreen):
    """Export the bundle to the USB stick: progress, then verified or failed."""

    screen_name = "export"
    progress = NumericProperty(0)
    outcome = StringProperty("")
    ok = NumericProperty(0)
    busy = NumericProperty(0)
    target = StringProperty("")

    def prepare(self, **params: Any) -> None:
        self.progress = 0
        self.outcome = ""
        self.ok = 0
        usb = self.app.services.usb_dir
        self.target = str(usb) if usb else ""

    def start(self) -> None:
        if not self.target or self.busy:
            return
        self.busy = 1
        self.progress = 0
        self.outcome = tr.gettext("Writing and verifying...")

        def report(fraction: float) -> None:  # called from the worker thread
            Clock.schedule_once(lambda _dt: setattr(self, "progress", fraction * 100), 0)

        target = Path(self.target)
        self.app.worker.submit(lambda: self.app.bridge.export(target, report),
                               self._done, self._failed)

    def _done(self, report: Any) -> None:
        self.busy = 0
        self.progress = 100
        self.ok = 1
        self.outcome = tr.gettext("Verified. Written to:") + f" {report.path}"
        if not report.results_included:
            have, needed, _total = self.app.bridge.trustee_progress()
            self.outcome += "\n" + tr.gettext("Without results: only {have} of the {needed} trustees needed came. The trustees can decrypt at the district.").format(
                have=have, needed=needed)

    def _failed(self, exc: BaseException) -> None:
        self.busy = 0
        self.ok = 0
        text = self.app.bridge.refusal_text(exc, tr.lang) or type(exc).__name__
        self.outcome = tr.gettext("Export failed:") + f" {text}"
