"""Scenarios for the "smaller things" of the polling-station round (issue 12), driven by
real X pointer events (xdotool): the trustee screen (names, accepted marks, a duplicate
card refused before its PIN, the PIN's places, a green success, a list that fits or
scrolls by touch) and the welcome screen that names the election, village and TPS."""

from __future__ import annotations

from typing import Any

from tests.ui.driver import Harness, Step, frames, wait_until
from tests.ui.scenarios import on, open_polls
from tests.ui.scenarios_close import xpin, xpress


def _whole_inside(widget: Any, view: Any) -> bool:
    """`widget` shows whole inside the ScrollView `view` (window coordinates)."""
    x, y = widget.to_window(widget.x, widget.y)
    vx, vy = view.to_window(view.x, view.y)
    return bool(vy - 1 <= y and y + widget.height <= vy + view.height + 1
                and vx - 1 <= x and x + widget.width <= vx + view.width + 1)


def xdrag(h: Harness, start: tuple[float, float], end: tuple[float, float],
          steps: int = 12) -> Step:
    """A finger drag with the X pointer from `start` to `end` (window coordinates), with
    frames between the moves as a real finger gives them."""
    h.x.press_at(*start)
    yield from frames(3)
    for i in range(1, steps + 1):
        h.x.move_to(start[0] + (end[0] - start[0]) * i / steps,
                    start[1] + (end[1] - start[1]) * i / steps)
        yield from frames(2)
    h.x.release()
    yield from frames(5)


def _card_text(h: Harness, index: int) -> str:
    return str(h.app.screen("trustees").card_buttons[index].text)


def scenario_trustee_cards(h: Harness) -> Step:
    """After the close, 5 trustee card files on the stick: every trustee named, the list
    fits above the buttons; trustee 1 by file and PIN (14 places), accepted in green and
    marked; trustee 1's card again by the scanner is refused before any PIN, trustee 2's
    goes on to the PIN; with many more files the list scrolls by dragging its wide bar."""
    from kiosk.ui.i18n import tr

    app = h.app
    yield from open_polls(h)
    h.engine.close_polls(h.pins[0])
    for i in range(1, 6):
        (h.usb / f"trustee-{i}.sdcard").write_bytes(
            h.fixture.trustee_card_path(h.village, i).read_bytes())
    app.go("trustees")
    yield from on(h, "trustees")
    yield from frames(5)
    screen: Any = app.screen("trustees")
    view = screen.ids.cardlist
    names = [t.name for t in h.engine.village.trustees]
    h.check("every trustee named", len(names) == 5 and all(
        any(n in str(b.text) for b in screen.card_buttons.values()) for n in names),
        [b.text for b in screen.card_buttons.values()])
    bottom = h.button("Back")
    h.check("the list fits above the buttons",
            all(_whole_inside(b, view) for b in screen.card_buttons.values())
            and view.to_window(view.x, view.y)[1] >= bottom.to_window(bottom.x, bottom.top)[1],
            [(b.text, b.to_window(b.x, b.y)) for b in screen.card_buttons.values()])
    h.shot("trustee-cards")
    # trustee 1 by file: the PIN screen shows exactly the trustee PIN's places
    h.x.click(screen.card_buttons[1])
    yield from on(h, "pin")
    pin_screen: Any = app.screen("pin")
    from kiosk.ui.widgets import PinDots

    dots = [w for w in pin_screen.walk() if isinstance(w, PinDots)][0]
    yield from frames(2)
    places = len([i for i in dots.canvas.children if type(i).__name__ in ("Ellipse", "Line")])
    pin = h.fixture.trustee_pin(h.village, 1)
    h.check("PIN field shows the trustee PIN's places", places == len(pin) == pin_screen.length,
            (places, len(pin), pin_screen.length))
    h.shot("trustee-pin")
    yield from xpin(h, pin)
    yield from wait_until(lambda: len(h.engine.status().trustees_present) == 1, 20)
    yield from on(h, "trustees")
    yield from frames(3)
    message = screen.ids.message
    h.check("success is green", screen.message == tr.gettext("Trustee accepted.")
            and list(message.color) == list(app.c_ok) and list(app.c_ok) != list(app.c_danger),
            (screen.message, list(message.color)))
    accepted = tr.gettext("ACCEPTED")
    h.check("accepted card marked, others not",
            accepted in _card_text(h, 1) and screen.card_buttons[1].disabled
            and all(accepted not in _card_text(h, i) for i in range(2, 6)),
            [_card_text(h, i) for i in range(1, 6)])
    h.shot("trustee-accepted")
    # trustee 1's card again, by the scanner: refused at once, no PIN asked
    xpress(h, "Scan card")
    yield from frames(3)
    h.scanner.scanner.scan(h.fixture.trustee_card_path(h.village, 1).read_text())
    yield from wait_until(lambda: not screen.busy and screen.message != tr.gettext(
        "Hold the trustee card under the scanner."), 20)
    yield from frames(5)
    h.check("duplicate refused before its PIN", app.current == "trustees"
            and names[0] in screen.message and list(message.color) == list(app.c_danger)
            and len(h.engine.status().trustees_present) == 1, (app.current, screen.message))
    h.shot("trustee-duplicate")
    # positive control: a card not yet accepted goes on to its PIN
    xpress(h, "Scan card")
    yield from frames(3)
    h.scanner.scanner.scan(h.fixture.trustee_card_path(h.village, 2).read_text())
    yield from on(h, "pin", 20)
    h.check("a new card asks its PIN", app.current == "pin")
    xpress(h, "Cancel")
    yield from on(h, "trustees")
    # many files on the stick: more than fits, the wide bar scrolls by touch
    for i in range(8):
        (h.usb / f"other-{i}.sdcard").write_bytes(b"not a trustee card")
    screen.refresh()
    yield from frames(8)
    last = screen.other_buttons[-1]
    grid = screen.ids.filegrid
    h.check("overflowing list has a wide bar", grid.height > view.height + 1
            and view.bar_width >= 20 and "bars" in view.scroll_type,
            (grid.height, view.height, view.bar_width))
    hidden = not _whole_inside(last, view)
    vx, vy = view.to_window(view.x, view.y)
    bar_x = vx + view.width - view.bar_margin - view.bar_width / 2
    yield from xdrag(h, (bar_x, vy + view.height - 8), (bar_x, vy + 2))
    h.check("dragging the bar shows the last file", hidden and _whole_inside(last, view),
            (hidden, view.scroll_y))
    h.shot("trustee-scrolled")


def scenario_welcome_place(h: Harness) -> Step:
    """The welcome screen names the election, the village and the TPS (from the package);
    the review of a candidate whose name ends in a full stop has one stop, not two; no
    heading on the voter's screens ends in a full stop."""
    from kiosk.ui.i18n import tr

    app = h.app
    yield from open_polls(h)
    xpress(h, "Activate next ballot")
    yield from on(h, "welcome", 20)
    d = h.engine.definition
    place = str(app.screen("welcome").ids.place.text)
    village, station = h.engine.village.name, h.engine.status().station
    h.check("welcome names election, village, TPS", d.name in place and village in place
            and station in place and d.name not in tr.gettext("Welcome"), place)
    h.shot("welcome-place")
    app.toggle_contrast()
    app.set_text_step(2)
    yield from frames(4)
    h.check("the place keeps its size at A++", place == str(app.screen("welcome").ids.place.text)
            and app.screen("welcome").ids.place.font_size < 18 * app.text_scale,
            app.screen("welcome").ids.place.font_size)
    h.shot("welcome-place-hc")
    app.toggle_contrast()
    app.set_text_step(0)
    yield from frames(2)
    titles = []
    for name in ("welcome", "ballot", "review"):
        if name != "welcome":
            yield from on(h, name)
        titles += [str(w.text) for w in h.walk() if type(w).__name__ == "Title" and w.text]
        if name == "welcome":
            xpress(h, "Start")
        elif name == "ballot":
            cards = app.screen("ballot").cards
            dotted = [c for c in cards if str(c.name).endswith(".")]
            h.check("a candidate name ends in a stop", bool(dotted), [c.name for c in cards])
            h.x.click(dotted[0])
            yield from frames(3)
            xpress(h, "Next")
    review = app.screen("review")
    h.check("review: no double stop", ".." not in " ".join(titles)
            and str(review.cand_name) in " ".join(titles), titles)
    h.shot("review-dotted")
    h.check("voter headings have no final stop", len(titles) >= 2
            and not [t for t in titles if t.endswith(".")], titles)


def scenario_checkin_hyphen(h: Harness) -> Step:
    """(--voter-lists) The check-in keyboard types a hyphen (Nur-Aini) by X clicks, and so
    does the DPTb name; the hyphen key is a full touch target."""
    app = h.app
    yield from open_polls(h)
    xpress(h, "Activate next ballot")
    yield from on(h, "checkin", 20)
    screen: Any = app.screen("checkin")
    board = screen.ids.typekeys
    keys = {w.text: w for w in board.children}
    for char in "NUR":
        h.x.click(keys[char])
        yield from frames(2)
    before = str(screen.query)
    hyphen = screen.ids.hyphen
    h.x.click(hyphen)
    yield from frames(2)
    h.x.click(keys["A"])
    yield from frames(3)
    h.check("hyphen typed in the search", before == "NUR" and screen.query == "NUR-A",
            (before, screen.query))
    h.check("hyphen key is a full target",
            min(hyphen.width, hyphen.height) >= app.touch - 1 and hyphen.opacity > 0,
            (hyphen.size, app.touch))
    h.shot("checkin-hyphen")
    xpress(h, "DPTb voter")
    yield from on(h, "dptb")
    dptb: Any = app.screen("dptb")
    from kiosk.ui.i18n import tr

    name_field = h.find(tr.gettext("Name:") + " ")
    h.x.click(name_field)
    yield from frames(3)
    dkeys = {w.text: w for w in dptb.ids.dkeys.children}
    h.x.click(dkeys["N"])
    yield from frames(2)
    h.x.click(dptb.ids.hyphen)
    yield from frames(2)
    h.check("hyphen typed in the DPTb name", dptb.field == "person" and dptb.person == "N-",
            (dptb.field, dptb.person))
    h.shot("dptb-hyphen")
