"""Whether headphones are connected for spoken guidance: an officer's mark, logged.

The kiosk speaks (candidates, the review sentence, the keypad path's guidance) only while
an officer has marked headphones as connected, never through a speaker the room can hear:
spoken guidance names the voter's choice. The mark is kept in the database (it survives a
restart) and every change is in the event log with the officer slot; voters cannot change it.
"""

from __future__ import annotations

from kiosk.base import KioskEngineBase, locked


class HeadphoneActions(KioskEngineBase):
    """`set_headphones(on, pin)` and `headphones()`."""

    @locked
    def set_headphones(self, on: bool, pin: str) -> bool:
        """Mark headphones connected (True) or not (False); officer PIN; logged."""
        slot = self._officer(pin)
        store = self._db()
        with store.transaction() as txn:
            txn.set("headphones", bool(on))
            txn.log("audio.headphones_connected" if on else "audio.headphones_removed",
                    self._now(), {"officer": slot})
        return bool(on)

    @locked
    def headphones(self) -> bool:
        """True while an officer has marked headphones as connected (False when locked)."""
        return bool(self.store.get("headphones", False)) if self.store is not None else False


__all__ = ["HeadphoneActions"]
