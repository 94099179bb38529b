"""Officer check-in screens of the poll book: find the voter, compare with the KTP, "Hadir".

Used only when the station's package has a voter list (then the engine refuses every
activation without a check-in, docs/KIOSK.md "Poll book"); the officer menu's "Activate
next ballot" opens `CheckinScreen` instead of activating at once.

- `CheckinScreen`: listens to the station scanner while shown (an invitation QR checks
  its voter in at once: the QR's seal proves the list entry) and searches as the officer
  types on the on-screen keyboard (name words, DPT number or the NIK's last digits).
- `VoterCheckScreen`: one voter's name, DPT number, sex, year of birth, RT/RW and NIK
  tail to compare with the KTP; "Hadir" checks in and activates the ballot.
- `DptbScreen`: a voter not on the DPT but entitled: NIK, name, sex, reason.

Every refusal (already checked in, with the time of the first; foreign, garbled or forged
invitation; a malformed DPTb entry) is shown in the UI's language through the bridge.
Searches and check-ins are quick local calls made on the UI thread; the activation goes
through the worker like the officer menu's.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.factory import Factory
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.gridlayout import GridLayout

from kiosk.ui.i18n import N_, tr
from kiosk.ui.screens.base import KioskScreen

#: The on-screen keyboard's pages: letters with the apostrophe (Ma'ruf) and the space,
#: 28 keys that make 4 rows of 7 (a 1024x600 panel has room for no more at 15 mm a key),
#: and the digits. Erase and the hyphen (Nur-Aini) are buttons of the action row.
LETTER_KEYS = (*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "'", " ")
DIGIT_KEYS = tuple("1234567890")
#: How often the check-in screen looks for a scanned invitation (seconds).
SCAN_POLL_S = 0.2
SEX_NAMES = {"L": N_("Male (L)"), "P": N_("Female (P)")}
QUERY_MAX = 40


def key_label(key: str) -> str:
    """What a key shows: the space and erase keys get words from the catalog."""
    if key == " ":
        return tr.gettext("Space")
    if key == "\b":
        return tr.gettext("Erase")
    return key


def apply_key(text: str, key: str, limit: int) -> str:
    """`text` after pressing `key` (erase removes the last character; `limit` caps it)."""
    if key == "\b":
        return text[:-1]
    return text + key if len(text) < limit else text


class KeyBoard(GridLayout):
    """On-screen keys (letters or digits: `digits`), one touch target each; `on_key`
    fires with the key pressed ("\\b" erases). Built in Python so the two pages share
    one widget and a language switch re-labels the space and erase keys."""

    digits = BooleanProperty(False)
    touch = NumericProperty(100)
    __events__ = ("on_key",)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fbind("digits", self._build)
        self.fbind("touch", self._build)
        tr.fbind("_", self._build)
        self._build()

    def _build(self, *_args: Any) -> None:
        self.clear_widgets()
        for key in DIGIT_KEYS if self.digits else LETTER_KEYS:
            button = Factory.TypeKey(text=key_label(key), width=self.touch, height=self.touch)
            button.bind(on_tap=lambda _b, k=key: self.dispatch("on_key", k))
            self.add_widget(button)

    def on_key(self, key: str) -> None:
        """Default handler (the screens bind their own)."""


class CheckinBase(KioskScreen):
    """What the check-in screens share: the message line and starting the ballot."""

    message = StringProperty("")
    message_ok = BooleanProperty(False)
    busy = NumericProperty(0)

    def refused(self, exc: BaseException) -> bool:
        """Show a check-in refusal in the UI's language; False if `exc` is no refusal."""
        text = self.app.bridge.checkin_refusal(exc)
        if text is None:
            return False
        self.message, self.message_ok = text, False
        return True

    def start_ballot(self) -> None:
        """The voter is checked in: activate the ballot as the officer menu does."""
        def done(_r: Any) -> None:
            self.busy = 0
            self.app.reset_voter_preferences()
            self.app.go("welcome")

        def failed(exc: BaseException) -> None:
            self.busy = 0
            text = self.app.bridge.refusal_text(exc, tr.lang)
            if text is None:
                self.app.show_error(exc, back="officer")
            else:
                self.message, self.message_ok = text, False
        self.busy = 1
        self.message, self.message_ok = tr.gettext("Working, please wait..."), True
        self.app.worker.submit(self.app.bridge.activate, done, failed)


class CheckinScreen(CheckinBase):
    """Scan the invitation or search the list; pick a voter."""

    screen_name = "checkin"
    query = StringProperty("")
    digits = BooleanProperty(False)
    rows = ListProperty([])
    waiting = NumericProperty(0)  # checked-in voters whose ballot is not activated yet

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._poll: Any = None

    def prepare(self, **params: Any) -> None:
        self.query = ""
        self.digits = False
        self.rows = []
        self.busy = 0
        self.message = params.get("message", "")
        self.message_ok = bool(params.get("ok", False))
        self.waiting = self.app.bridge.checkins_waiting()

    def on_enter(self, *_args: Any) -> None:
        self._poll = Clock.schedule_interval(lambda _dt: self.poll_scanner(), SCAN_POLL_S)

    def on_leave(self, *_args: Any) -> None:
        if self._poll is not None:
            self._poll.cancel()
            self._poll = None

    def poll_scanner(self) -> None:
        """A scanned invitation checks its voter in; then the voter's details are shown."""
        if self.busy or self.app.worker.busy:
            return
        try:
            row = self.app.bridge.poll_invitation()
        except Exception as exc:
            if not self.refused(exc):
                self.app.show_error(exc, back="officer")
            return
        if row is not None:
            self.app.go("voter_check", voter=row, checked_in=True)

    def key(self, key: str) -> None:
        self.query = apply_key(self.query, key, QUERY_MAX)
        self.search()

    def search(self) -> None:
        try:
            self.rows = self.app.bridge.search_voters(self.query) if self.query.strip() else []
        except Exception as exc:
            if not self.refused(exc):
                self.app.show_error(exc, back="officer")
            return
        if self.query.strip() and not self.rows:
            self.message, self.message_ok = tr.gettext("No voter found. Check the spelling, or try the DPT number."), False
        else:
            self.message = ""

    def on_rows(self, _inst: Any, rows: list[Any]) -> None:
        grid = self.ids.results
        grid.clear_widgets()
        for row in rows:
            button = Factory.VoterRowButton(text=row_text(row))
            button.done = row.checked_in_at is not None  # a kv property: set after the rule
            button.bind(on_tap=lambda _b, r=row: self.pick(r))
            grid.add_widget(button)

    def pick(self, row: Any) -> None:
        self.app.go("voter_check", voter=row, checked_in=False)

    def activate_waiting(self) -> None:
        """A voter was checked in but the ballot did not start (e.g. the screen was left):
        activate for that voter."""
        self.start_ballot()


def row_text(row: Any) -> str:
    """One line of the results list: DPT number, name, sex, year of birth, RT/RW."""
    number = str(row.dpt_number) if row.dpt_number is not None else "DPTb"
    facts = " · ".join(x for x in (row.sex, str(row.birth_year or ""), row.rt_rw) if x)
    text = f"{number}. {row.name}\n{facts}"
    if row.checked_in_at:
        text += "\n" + tr.gettext("Checked in at {time}").format(time=row.checked_in_at)
    return text


class VoterCheckScreen(CheckinBase):
    """One voter to compare with the KTP: "Hadir" checks in and starts the ballot."""

    screen_name = "voter_check"
    voter = ObjectProperty(None, allownone=True)
    checked_in = BooleanProperty(False)  # by this screen's scan or "Hadir"
    person = StringProperty("")  # the voter's name (`name` is the Screen's own)
    facts = ListProperty([])

    def prepare(self, **params: Any) -> None:
        self.voter = params.get("voter")
        self.checked_in = bool(params.get("checked_in", False))
        self.busy = 0
        self.message, self.message_ok = "", False
        if self.checked_in:
            self.message = tr.gettext("Checked in at {time}. Compare with the KTP, then start the ballot.").format(
                time=self.voter.checked_in_at)
            self.message_ok = True
        elif self.voter is not None and self.voter.checked_in_at:
            self.message = tr.gettext("Refused: this voter already checked in at {time}.").format(
                time=self.voter.checked_in_at)
        self._show()

    def _show(self) -> None:
        v = self.voter
        if v is None:
            return
        self.person = v.name
        self.facts = [
            (tr.gettext("DPT number"), str(v.dpt_number) if v.dpt_number is not None else "DPTb"),
            (tr.gettext("Sex"), tr.gettext(SEX_NAMES.get(v.sex, v.sex))),
            (tr.gettext("Year of birth"), str(v.birth_year) if v.birth_year else "-"),
            (tr.gettext("RT/RW"), v.rt_rw or "-"),
            (tr.gettext("NIK ends in"), v.nik_tail),
        ]

    def on_leave(self, *_args: Any) -> None:
        """Forget the voter once the screen is left (the voter's ballot comes next)."""
        self.voter = None
        self.person = ""
        self.facts = []

    def on_facts(self, _inst: Any, facts: list[tuple[str, str]]) -> None:
        grid = self.ids.facts
        grid.clear_widgets()
        for label, value in facts:
            fact = Factory.FactRow()
            fact.label, fact.value = label, value  # kv properties: set after the rule
            grid.add_widget(fact)

    def hadir(self) -> None:
        """"Hadir": check the voter in, then activate the ballot at once."""
        if self.busy or self.voter is None:
            return
        if self.checked_in:
            self.start_ballot()
            return
        try:
            self.voter = self.app.bridge.check_in(self.voter.dpt_number)
        except Exception as exc:
            if not self.refused(exc):
                self.app.show_error(exc, back="officer")
            return
        self.checked_in = True
        self.start_ballot()


class DptbScreen(CheckinBase):
    """A voter not on the DPT but entitled (DPTb): NIK, name, sex and reason."""

    screen_name = "dptb"
    field = StringProperty("nik")  # the field the keyboard types into
    nik = StringProperty("")
    person = StringProperty("")  # the name on the KTP
    sex = StringProperty("")
    reason = StringProperty("")

    def prepare(self, **params: Any) -> None:
        self.field = "nik"
        self.nik = self.person = self.sex = self.reason = ""
        self.busy = 0
        self.message, self.message_ok = "", False

    def key(self, key: str) -> None:
        limit = {"nik": 16, "person": 100, "reason": 80}[self.field]
        setattr(self, self.field, apply_key(getattr(self, self.field), key, limit))
        self.message = ""

    def submit(self) -> None:
        """Check the DPTb voter in (the engine checks every field), then start the ballot."""
        if self.busy:
            return
        try:
            self.app.bridge.add_dptb(self.nik, self.person, self.sex, self.reason)
        except Exception as exc:
            if not self.refused(exc):
                self.app.show_error(exc, back="officer")
            return
        self.start_ballot()
