"""Officer PIN checks: the lock-out policy applied around the package's scrypt check.

`PinGuard.check(pin)` returns the officer slot for a correct PIN or raises (`PinRejected`,
`PinWait`, `PinLockedOut`); every attempt updates the state file (`kiosk.pinstate`)
before the answer is given, so pulling the plug after a wrong PIN cannot erase it.

A PIN proved correct once in this run is remembered as an HMAC under a random per-run
key (never the PIN itself, never on disk), so the many ballot activations of a polling
day do not each cost a scrypt run. Wrong PINs are never cached.
"""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballotcore import package as pkg
from kiosk import pinstate
from kiosk.clock import Clock, iso_seconds
from kiosk.errors import PinLockedOut, PinRejected, PinWait
from kiosk.pinstate import PinRecord, PinStateFile


class PinGuard:
    """Applies the PIN policy for one package and data folder."""

    def __init__(self, package: pkg.StationPackage, data_dir: Path, clock: Clock,
                 database_exists: bool) -> None:
        self._package = package
        self._clock = clock
        self._file = PinStateFile(data_dir, package.digest + package.certificate.public_key)
        self.record: PinRecord = self._file.load(database_exists)
        if not self._file.path.exists():
            self._file.save(self.record)  # from now on a missing file is evidence
        self._run_key = secrets.token_bytes(32)
        self._known: dict[bytes, int] = {}

    def _now(self) -> tuple[float, str]:
        moment = self._clock.wall()
        return moment.timestamp(), iso_seconds(moment)

    def _gate(self) -> None:
        now, text = self._now()
        try:
            pinstate.gate(self.record, now)
        except PinWait:
            self.record = pinstate.after_refusal(self.record, text)
            self._file.save(self.record)
            raise

    def _failed(self) -> PinRejected | PinLockedOut:
        now, text = self._now()
        self.record = pinstate.after_failure(self.record, now, text)
        self._file.save(self.record)
        if self.record.locked:
            return PinLockedOut()
        return PinRejected(pinstate.remaining_free(self.record))

    def _succeeded(self) -> None:
        if self.record.failures or self.record.last_failure is not None:
            _, text = self._now()
            self.record = pinstate.after_success(self.record, text)
            self._file.save(self.record)

    def unlock(self, pin: str) -> tuple[int, Ed25519PrivateKey]:
        """(officer slot, kiosk private key) for a correct PIN (one scrypt run per slot)."""
        self._gate()
        try:
            slot, key = pkg.unlock_kiosk_key(self._package, pin)
        except pkg.WrongPin:
            raise self._failed() from None
        self._remember(pin, slot)
        self._succeeded()
        return slot, key

    def check(self, pin: str) -> int:
        """The officer slot of a correct PIN (cheap if this PIN was correct before)."""
        self._gate()
        tag = hmac.new(self._run_key, pin.encode(), "sha256").digest()
        slot = self._known.get(tag)
        if slot is None:
            slot = pkg.check_officer_pin(self._package, pin)
            if slot is None:
                raise self._failed()
            self._known[tag] = slot
        self._succeeded()
        return slot

    def _remember(self, pin: str, slot: int) -> None:
        self._known[hmac.new(self._run_key, pin.encode(), "sha256").digest()] = slot

    def take_pending(self) -> tuple[tuple[str, str, int], ...]:
        """Attempts not yet in the database log (the caller logs them, then `clear_pending`)."""
        return self.record.pending

    def clear_pending(self) -> None:
        if self.record.pending or self.record.reset_detected:
            self.record = PinRecord(
                self.record.failures, self.record.last_failure, self.record.locked, ()
            )
            self._file.save(self.record)

    def wait_seconds(self) -> float:
        now, _ = self._now()
        try:
            pinstate.gate(self.record, now)
        except PinWait as exc:
            return exc.seconds
        except PinLockedOut:
            return float("inf")
        return 0.0
