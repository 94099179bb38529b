"""`KioskEngine`: the headless ballot box of one polling station, the GUI's only service.

Life of a polling day (every call is documented in docs/KIOSK.md)::

    e = KioskEngine(package_dir, data_dir, printer=..., scanner=...)   # verifies the package
    e.officer_login(pin)            # unlocks the kiosk key -> opens the encrypted database
    e.readiness()                   # checks; setup -> ready when all pass
    e.open_polls(pin)               # prints the zero report, ready -> open
    e.activate_ballot(pin); e.select(2); e.review(); r = e.cast(); e.confirm_cast()
    e.check_in(dpt) / e.check_in_invitation(qr) / e.add_dptb(...)   # with a voter list
    e.close_polls(pin, paper_records=n)   # aggregate, open|paused -> closed, close report
    e.add_trustee(card, tpin)       # k times: partial decryptions, each proof checked
    e.compute_results()             # closed -> results, signed, results report printed
    e.export(usb_dir)               # signed bundle, verified on read-back -> exported

Thread-safety: one re-entrant lock serialises every public method, so the GUI may call
from its worker thread while reading `status()` from another. Expected failures raise
`kiosk.errors.KioskError` subclasses (Indonesian + English + message id); refused
actions are logged in the event log.
"""

from __future__ import annotations

from kiosk.base import database_key
from kiosk.headphones import HeadphoneActions
from kiosk.pollbook import PollbookActions
from kiosk.polling import PollingActions
from kiosk.tallying import TallyingActions
from kiosk.voting import VotingActions


class KioskEngine(PollbookActions, PollingActions, VotingActions, TallyingActions,
                  HeadphoneActions):
    """One polling station's kiosk: see the module docstring and docs/KIOSK.md."""

    def close(self) -> None:
        """Checkpoint and close the database (the kiosk key is forgotten)."""
        with self._lock:
            if self.store is not None:
                self.store.close()
            self.store = None
            self._key = None


__all__ = ["KioskEngine", "database_key"]
