"""Every timeout and waiting rule of the kiosk, named in one place.

Tests change none of these: they drive an injectable clock (`kiosk.clock.FakeClock`)
past them instead.
"""

from __future__ import annotations

#: A voter who has touched the ballot and then does nothing for this long: the session
#: is voided (nothing stored) and the screen returns to "waiting for the officer".
VOTER_IDLE_TIMEOUT_S = 120.0

#: An activated ballot that the voter never touches is voided after this long.
ACTIVATED_IDLE_TIMEOUT_S = 180.0

#: Officer PIN policy: this many wrong PINs are free ...
PIN_FREE_FAILURES = 5
#: ... then the kiosk waits this long after the 5th wrong PIN, doubling each further one ...
PIN_FIRST_WAIT_S = 15.0
#: ... and after this many wrong PINs in a row they are locked until a one-time unlock code is entered.
PIN_LOCK_FAILURES = 15


def pin_wait_seconds(failures: int) -> float:
    """Seconds to wait after `failures` consecutive wrong PINs (0 while still free)."""
    if failures < PIN_FREE_FAILURES:
        return 0.0
    return PIN_FIRST_WAIT_S * 2.0 ** (failures - PIN_FREE_FAILURES)
