"""Officer PIN checks: the lock-out policy applied around the kiosk's own PIN check.

The PINs are checked against the installation on this kiosk (`kiosk.device`: Argon2id,
verifiers salted with the device secret), never against anything on the USB stick.
`recover(code)` lifts a lock-out with one of the package's one-time unlock codes.

`PinGuard.check(pin)` returns the officer slot for a correct PIN or raises (`PinRejected`,
`PinWait`, `PinLockedOut`); every attempt updates the state file (`kiosk.pinstate`)
before the answer is given, so pulling the plug after a wrong PIN cannot erase it.

A PIN proved correct once in this run is remembered as an HMAC under a random per-run
key (never the PIN itself, never on disk), so the many ballot activations of a polling
day do not each cost an Argon2id run. Wrong PINs are never cached.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import replace
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballotcore import package as pkg
from ballotcore.errors import CodeFormatError
from kiosk import device, pinstate
from kiosk.clock import Clock, iso_seconds
from kiosk.errors import NotInstalled, PinLockedOut, PinRejected, PinWait, UnlockRefused
from kiosk.pinstate import PinRecord, PinStateFile


class PinGuard:
    """Applies the PIN policy for one package and data folder."""

    def __init__(self, package: pkg.StationPackage, data_dir: Path, clock: Clock,
                 database_exists: bool, installation: device.Installation | None) -> None:
        self._package = package
        self.installation = installation
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

    def _installed(self) -> device.Installation:
        if self.installation is None:
            raise NotInstalled()
        return self.installation

    def installed(self, installation: device.Installation) -> None:
        """Attach a fresh installation and log it (with the next database write)."""
        self.installation = installation
        _, text = self._now()
        self.record = replace(
            self.record,
            pending=self.record.pending + ((text, "kiosk.installed", len(installation.slots)),),
        )
        self._file.save(self.record)

    def unlock(self, pin: str) -> tuple[int, Ed25519PrivateKey]:
        """(officer slot, kiosk private key) for a correct PIN (one Argon2id run per slot)."""
        installation = self._installed()
        self._gate()
        opened = installation.unlock(pin)
        if opened is None:
            raise self._failed()
        slot, key = opened
        self._remember(pin, slot)
        self._succeeded()
        return slot, key

    def check(self, pin: str) -> int:
        """The officer slot of a correct PIN (cheap if this PIN was correct before)."""
        installation = self._installed()
        self._gate()
        tag = hmac.new(self._run_key, pin.encode(), "sha256").digest()
        slot = self._known.get(tag)
        if slot is None:
            slot = installation.check(pin)
            if slot is None:
                raise self._failed()
            self._known[tag] = slot
        self._succeeded()
        return slot

    def recover(self, code: str) -> int:
        """Lift a wait or lock-out with a one-time unlock code; returns the code's number.

        Refused (UnlockRefused, logged) for a garbled, foreign or used code, or when the
        PINs are neither locked nor waiting. The code is marked used on the device before
        the lock is lifted, so a power cut cannot make it usable twice."""
        installation = self._installed()
        _, text = self._now()
        if not (self.record.locked or self.wait_seconds() > 0):
            raise self._unlock_refused(text, "not-locked")
        try:
            index = pkg.match_unlock_code(self._package, code)
        except CodeFormatError:
            raise self._unlock_refused(text, "garbled") from None
        if index is None:
            raise self._unlock_refused(text, "foreign")
        if index in installation.used_unlock:
            raise self._unlock_refused(text, "used")
        self.installation = installation.mark_unlock_used(index)
        self.record = pinstate.after_unlock(self.record, text, index)
        self._file.save(self.record)
        return index

    def _unlock_refused(self, text: str, reason: str) -> UnlockRefused:
        number = pinstate.UNLOCK_REFUSALS.index(reason)
        self.record = pinstate.after_unlock_refused(self.record, text, number)
        self._file.save(self.record)
        return UnlockRefused(reason)

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
