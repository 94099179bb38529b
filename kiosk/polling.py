"""Officer actions on the polls: log in, readiness, mode, open (zero report), pause, close."""

from __future__ import annotations

import shutil

from ballotcore.ballot import BallotContext, encrypt_ballot
from ballotcore.bundle import BALLOT_LABEL
from hardware import receipts
from kiosk import closing
from kiosk import polls as pm
from kiosk import session as sm
from kiosk.base import locked
from kiosk.closesummary import CloseSummaryActions
from kiosk.errors import PinError, PrinterUnavailable
from kiosk.storage import SIG_BYTES
from kiosk.views import Readiness, ReadinessCheck, Status

PRINTABLE = ("ready", "paper-near-end")
SOFTWARE_VERSION = "suaradesa-kiosk 0.1.0"


class PollingActions(CloseSummaryActions):
    """Officer-facing actions; all need the database unlocked except `officer_login`."""

    @locked
    def officer_login(self, pin: str) -> Status:
        """Check an officer PIN; the first success unlocks the kiosk key and opens (or
        creates, or recovers) the encrypted database. Raises PinRejected/PinWait/PinLockedOut."""
        try:
            slot, key = self.pins.unlock(pin)
        except PinError:
            self._flush_pin_log()
            raise
        if self.store is None:
            self._open_store(key, slot)
        else:
            self._flush_pin_log()
            with self.store.transaction() as txn:
                txn.log("officer.pin_accepted", self._now(), {"officer": slot, "action": "login"})
        return self.status()

    # ------------------------------------------------------------ readiness and mode
    def _slot_size(self) -> int:
        """Byte size of one stored ballot record (fixed per contest) plus its signature."""
        if self._slot_size_cache is None:
            cert = self.package.certificate
            ctx = BallotContext(
                cert.election_id, cert.village, cert.station, cert.kiosk_id, bytes(16)
            )
            ballot = encrypt_ballot(ctx, self.village_key.public_key, len(self.candidates), 0)
            self._slot_size_cache = len(ballot.to_bytes()) + SIG_BYTES
        return self._slot_size_cache

    @locked
    def readiness(self) -> Readiness:
        """Run the readiness checks. While the polls are in setup and every required check
        passes, this also moves them to ready (logged); failures and warnings are logged
        too. The printer and storage are required; the scanner is a warning only."""
        cert = self.package.certificate
        today = self.clock.wall().date()
        checks = [
            ReadinessCheck("package", True, f"verified, kiosk {cert.kiosk_id}"),
            ReadinessCheck(
                "certificate",
                cert.valid_from <= today.isoformat() <= cert.valid_until,
                f"valid {cert.valid_from} to {cert.valid_until}",
            ),
        ]
        if self.store is None:
            checks.append(ReadinessCheck("storage", False, "locked: an officer PIN is needed"))
        else:
            allocated = self.store.slot_count()
            need = 0 if allocated else 2 * self.station.dpt * self._slot_size() * 3
            free = shutil.disk_usage(self.data_dir).free
            checks.append(
                ReadinessCheck(
                    "storage",
                    free >= need,
                    f"{free // 2**20} MiB free, {need // 2**20 + 1} MiB needed for "
                    f"2 x {self.station.dpt} ballots",
                )
            )
        printer, scanner = self.devices.printer_status(), self.devices.scanner_status()
        checks.append(ReadinessCheck("printer", printer in PRINTABLE, printer))
        # Not required: trustee cards can also be read from `.sdcard` files on the USB
        # stick (docs/OPERATIONS.md), so a missing scanner is a warning only.
        checks.append(ReadinessCheck("scanner", scanner == "ready", scanner, required=False))
        report = Readiness(tuple(checks))
        if self.store is not None:
            warned = ",".join(c.name for c in checks if not c.required and not c.ok)
            with self.store.transaction() as txn:
                if not report.ok:
                    failed = ",".join(c.name for c in checks if c.required and not c.ok)
                    detail: dict[str, str | int] = {"failed": failed}
                    if warned:
                        detail["warnings"] = warned
                    txn.log("readiness.failed", self._now(), detail)
                else:
                    txn.log("readiness.passed", self._now(), {"warnings": warned} if warned else None)
                    step = pm.transition(self._polls(), pm.PollsAction.PREPARE)
                    if step is not None:
                        txn.log(step[1], self._now())
                        txn.set("polls_state", step[0].value)
        return report

    @locked
    def set_mode(self, mode: str, pin: str, clear: bool = False) -> Status:
        """Switch between "official" and "test". A switch empties the ballot box and
        returns the polls to setup; it needs `clear=True` whenever anything is stored, and
        official polls, once opened, can never be switched away from."""
        store = self._db()
        new = pm.Mode(mode)
        empty = all(int(store.get(n, 0)) == 0 for n in ("activations", "ballots", "voided"))
        why = pm.mode_switch_refusal(self._polls(), self._mode(), new, empty, clear)
        if why is not None:
            raise self._refuse("polls", f"switch_mode_{new.value}", why)
        slot = self._officer(pin)
        old = self._mode()
        with store.transaction() as txn:
            txn.clear_box()
            for name in ("activations", "ballots", "voided"):
                txn.set(name, 0)
            txn.set("session", "idle")
            txn.set("polls_state", pm.PollsState.SETUP.value)
            txn.set("mode", new.value)
            txn.log("box.cleared", self._now(), {"officer": slot})
            txn.log("mode.switched", self._now(), {"from": old.value, "to": new.value})
        store.truncate_wal()
        self._free = []
        self.voter = sm.VoterSession()
        return self.status()

    # ------------------------------------------------------------ open, pause, close
    @locked
    def open_polls(self, pin: str) -> Status:
        """ready -> open: officer PIN, empty box, 2 x DPT slots allocated, zero report
        printed (PrinterUnavailable and polls stay ready if it cannot be printed)."""
        store = self._db()
        state, code = self._polls_step(pm.PollsAction.OPEN, self._open_refusal())
        counters = [int(store.get(n, 0)) for n in ("activations", "ballots", "voided")]
        if any(counters) or store.ballot_count():
            raise self._refuse("polls", "open", "totals are not zero: the box is not empty")
        slot = self._officer(pin)
        wanted = 2 * self.station.dpt
        if store.slot_count() == 0:
            with store.transaction() as txn:
                self._free = txn.allocate_slots(wanted, self._slot_size())
                txn.log("box.slots_allocated", self._now(), {"count": wanted})
            store.truncate_wal()
        zero = receipts.ZeroReport(
            self._station_receipt(),
            tuple(receipts.CandidateCount(c.number, c.name, 0) for c in self.candidates),
            0,
            self._empty_root(),
            SOFTWARE_VERSION,
            self.clock.wall().astimezone(self.definition.zone),  # WIB/WITA/WIT, never UTC
        )
        outcome = self.devices.print(zero)
        if not outcome.ok:
            with store.transaction() as txn:
                txn.log("report.zero_failed", self._now(), {"status": outcome.status})
            raise PrinterUnavailable("zero report", outcome.status)
        with store.transaction() as txn:
            txn.log("report.zero_printed", self._now(), {"root": self._empty_root()})
            txn.log(code, self._now(), {"officer": slot, "mode": self._mode().value})
            txn.set("polls_state", state.value)
        return self.status()

    def _open_refusal(self) -> str:
        state = self._polls()
        if state == pm.PollsState.SETUP:
            return "readiness checks have not passed and no zero report was printed"
        if state in pm.SEALED_STATES:
            return "polls were closed; they can never be re-opened"
        return ""

    @locked
    def pause(self) -> Status:
        """open -> paused (refused while a voter session is in progress)."""
        if self.voter.state in sm.LIVE_STATES:
            raise self._refuse("polls", "pause", "a voter session is in progress")
        state, code = self._polls_step(pm.PollsAction.PAUSE)
        with self._db().transaction() as txn:
            txn.log(code, self._now())
            txn.set("polls_state", state.value)
        return self.status()

    @locked
    def resume(self) -> Status:
        """paused -> open."""
        state, code = self._polls_step(pm.PollsAction.RESUME)
        with self._db().transaction() as txn:
            txn.log(code, self._now())
            txn.set("polls_state", state.value)
        return self.status()

    @locked
    def close_polls(self, pin: str) -> Status:
        """open|paused -> closed: officer PIN; a voter session in progress is voided; the
        ballots are summed homomorphically (no ballot is decrypted); then the close summary
        is printed (kiosk.closesummary; a printer fault does not undo the close)."""
        store = self._db()
        state, code = self._polls_step(pm.PollsAction.CLOSE, "polls are not open or paused")
        slot = self._officer(pin)
        aggregate, root = closing.tally_box(
            [record for record, _ in store.ballots()], len(self.candidates)
        )
        with store.transaction() as txn:
            if self.voter.state in sm.LIVE_STATES:
                txn.add("voided")
                txn.log("session.voided", self._now(), {"reason": "polls closed"})
            elif store.get("session") == "committed":
                txn.log("ballot.confirmed", self._now())
            txn.set("session", "idle")
            txn.set("aggregate", closing.encode_aggregate(aggregate))
            txn.set("box_root", root.hex())
            txn.log(code, self._now(), {"officer": slot, "ballots": int(store.get("ballots", 0))})
            txn.set("polls_state", state.value)
        store.truncate_wal()
        self.voter = sm.VoterSession()
        self._free = []
        self._print_close_summary(reprint=False)
        return self.status()


__all__ = ["BALLOT_LABEL", "PollingActions"]
