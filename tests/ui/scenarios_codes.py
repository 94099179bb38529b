"""Scenarios for the installation screen and the officer-PIN lock-out (see driver.py)."""

from __future__ import annotations

from typing import Any

from tests.ui.driver import Harness, Step, frames, wait_until
from tests.ui.scenarios import on


def _wrong_pin(h: Harness) -> str:
    return next(p for p in ("000000", "111111", "222222") if p not in h.pins)


def _type_code(h: Harness, code: str) -> None:
    screen = h.app.screen("code")
    keys = {w.text: w for w in screen.ids.keypad.children}
    for symbol in code.replace("-", ""):
        h.tap(keys[symbol])


def scenario_install(h: Harness) -> Step:
    """First start: boot -> installation screen; a mistyped code is refused with the
    engine's reason and nothing changes; the right code typed on the keypad installs."""
    yield from on(h, "boot")
    yield from wait_until(lambda: bool(h.app.screen("boot").all_ok), 5)
    h.check("not installed before", not h.engine.status().installed)
    h.press("Continue")
    yield from on(h, "code")
    code = h.fixture.install_code(h.village, h.station)
    mistyped = code[:-1] + ("0" if code[-1] != "0" else "1")  # wrong check symbol
    _type_code(h, mistyped)
    yield from frames(2)
    h.shot("install-typed")
    h.press("Use this code")
    screen: Any = h.app.screen("code")
    yield from wait_until(lambda: bool(screen.message) and not screen.busy, 20)
    yield from frames(3)
    h.shot("install-refused")
    h.check("garbled code refused", "install" in screen.message.lower()
            or "instalasi" in screen.message.lower(), screen.message)
    h.check("nothing installed", not h.engine.status().installed)
    for _ in range(17):
        h.press("Erase")
    _type_code(h, code)
    h.press("Use this code")
    yield from on(h, "boot", 30)
    h.check("installed", h.engine.status().installed)
    h.shot("install-done")
    boot: Any = h.app.screen("boot")
    h.check("boot names the package", h.village not in ("",) and boot.identity != "", boot.identity)
    yield from wait_until(lambda: bool(boot.all_ok), 5)
    h.press("Continue")
    yield from on(h, "pin")
    h.enter_pin(h.pins[0])
    yield from on(h, "officer")
    h.check("officer after install", True)


def scenario_lockout(h: Harness) -> Step:
    """Wrong PINs: tries left on the pad, then the lock-out screen with a live countdown,
    then the permanent lock; a scanned one-time unlock code opens it."""
    app = h.app
    yield from on(h, "boot")
    yield from wait_until(lambda: bool(app.screen("boot").all_ok), 5)
    h.press("Continue")
    yield from on(h, "pin")
    wrong = _wrong_pin(h)
    pin: Any = app.screen("pin")
    for attempt in range(1, 6):
        h.enter_pin(wrong)
        if attempt < 5:
            yield from wait_until(lambda: bool(pin.message) and not pin.busy, 20)
            if attempt == 4:
                h.shot("pin-tries-left")
                h.check("tries left shown", "1" in pin.message, pin.message)
    yield from on(h, "lockout", 20)
    lock: Any = app.screen("lockout")
    h.check("wait countdown", lock.countdown == "0:15" and not lock.locked, lock.countdown)
    h.shot("lockout-wait")
    h.check("try again disabled", h.button("Try the PIN again").disabled)
    h.clock.advance(10)
    yield from wait_until(lambda: lock.countdown == "0:05", 5)
    h.check("countdown is live", True)
    h.clock.advance(6)
    yield from wait_until(lambda: not h.button("Try the PIN again").disabled, 5)
    # wrong PINs until the lock (through the engine, after each wait: the pad is tested above)
    from kiosk import errors as kerr

    for _ in range(10):
        h.clock.advance(h.engine.status().pin_wait_seconds + 1)
        try:
            h.engine.officer_login(wrong)
        except (kerr.PinRejected, kerr.PinLockedOut):
            pass
    h.check("engine locked", h.engine.status().pin_locked)
    app.go("boot")
    yield from on(h, "boot")
    yield from wait_until(lambda: bool(app.screen("boot").all_ok), 5)
    h.press("Continue")
    yield from on(h, "lockout")
    h.check("locked screen", bool(lock.locked))
    h.shot("lockout-locked")
    h.press("Enter unlock code")
    yield from on(h, "code")
    h.shot("unlock-code")
    code = h.fixture.unlock_codes(h.village, h.station)[0]
    from ballotcore.codes import QR_PREFIX

    h.press("Scan")
    yield from frames(2)
    h.scanner.scanner.scan(QR_PREFIX + code)
    yield from on(h, "pin", 30)
    h.check("unlocked", not h.engine.status().pin_locked)
    h.check("unlock message", bool(pin.message), pin.message)
    h.shot("pin-unlocked")
    h.enter_pin(h.pins[0])
    yield from on(h, "officer")
    h.check("officer after unlock", True)
