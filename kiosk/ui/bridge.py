"""The touchscreen's one door into the kiosk engine.

Screens call these small methods; only this module knows the engine's method names and
error types, and turns engine values (kiosk.views) into what a screen draws and engine
errors (kiosk.errors) into catalog messages. Everything here is a thin pass-through: the
rules (who may activate, what a cast needs, PIN lock-out) are the engine's.

Which calls are slow (Argon2id, ElGamal + proofs, SQLCipher commit, printing, export) is
the caller's concern: screens run those through `app.worker`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ballotcore.codes import ALPHABET, DATA_SYMBOLS, QR_PREFIX, format_code
from ballotcore.errors import TrusteeCardError
from ballotcore.package import OFFICER_PIN_DIGITS
from ballotcore.trustee_card import TRUSTEE_PIN_DIGITS, parse_trustee_card
from kiosk import errors as kerr
from kiosk import timeouts
from kiosk.ui.i18n import N_, tr

#: Digits of each kind of PIN the PIN pad asks for (the rules are ballotcore's).
#: What the installation / unlock code screen needs of the code format (the screens reach
#: ballotcore only through this module).
CODE_ALPHABET, CODE_SYMBOLS, CODE_QR_PREFIX, format_install_code = (
    ALPHABET, DATA_SYMBOLS, QR_PREFIX, format_code)

PIN_LENGTH = {"officer": OFFICER_PIN_DIGITS, "trustee": TRUSTEE_PIN_DIGITS,
              "reprint": OFFICER_PIN_DIGITS, "skip": OFFICER_PIN_DIGITS}

READINESS_TEXT = {
    # engine check name -> (label, problem, what to do)
    "package": (N_("Election package"), N_("The package does not verify."),
                N_("Use the USB stick delivered for this polling station; call the district.")),
    "certificate": (N_("Election package"), N_("The package does not verify."),
                    N_("Use the USB stick delivered for this polling station; call the district.")),
    "storage": (N_("Storage"), N_("Storage cannot be written."),
                N_("Check the data disk; call the district technician.")),
    "printer": (N_("Printer"), N_("Printer not ready."),
                N_("Connect the printer, load paper and close the cover.")),
    "scanner": (N_("Scanner"), N_("Scanner not connected."),
                N_("Trustee cards can also be read from files on the USB stick.")),
}
PAPER_OK = frozenset({"ready", "paper-near-end"})
#: What to do about each printer fault at start-up (the boot screen names the fault itself).
PRINTER_HINTS = {
    "paper-out": N_("Load a new paper roll."),
    "cover-open": N_("Close the printer cover until it clicks."),
    "disconnected": N_("Connect the printer cable and switch the printer on."),
    "not-responding": N_("Switch the printer off and on again."),
    "absent": N_("Connect the printer cable and switch the printer on."),
}


@dataclass(frozen=True)
class Check:
    key: str
    ok: bool
    required: bool  # False: a failure is a warning (shown, but the polls can open)
    label: str  # msgids, translated by the screen
    problem: str
    hint: str


@dataclass(frozen=True)
class Candidate:
    index: int  # position on the ballot (0-based)
    number: int  # nomor urut
    name: str
    photo: str | None  # a file path Kivy can load, or None


@dataclass(frozen=True)
class StatusView:
    state: str
    ballots: int
    activations: int
    voided: int
    dpt: int = 0
    mode: str = "official"  # or "test" (training)
    printer: str = "ready"  # the printer's status code
    receipts_pending: bool = False

    @property
    def turnout_percent(self) -> float:
        return 100.0 * self.ballots / self.dpt if self.dpt else 0.0


@dataclass(frozen=True)
class PinLock:
    """The officer-PIN lock-out as the lock-out screen shows it (engine `Status` fields)."""

    tries_before_wait: int  # wrong PINs still free of a wait
    wait_seconds: float  # seconds before the next PIN may be tried (inf: locked)
    locked: bool  # permanently locked: only a one-time unlock code opens it
    next_wait_seconds: float  # how long the wait after the next wrong PIN will be
    lock_after: int  # wrong PINs in a row that lock the kiosk

    @property
    def waiting(self) -> bool:
        return not self.locked and self.wait_seconds > 0


@dataclass(frozen=True)
class ZeroReport:
    lines: list[str]
    printed: bool


@dataclass(frozen=True)
class ResultRow:
    number: int
    name: str
    votes: int


@dataclass(frozen=True)
class VoterRow:
    """A voter of the station's list as the check-in screen shows it (kiosk.pollbook
    `VoterView`): what the officer compares with the KTP, and the check-in time if any."""

    dpt_number: int | None  # None for a DPTb voter
    name: str
    sex: str  # "L" or "P"
    birth_year: int | None
    rt_rw: str  # "003/001", "" when unknown
    nik_tail: str  # the NIK's last four digits
    checked_in_at: str | None  # local HH:MM:SS, None if not checked in


def _voter_row(view: Any) -> VoterRow:
    rt_rw = f"{view.rt:03d}/{view.rw:03d}" if view.rt is not None and view.rw is not None else ""
    return VoterRow(view.dpt_number, view.name, view.sex, view.birth_year, rt_rw,
                    view.nik_tail, view.checked_in_at)


#: Why a check-in was refused, in the catalog (kiosk.errors.CheckInRefused reasons).
CHECKIN_REFUSALS = {
    "garbled": N_("The invitation's QR code cannot be read. Search for the voter by name or number."),
    "foreign": N_("This invitation is for another polling station. Send the voter to the TPS on the invitation."),
    "forged": N_("This invitation is not genuine: its seal does not match this station's list."),
    "unknown": N_("This DPT number is not on the list."),
    "not-open": N_("Voters can be checked in only while the polls are open."),
    "no-list": N_("This station's package has no voter list."),
}


@dataclass(frozen=True)
class Receipt:
    tracking_code: str
    printed: bool
    fault: str = ""  # the printer's fault code when a paper is missing ("paper-out", ...)


#: What the officer reads for a printer fault code (hardware.status.PrinterFault values).
PRINTER_FAULTS = {
    "paper-out": N_("Paper out"),
    "cover-open": N_("Printer cover open"),
    "disconnected": N_("Printer disconnected"),
    "not-responding": N_("Printer disconnected"),
    "absent": N_("Printer disconnected"),
    "cutter-error": N_("Printer cutter jammed"),
    "error": N_("Printer error"),
    "offline": N_("Printer offline"),
}


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """One bundle of the outbox as the officer sees it."""

    name: str  # the bundle as exported (the outbox copy's digest suffix dropped)
    state: str  # pending | sent | refused
    detail: str  # the server's last answer or the last error ("" before any attempt)


def _outbox_rows(box: Any) -> list[OutboxRow]:
    rows = []
    for e in sorted(box.entries.values(), key=lambda e: e.name):
        exported = e.name.rsplit("-", 1)[0] + ".sdbundle"
        detail = e.last_error if e.state != "sent" and e.last_error else e.answer
        rows.append(OutboxRow(exported, e.state, detail))
    return rows


def _receipt(receipt: Any) -> Receipt:
    bad = [s for s in (receipt.voter_record_status, receipt.slip_status) if s not in PAPER_OK]
    return Receipt(receipt.tracking_code, bool(receipt.printed), str(bad[0]) if bad else "")


@dataclass(frozen=True)
class TrusteeRow:
    """One trustee of the village (from the election definition) on the trustee screen."""

    index: int
    name: str
    accepted: bool  # the kiosk holds this trustee's partial decryption already


@dataclass(frozen=True)
class Sealed:
    """The committed ballot's tracking code (shown and printed before cast or check)."""

    tracking_code: str
    printed: bool


@dataclass(frozen=True)
class Checked:
    """A checked (spoiled) ballot: the candidate it contained, never counted."""

    tracking_code: str
    candidate_number: int
    candidate_name: str
    printed: bool


class KioskBridge:
    """Wraps one `kiosk.engine` instance for the screens."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self._photo_dir: Path | None = None
        self._candidates: list[Candidate] | None = None
        self._selected: int | None = None
        self._officer_pin: str | None = None  # held only while the officer menu is open
        self._results: Any = None

    # ------------------------------------------------------------------ boot / officers

    def readiness(self) -> list[Check]:
        """One row per check; before the officer PIN, storage shows as "checked after PIN"."""
        report = self.engine.readiness()
        unlocked = bool(self.engine.status().unlocked)
        rows: dict[str, Check] = {}
        for check in report.checks:
            key = "package" if check.name == "certificate" else check.name
            label, problem, hint = READINESS_TEXT.get(check.name, (check.name, check.detail, ""))
            if key == "storage" and not unlocked:
                rows[key] = Check(key, True, False, label,
                                  N_("Checked after the officer PIN."), "")
                continue
            required = bool(getattr(check, "required", True))  # the engine decides
            if key == "printer" and not check.ok and check.detail in PRINTER_FAULTS:
                # name the fault ("Tutup printer terbuka"), not just "not ready"
                problem = PRINTER_FAULTS[check.detail]
                hint = PRINTER_HINTS.get(check.detail, hint)
            if key in rows and not check.ok:
                rows[key] = Check(key, False, required, label, problem, hint)
            elif key not in rows:
                rows[key] = Check(key, check.ok, required, label,
                                  N_("OK") if check.ok else problem, "" if check.ok else hint)
        return list(rows.values())

    def login(self, pin: str) -> bool:
        """Check an officer PIN (the first one unlocks the database); True when ready.

        In setup this also runs the readiness checks (which move the polls to ready).
        """
        self.engine.officer_login(pin)
        self._officer_pin = pin
        if str(self.engine.status().polls) == "setup":
            return bool(self.engine.readiness().ok)
        return True

    def logged_in(self) -> bool:
        return self._officer_pin is not None

    def logout(self) -> None:
        self._officer_pin = None

    def _pin(self) -> str:
        if self._officer_pin is None:
            raise kerr.LockedError()
        return self._officer_pin

    def login_refusal(self, exc: BaseException) -> str | None:
        """The catalog message for a refused PIN, or None if `exc` is not a PIN refusal."""
        if isinstance(exc, kerr.PinRejected):
            return tr.gettext("Wrong PIN. {remaining} attempts left before the kiosk makes you wait.").format(remaining=exc.remaining)
        if isinstance(exc, kerr.PinWait):
            seconds = int(exc.seconds + 0.999)
            return tr.ngettext("Too many wrong PINs. Wait {seconds} second, then try again.",
                               "Too many wrong PINs. Wait {seconds} seconds, then try again.",
                               seconds).format(seconds=seconds)
        if isinstance(exc, kerr.PinLockedOut):
            return tr.gettext("Officer PINs are locked. Enter a one-time unlock code from the sealed officer sheet.")
        return None

    def is_lockout(self, exc: BaseException) -> bool:
        """A PIN may not be tried now (a wait or the permanent lock, also right after the
        wrong PIN that started it): show the lock-out screen."""
        if isinstance(exc, kerr.PinWait | kerr.PinLockedOut):
            return True
        lock = self.pin_lock() if isinstance(exc, kerr.PinRejected) else None
        return lock is not None and (lock.locked or lock.waiting)

    def is_not_installed(self, exc: BaseException) -> bool:
        return isinstance(exc, kerr.NotInstalled)

    # ------------------------------------------------------------------ install, unlock

    def installed(self) -> bool:
        """The package is installed on this kiosk (its key re-wrapped under the device)."""
        return bool(self._status().installed)

    def pin_lock(self) -> PinLock:
        s = self._status()
        failures = int(s.pin_failures)
        return PinLock(int(s.pin_tries_before_wait), float(s.pin_wait_seconds), bool(s.pin_locked),
                       timeouts.pin_wait_seconds(failures + 1), timeouts.PIN_LOCK_FAILURES)

    def install(self, code: str) -> None:
        """Install the package with the code typed or scanned (engine.install)."""
        self.engine.install(code)

    def unlock_pins(self, code: str) -> None:
        """Lift the PIN wait or lock with a one-time unlock code (engine.unlock_pins)."""
        self.engine.unlock_pins(code)

    def scan_code(self, timeout: float) -> str:
        """The text of a code QR (installation or unlock) held under the scanner."""
        return self.scan_card(timeout).decode("utf-8", "replace")

    def code_refusal(self, exc: BaseException) -> str | None:
        """The message for a refused installation or unlock code, or None for a real failure."""
        if getattr(exc, "message_id", "") == "ui.scan.none":
            return tr.gettext("No code was scanned. Hold the QR code under the scanner, or type the code.")
        if isinstance(exc, kerr.KioskError) and not isinstance(exc, kerr.StorageError):
            return exc.indonesian if tr.lang == "id" else exc.english
        return None

    # ------------------------------------------------------------------ status

    def _status(self) -> Any:
        return self.engine.status()

    def status(self) -> StatusView:
        s = self._status()
        return StatusView(s.polls, s.ballots, s.activations, s.voided, int(s.dpt), str(s.mode),
                          str(s.printer), bool(getattr(s, "receipts_pending", False)))

    def local_now(self) -> str:
        """The kiosk clock in the election's time zone (WIB, WITA or WIT), DD-MM-YYYY HH:MM:SS ZONE."""
        zone = self.engine.definition.zone
        moment = self.engine.clock.wall().astimezone(zone)
        return f"{moment:%d-%m-%Y %H:%M:%S} {zone.tzname(None)}"

    def printer_state(self, code: str) -> str:
        """The officer's words for the printer status (ready, paper low, or the fault)."""
        if code == "ready":
            return tr.gettext("Ready")
        if code == "paper-near-end":
            return tr.gettext("Paper running low")
        return self.printer_problem(code)

    def training(self) -> bool:
        try:
            return str(self._status().mode) == "test"
        except kerr.KioskError:
            return False

    def set_training(self, on: bool) -> None:
        """Switch training (test) mode on or off; switching back to official discards the
        training ballots (the engine's rule: they never mix with official data)."""
        self.engine.set_mode("test" if on else "official", self._pin(), clear=not on)
        self.engine.readiness()  # a switch returns the polls to setup: check again (-> ready)

    def headphones(self) -> bool:
        """Headphones marked connected by an officer (spoken guidance on)."""
        try:
            return bool(self.engine.headphones())
        except kerr.KioskError:
            return False

    def set_headphones(self, on: bool) -> bool:
        """Mark headphones connected or not (held officer PIN; the engine logs it)."""
        return bool(self.engine.set_headphones(on, self._pin()))

    def reprint_pending(self) -> Receipt:
        """From the officer menu: reprint the last cast's missing papers (held officer PIN)."""
        return self.reprint_receipts(self._pin())

    def shut_down(self) -> None:
        """Close the engine cleanly (database, devices) before the app exits."""
        self.logout()
        self.engine.close()

    def identity(self) -> tuple[str, str, str]:
        """(village name, station, election date as DD-MM-YYYY) of the loaded package."""
        s = self._status()
        return str(s.village_name), str(s.station), f"{self.engine.election_date():%d-%m-%Y}"

    def place(self) -> tuple[str, str, str]:
        """(election name, village name, station) for the voter's welcome screen."""
        s = self._status()
        return str(self.engine.definition.name), str(s.village_name), str(s.station)

    def polls_state(self) -> str:
        try:
            return str(self._status().polls)
        except kerr.KioskError:
            return "boot"

    def session_state(self) -> str:
        return str(self._status().session)

    # ------------------------------------------------------------------ polls

    def open_polls(self) -> ZeroReport:
        self.engine.open_polls(self._pin())  # raises PrinterUnavailable if not printed
        lines = [f"{c.number}. {c.name}: 0" for c in self.candidates()]
        return ZeroReport(lines, True)

    def pause(self) -> None:
        self.engine.pause()

    def resume(self) -> None:
        self.engine.resume()

    def close_polls(self) -> None:
        """Close the polls (officer PIN); the engine prints the close summary itself."""
        self.engine.close_polls(self._pin())

    def close_summary(self) -> tuple[bool, str]:
        """(printed, problem) of the last close-summary print; problem "" when it printed
        or when none was tried yet (polls not closed)."""
        status = str(self.engine.close_summary_status())
        if status in PAPER_OK or not status:
            return bool(status), ""
        return False, self.printer_problem(status)

    def print_close_summary(self) -> None:
        """Print the close summary again, marked as a reprint; raises PrinterUnavailable
        when it did not print."""
        status = str(self.engine.print_close_summary())
        if status not in PAPER_OK:
            raise kerr.PrinterUnavailable("close summary", status)

    # ------------------------------------------------------------------ voter session

    def activate(self) -> None:
        self.engine.activate_ballot(self._pin())
        self._selected = None
        self.logout()  # the voter must not reach the officer menu

    def candidate_count(self) -> int:
        try:
            return len(self.candidates())
        except kerr.KioskError:
            return 3

    def candidates(self) -> list[Candidate]:
        if self._candidates is None:
            views = self.engine.ballot_candidates()
            out = []
            for i, view in enumerate(views):
                out.append(Candidate(i, view.number, view.name, self._photo_file(view)))
            self._candidates = out
        return self._candidates

    def _photo_file(self, view: Any) -> str | None:
        data = getattr(view, "photo", None)
        if not data:
            return None
        if self._photo_dir is None:
            self._photo_dir = Path(tempfile.mkdtemp(prefix="suaradesa-photos-"))
        ext = ".jpg" if data[:3] == b"\xff\xd8\xff" else ".png"
        path = self._photo_dir / f"candidate-{view.number}{ext}"
        path.write_bytes(data)
        return str(path)

    def select(self, index: int) -> None:
        self.engine.select(self.candidates()[index].number)
        self._selected = index

    def selected_candidate(self) -> Candidate:
        if self._selected is None:
            raise kerr.SelectionError("No candidate is selected.", "Belum ada calon dipilih.")
        return self.candidates()[self._selected]

    def review(self) -> None:
        self.engine.review()

    def back(self) -> None:
        self.engine.back()

    def commit(self) -> Sealed:
        """Seal the reviewed choice: the engine encrypts it and prints its tracking code."""
        view = self.engine.commit()
        return Sealed(view.tracking_code, view.slip_status in ("ready", "paper-near-end"))

    def challenge(self) -> Checked:
        """Check the sealed ballot: it is opened and spoiled; the voter votes again."""
        view = self.engine.challenge()
        return Checked(view.tracking_code, view.candidate_number, view.candidate_name,
                       bool(view.printed))

    def cast(self) -> Receipt:
        """Cast the selected ballot; returns only after the engine committed it."""
        receipt = self.engine.cast()
        self._selected = None
        return _receipt(receipt)

    def confirm_shown(self) -> None:
        self.engine.confirm_cast()

    def tick(self) -> bool:
        """Let the engine apply its idle timeouts; True if it voided the voter session."""
        voided = bool(self.engine.tick())
        if voided:
            self._selected = None
        return voided

    def idle_limit(self) -> float:
        """Seconds of inactivity after which the engine voids the current voter session."""
        if self._selected is None:
            return timeouts.ACTIVATED_IDLE_TIMEOUT_S
        return timeouts.VOTER_IDLE_TIMEOUT_S

    def keep_alive(self) -> None:
        """The voter is still here: restart the engine's idle timer (engine.keep_alive).
        Raises SessionTimedOut if the engine had already voided the session."""
        self.engine.keep_alive()

    def is_timeout(self, exc: BaseException) -> bool:
        return isinstance(exc, kerr.SessionTimedOut)

    def void(self) -> None:
        """Cancel the voter session (nothing stored)."""
        self._selected = None
        self.engine.void_session()

    def reprint_receipts(self, pin: str) -> Receipt:
        """Reprint the missing papers of the last cast (officer PIN, engine-checked)."""
        return _receipt(self.engine.reprint_receipts(pin))

    def finish_without_paper(self, pin: str) -> None:
        """An officer confirms the voter leaves without a paper record (logged by the engine)."""
        self.engine.finish_without_paper(pin)

    def receipts_pending(self) -> bool:
        return bool(getattr(self._status(), "receipts_pending", False))

    def printer_problem(self, fault: str) -> str:
        """The officer's words for a printer fault code."""
        return tr.gettext(PRINTER_FAULTS.get(fault, N_("Printer error")))

    # ------------------------------------------------------------------ poll book (check-in)

    def has_voter_list(self) -> bool:
        """The package has a voter list: every activation needs a check-in first."""
        return bool(getattr(self._status(), "pollbook", False))

    def checkins_waiting(self) -> int:
        """Checked-in voters whose ballot is not activated yet."""
        return int(getattr(self._status(), "checkins_waiting", 0))

    def search_voters(self, query: str) -> list[VoterRow]:
        """Voters matching name words, a DPT number or the NIK's last digits."""
        return [_voter_row(v) for v in self.engine.search_voters(query)]

    def voter(self, dpt_number: int) -> VoterRow:
        return _voter_row(self.engine.voter_details(dpt_number))

    def check_in(self, dpt_number: int) -> VoterRow:
        """"Hadir": check in the voter with this DPT number."""
        return _voter_row(self.engine.check_in(dpt_number))

    def poll_invitation(self) -> VoterRow | None:
        """Check in the voter of an invitation QR the scanner read since the last call;
        None if nothing was scanned (never waits: the screen calls it on a timer)."""
        view = self.engine.scan_check_in(0.0)
        return None if view is None else _voter_row(view)

    def add_dptb(self, nik: str, name: str, sex: str, reason: str) -> VoterRow:
        """Check in a voter not on the DPT but entitled (DPTb)."""
        return _voter_row(self.engine.add_dptb(nik, name, sex, reason))

    def checkin_refusal(self, exc: BaseException) -> str | None:
        """A refused check-in in the UI's language (an "already" one with the time of the
        first), or None if `exc` is no check-in refusal."""
        if not isinstance(exc, kerr.CheckInRefused):
            return None
        if exc.reason == "already":
            return tr.gettext("Refused: this voter already checked in at {time}.").format(
                time=exc.first_time or "?")
        if exc.reason in CHECKIN_REFUSALS:
            return tr.gettext(CHECKIN_REFUSALS[exc.reason])
        return exc.indonesian if tr.lang == "id" else exc.english  # "invalid": names the field

    # ------------------------------------------------------------------ trustees, results

    def trustee_progress(self) -> tuple[int, int, int]:
        s = self._status()
        total = len(self.engine.village.trustees)
        return len(s.trustees_present), s.trustees_needed, total

    def trustee_roster(self) -> list[TrusteeRow]:
        """Every trustee of the village by index and name, and whether already accepted."""
        present = set(self._status().trustees_present)
        return [TrusteeRow(t.index, t.name, t.index in present)
                for t in self.engine.village.trustees]

    def card_index(self, data: bytes) -> int | None:
        """The trustee index of a card for this election and village, or None for a card
        that is unreadable or belongs elsewhere (read without its PIN: nothing is opened)."""
        try:
            card = parse_trustee_card(data)
        except TrusteeCardError:
            return None
        if (card.election_id != self.engine.definition.election_id
                or card.village != self.engine.village.code):
            return None
        return card.index

    def card_refusal(self, data: bytes) -> str | None:
        """Why this card is refused before its PIN is asked (unreadable, another village's,
        or a trustee already accepted), or None: ask the PIN. The engine checks all of it
        again when the PIN comes (`add_trustee`); this only spares the trustee the PIN."""
        index = self.card_index(data)
        if index is None:
            return tr.gettext("This is not a trustee card of this village and election.")
        for row in self.trustee_roster():
            if row.index == index and row.accepted:
                return tr.gettext("{name} (trustee {index}) has already been accepted. Use another trustee's card.").format(
                    name=row.name, index=index)
        return None

    def card_files(self, folder: Path | None) -> list[Path]:
        if folder is None or not folder.is_dir():
            return []
        return sorted(p for p in folder.rglob("*.sdcard") if p.is_file())

    def scan_card(self, timeout: float) -> bytes:
        text = self.engine.devices.scanner.read(timeout) if self.engine.devices.scanner else None
        if text is None:
            raise kerr.TrusteeError("No card was scanned.", "Tidak ada kartu yang terpindai.",
                                    "ui.scan.none")
        return text.encode("utf-8") if isinstance(text, str) else bytes(text)

    def add_trustee(self, card: bytes, pin: str) -> None:
        self.engine.add_trustee(card, pin)  # TrusteeError if the card or PIN is refused

    def compute_results(self) -> bool:
        """Decrypt the totals with the trustees present; True if the report printed."""
        view = self.engine.compute_results()
        self._results = view
        return str(view.report_status) in PAPER_OK

    def results(self) -> list[ResultRow]:
        view = self._results
        if view is None:
            view = self._results = self.engine.compute_results()  # already computed: no print
        return [ResultRow(n, name, v) for n, name, v in view.votes]

    def print_results(self) -> None:
        """Print the results report again, marked as a reprint (engine.reprint_results);
        raises PrinterUnavailable when it did not print."""
        view = self.engine.reprint_results()
        self._results = view
        status = str(view.report_status)
        if status not in PAPER_OK:
            raise kerr.PrinterUnavailable("results report", status)

    def export(self, target: Path, progress: Callable[[float], None]) -> Any:
        """Write and verify the bundle on the stick; returns the engine's ExportReport."""
        progress(0.1)
        report = self.engine.export(target)
        progress(1.0)
        return report

    # ------------------------------------------------------------------ outbox (E-rekap)

    def outbox_rows(self, export_dir: Path) -> list[OutboxRow]:
        """The export folder's bundles taken into its outbox (as `kiosk send` does: copies
        kept until the server confirms) and what each is: sent, not yet sent, refused.
        Reads and parses the bundles: call from the worker."""
        from kiosk.outbox import FOLDER, Outbox

        box = Outbox(export_dir / FOLDER)
        box.add_export(export_dir)
        return _outbox_rows(box)

    def send_outbox(self, export_dir: Path, url: str) -> list[OutboxRow]:
        """One attempt for every bundle not yet confirmed (the network: call from the
        worker); the rows after it. Nothing but the public bundles is ever sent."""
        from kiosk.outbox import FOLDER, Outbox

        box = Outbox(export_dir / FOLDER)
        box.add_export(export_dir)
        box.send_once(url)
        return _outbox_rows(box)

    def outbox_refusal(self, exc: BaseException) -> str | None:
        """The outbox cannot be used (unreadable state, a bad URL): the catalog message."""
        from kiosk.outbox import OutboxError

        if isinstance(exc, OutboxError | OSError):
            return tr.gettext("The outbox cannot be used: {problem}").format(problem=str(exc))
        return None

    # ------------------------------------------------------------------ errors

    def refusal_text(self, exc: BaseException, lang: str) -> str | None:
        """An expected refusal in the voter's language, or None for a real failure."""
        if getattr(exc, "message_id", "") == "ui.scan.none":
            return tr.gettext("No card was scanned. Try again or choose the card file.")
        pin = self.login_refusal(exc)
        if pin is not None:
            return pin
        if isinstance(exc, kerr.StorageError | kerr.PrinterUnavailable):
            return None
        if isinstance(exc, kerr.KioskError):
            return exc.indonesian if lang == "id" else exc.english
        return None

    def classify_error(self, exc: BaseException) -> str:
        if isinstance(exc, kerr.PrinterUnavailable):
            if exc.status == "cover-open":
                return "printer_cover"
            return "printer_paper" if "paper" in exc.status else "printer"
        if isinstance(exc, kerr.StorageError) or isinstance(exc, OSError):
            return "storage"
        return "unknown"

    def error_detail(self, exc: BaseException) -> str:
        if isinstance(exc, kerr.KioskError):
            return exc.indonesian if tr.lang == "id" else exc.english
        return type(exc).__name__
