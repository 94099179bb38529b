"""Scenarios played by tests/ui/driver.py inside the real app (generators yielding delays)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.ui.driver import Harness, Step, frames, wait_until


def on(h: Harness, name: str, timeout: float = 15.0) -> Step:
    yield from wait_until(lambda: h.app.current == name, timeout)
    yield from frames(3)


def officer_login(h: Harness) -> Step:
    """From boot or waiting: PIN pad, officer PIN, officer menu."""
    if h.app.current == "boot":
        yield from wait_until(lambda: bool(h.app.screen("boot").all_ok), 5)
        h.press("Continue")
    elif h.app.current == "waiting":
        h.press("Officer")
    yield from on(h, "pin")
    h.enter_pin(h.pins[0])
    yield from on(h, "officer")


def open_polls(h: Harness) -> Step:
    yield from officer_login(h)
    h.press("Open polls")
    yield from on(h, "zero")
    h.press("Continue")
    yield from on(h, "officer")


def activate(h: Harness) -> Step:
    if h.app.current != "officer":
        yield from officer_login(h)
    h.press("Activate next ballot")
    yield from on(h, "welcome")


def seal(h: Harness) -> Step:
    """From the review: 'Yes, that is my choice' seals (encrypts, commits) the ballot; the
    sealed screen shows its tracking code and asks: cast or check."""
    h.press("Yes, that is my choice")
    yield from on(h, "sealed")


def cards(h: Harness) -> list[Any]:
    return h.app.screen("ballot").cards


def tally(h: Harness, k: int | None = None) -> dict[int, int]:
    """Close (if needed), k trustees, decrypt: {candidate number: votes} through the engine."""
    e = h.engine
    if e.status().polls in ("open", "paused"):
        e.close_polls(h.pins[0])
    need = k or e.status().trustees_needed
    for i in range(1, need + 1):
        if i not in e.status().trustees_present:
            card = h.fixture.trustee_card_path(h.village, i).read_bytes()
            e.add_trustee(card, h.fixture.trustee_pin(h.village, i))
    view = e.compute_results()
    return {n: v for n, _name, v in view.votes}


def _trustees_present(h: Harness, count: int) -> Callable[[], bool]:
    """A condition: `count` trustees have been accepted by the engine."""
    return lambda: len(h.engine.status().trustees_present) == count


def scenario_voter(h: Harness) -> Step:
    """Select, change, review, back, change, cast: exactly one ballot, for the right one."""
    from kiosk.ui.i18n import tr

    yield from open_polls(h)
    yield from activate(h)
    h.press("Start")
    yield from on(h, "ballot")
    c = cards(h)
    h.tap(c[1])
    yield from frames()
    h.check("select first", [x.selected for x in c].count(True) == 1 and c[1].selected)
    h.tap(c[3])
    yield from frames()
    h.check("change selection", [x.selected for x in c].count(True) == 1 and c[3].selected)
    h.press("Next")
    yield from on(h, "review")
    want = tr.gettext("You chose: {number} - {name}. Correct?").format(
        number=c[3].number, name=c[3].name)
    h.check("review text", want in h.texts(), h.texts())
    h.press("Back")
    yield from on(h, "ballot")
    h.check("back keeps choice", c[3].selected and [x.selected for x in c].count(True) == 1)
    h.tap(c[2])
    yield from frames()
    h.press("Next")
    yield from on(h, "review")
    sure = h.button("Yes, that is my choice")
    h.tap(sure)
    h.tap(sure)  # a second, impatient press must not seal twice
    yield from on(h, "sealed")
    yes = h.button("Yes, cast my vote")
    h.tap(yes)
    h.tap(yes)  # a second, impatient press must not cast twice
    yield from on(h, "recorded")
    status = h.engine.status()
    h.check("one ballot stored", status.ballots == 1, status.ballots)
    screen = h.app.screen("recorded")
    h.check("tracking code shown", len(screen.tracking) > 6 and screen.tracking in h.texts())
    h.check("receipt printed", bool(screen.receipt_ok))
    yield from on(h, "waiting", 10)
    h.check("locked after vote", h.app.current == "waiting")
    h.check("session confirmed", not h.engine.status().awaiting_confirmation)
    votes = tally(h)
    want_votes = {int(x.number): (1 if x is c[2] else 0) for x in c}
    h.check("right candidate", votes == want_votes, votes)


def scenario_challenge(h: Harness) -> Step:
    """Seal, check (Benaloh challenge: the opened ballot shows the chosen candidate, is
    stored spoiled and never counted), back to the ballot under the same activation, choose
    another candidate, seal, cast: one ballot, one spoiled, the count is the cast one."""
    from kiosk.ui.i18n import tr

    yield from open_polls(h)
    yield from activate(h)
    h.press("Start")
    yield from on(h, "ballot")
    c = cards(h)
    h.tap(c[1])
    yield from frames()
    h.press("Next")
    yield from on(h, "review")
    yield from seal(h)
    sealed = h.app.screen("sealed").tracking
    h.check("sealed code shown", len(sealed) == 19 and sealed in h.texts(), h.texts())
    check = h.button("Check this ballot")
    h.tap(check)
    h.tap(check)  # an impatient second press must not challenge twice
    yield from on(h, "checked")
    want = tr.gettext("It contained: {number} - {name}.").format(number=c[1].number,
                                                                 name=c[1].name)
    h.check("checked shows the candidate", want in h.texts(), h.texts())
    h.check("checked shows the same code", h.app.screen("checked").tracking == sealed)
    status = h.engine.status()
    h.check("nothing counted after the check", status.ballots == 0
            and status.activations == 1 and status.session == "selecting", status)
    h.press("Back to the ballot")
    yield from on(h, "ballot")
    h.check("choice still marked", c[1].selected and [x.selected for x in c].count(True) == 1)
    h.tap(c[2])
    yield from frames()
    h.press("Next")
    yield from on(h, "review")
    yield from seal(h)
    second = h.app.screen("sealed").tracking
    h.check("a fresh ballot", second != sealed, (second, sealed))
    h.press("Yes, cast my vote")
    yield from on(h, "recorded")
    h.check("cast code is the sealed one", h.app.screen("recorded").tracking == second)
    h.press("Finished")
    yield from on(h, "waiting")
    status = h.engine.status()
    h.check("one ballot, one activation", status.ballots == 1 and status.activations == 1
            and status.voided == 0, status)
    from ballotcore.spoiled import SpoiledBallot
    from ballotcore.tracking import tracking_code

    spoiled = [SpoiledBallot.from_bytes(r) for r, _sig in h.engine.store.spoiled()]
    h.check("one spoiled ballot for the checked candidate",
            [(tracking_code(x.ballot.digest()), x.candidate) for x in spoiled]
            == [(sealed, int(c[1].number))], spoiled)
    votes = tally(h)
    want_votes = {int(x.number): (1 if x is c[2] else 0) for x in c}
    h.check("only the cast ballot counted", votes == want_votes, votes)


def scenario_double_tap(h: Harness) -> Step:
    """Two quick taps on two cards, and two simultaneous fingers: never two selections."""
    yield from open_polls(h)
    yield from activate(h)
    h.press("Start")
    yield from on(h, "ballot")
    c = cards(h)
    h.tap(c[0])
    h.tap(c[1])
    yield from frames()
    h.check("quick taps: one selected", [x.selected for x in c].count(True) == 1 and c[1].selected)
    # two fingers at once: the second is ignored while the first is down
    t1 = h.touch(*h.widget_center(c[2]))
    t2 = h.touch(*h.widget_center(c[3]))
    t1.touch_down()
    t2.touch_down()
    t2.touch_up()
    t1.touch_up()
    yield from frames()
    h.check("two fingers: one selected", [x.selected for x in c].count(True) == 1 and c[2].selected,
            [x.selected for x in c])
    # a touch that starts on one card and ends on another selects nothing new
    t3 = h.touch(*h.widget_center(c[0]))
    t3.touch_down()
    t3.touch_move(*h.widget_center(c[1]))
    t3.touch_up()
    yield from frames()
    h.check("slide off cancels", c[2].selected and [x.selected for x in c].count(True) == 1)
    h.check("engine has one choice", h.engine.voter.choice == int(c[2].number))


def scenario_timeout(h: Harness) -> Step:
    """Idle voter: a warning, then the session is voided; nothing stored."""
    from kiosk import timeouts

    yield from open_polls(h)
    yield from activate(h)
    h.press("Start")
    yield from on(h, "ballot")
    h.tap(cards(h)[0])
    yield from frames()
    h.clock.advance(timeouts.VOTER_IDLE_TIMEOUT_S - 20)
    yield from wait_until(lambda: h.warning.is_open, 5)
    yield from frames(3)
    h.check("warning shown", h.warning.is_open)
    h.shot("timeout-warning")
    h.clock.advance(25)
    yield from wait_until(lambda: h.app.current == "voided", 15)
    h.check("voided screen", h.app.current == "voided")  # at once: it leaves by itself
    yield from on(h, "waiting", 10)
    status = h.engine.status()
    h.check("nothing stored", status.ballots == 0 and status.voided == 1, status)


def scenario_still_here(h: Harness) -> Step:
    """The voter answers the idle warning (before choosing anything): the engine's timer
    restarts (engine.keep_alive), so the ballot survives past the first limit and casts."""
    from kiosk import timeouts

    yield from open_polls(h)
    yield from activate(h)
    h.press("Start")
    yield from on(h, "ballot")
    h.clock.advance(timeouts.ACTIVATED_IDLE_TIMEOUT_S - 20)
    yield from wait_until(lambda: h.warning.is_open, 5)
    yield from frames(3)
    h.tap(h.warning)  # "I'm still here"
    yield from wait_until(lambda: not h.warning.is_open, 5)
    yield from frames(3)
    h.clock.advance(60)  # 220 s after activation: past the engine's first limit
    yield from frames(10)
    h.check("session alive", not h.engine.tick() and h.engine.status().session == "activated"
            and h.app.current == "ballot",
            (h.engine.status().session, h.app.current))
    h.tap(cards(h)[0])
    yield from frames()
    h.press("Next")
    yield from on(h, "review")
    yield from seal(h)
    h.press("Yes, cast my vote")
    yield from on(h, "recorded")
    status = h.engine.status()
    h.check("cast after keep-alive", status.ballots == 1 and status.voided == 0, status)


def scenario_officer(h: Harness) -> Step:
    """Open, activate, pause, resume, close, trustees (scan + file), results, export."""
    from kiosk.ui.i18n import tr

    yield from open_polls(h)
    h.check("polls open", h.engine.status().polls == "open")
    h.press("Activate next ballot")
    yield from on(h, "welcome")
    h.press("Start")
    yield from on(h, "ballot")
    h.tap(cards(h)[0])
    yield from frames()
    h.press("Next")
    yield from on(h, "review")
    yield from seal(h)
    h.press("Yes, cast my vote")
    yield from on(h, "recorded")
    h.press("Finished")
    yield from on(h, "waiting")
    yield from officer_login(h)
    h.press("Pause voting")
    yield from wait_until(lambda: h.engine.status().polls == "paused", 5)
    yield from frames(3)
    h.check("paused", h.engine.status().polls == "paused")
    h.press("Resume voting")
    yield from wait_until(lambda: h.engine.status().polls == "open", 5)
    yield from frames(3)
    h.press("Close polls")
    yield from on(h, "close")
    h.press("Yes, close the polls")
    yield from on(h, "trustees")
    h.check("closed", h.engine.status().polls == "closed")
    needed = h.engine.status().trustees_needed
    # trustee 1 through the scanner
    h.press("Scan card")
    yield from frames(5)
    h.scanner.scanner.scan(h.fixture.trustee_card_path(h.village, 1).read_text())
    yield from on(h, "pin")
    h.enter_pin(h.fixture.trustee_pin(h.village, 1))
    yield from wait_until(lambda: len(h.engine.status().trustees_present) == 1, 15)
    yield from on(h, "trustees")
    # the others from card files on the USB stick
    for i in range(2, needed + 1):
        (h.usb / f"trustee-{i}.sdcard").write_bytes(
            h.fixture.trustee_card_path(h.village, i).read_bytes())
    h.app.screen("trustees").refresh()
    yield from frames(3)
    for i in range(2, needed + 1):
        h.tap(h.app.screen("trustees").card_buttons[i])
        yield from on(h, "pin")
        h.enter_pin(h.fixture.trustee_pin(h.village, i))
        yield from wait_until(_trustees_present(h, i), 15)
        yield from on(h, "trustees")
    want = tr.gettext("{have} of {needed} trustees collected ({total} in total)").format(
        have=needed, needed=needed, total=len(h.engine.village.trustees))
    h.check("k of n shown", want in h.texts(), h.texts())
    h.press("Compute results")
    yield from on(h, "results", 20)
    h.check("results", h.engine.status().polls == "results")
    h.check("one vote in results", any(": 1" in t for t in h.texts()), h.texts())
    h.press("Reprint results")
    yield from wait_until(lambda: "report.results_reprinted"
                          in [x["event"] for x in h.engine.event_log()], 10)
    yield from frames(3)
    last = h.mem_printer.completed[-1]
    h.check("results reprinted", h.app.current == "results"
            and last.document.kind == "results-report" and last.printed_document.is_reprint,
            h.app.current)
    h.press("Export to USB")
    yield from on(h, "export")
    h.press("Start export")
    yield from wait_until(lambda: bool(h.app.screen("export").ok) or
                          (not h.app.screen("export").busy and h.app.screen("export").outcome != ""
                           and h.app.screen("export").progress == 0), 20)
    yield from frames(3)
    bundles = list(h.usb.glob("*.sdbundle"))
    h.check("export verified", bool(h.app.screen("export").ok) and len(bundles) == 1,
            h.app.screen("export").outcome)


def scenario_scanner_absent(h: Harness) -> Step:
    """Boot: a printer fault blocks (red, Continue disabled); an unplugged scanner only
    warns (amber) and the polls open; trustee cards then come from files."""
    from hardware.status import READY, PrinterFault, PrinterStatus
    from kiosk.ui.i18n import tr

    boot = h.app.screen("boot")
    yield from on(h, "boot")
    h.scanner.scanner.unplug()
    h.mem_printer.set_status(PrinterStatus(PrinterFault.COVER_OPEN))
    boot.refresh()
    yield from frames(3)
    rows = {r["key"]: r for r in boot.checks}
    h.check("printer fails", not rows["printer"]["ok"] and rows["printer"]["required"]
            and not boot.all_ok and boot.level == "fail", rows)
    h.check("continue disabled", h.button("Continue").disabled)
    h.shot("boot-fail")
    h.mem_printer.set_status(READY)
    h.press("Check again")
    yield from frames(3)
    rows = {r["key"]: r for r in boot.checks}
    warn = tr.gettext("Warning: {problem}").format(problem=tr.gettext("Scanner not connected."))
    h.check("scanner warns", not rows["scanner"]["ok"] and not rows["scanner"]["required"]
            and rows["scanner"]["status"] == warn, rows["scanner"])
    h.check("ready with warnings", bool(boot.all_ok) and boot.level == "warn"
            and tr.gettext("Ready, with warnings.") in h.texts(), h.texts())
    h.shot("boot-warning")
    yield from open_polls(h)
    h.check("polls open without scanner", h.engine.status().polls == "open")


def scenario_screens(h: Harness) -> Step:
    """Visit every screen and take a screenshot (normal, then high contrast + large text)."""
    app = h.app
    yield from on(h, "boot")
    yield from frames(3)
    h.shot("boot")
    h.press("Continue")
    yield from on(h, "pin")
    h.enter_pin("1")
    yield from frames(2)
    h.shot("pin")
    app.screen("pin").prepare(purpose="officer")
    h.enter_pin(h.pins[0])
    yield from on(h, "officer")
    h.shot("officer")
    h.press("Open polls")
    yield from on(h, "zero")
    h.shot("zero")
    h.press("Continue")
    yield from on(h, "officer")
    h.press("Activate next ballot")
    yield from on(h, "welcome")
    h.shot("welcome")
    h.press("Start")
    yield from on(h, "ballot")
    h.shot("ballot")
    h.tap(cards(h)[1])
    yield from frames(3)
    h.shot("ballot-selected")
    h.press("Next")
    yield from on(h, "review")
    h.shot("review")
    yield from seal(h)
    h.shot("sealed")
    h.press("Check this ballot")
    yield from on(h, "checked")
    h.shot("checked")
    h.press("Back to the ballot")
    yield from on(h, "ballot")
    h.press("Next")
    yield from on(h, "review")
    # high contrast and largest text on the voter screens
    app.toggle_contrast()
    app.set_text_step(2)
    yield from frames(3)
    h.shot("review-hc")
    h.press("Back")
    yield from on(h, "ballot")
    h.shot("ballot-hc")
    app.go("welcome")
    yield from frames(3)
    h.shot("welcome-hc")
    app.go("ballot", fresh=False)
    yield from frames(2)
    h.press("Next")
    yield from on(h, "review")
    yield from seal(h)
    h.press("Yes, cast my vote")
    yield from on(h, "recorded")
    h.shot("recorded-hc")
    finished = h.button("Finished")
    mid = h.screen_now.to_window(*h.screen_now.center)[0]
    h.check("Finished centred", abs(h.widget_center(finished)[0] - mid) <= 2,
            (h.widget_center(finished), mid))
    h.check("reset for next voter after recorded", True)
    yield from on(h, "waiting")
    h.check("preferences reset", not app.high_contrast and app.text_step == 0)
    h.shot("waiting")
    for kind in ("printer_paper", "scanner", "storage"):
        app.go("error", kind=kind, back="waiting")
        yield from frames(3)
        h.shot(f"error-{kind}")
    app.bridge.login(h.pins[0])
    app.go("close")
    yield from frames(3)
    h.shot("close")
    h.press("Yes, close the polls")
    yield from on(h, "trustees")
    h.shot("trustees")
    tally_view = tally(h)
    h.check("tally", sum(tally_view.values()) == 1, tally_view)
    app.go("results")
    yield from frames(3)
    h.shot("results")
    app.go("export")
    yield from frames(3)
    h.shot("export")
    app.go("voided")
    yield from frames(3)
    h.shot("voided")
    app.go("officer")
    yield from frames(3)
    h.shot("officer-closed")
    # touch-target sizes on every screen visited
    h.result["touch_px"] = app.touch



def _drawn_after(h: Harness, name: str, t0: float, out: list[float]) -> Step:
    """Wait until screen `name` is current and one frame has been flipped; record ms."""
    import time as _time

    from kivy.core.window import Window

    flipped: list[float] = []

    def on_flip(*_a: Any) -> None:
        if h.app.current == name:
            flipped.append(_time.perf_counter())

    Window.bind(on_flip=on_flip)
    try:
        yield from wait_until(lambda: bool(flipped), 20)
    finally:
        Window.unbind(on_flip=on_flip)
    out.append((flipped[0] - t0) * 1000)


def scenario_bench(h: Harness) -> Step:
    """Touch -> next screen drawn, and 'Yes, cast my vote' -> recorded screen drawn."""
    import time as _time

    touch_ms: list[float] = []
    cast_ms: list[float] = []
    yield from open_polls(h)
    for _ in range(int(h.result.get("rounds", 12))):
        h.app.bridge.login(h.pins[0])
        h.app.screen("officer").activate()
        yield from on(h, "welcome")
        t0 = _time.perf_counter()
        h.press("Start")
        yield from _drawn_after(h, "ballot", t0, touch_ms)
        yield from frames(1)
        h.tap(cards(h)[1])
        yield from frames(1)
        t0 = _time.perf_counter()
        h.press("Next")
        yield from _drawn_after(h, "review", t0, touch_ms)
        yield from frames(1)
        t0 = _time.perf_counter()
        h.press("Back")
        yield from _drawn_after(h, "ballot", t0, touch_ms)
        yield from frames(1)
        h.press("Next")
        yield from on(h, "review")
        yield from seal(h)
        t0 = _time.perf_counter()
        h.press("Yes, cast my vote")
        yield from _drawn_after(h, "recorded", t0, cast_ms)
        yield from frames(1)
        h.press("Finished")
        yield from on(h, "waiting")
    h.result["touch_ms"] = touch_ms
    h.result["cast_ms"] = cast_ms
    h.check("all cast", h.engine.status().ballots == len(cast_ms), h.engine.status().ballots)


from tests.ui.scenarios_access import scenario_keypad, scenario_text_sizes  # noqa: E402
from tests.ui.scenarios_checkin import scenario_checkin  # noqa: E402
from tests.ui.scenarios_close import scenario_close_summary  # noqa: E402
from tests.ui.scenarios_codes import scenario_install, scenario_lockout  # noqa: E402
from tests.ui.scenarios_outbox import scenario_outbox  # noqa: E402
from tests.ui.scenarios_printer import (  # noqa: E402
    scenario_boot_cover,
    scenario_fills_screen,
    scenario_printer_fault,
)
from tests.ui.scenarios_small import (  # noqa: E402
    scenario_checkin_hyphen,
    scenario_trustee_cards,
    scenario_welcome_place,
)

__all__ = ["scenario_boot_cover", "scenario_checkin", "scenario_close_summary",
           "scenario_fills_screen", "scenario_install", "scenario_keypad", "scenario_lockout",
           "scenario_outbox", "scenario_printer_fault", "scenario_text_sizes",
           "scenario_trustee_cards", "scenario_welcome_place", "scenario_checkin_hyphen"]
