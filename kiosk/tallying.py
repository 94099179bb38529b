"""After the close: trustees' partial decryptions, the signed results, the export bundle."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ballotcore import trustees
from ballotcore.ballot import EncryptedBallot
from ballotcore.bundle import LABEL as BUNDLE_LABEL
from ballotcore.bundle import SignedBallot, StationBundle, sort_ballots
from ballotcore.errors import BallotCoreError
from ballotcore.results import LABEL as RESULTS_LABEL
from ballotcore.results import StationResults, aggregate_hash, decryption_context
from ballotcore.signing import SignedRecord, key_id, sign_record
from ballotcore.spoiled import SignedSpoiled, SpoiledBallot, sort_spoiled
from ballotcore.trustee_card import (
    TrusteeCardError,
    WrongTrusteePin,
    open_trustee_card,
    parse_trustee_card,
)
from hardware import receipts
from kiosk import closing
from kiosk import polls as pm
from kiosk.base import KioskEngineBase, locked
from kiosk.clock import iso_seconds
from kiosk.errors import ExportError, NotEnoughTrustees, TrusteeError
from kiosk.views import ExportReport, ResultsView, TrusteeProgress


class TallyingActions(KioskEngineBase):
    """Trustees, results and export (polls closed)."""

    def _context(self) -> bytes:
        cert = self.package.certificate
        return decryption_context(cert.election_id, cert.village, cert.station, cert.kiosk_id)

    def _trustee_refused(self, reason: str, index: int | None, exc: TrusteeError) -> TrusteeError:
        detail: dict[str, str | int] = {"reason": reason}
        if index is not None:
            detail["index"] = index
        with self._db().transaction() as txn:
            txn.log("trustee.refused", self._now(), detail)
        return exc

    @locked
    def add_trustee(self, card: bytes | str, pin: str) -> TrusteeProgress:
        """A trustee presents a card (scanned QR text or `.sdcard` bytes) and PIN; the
        share decrypts the aggregate in memory, the proof is checked and the partial
        decryption stored. The share itself is dropped."""
        store = self._db()
        if self._polls() not in pm.TRUSTEE_STATES or store.get("results") is not None:
            raise self._refuse("polls", "add_trustee", "trustees come after the close, before results")
        try:
            parsed = parse_trustee_card(card)
        except TrusteeCardError as exc:
            raise self._trustee_refused("unreadable card", None, TrusteeError(
                f"This is not a readable trustee card: {exc}",
                "Ini bukan kartu pemegang kunci yang dapat dibaca.",
                "kiosk.trustee.unreadable")) from exc
        present = [i for i, _ in store.partials()]
        if parsed.index in present:
            raise self._trustee_refused("already present", parsed.index, TrusteeError(
                f"Trustee {parsed.index} has already presented a card.",
                f"Pemegang kunci {parsed.index} sudah menyerahkan kartunya.",
                "kiosk.trustee.duplicate"))
        try:
            share = open_trustee_card(
                parsed, pin, self.village_key, self.definition.election_id
            )
        except WrongTrusteePin as exc:
            raise self._trustee_refused("wrong trustee code", parsed.index, TrusteeError(
                f"Wrong PIN for trustee card {parsed.index}.",
                f"PIN salah untuk kartu pemegang kunci {parsed.index}.",
                "kiosk.trustee.wrong_pin")) from exc
        except TrusteeCardError as exc:
            raise self._trustee_refused("card for another village", parsed.index, TrusteeError(
                f"This trustee card does not belong to this village or election: {exc}",
                "Kartu pemegang kunci ini bukan untuk desa atau pemilihan ini.",
                "kiosk.trustee.wrong_card")) from exc
        aggregate = closing.decode_aggregate(store.get("aggregate"))
        partial = trustees.partial_decrypt(share, aggregate, self._context())
        del share
        try:
            trustees.verify_partial(
                self.village_key.commitments, aggregate, partial, self._context(),
                len(self.village.trustees),
            )
        except BallotCoreError as exc:
            raise self._trustee_refused("proof failed", parsed.index, TrusteeError(
                f"Trustee {parsed.index}'s partial decryption does not verify.",
                f"Dekripsi parsial pemegang kunci {parsed.index} tidak valid.",
                "kiosk.trustee.bad_proof")) from exc
        with store.transaction() as txn:
            txn.put_partial(partial.index, closing.encode_partial(partial))
            txn.log("trustee.accepted", self._now(), {"index": partial.index})
        return TrusteeProgress(
            partial.index, tuple(sorted(present + [partial.index])), self.village.threshold
        )

    def _results_view(self, signed: SignedRecord, report_status: str) -> ResultsView:
        res = StationResults.from_bytes(signed.record)
        names = {c.number: c.name for c in self.candidates}
        return ResultsView(
            tuple((n, names[n], v) for n, v in res.votes), res.ballots, res.activations,
            res.voided, res.mode, res.trustees, signed.to_bytes(), report_status,
        )

    @locked
    def compute_results(self) -> ResultsView:
        """With k verified partial decryptions: decrypt the totals, sign the results
        record, print the results report (QR of the signed bytes). closed -> results."""
        store = self._db()
        existing = store.get("results")
        if existing is not None:
            return self._results_view(SignedRecord.from_bytes(bytes.fromhex(existing)), "not-printed")
        state, code = self._polls_step(pm.PollsAction.PUBLISH_RESULTS, "polls are not closed")
        partials = [closing.decode_partial(r) for _, r in store.partials()]
        k = self.village.threshold
        if len(partials) < k:
            raise NotEnoughTrustees(len(partials), k)
        aggregate = closing.decode_aggregate(store.get("aggregate"))
        ballots = int(store.get("ballots"))
        counts = trustees.combine(aggregate, partials, k, max(self.station.dpt, ballots))
        quorum = tuple(sorted(p.index for p in partials)[:k])
        cert = self.package.certificate
        assert store.head is not None
        results = StationResults(
            cert.election_id, cert.definition_hash, cert.village, cert.station, cert.kiosk_id,
            self._mode().value,
            tuple((c.number, n) for c, n in zip(self.candidates, counts, strict=True)),
            ballots, int(store.get("activations")), int(store.get("voided")),
            bytes.fromhex(store.get("box_root")), aggregate_hash(aggregate),
            store.head.digest(), quorum,
        )
        signed = sign_record(self._kiosk_key(), RESULTS_LABEL, results.to_bytes())
        when = self.clock.wall().astimezone(dt.UTC).replace(microsecond=0)
        with store.transaction() as txn:
            txn.set("results", signed.to_bytes().hex())
            txn.log("results.computed", iso_seconds(when), {"ballots": ballots})
            txn.log(code, self._now())
            txn.set("polls_state", state.value)
        outcome = self.devices.print(self._results_report(signed, when))
        with store.transaction() as txn:
            txn.log("report.results_printed" if outcome.ok else "report.results_failed",
                    self._now(), {"status": outcome.status})
        return self._results_view(signed, outcome.status)

    def _results_report(self, signed: SignedRecord, when: dt.datetime) -> receipts.ResultsReport:
        """The printed results report of the signed results (QR = the signed bytes)."""
        res = StationResults.from_bytes(signed.record)
        names = {c.number: c.name for c in self.candidates}
        return receipts.ResultsReport(
            self._station_receipt(),
            tuple(receipts.CandidateCount(n, names[n], v) for n, v in res.votes),
            res.ballots, res.activations, res.voided, res.box_root.hex(),
            key_id(self.package.certificate.public_key), signed.to_bytes(),
            when.astimezone(self.definition.zone), self.station.dpt,
            res.mode != "official",
        )

    def _results_time(self) -> dt.datetime:
        """When the results were computed (the `results.computed` event), so a reprint
        shows the same time as the original report."""
        for entry in reversed(self._db().events()):
            if entry.event == "results.computed":
                return dt.datetime.strptime(entry.time, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
        return self.clock.wall().replace(microsecond=0)  # pragma: no cover - always logged

    @locked
    def reprint_results(self) -> ResultsView:
        """Print the results report again, marked "CETAK ULANG / REPRINT" (polls in
        results or exported, results computed). Logs `report.results_reprinted` or
        `report.results_reprint_failed`; `ResultsView.report_status` says how it went."""
        store = self._db()
        existing = store.get("results")
        if self._polls() not in (pm.PollsState.RESULTS, pm.PollsState.EXPORTED) or existing is None:
            raise self._refuse("polls", "reprint_results", "no results have been computed")
        signed = SignedRecord.from_bytes(bytes.fromhex(existing))
        outcome = self.devices.print(self._results_report(signed, self._results_time()),
                                     reprint=True)
        with store.transaction() as txn:
            txn.log("report.results_reprinted" if outcome.ok else "report.results_reprint_failed",
                    self._now(), {"status": outcome.status})
        return self._results_view(signed, outcome.status)

    def build_bundle(self) -> bytes:
        """The signed bundle bytes for the current state (deterministic)."""
        store = self._db()
        cert = self.package.certificate
        results_hex = store.get("results")
        bundle = StationBundle(
            cert.election_id, cert.definition_hash, self.record.digest(), cert.village,
            cert.station, cert.kiosk_id, self._mode().value, self.package.signed_certificate,
            sort_ballots([SignedBallot(EncryptedBallot.from_bytes(b), s) for b, s in store.ballots()]),
            closing.decode_aggregate(store.get("aggregate")),
            tuple(closing.decode_partial(r) for _, r in store.partials()),
            None if results_hex is None else SignedRecord.from_bytes(bytes.fromhex(results_hex)),
            tuple(store.events()),
            int(store.get("activations")), int(store.get("ballots")), int(store.get("voided")),
            sort_spoiled([SignedSpoiled(SpoiledBallot.from_bytes(b), s) for b, s in store.spoiled()]),
            self._pollbook_counts(),
        )
        return sign_record(self._kiosk_key(), BUNDLE_LABEL, bundle.to_bytes()).to_bytes()

    @locked
    def export(self, usb_dir: Path) -> ExportReport:
        """Write `<usb>/<village>_<station>.sdbundle` (temp name, fsync, read back, full
        verification, rename). Works without results when fewer than k trustees came; the
        report says so. Re-exporting an unchanged kiosk gives a byte-identical file."""
        store = self._db()
        state, code = self._polls_step(pm.PollsAction.EXPORT, "polls are not closed")
        data = self.build_bundle()
        name = closing.bundle_file_name(self.village.code, self.station.code)
        try:
            path, verified = closing.write_bundle(Path(usb_dir), name, data, self.record)
        except ExportError as exc:
            with store.transaction() as txn:
                txn.log_export("export.failed", self._now(), {"reason": str(exc)[:120]})
            raise
        digest = closing.sha256_file(path)
        with store.transaction() as txn:
            txn.log_export("export.written", self._now(), {"file": name, "sha256": digest})
            txn.log_export(code, self._now())
            txn.set("polls_state", state.value)
        return ExportReport(path, digest, verified.results is not None,
                            len(verified.bundle.ballots), verified.findings)
