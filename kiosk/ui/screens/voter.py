"""Voter screens: welcome and how-to, ballot, review, sealed, checked, recorded, voided,
idle warning.

The selection lives in the engine's voter session (`bridge.select`) and is mirrored here
only to draw the highlight. "Yes" on the review seals the ballot (`bridge.commit`: the
engine encrypts it and prints its tracking code) before the voter is asked to cast it or
check it (Benaloh challenge). `SealedScreen.cast` is the only path to "recorded", and it
goes there only with the receipt the engine's `cast` returned; `SealedScreen.check` shows
the opened, NOT COUNTED ballot ("checked") and then the ballot again. Any failure shows an
error screen for the officer instead. Nothing here logs or prints the selection.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import NumericProperty, ObjectProperty, StringProperty
from kivy.uix.modalview import ModalView

from kiosk.ui.i18n import tr
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import CandidateCard


class WelcomeScreen(KioskScreen):
    """Greeting, one sentence and a picture of how to vote, and the voter's preferences."""

    screen_name = "welcome"
    election = StringProperty("")  # the election's name, from the package
    village = StringProperty("")  # the village's name
    station = StringProperty("")  # the polling station (TPS)

    def prepare(self, **params: Any) -> None:
        """Name the election, the village and the TPS: the voter sees where they vote."""
        self.election, self.village, self.station = self.app.bridge.place()

    def listen(self) -> None:
        self.app.speak(tr.gettext("Welcome") + ". " + tr.gettext(
            "Touch the card of your candidate, check your choice, then press Yes."))

    def start(self) -> None:
        self.app.go("ballot")


class BallotScreen(KioskScreen):
    """One large card per candidate; exactly one can be selected; tap another to change."""

    screen_name = "ballot"
    selected = NumericProperty(-1)

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.cards: list[CandidateCard] = []

    def prepare(self, **params: Any) -> None:
        if not self.cards:
            self._build_cards()
        if params.get("fresh", True) and self.app.bridge.session_state() == "activated":
            self.clear_selection()
        self.app.services.speaker.stop()

    def _build_cards(self) -> None:
        grid = self.ids.grid
        grid.clear_widgets()
        self.cards = []
        for cand in self.app.bridge.candidates():
            card = CandidateCard(index=cand.index, number=str(cand.number), name=cand.name,
                                 photo=cand.photo or "")
            card.bind(on_tap=self._tapped)
            grid.add_widget(card)
            self.cards.append(card)

    def _tapped(self, card: CandidateCard) -> None:
        self.select(int(card.index))

    def select(self, index: int) -> None:
        """Select candidate `index` (replacing any earlier selection)."""
        if not self.app.guard(lambda: self.app.bridge.select(index)):
            return
        self.selected = index
        for card in self.cards:
            card.selected = int(card.index) == index

    def clear_selection(self) -> None:
        self.selected = -1
        for card in self.cards:
            card.selected = False

    def next(self) -> None:
        if self.selected < 0:
            return
        if self.app.guard(self.app.bridge.review):
            self.app.go("review")

    def listen(self) -> None:
        parts = [tr.gettext("Please choose one candidate.")]
        for cand in self.app.bridge.candidates():
            parts.append(tr.fill(tr.gettext("Number {number}: {name}."),
                number=cand.number, name=cand.name))
        self.app.speak(" ".join(parts))


class _VoteStep:
    """One engine step of the vote (seal, cast, check) on the worker thread: a second tap
    while it runs does nothing; a failure clears the choice and shows the error (or the
    session-lost screen on a timeout)."""

    app: Any
    busy: int

    def _vote_step(self, call: Any, done: Any) -> None:
        if self.busy:
            return
        self.busy = 1
        self.app.services.speaker.stop()
        if not self.app.worker.submit(call, done, self._failed):
            self.busy = 0

    def _failed(self, exc: BaseException) -> None:
        self.busy = 0
        if self.app.bridge.is_timeout(exc):
            self.app.session_lost()
            return
        self.app.screen("ballot").clear_selection()
        self.app.show_error(exc, back="waiting")


class ReviewScreen(_VoteStep, KioskScreen):
    """'Anda memilih: 2 - Siti Aminah. Benar?' with 'Ya, itu pilihan saya' / 'Kembali'."""

    screen_name = "review"
    number = StringProperty("")
    cand_name = StringProperty("")
    photo = StringProperty("")
    busy = NumericProperty(0)

    def prepare(self, **params: Any) -> None:
        cand = self.app.bridge.selected_candidate()
        self.number = str(cand.number)
        self.cand_name = cand.name
        self.photo = cand.photo or ""
        self.busy = 0

    def back(self) -> None:
        if self.busy:
            return
        if self.app.guard(self.app.bridge.back):
            self.app.go("ballot", fresh=False)

    def seal(self) -> None:
        """Seal (encrypt and commit) on the worker thread, then ask: cast or check."""
        self._vote_step(self.app.bridge.commit, self._sealed)

    def _sealed(self, sealed: Any) -> None:
        self.app.go("sealed", sealed=sealed, number=self.number, cand_name=self.cand_name)

    def listen(self) -> None:
        self.app.speak(tr.fill(tr.gettext("You chose: {number} - {name}. Correct?"),
            number=self.number, name=self.cand_name) + " " + tr.gettext(
            "Press Yes to seal your ballot, or Back to change it."))


class SealedScreen(_VoteStep, KioskScreen):
    """The sealed ballot's tracking code (printed), then 'Ya, kirim suara' (cast) or
    'Uji surat suara ini' (check: the ballot is opened, shown and not counted)."""

    screen_name = "sealed"
    tracking = StringProperty("")
    number = StringProperty("")
    cand_name = StringProperty("")
    busy = NumericProperty(0)

    def prepare(self, **params: Any) -> None:
        self.tracking = params["sealed"].tracking_code
        self.number = str(params.get("number", ""))
        self.cand_name = str(params.get("cand_name", ""))
        self.busy = 0

    def cast(self) -> None:
        """Cast on the worker thread; only the returned receipt leads to 'recorded'."""
        self._vote_step(self.app.bridge.cast, self._recorded)

    def check(self) -> None:
        """Check (challenge) on the worker thread; the opened ballot is never counted."""
        self._vote_step(self.app.bridge.challenge, self._checked)

    def _recorded(self, receipt: Any) -> None:
        self.app.screen("ballot").clear_selection()
        self.app.go("recorded", receipt=receipt)

    def _checked(self, checked: Any) -> None:
        self.app.go("checked", checked=checked)

    def listen(self) -> None:
        explain = tr.gettext("Cast it, or check it: a checked ballot is opened, shown to you and not counted, and you vote again.")
        self.app.speak(tr.gettext("Your ballot is sealed") + ". " + explain)


class CheckedScreen(KioskScreen):
    """The checked ballot was opened: the candidate it contained, NOT COUNTED, and back to
    the ballot (same activation; the voter votes again)."""

    screen_name = "checked"
    tracking = StringProperty("")
    number = StringProperty("")
    cand_name = StringProperty("")
    receipt_ok = NumericProperty(1)

    def prepare(self, **params: Any) -> None:
        checked = params["checked"]
        self.tracking = checked.tracking_code
        self.number = str(checked.candidate_number)
        self.cand_name = checked.candidate_name
        self.receipt_ok = 1 if checked.printed else 0

    def again(self) -> None:
        """Back to the ballot under the same activation (the choice is still marked)."""
        self.app.go("ballot", fresh=False)

    def listen(self) -> None:
        self.app.speak(tr.gettext("This ballot is not counted") + ". " + tr.fill(tr.gettext(
            "It contained: {number} - {name}."), number=self.number, name=self.cand_name))


class RecordedScreen(KioskScreen):
    """'Suara Anda sudah tercatat' with the tracking code and the receipt status.

    Shown only with a receipt from the engine's `cast()`. When a paper did not print, the
    screen names the printer's fault for the officer and stays: the officer reprints (PIN;
    the fault is named again while it persists) or confirms with the PIN that the voter
    leaves without the paper (the engine logs it). Otherwise it confirms to the engine and
    returns to the locked screen after a few seconds.
    """

    screen_name = "recorded"
    tracking = StringProperty("")
    receipt_ok = NumericProperty(1)
    problem = StringProperty("")  # the printer fault in words, when a paper is missing
    feedback = StringProperty("")
    busy = NumericProperty(0)

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._event: Any = None

    def prepare(self, **params: Any) -> None:
        receipt = params.get("receipt")
        if receipt is None:  # back from the officer's PIN pad: keep the state
            return
        self.tracking = receipt.tracking_code
        self._show(receipt)
        self.feedback = ""
        self.busy = 0

    def _show(self, receipt: Any) -> None:
        self.receipt_ok = 1 if receipt.printed else 0
        self.problem = "" if receipt.printed else self.app.bridge.printer_problem(receipt.fault)

    def on_enter(self, *_args: Any) -> None:
        if self.receipt_ok:
            self._schedule_return()

    def _schedule_return(self) -> None:
        if self._event is not None:
            self._event.cancel()
        self._event = Clock.schedule_once(lambda _dt: self.finish(),
                                          self.app.services.timeouts.recorded_return)

    def reprint(self) -> None:
        """The officer's PIN first (the PIN pad hands it back to `officer_pin`)."""
        self.app.go("pin", purpose="reprint")

    def finish_without_paper(self) -> None:
        self.app.go("pin", purpose="skip")

    def officer_pin(self, purpose: str, pin: str) -> None:
        """The PIN pad's answer for "reprint" or "skip" (finish without paper)."""
        self.app.go("recorded")
        self.busy = 1
        bridge = self.app.bridge

        def reprinted(receipt: Any) -> None:
            self.busy = 0
            self._show(receipt)
            if receipt.printed:
                self.feedback = ""
                self._schedule_return()
            else:
                self.feedback = tr.gettext("Still not printed: {problem}.").format(problem=self.problem)

        def skipped(_r: Any) -> None:
            self.busy = 0
            self.app.reset_voter_preferences()
            self.app.go("waiting")

        def failed(exc: BaseException) -> None:
            self.busy = 0
            refusal = bridge.login_refusal(exc)
            if refusal is None:
                self.app.show_error(exc, back="recorded")
            else:
                self.feedback = refusal
        if purpose == "reprint":
            self.app.worker.submit(lambda: bridge.reprint_receipts(pin), reprinted, failed)
        else:
            self.app.worker.submit(lambda: bridge.finish_without_paper(pin), skipped, failed)

    def finish(self) -> None:
        """Tell the engine the voter saw this screen, then lock for the next voter."""
        if self._event is not None:
            self._event.cancel()
            self._event = None
        if self.app.current != "recorded" or self.busy:
            return
        if not self.receipt_ok:  # no paper record: only an officer may end this
            self.finish_without_paper()
            return
        self.busy = 1

        def done(_r: Any) -> None:
            self.busy = 0
            self.app.reset_voter_preferences()
            self.app.go("waiting")

        def failed(exc: BaseException) -> None:
            self.busy = 0
            self.app.show_error(exc, back="waiting")
        if not self.app.worker.submit(self.app.bridge.confirm_shown, done, failed):
            self.busy = 0
            self._schedule_return()


class VoidedScreen(KioskScreen):
    """The session was cancelled (timeout): nothing was recorded."""

    screen_name = "voided"

    def on_enter(self, *_args: Any) -> None:
        Clock.schedule_once(self._leave, self.app.services.timeouts.voided_return)

    def _leave(self, _dt: float) -> None:
        if self.app.current == "voided":
            self.app.go("waiting")


class TimeoutWarning(ModalView):
    """'Are you still there?' with a countdown; any touch dismisses it."""

    app = ObjectProperty(None)
    remaining = NumericProperty(0)

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(auto_dismiss=False, **kwargs)
        self.app = app
        self.is_open = False
        self._tick: Any = None
        self.bind(on_dismiss=self._closed)

    def open_for(self, seconds: float) -> None:
        self.remaining = int(seconds + 0.999)
        self.is_open = True
        self.open(animation=False)
        self._tick = Clock.schedule_interval(self._count, 1.0)

    def _count(self, _dt: float) -> None:
        self.remaining = max(0, self.remaining - 1)

    def dismiss(self, *args: Any, **kwargs: Any) -> None:
        if self.is_open:
            super().dismiss(*args, **kwargs)

    def answer(self) -> None:
        """The voter touched the warning: they are still here."""
        self.dismiss()
        self.app.keep_alive()

    def on_touch_down(self, touch: Any) -> bool:
        if self.is_open:
            Clock.schedule_once(lambda _dt: self.answer(), 0)
            return True
        return bool(super().on_touch_down(touch))

    def _closed(self, *_args: Any) -> None:
        self.is_open = False
        if self._tick is not None:
            self._tick.cancel()
            self._tick = None
