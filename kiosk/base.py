"""The engine's shared state and start-up (`KioskEngineBase`); actions are in mixins.

The public API is `kiosk.engine.KioskEngine` (see docs/KIOSK.md).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ballotcore import package as pkg
from ballotcore.errors import BallotCoreError
from ballotcore.results import box_root
from ballotcore.rng import OS_RANDOM, RandomSource
from hardware import receipts
from kiosk import device, devices, pinstate
from kiosk import polls as pm
from kiosk import session as sm
from kiosk.clock import Clock, SystemClock, iso_seconds
from kiosk.errors import (
    LockedError,
    PackageRejected,
    PinError,
    StorageError,
    TransitionRefused,
)
from kiosk.officers import PinGuard
from kiosk.storage import DB_NAME, KioskStore
from kiosk.views import CandidateView, Status

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])


def database_key(private_key: Ed25519PrivateKey, package: pkg.StationPackage) -> bytes:
    """The SQLCipher key: HKDF-SHA256 of the kiosk's private key, bound to the station.

    Never stored: it exists only while an officer PIN has unwrapped the kiosk key (from
    the kiosk's own installation, `kiosk.device`).
    """
    cert = package.certificate
    salt = cert.public_key + cert.definition_hash
    info = f"SuaraDesa/v1/kiosk-db/{cert.election_id}/{cert.kiosk_id}".encode()
    return HKDF(hashes.SHA256(), 32, salt=salt, info=info).derive(private_key.private_bytes_raw())


def locked(method: F) -> F:
    """Run the method under the engine's lock."""

    @functools.wraps(method)
    def wrapper(self: KioskEngineBase, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class KioskEngineBase:
    """State, start-up and shared helpers; the actions live in the mixins."""

    def __init__(
        self,
        package_path: Path,
        data_dir: Path,
        *,
        printer: devices.ContentPrinter | None = None,
        scanner: devices.PollingScanner | None = None,
        clock: Clock | None = None,
        expected_authority: str | None = None,
        check_dates: bool = True,
        rng: RandomSource = OS_RANDOM,
        device_dir: Path | None = None,
    ) -> None:
        """Load and verify the package (PackageRejected otherwise); nothing is unlocked yet.

        `rng` is where the slot choice and ballot encryption draw randomness: the OS
        CSPRNG (`secrets`) unless a test injects another source. `device_dir` is where the
        kiosk keeps its device secret and installations (default `<data>/device`,
        `kiosk.device`); an uninstalled package needs `install(code)` before any officer
        PIN is accepted."""
        self._lock = threading.RLock()
        self._rng = rng
        self.clock: Clock = clock or SystemClock()
        today = self.clock.wall().date() if check_dates else None
        try:
            self.package = pkg.load_package(
                Path(package_path), expected_authority, today, allow_early=True
            )
        except BallotCoreError as exc:
            raise PackageRejected(str(exc)) from exc
        self.data_dir = Path(data_dir)
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot create the data folder {self.data_dir}: {exc}") from exc
        self.devices = devices.Devices(printer, scanner)
        self.record = self.package.public_record
        self.definition = self.record.definition
        self.village = self.package.village
        self.station = self.package.station
        self.village_key = self.record.village_keys[self.village.code]
        self.candidates = tuple(
            CandidateView(c.number, c.name, self.package.photos.get(c.number))
            for c in self.village.candidates
        )
        self.device_dir = Path(device_dir) if device_dir else device.default_device_dir(self.data_dir)
        self.pins = PinGuard(
            self.package, self.data_dir, self.clock, (self.data_dir / DB_NAME).exists(),
            device.load_installation(self.device_dir, self.package),
        )  # fmt: skip
        self.store: KioskStore | None = None
        self._key: Ed25519PrivateKey | None = None
        self._free: list[bytes] = []
        self.voter = sm.VoterSession()
        self._pending_receipt: tuple[str, str] | None = None
        self._slot_size_cache: int | None = None

    # ------------------------------------------------------------ helpers
    def _now(self) -> str:
        return iso_seconds(self.clock.wall())

    def _db(self) -> KioskStore:
        if self.store is None:
            raise LockedError()
        return self.store

    def _kiosk_key(self) -> Ed25519PrivateKey:
        if self._key is None:
            raise LockedError()
        return self._key

    def _polls(self) -> pm.PollsState:
        return pm.PollsState(self._db().get("polls_state"))

    def _mode(self) -> pm.Mode:
        return pm.Mode(self._db().get("mode"))

    def _refuse(self, machine: str, action: str, why: str = "") -> TransitionRefused:
        """Log a refused action and return the exception to raise."""
        state = self._polls().value if machine == "polls" else self.voter.state.value
        if self.store is not None:
            code = "polls.transition_refused" if machine == "polls" else "session.transition_refused"
            with self.store.transaction() as txn:
                txn.log(code, self._now(), {"state": state, "action": action, "reason": why[:80]})
        return TransitionRefused(machine, state, action, why)

    def _polls_step(self, action: pm.PollsAction, why_refused: str = "") -> tuple[pm.PollsState, str]:
        """The transition for `action` from the current state, or a logged refusal."""
        step = pm.transition(self._polls(), action)
        if step is None:
            raise self._refuse("polls", action.value, why_refused)
        return step

    def _open_store(self, private_key: Ed25519PrivateKey, slot: int) -> None:
        store = KioskStore(self.data_dir, database_key(private_key, self.package))
        cert = self.package.certificate
        now = self._now()
        with store.transaction() as txn:
            if store.created or store.get("kiosk_id") is None:
                txn.set("kiosk_id", cert.kiosk_id)
                txn.set("definition_hash", cert.definition_hash.hex())
                txn.set("polls_state", pm.PollsState.SETUP.value)
                txn.set("mode", pm.Mode.OFFICIAL.value)
                for name in ("activations", "ballots", "voided"):
                    txn.set(name, 0)
                txn.set("session", "idle")
                txn.log("storage.created", now, {"kiosk": cert.kiosk_id})
            elif (store.get("kiosk_id"), store.get("definition_hash")) != (
                cert.kiosk_id,
                cert.definition_hash.hex(),
            ):
                raise StorageError("the database in the data folder belongs to another election")
            for name in store.applied_now:
                txn.log("storage.migrated", now, {"name": name})
            for when, code, number in self.pins.take_pending():
                txn.log(code, when, pinstate.pending_detail(code, number))
            if self.pins.record.reset_detected:
                txn.log("officer.pin_state_reset", now)
            session = store.get("session", "idle")
            if session == "live":
                txn.add("voided")
                txn.log("session.voided_on_restart", now)
            elif session == "committed":
                txn.log("ballot.committed_not_confirmed", now)
            txn.set("session", "idle")
            txn.log("kiosk.started", now, {"officer": slot})
        self.pins.clear_pending()
        store.truncate_wal()
        self.store = store
        self._key = private_key
        self._free = store.free_slots()
        self.voter = sm.VoterSession()

    def _flush_pin_log(self) -> None:
        """Copy PIN attempts recorded in the state file into the database log."""
        if self.store is not None and self.pins.take_pending():
            with self.store.transaction() as txn:
                for when, code, number in self.pins.take_pending():
                    txn.log(code, when, pinstate.pending_detail(code, number))
            self.pins.clear_pending()

    def _officer(self, pin: str) -> int:
        """The officer slot of a correct PIN; every attempt is logged (PinError otherwise)."""
        try:
            return self.pins.check(pin)
        except PinError:
            self._flush_pin_log()
            raise

    def _candidate(self, number: int) -> CandidateView:
        for c in self.candidates:
            if c.number == number:
                return c
        raise KeyError(number)

    def _station_receipt(self) -> receipts.Station:
        """The station header printed on every report."""
        return receipts.Station(
            self.definition.name, self.village.name, self.station.code, self.package.kiosk_id
        )

    def _empty_root(self) -> str:
        return box_root([]).hex()

    # ------------------------------------------------------------ queries
    @locked
    def status(self) -> Status:
        """A snapshot of the kiosk for the GUI (works while locked, with zero counters)."""
        store = self.store
        get: Callable[[str, Any], Any] = store.get if store else (lambda _n, d: d)
        partial_idx = tuple(i for i, _ in store.partials()) if store else ()
        return Status(
            unlocked=store is not None,
            polls=get("polls_state", pm.PollsState.SETUP.value),
            mode=get("mode", pm.Mode.OFFICIAL.value),
            session=self.voter.state.value,
            awaiting_confirmation=get("session", "idle") == "committed",
            activations=int(get("activations", 0)),
            ballots=int(get("ballots", 0)),
            voided=int(get("voided", 0)),
            trustees_present=partial_idx,
            trustees_needed=self.village.threshold,
            results_ready=get("results", None) is not None,
            election=self.definition.name,
            village=self.village.code,
            village_name=self.village.name,
            station=self.station.code,
            kiosk_id=self.package.kiosk_id,
            dpt=self.station.dpt,
            printer=self.devices.printer_status(),
            scanner=self.devices.scanner_status(),
            pin_failures=self.pins.record.failures,
            pin_wait_seconds=self.pins.wait_seconds(),
            pin_locked=self.pins.record.locked,
            installed=self.pins.installation is not None,
            pin_tries_before_wait=pinstate.remaining_free(self.pins.record),
            receipts_pending=getattr(self, "_unprinted", None) is not None,
        )

    # ------------------------------------------------------------ installation, recovery
    @locked
    def install(self, code: str) -> Status:
        """Install the package on this kiosk with the installation code from the sealed
        officer sheet (typed, or the scanned QR text). Once per package and kiosk; a
        garbled, wrong or reused code raises InstallRefused and changes nothing."""
        installation = device.install(self.device_dir, self.package, code)
        self.pins.installed(installation)
        log.info("package installed on this kiosk")
        return self.status()

    @locked
    def unlock_pins(self, code: str) -> Status:
        """Lift an officer-PIN wait or lock-out with a one-time unlock code (from the
        sealed officer sheet, issued by the district). Raises UnlockRefused for a garbled,
        foreign or used code; every attempt is logged."""
        try:
            self.pins.recover(code)
        finally:
            self._flush_pin_log()
        return self.status()

    @locked
    def ballot_candidates(self) -> tuple[CandidateView, ...]:
        """The candidates in ballot-number order (names, photos) for the ballot screen."""
        return self.candidates

    @locked
    def event_log(self) -> list[dict[str, Any]]:
        """The event log (main chain then export log) as dicts, for the officer's viewer."""
        store = self._db()
        return [e.to_body() for e in store.events()] + [
            dict(e.to_body(), log="export") for e in store.events("export_events")
        ]

    def election_date(self) -> dt.date:
        return dt.date.fromisoformat(self.definition.date)
