"""The close summary: a receipt printed when the polls close, before the trustees come.

It carries the ballots, activations, voided sessions, the ballot-box root (the commitment
the results must later match) and the close time in the election's local time (WIB, WITA
or WIT). The witnesses sign it while the box is sealed and nothing is decrypted, so a
results report that later shows other counts or another root is caught on paper.

Every number is read back from the signed state at print time (the counters and the
`box_root` the close stored, the time of the close event), never kept twice, so a reprint
is the same paper as the first print.

At a station with a voter list the summary also carries the poll book (check-ins, the
paper records counted in the audit box once the officers enter them, and every
difference among the four counts): the witnesses sign one close receipt. Entering the
count prints it again with the count (logged report.pollbook_printed / _failed).
"""

from __future__ import annotations

import datetime as dt

from hardware import receipts
from kiosk import polls as pm
from kiosk.base import KioskEngineBase, locked

#: The polls events that close the box (open -> closed, paused -> closed).
CLOSE_EVENTS = frozenset(code for (old, action), (new, code) in pm.TRANSITIONS.items()
                         if new == pm.PollsState.CLOSED and action == pm.PollsAction.CLOSE)


class CloseSummaryActions(KioskEngineBase):
    """`print_close_summary()`; `close_polls` prints it once by itself."""

    def _close_time(self) -> dt.datetime:
        """When the polls closed (the close event), in the election's time zone."""
        for entry in reversed(self._db().events()):
            if entry.event in CLOSE_EVENTS:
                moment = dt.datetime.strptime(entry.time, "%Y-%m-%dT%H:%M:%SZ")
                return moment.replace(tzinfo=dt.UTC).astimezone(self.definition.zone)
        raise self._refuse("polls", "close_summary", "the polls were never closed")

    def _pollbook_section(self) -> receipts.PollbookSection | None:
        """The poll-book part of the close summary (kiosk.pollbook; None without a list)."""
        return None

    def _close_summary(self) -> receipts.CloseSummary:
        store = self._db()
        return receipts.CloseSummary(
            self._station_receipt(),
            int(store.get("ballots", 0)), int(store.get("activations", 0)),
            int(store.get("voided", 0)), str(store.get("box_root")), self._close_time(),
            self._mode() == pm.Mode.TEST, self._pollbook_section(),
        )

    def _print_close_summary(self, reprint: bool, code: str | None = None,
                             detail: dict[str, str | int] | None = None) -> str:
        """Print (or reprint) the close summary; log the outcome; return the printer status.

        `code` ("report.pollbook"): the receipt printed again because the officers entered
        the audit-box count, logged as report.pollbook_printed / report.pollbook_failed."""
        outcome = self.devices.print(self._close_summary(), reprint=reprint)
        if code is not None:
            code = f"{code}_printed" if outcome.ok else f"{code}_failed"
        elif reprint:
            code = "report.close_reprinted" if outcome.ok else "report.close_reprint_failed"
        else:
            code = "report.close_printed" if outcome.ok else "report.close_failed"
        store = self._db()
        with store.transaction() as txn:
            txn.log(code, self._now(), {"status": outcome.status, **(detail or {})})
            txn.set("close_summary", outcome.status)
        return outcome.status

    @locked
    def print_close_summary(self) -> str:
        """Print the close summary again, marked as a reprint (polls closed, results or
        exported); returns the printer status code ("ready" when it printed)."""
        if self._polls() not in pm.SEALED_STATES:
            raise self._refuse("polls", "close_summary", "the polls are not closed")
        return self._print_close_summary(reprint=True)

    @locked
    def close_summary_status(self) -> str:
        """The printer status of the last close-summary print ("" if none was tried)."""
        return str(self._db().get("close_summary", ""))


__all__ = ["CLOSE_EVENTS", "CloseSummaryActions"]
