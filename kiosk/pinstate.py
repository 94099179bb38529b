"""Officer PIN attempts: the lock-out policy (pure) and its tamper-evident state file.

Policy (numbers in `kiosk.timeouts`): the first 5 wrong PINs are free; after the 5th a
15 s wait, doubling with each further wrong PIN; after 15 wrong PINs in a row the PINs
are locked until a one-time unlock code from the sealed officer sheet is entered
(`after_unlock`; the codes and which were used are in `kiosk.device`). A correct PIN
resets the counter.

Why a separate file: the counter must survive restarts, yet it is needed *before* the
encrypted database can be opened (the database key is unlocked by the PIN itself). The
file `<data>/pin-state.json` holds the counter, the time of the last failure and the
attempts not yet copied into the database's event log. It carries an HMAC-SHA256 under a
key derived from the verified package, so an edited file is detected (and treated as a
lock-out); it is written atomically (temporary file, fsync, rename, fsync of the folder)
so a power cut leaves either the old or the new file, never a torn one. The HMAC key is
derivable by anyone holding the package: this detects casual tampering, it does not
stop an attacker who also has the package and deletes or rewrites the file. Such an
attacker still cannot test PINs offline: their verifiers are salted with the device
secret (`kiosk.device`, docs/SECURITY.md).
"""

from __future__ import annotations

import hmac
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kiosk import timeouts
from kiosk.errors import PinLockedOut, PinWait

FILE_NAME = "pin-state.json"
VERSION = 1


@dataclass(frozen=True)
class PinRecord:
    """Consecutive wrong PINs, when the last one happened, and attempts to log later."""

    failures: int = 0
    last_failure: float | None = None  # wall-clock seconds since the epoch
    locked: bool = False
    pending: tuple[tuple[str, str, int], ...] = field(default=())  # (time, event, failures)
    reset_detected: bool = False


def gate(record: PinRecord, now: float) -> None:
    """Raise PinLockedOut or PinWait if a PIN may not be tried at `now`."""
    if record.locked or record.failures >= timeouts.PIN_LOCK_FAILURES:
        raise PinLockedOut()
    wait = timeouts.pin_wait_seconds(record.failures)
    if wait and record.last_failure is not None:
        remaining = record.last_failure + wait - now
        if remaining > 0:
            raise PinWait(remaining)


def after_failure(record: PinRecord, now: float, time_text: str) -> PinRecord:
    """The record after one more wrong PIN (locks at the limit)."""
    failures = record.failures + 1
    locked = failures >= timeouts.PIN_LOCK_FAILURES
    pending = record.pending + ((time_text, "officer.pin_wrong", failures),)
    if locked:
        pending += ((time_text, "officer.pin_locked", failures),)
    return replace(record, failures=failures, last_failure=now, locked=locked, pending=pending)


def after_refusal(record: PinRecord, time_text: str) -> PinRecord:
    """The record after a PIN refused unchecked because the wait had not passed."""
    return replace(
        record, pending=record.pending + ((time_text, "officer.pin_refused_wait", record.failures),)
    )


def after_success(record: PinRecord, time_text: str) -> PinRecord:
    """A correct PIN clears the counter (the success itself is logged by the caller)."""
    return replace(record, failures=0, last_failure=None)


def after_unlock(record: PinRecord, time_text: str, code_index: int) -> PinRecord:
    """The record after a valid one-time unlock code: counter cleared, lock lifted."""
    return replace(
        record, failures=0, last_failure=None, locked=False,
        pending=record.pending + ((time_text, "officer.pin_unlocked", code_index),),
    )  # fmt: skip


def after_unlock_refused(record: PinRecord, time_text: str, reason_code: int) -> PinRecord:
    """The record after a refused unlock code (logged with the reason's number)."""
    return replace(
        record, pending=record.pending + ((time_text, "officer.unlock_refused", reason_code),)
    )


#: What the number in a pending entry means, per event (default: consecutive failures).
PENDING_DETAIL = {"officer.pin_unlocked": "code", "officer.unlock_refused": "reason",
                  "kiosk.installed": "slots"}  # fmt: skip
UNLOCK_REFUSALS = ("garbled", "foreign", "used", "not-locked")


def pending_detail(event: str, number: int) -> dict[str, str | int]:
    """The log detail of a pending entry."""
    key = PENDING_DETAIL.get(event, "failures")
    if key == "reason":
        return {"reason": UNLOCK_REFUSALS[number]}
    return {key: number}


def remaining_free(record: PinRecord) -> int:
    """Wrong PINs still possible before a wait is imposed."""
    return max(0, timeouts.PIN_FREE_FAILURES - record.failures)


class PinStateFile:
    """The HMAC'd, atomically replaced state file in the kiosk's data folder."""

    def __init__(self, data_dir: Path, package_secretless_id: bytes) -> None:
        self.path = Path(data_dir) / FILE_NAME
        self._mac_key = HKDF(
            hashes.SHA256(), 32, salt=None, info=b"SuaraDesa/v1/kiosk-pin-state"
        ).derive(package_secretless_id)

    def _mac(self, payload: bytes) -> str:
        return hmac.new(self._mac_key, payload, "sha256").hexdigest()

    def load(self, database_exists: bool) -> PinRecord:
        """Read the record; a missing file with an existing database counts as tampering
        evidence (5 failures, so the next wrong PIN already waits); a bad MAC locks."""
        if not self.path.exists():
            if database_exists:
                return PinRecord(
                    failures=timeouts.PIN_FREE_FAILURES, last_failure=None, reset_detected=True
                )
            return PinRecord()
        try:
            outer = json.loads(self.path.read_bytes())
            payload = outer["payload"].encode()
            if not hmac.compare_digest(self._mac(payload), outer["mac"]):
                raise ValueError("mac")
            body = json.loads(payload)
            if body["v"] != VERSION:
                raise ValueError("version")
            return PinRecord(
                failures=int(body["failures"]),
                last_failure=body["last_failure"],
                locked=bool(body["locked"]),
                pending=tuple((str(t), str(e), int(n)) for t, e, n in body["pending"]),
                reset_detected=bool(body.get("reset_detected", False)),
            )
        except (ValueError, KeyError, TypeError):
            return PinRecord(failures=timeouts.PIN_LOCK_FAILURES, locked=True)

    def save(self, record: PinRecord) -> None:
        """Replace the file atomically and durably."""
        payload = json.dumps(
            {
                "v": VERSION,
                "failures": record.failures,
                "last_failure": record.last_failure,
                "locked": record.locked,
                "pending": [list(p) for p in record.pending],
                "reset_detected": record.reset_detected,
            },
            sort_keys=True,
        )
        data = json.dumps({"payload": payload, "mac": self._mac(payload.encode())}).encode()
        write_atomic(self.path, data)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` via a temporary file, fsync and rename (and fsync the dir)."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
