"""Voter actions: activate, select, review, back, cast, confirm, void, idle timeout, keep-alive.

The cast path (see docs/KIOSK.md): choose a free slot uniformly at random (the engine's
`rng`, `secrets` by default), encrypt with proofs (same `rng`) and sign OFF the database
transaction, then ONE transaction fills the
slot, counts the ballot, marks the session "committed" and logs `ballot.cast` (no
content); COMMIT is durable (WAL, synchronous=FULL). Only then is the tracking code
returned and the receipts printed. `confirm_cast()` records that the voter saw the
"recorded" screen and truncates the WAL; a restart before that logs
`ballot.committed_not_confirmed` (the ballot is counted once, never lost or duplicated).

Benaloh challenge (docs/PROTOCOL.md 4.10): `commit()` after the review takes the free slot,
encrypts and signs exactly as the cast would, keeps the ballot and its nonces in memory
only, prints the take-home slip and returns the tracking code, before the voter answers.
`cast()` then stores that very ballot (and prints only the paper record); `challenge()`
spoils it instead: ONE transaction retires its slot, stores the spoiled record (ballot,
candidate, nonces, kiosk signature) and logs `ballot.challenged` (no content); then the
challenge receipt prints and the voter is back at the ballot, same activation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ballotcore.ballot import BallotContext, EncryptedBallot, encrypt_ballot_with_nonces
from ballotcore.bundle import BALLOT_LABEL
from ballotcore.signing import sign
from ballotcore.spoiled import SPOILED_LABEL, SpoiledBallot
from ballotcore.tracking import tracking_code
from hardware import receipts
from kiosk import polls as pm
from kiosk import session as sm
from kiosk import timeouts
from kiosk.base import KioskEngineBase, locked
from kiosk.crash import crash_point
from kiosk.errors import PrinterUnavailable, SelectionError, SessionTimedOut, TransitionRefused
from kiosk.views import CandidateView, CastReceipt, ChallengeView, CommitView

PRINTED = ("ready", "paper-near-end")
#: Printed on the slip when the election definition names no bulletin board for the village.
LOOKUP_TEXT = "Papan pengumuman desa / the village bulletin board"


@dataclass(frozen=True)
class Committed:
    """A ballot encrypted and shown but not yet cast or checked (memory only)."""

    slot_id: bytes
    ballot: EncryptedBallot
    nonces: tuple[int, ...]
    data: bytes  # ballot record bytes
    signature: bytes  # kiosk signature, label "ballot"
    choice: int  # candidate number
    code: str  # tracking code
    slip_status: str | None  # None: not printed yet (the one-step cast prints it later)


class VotingActions(KioskEngineBase):
    """Voter-session actions (polls must be open)."""

    _last_receipt: CastReceipt | None = None
    # the last cast's receipt while a paper of it is missing: reprintable (officer PIN)
    # after the voter's screen closed, until the next activation
    _unprinted: CastReceipt | None = None

    def _session_step(self, action: sm.SessionAction, why: str = "") -> sm.SessionState:
        nxt = sm.transition(self.voter.state, action)
        if nxt is None:
            raise self._refuse("session", action.value, why)
        return nxt

    def _end_session(self, code: str, reason: str | None = None) -> None:
        """Void the live session: count it, log it, store nothing else (a committed
        ballot is forgotten and its slot is free again)."""
        with self._db().transaction() as txn:
            txn.add("voided")
            txn.set("session", "idle")
            txn.log(code, self._now(), {"reason": reason} if reason else None)
        pending = self.voter.pending
        if isinstance(pending, Committed):
            self._free.append(pending.slot_id)
        self.voter = sm.VoterSession()

    def _expire(self) -> bool:
        """Void a live session that has been idle too long; True if it did."""
        if self.voter.state not in sm.LIVE_STATES or self.store is None:
            return False
        limit = (
            timeouts.ACTIVATED_IDLE_TIMEOUT_S
            if self.voter.state == sm.SessionState.ACTIVATED
            else timeouts.VOTER_IDLE_TIMEOUT_S
        )
        if self.clock.monotonic() - self.voter.last_activity <= limit:
            return False
        self._end_session("session.timed_out")
        return True

    def _touch(self, state: sm.SessionState) -> None:
        self.voter.state = state
        self.voter.last_activity = self.clock.monotonic()

    def _voter_call(self) -> None:
        self._db()
        if self._expire():
            raise SessionTimedOut()

    @locked
    def tick(self) -> bool:
        """Apply the idle timeouts now (the GUI calls this every second or so). True if the
        current voter session was voided by a timeout."""
        return self._expire()

    @locked
    def keep_alive(self) -> None:
        """The voter answered "are you still there?": restart the idle timer of the live
        session without changing its state or choice. A session already past its limit
        is voided first (SessionTimedOut); with no live session the call is refused."""
        self._voter_call()
        if self.voter.state not in sm.LIVE_STATES:
            raise self._refuse("session", "keep_alive", "no voter session is in progress")
        self.voter.last_activity = self.clock.monotonic()

    @locked
    def activate_ballot(self, pin: str) -> tuple[CandidateView, ...]:
        """An officer activates exactly one ballot; returns the candidates to show."""
        self._voter_call()
        if self._polls() != pm.PollsState.OPEN:
            raise self._refuse("polls", "activate", "polls are not open")
        if self._db().get("session") == "committed":
            self._confirm()
        nxt = self._session_step(sm.SessionAction.ACTIVATE, "a ballot is already activated")
        if not self._free:
            raise self._refuse("polls", "activate", "no free ballot slots are left")
        if int(self._db().get("ballots", 0)) >= self.station.dpt:
            # Every ballot needs a voter on the DPT; a bundle with more is refused
            # (docs/PROTOCOL.md 4.9), so the kiosk never records one more.
            raise self._refuse("polls", "activate", "as many ballots as the DPT were cast")
        slot = self._officer(pin)
        printer = self.devices.printer_status()
        if printer not in PRINTED:
            # a ballot whose paper record cannot print must not start (docs/KIOSK.md)
            with self._db().transaction() as txn:
                txn.log("session.activation_refused", self._now(), {"printer": printer})
            raise PrinterUnavailable("voter receipts", printer)
        self._unprinted = None
        with self._db().transaction() as txn:
            txn.add("activations")
            txn.set("session", "live")
            txn.log("session.activated", self._now(), {"officer": slot})
        self.voter = sm.VoterSession()
        self._touch(nxt)
        return self.candidates

    @locked
    def select(self, candidate_number: int) -> CandidateView:
        """The voter touches a candidate (may change their mind until cast)."""
        self._voter_call()
        nxt = self._session_step(sm.SessionAction.SELECT)
        try:
            chosen = self._candidate(candidate_number)
        except KeyError:
            raise SelectionError(
                f"There is no candidate number {candidate_number} on this ballot.",
                f"Tidak ada calon nomor {candidate_number} pada surat suara ini.",
            ) from None
        self.voter.choice = chosen.number
        self._touch(nxt)
        return chosen

    @locked
    def review(self) -> CandidateView:
        """Go to the review screen; returns the chosen candidate."""
        self._voter_call()
        if self.voter.choice is None:
            raise SelectionError("Choose a candidate first.", "Pilih calon terlebih dahulu.")
        nxt = self._session_step(sm.SessionAction.REVIEW)
        self._touch(nxt)
        return self._candidate(self.voter.choice)

    @locked
    def back(self) -> None:
        """From review back to the ballot (the choice is kept until changed)."""
        self._voter_call()
        self._touch(self._session_step(sm.SessionAction.BACK))

    @locked
    def void_session(self) -> None:
        """The officer cancels the voter session; nothing is stored but the count."""
        self._db()
        self._session_step(sm.SessionAction.VOID)
        self._end_session("session.voided")

    def _encrypt(self, slip: bool) -> Committed:
        """Take a free slot at random and encrypt and sign the voter's choice into it;
        print the take-home slip if `slip` (a commitment before the question)."""
        if self._polls() != pm.PollsState.OPEN:
            raise self._refuse("polls", "cast", "polls are not open")
        choice = self.voter.choice
        assert choice is not None
        if not self._free:
            raise self._refuse("polls", "cast", "no free ballot slots are left")
        i = self._rng.randbelow(len(self._free))
        self._free[i], self._free[-1] = self._free[-1], self._free[i]
        slot_id = self._free.pop()
        try:
            cert = self.package.certificate
            ctx = BallotContext(cert.election_id, cert.village, cert.station, cert.kiosk_id, slot_id)
            ballot, nonces = encrypt_ballot_with_nonces(
                ctx, self.village_key.public_key, len(self.candidates), choice - 1, self._rng
            )
            data = ballot.to_bytes()
            signature = sign(self._kiosk_key(), BALLOT_LABEL, data)
        except BaseException:
            self._free.append(slot_id)
            raise
        code = tracking_code(ballot.digest())
        status = self.devices.print(self._slip(code)).status if slip else None
        return Committed(slot_id, ballot, nonces, data, signature, choice, code, status)

    @locked
    def commit(self) -> CommitView:
        """After the review: encrypt the choice, print the take-home slip and return the
        tracking code, before the voter says "cast" or "check" (see module docstring)."""
        self._voter_call()
        if self.voter.choice is None:
            raise SelectionError("Choose a candidate first.", "Pilih calon terlebih dahulu.")
        nxt = self._session_step(sm.SessionAction.COMMIT, "the voter has not reviewed a choice")
        pending = self._encrypt(slip=True)
        self.voter.pending = pending
        self._touch(nxt)
        chosen = self._candidate(pending.choice)
        assert pending.slip_status is not None
        return CommitView(pending.code, chosen.number, chosen.name, pending.slip_status)

    @locked
    def challenge(self) -> ChallengeView:
        """"Check this ballot": spoil the committed ballot, reveal its nonces, print the
        challenge receipt and return the voter to the ballot (same activation)."""
        self._voter_call()
        pending = self.voter.pending
        nxt = self._session_step(sm.SessionAction.CHALLENGE, "no ballot is waiting for an answer")
        assert isinstance(pending, Committed)
        record = SpoiledBallot(pending.ballot, pending.choice, pending.nonces)
        data = record.to_bytes()
        signature = sign(self._kiosk_key(), SPOILED_LABEL, data)
        with self._db().transaction() as txn:
            txn.spoil_slot(pending.slot_id, data + signature)
            txn.log("ballot.challenged", self._now())
        self.voter.pending = None
        self._touch(nxt)
        chosen = self._candidate(pending.choice)
        printed = self.devices.print(receipts.ChallengeReceipt(
            self.village.name, self.station.code, chosen.number, chosen.name, pending.code
        ))
        return ChallengeView(pending.code, chosen.number, chosen.name, printed.status)

    @locked
    def cast(self) -> CastReceipt:
        """Store durably, then print and return the receipt (see module). From the review
        it encrypts first; after `commit()` it stores exactly the committed ballot."""
        self._voter_call()
        store = self._db()
        if self._polls() != pm.PollsState.OPEN:
            raise self._refuse("polls", "cast", "polls are not open")
        committed = self.voter.state == sm.SessionState.COMMITTED
        nxt = self._session_step(sm.SessionAction.CAST, "the voter has not reviewed a choice")
        pending = self.voter.pending if committed else self._encrypt(slip=False)
        assert isinstance(pending, Committed)
        try:
            crash_point("before_begin")
            with store.transaction(crash_before_commit="after_insert") as txn:
                txn.fill_slot(pending.slot_id, pending.data + pending.signature)
                txn.add("ballots")
                txn.set("session", "committed")
                txn.log("ballot.cast", self._now())
        except BaseException:
            if not committed:
                self._free.append(pending.slot_id)
            raise
        crash_point("after_commit")
        self.voter.pending = None
        self._touch(nxt)
        self._last_receipt = self._print_receipts(pending.code, pending.choice, pending.slip_status)
        return self._last_receipt

    def _training(self) -> bool:
        return bool(self._db().get("mode", pm.Mode.OFFICIAL.value) == pm.Mode.TEST.value)

    def _voter_record(self, choice: int) -> receipts.VoterRecord:
        """The audit-box paper: place and choice only. No tracking code, ballot id, time
        or sequence number, so it cannot be paired with the slip or the ballot."""
        chosen = self._candidate(choice)
        return receipts.VoterRecord(self.village.name, self.station.code, chosen.number,
                                    chosen.name, self._training())

    def _slip(self, code: str) -> receipts.TakeHomeSlip:
        """The take-home slip: the tracking code and where this village publishes codes."""
        return receipts.TakeHomeSlip(code, self.village.bulletin_board or LOOKUP_TEXT,
                                     self._training())

    def _print_receipts(self, code: str, choice: int, slip_status: str | None = None
                        ) -> CastReceipt:
        """The paper record, and the slip unless the commitment already printed it."""
        chosen = self._candidate(choice)
        paper = self.devices.print(self._voter_record(choice))
        if slip_status is None:
            slip_status = self.devices.print(self._slip(code)).status
        return CastReceipt(
            code, chosen.number, chosen.name, self.village.name, self.station.code,
            paper.status, slip_status,
        )

    @locked
    def reprint_receipts(self, pin: str | None = None) -> CastReceipt:
        """Print again, marked "CETAK ULANG / REPRINT" (the printer's `job.reprint()` of
        the same job), whichever of the paper record and slip of the ballot just cast did
        not print (printer fixed). Before `confirm_cast()`, or after it (officer `pin`
        required then) until the next activation; the ballot is never touched."""
        waiting = self.voter.state == sm.SessionState.CAST and self._last_receipt is not None
        last = self._last_receipt if waiting else self._unprinted
        if last is None:
            raise self._refuse("session", "reprint", "no receipt is waiting to be printed")
        if pin is not None or not waiting:
            if pin is None:
                raise self._refuse("session", "reprint", "the officer PIN is needed")
            self._officer(pin)
        record, slip = last.voter_record_status, last.slip_status
        if record not in PRINTED:
            record = self.devices.print(
                self._voter_record(last.candidate_number), reprint=True
            ).status
        if slip not in PRINTED:
            slip = self.devices.print(self._slip(last.tracking_code), reprint=True).status
        again = replace(last, voter_record_status=record, slip_status=slip)
        with self._db().transaction() as txn:
            txn.log("receipt.reprinted", self._now(), {"record": record, "slip": slip})
        if waiting:
            self._last_receipt = again
        self._unprinted = None if again.printed else again
        return again

    @locked
    def finish_without_paper(self, pin: str) -> None:
        """An officer confirms (PIN) that the voter leaves without a complete paper record
        (the printer cannot be fixed now): logged, then confirmed like `confirm_cast`. The
        paper stays reprintable until the next activation."""
        last = self._last_receipt
        if self._db().get("session") != "committed" or last is None or last.printed:
            raise self._refuse("session", "finish_without_paper", "no unprinted cast is waiting")
        slot = self._officer(pin)
        with self._db().transaction() as txn:
            txn.log("receipt.skipped_by_officer", self._now(), {
                "officer": slot, "record": last.voter_record_status, "slip": last.slip_status})
        self._confirm()

    @locked
    def confirm_cast(self) -> None:
        """The voter saw "recorded": log it (with the receipt status), forget the choice,
        truncate the WAL. Called by the GUI; the next activation does it implicitly."""
        if self._db().get("session") != "committed":
            raise self._refuse("session", "confirm", "no cast is waiting for confirmation")
        self._confirm()

    def _confirm(self) -> None:
        store = self._db()
        last = self._last_receipt
        crash_point("before_confirm")
        with store.transaction() as txn:
            txn.set("session", "idle")
            txn.log("ballot.confirmed", self._now())
            if last is not None:
                ok = last.printed
                txn.log(
                    "receipt.printed" if ok else "receipt.failed",
                    self._now(),
                    {"record": last.voter_record_status, "slip": last.slip_status},
                )
        crash_point("after_confirm")
        store.truncate_wal()
        if last is not None and not last.printed:
            self._unprinted = last
        self._last_receipt = None
        self.voter = sm.VoterSession()


__all__ = ["TransitionRefused", "VotingActions"]
