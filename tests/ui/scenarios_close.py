"""Scenarios for the close of the polls, driven by real X pointer events (xdotool):
the close summary printed at close and reprinted after a fault, and the results viewed
and reprinted after the export (a copy for each candidate's witness)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.ui.driver import Harness, Step, frames, wait_until
from tests.ui.scenarios import cards, on


def xpress(h: Harness, msgid: str) -> None:
    """Click the button `msgid` (translated) with the X pointer."""
    h.x.click(h.button(msgid))


def xpin(h: Harness, pin: str) -> Step:
    screen = h.app.screen("pin")
    keys = {w.text: w for w in screen.walk() if hasattr(w, "pressed") and len(w.text) == 1}
    for digit in pin:
        h.x.click(keys[digit])
        yield from frames(1)


def xlogin(h: Harness) -> Step:
    """From boot or waiting to the officer menu, with X clicks only."""
    if h.app.current == "boot":
        yield from wait_until(lambda: bool(h.app.screen("boot").all_ok), 5)
        xpress(h, "Continue")
    elif h.app.current == "waiting":
        xpress(h, "Officer")
    yield from on(h, "pin")
    yield from xpin(h, h.pins[0])
    yield from on(h, "officer", 20)


def xvote(h: Harness, index: int) -> Step:
    """From the officer menu: activate, choose card `index`, seal, cast, finish."""
    xpress(h, "Activate next ballot")
    yield from on(h, "welcome", 20)
    xpress(h, "Start")
    yield from on(h, "ballot")
    h.x.click(cards(h)[index])
    yield from frames(3)
    xpress(h, "Next")
    yield from on(h, "review")
    xpress(h, "Yes, that is my choice")
    yield from on(h, "sealed", 30)
    xpress(h, "Yes, cast my vote")
    yield from on(h, "recorded", 30)
    xpress(h, "Finished")
    yield from on(h, "waiting", 20)


def _inside(widget: Any, view: Any) -> bool:
    x, y = widget.to_window(*widget.center)
    vx, vy = view.to_window(view.x, view.y)
    return bool(vx <= x <= vx + view.width and vy + widget.height / 2 <= y
                and y <= vy + view.height - widget.height / 2)


def xreveal(h: Harness, widget: Any, view: Any) -> Step:
    """Scroll `view` (a ScrollView) with the X mouse wheel until `widget` shows whole."""
    for button in (5, 4):
        for _ in range(12):
            if _inside(widget, view):
                return
            h.x.wheel(view, button)
            yield from frames(4)
    raise AssertionError(f"{widget.text!r} cannot be scrolled into view")


def _jobs(h: Harness, kind: str) -> list[Any]:
    return [j for j in h.mem_printer.completed if j.document.kind == kind]


def _trustees(h: Harness, count: int) -> Callable[[], bool]:
    return lambda: len(h.engine.status().trustees_present) == count


def _reprinted(h: Harness, count: int, screen: Any) -> Callable[[], bool]:
    return lambda: len(_jobs(h, "results-report")) == count and not screen.busy


def scenario_close_summary(h: Harness) -> Step:
    """Open, one vote, close: the close summary prints (counts, box root, local time)
    and the trustee screen says so; a cover-open reprint names the fault; after the fix
    the reprint is marked; k trustees, results, export; then the results are viewed and
    reprinted twice from the officer menu (one copy per witness)."""
    from hardware import text as tx
    from hardware.status import PrinterFault, PrinterStatus
    from kiosk.ui.i18n import tr

    app = h.app
    yield from xlogin(h)
    xpress(h, "Open polls")
    yield from on(h, "zero", 20)
    xpress(h, "Continue")
    yield from on(h, "officer")
    yield from xvote(h, 0)
    yield from xlogin(h)
    xpress(h, "Close polls")
    yield from on(h, "close")
    xpress(h, "Yes, close the polls")
    yield from on(h, "trustees", 30)
    screen: Any = app.screen("trustees")
    summaries = _jobs(h, "close-summary")
    text = summaries[-1].printed_document.plain_text() if summaries else ""
    root = str(h.engine._db().get("box_root"))  # the engine's own record, to compare
    h.check("close summary printed at close", len(summaries) == 1 and screen.summary_ok,
            screen.summary)
    h.check("summary shows the counts", "Surat suara tercatat           1" in text
            and "Aktivasi pemilih               1" in text, text)
    h.check("summary shows the box root", tx.grouped(root).split()[0] in text
            and tx.grouped(root).split()[-1] in text, root)
    h.check("summary in local time", "WIB" in text and "14:00 WIB" in text, text)
    h.check("trustee screen says printed",
            screen.summary == tr.gettext("Close summary printed. Witnesses sign it now."),
            screen.summary)
    h.shot("close-summary")
    h.mem_printer.set_status(PrinterStatus(PrinterFault.COVER_OPEN))
    xpress(h, "Reprint close summary")
    yield from wait_until(lambda: not screen.busy and not screen.summary_ok, 20)
    yield from frames(3)
    h.check("cover open named", tr.gettext("Printer cover open") in screen.summary,
            screen.summary)
    h.shot("close-summary-cover-open")
    h.mem_printer.set_status(PrinterStatus())
    xpress(h, "Reprint close summary")
    yield from wait_until(lambda: not screen.busy and screen.summary_ok, 20)
    yield from frames(2)
    again = _jobs(h, "close-summary")
    h.check("summary reprinted, marked", len(again) == 2 and again[-1].printed_document.is_reprint
            and again[-1].document == again[0].document, len(again))
    for i in range(1, h.engine.status().trustees_needed + 1):
        (h.usb / f"trustee-{i}.sdcard").write_bytes(
            h.fixture.trustee_card_path(h.village, i).read_bytes())
        screen.refresh()
        yield from frames(8)
        card = screen.card_buttons[i]
        yield from xreveal(h, card, card.parent.parent)
        h.x.click(card)
        yield from on(h, "pin")
        yield from xpin(h, h.fixture.trustee_pin(h.village, i))
        yield from wait_until(_trustees(h, i), 20)
        yield from on(h, "trustees")
    xpress(h, "Compute results")
    yield from on(h, "results", 30)
    xpress(h, "Export to USB")
    yield from on(h, "export")
    xpress(h, "Start export")
    yield from wait_until(lambda: bool(app.screen("export").ok), 30)
    yield from frames(2)
    h.check("exported", h.engine.status().polls == "exported")
    xpress(h, "Back")
    yield from on(h, "officer")
    xpress(h, "Results")
    yield from on(h, "results")
    results: Any = app.screen("results")
    h.check("results shown after export", len(results.rows) == len(h.engine.ballot_candidates())
            and sum(r.endswith(": 1") for r in results.rows) == 1, results.rows)
    first = len(_jobs(h, "results-report"))
    for copy in (1, 2):
        xpress(h, "Reprint results")
        yield from wait_until(_reprinted(h, first + copy, results), 20)
        yield from frames(2)
    reprints = _jobs(h, "results-report")[first:]
    h.check("two witness copies after export", len(reprints) == 2
            and all(j.printed_document.is_reprint for j in reprints), len(reprints))
    h.check("copies counted on screen", "2" in results.printed, results.printed)
    h.check("still exported", h.engine.status().polls == "exported")
    h.shot("results-after-export")

