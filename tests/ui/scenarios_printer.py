"""Scenarios for printer faults, training mode and shut-down (see driver.py)."""

from __future__ import annotations

from typing import Any

from tests.ui.driver import Harness, Step, frames, wait_until
from tests.ui.scenarios import cards, officer_login, on, seal


def _events(h: Harness) -> list[str]:
    return [e["event"] for e in h.engine.event_log()]


def scenario_printer_fault(h: Harness) -> Step:
    """Training banner on and off; an activation on a printer without paper is refused
    with the cause; paper runs out during a cast: the vote is recorded, the screen names
    the fault, the reprint needs the officer PIN and says while the fault persists; then
    the officer shuts the app down."""
    from hardware.status import PrinterFault, PrinterStatus
    from kiosk.ui.i18n import tr

    app = h.app
    yield from officer_login(h)
    h.press("Training mode")
    yield from wait_until(lambda: app.training, 20)
    yield from frames(3)
    h.shot("officer-training")
    h.check("training banner", any(getattr(w, "text", "") == "LATIHAN / TRAINING"
                                   and w.opacity == 1 for w in app.root.walk()))
    h.press("Official mode")
    yield from wait_until(lambda: not app.training, 20)
    h.press("Open polls")
    yield from on(h, "zero")
    h.press("Continue")
    yield from on(h, "officer")
    h.mem_printer.set_status(PrinterStatus(PrinterFault.PAPER_OUT))
    h.press("Activate next ballot")
    yield from on(h, "error")
    h.shot("activation-refused")
    h.check("activation refused", h.engine.status().activations == 0
            and "session.activation_refused" in _events(h))
    h.mem_printer.set_status(PrinterStatus())
    h.press("Try again")
    yield from on(h, "officer")
    h.press("Activate next ballot")
    yield from on(h, "welcome")
    h.press("Start")
    yield from on(h, "ballot")
    h.tap(cards(h)[0])
    yield from frames(2)
    h.press("Next")
    yield from on(h, "review")
    yield from seal(h)  # the slip prints when the ballot is sealed; the fault hits the cast
    h.mem_printer.fail_next(PrinterFault.PAPER_OUT)
    h.press("Yes, cast my vote")
    yield from on(h, "recorded", 30)
    screen: Any = app.screen("recorded")
    h.check("vote recorded", h.engine.status().ballots == 1)
    h.check("fault named", screen.problem == tr.gettext("Paper out"), screen.problem)
    h.shot("recorded-fault")
    h.press("Reprint receipt (officer)")
    yield from on(h, "pin")
    h.enter_pin(h.pins[0])
    yield from on(h, "recorded")
    yield from wait_until(lambda: bool(screen.feedback) and not screen.busy, 20)
    yield from frames(2)
    h.shot("recorded-still-faulty")
    h.check("feedback while fault persists", tr.gettext("Paper out") in screen.feedback,
            screen.feedback)
    h.mem_printer.set_status(PrinterStatus())
    h.press("Reprint receipt (officer)")
    yield from on(h, "pin")
    h.enter_pin(h.pins[0])
    yield from wait_until(lambda: bool(screen.receipt_ok), 20)
    h.check("reprinted", _events(h).count("receipt.reprinted") == 2)
    yield from on(h, "waiting", 20)
    yield from officer_login(h)
    h.check("nothing left to reprint", h.button("Reprint last receipts").disabled)
    h.check("shut down", True)
    h.press("Shut down")
    yield from frames(2)


def scenario_fills_screen(h: Harness) -> Step:
    """The window `kiosk run` opens covers the whole X screen, and the boot screen with it."""
    from kivy.core.window import Window

    yield from on(h, "boot")
    yield from frames(5)
    want = tuple(int(v) for v in h.size.split("x"))
    h.check("window fills the screen", tuple(Window.size) == want, (Window.size, want))
    sm: Any = h.app.sm
    h.check("layout fills the window", tuple(sm.size) == want, sm.size)
    h.shot("fullscreen-boot")


def scenario_boot_cover(h: Harness) -> Step:
    """The boot screen names the village, TPS and election date, and a printer whose cover
    is open as such ("Tutup printer terbuka"), with what to do; closed, "Check again"
    (an X click) clears it and Continue is enabled."""
    from hardware.status import PrinterFault, PrinterStatus
    from kiosk.ui.i18n import tr
    from tests.ui.scenarios_close import xpress

    h.mem_printer.set_status(PrinterStatus(PrinterFault.COVER_OPEN))
    yield from on(h, "boot")
    xpress(h, "Check again")
    yield from frames(10)
    boot: Any = h.app.screen("boot")
    yield from wait_until(lambda: not boot.all_ok and tr.gettext("Printer cover open")
                          in " ".join(h.texts()), 10)
    village, station, date = h.app.bridge.identity()
    shown = " ".join(h.texts())
    h.check("boot names the package", village in shown and station in shown and date in shown,
            shown)
    h.check("cover open named", tr.gettext("Printer cover open") in shown
            and tr.gettext("Close the printer cover until it clicks.") in shown, shown)
    h.check("continue disabled", h.button("Continue").disabled)
    h.shot("boot-cover-open")
    h.mem_printer.set_status(PrinterStatus())
    xpress(h, "Check again")
    yield from wait_until(lambda: bool(boot.all_ok), 10)
    yield from frames(3)
    h.check("cover closed: ready", not h.button("Continue").disabled
            and tr.gettext("Printer cover open") not in " ".join(h.texts()))
