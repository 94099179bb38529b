"""Scenarios for the voter's own settings, driven by real X pointer events (xdotool):
text size as three explicit buttons (A, A+, A++) on the ballot and the review, contrast on
both, a toggled button unlike the main action in high contrast, and the candidate card's
geometry at the largest text size (ballot number inside the card, photo not a thumbnail)."""

from __future__ import annotations

from typing import Any

from tests.ui.driver import Harness, Step, frames
from tests.ui.scenarios import cards, on
from tests.ui.scenarios_close import xlogin, xpress

#: The photo's shorter side is at least this fraction of the card's shorter side.
PHOTO_FRACTION = 0.45
#: Pixels the selected card's border (inset 3 dp + 7 dp line) takes at each edge.
BORDER_DP = 10


def size_buttons(screen: Any) -> list[Any]:
    """The A, A+, A++ buttons on `screen` (in that order)."""
    return list(reversed(screen.ids.sizes.children))


def _rect(w: Any) -> tuple[float, float, float, float]:
    x, y = w.to_window(w.x, w.y)
    return float(x), float(y), float(x + w.width), float(y + w.height)


def _shown(w: Any, card: Any) -> bool:
    """`w` is drawn: it and every parent up to the card are opaque."""
    while w is not None and w is not card:
        if w.opacity == 0:
            return False
        w = w.parent
    return True


def number_label(card: Any) -> Any:
    """The widget that shows the ballot number: the big number label, or the drawn disc."""
    return card.ids.number if card.ids.number.text else next(
        w for w in card.walk(restrict=True) if type(w).__name__ == "NumberBadge")


def photo_size(card: Any) -> tuple[float, float]:
    """The size of the photo as drawn (fit 'contain' inside the Image widget)."""
    image = next(w for w in card.walk(restrict=True) if type(w).__name__ == "Image")
    width, height = image.norm_image_size
    return float(width), float(height)


def _text_box(label: Any) -> tuple[float, float, float, float]:
    """Where the label's text is drawn (its texture, centred in the label)."""
    x0, y0, x1, y1 = _rect(label)
    tw, th = label.texture_size if hasattr(label, "texture_size") else label.size
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    return mx - tw / 2, my - th / 2, mx + tw / 2, my + th / 2


def card_geometry(h: Harness, card: Any, where: str) -> None:
    """Checks: the number, and every text drawn on the card, lies inside the card's border;
    the photo is not shrunk to a thumbnail."""
    from kivy.metrics import dp

    inset = dp(BORDER_DP)
    cx0, cy0, cx1, cy1 = _rect(card)

    def inside(box: tuple[float, float, float, float]) -> bool:
        return (box[0] >= cx0 + inset - 0.5 and box[2] <= cx1 - inset + 0.5
                and box[1] >= cy0 + inset - 0.5 and box[3] <= cy1 - inset + 0.5)

    number = _text_box(number_label(card))
    h.check(f"{where}: number inside the card", inside(number),
            {"card": _rect(card), "number": number, "inset": inset})
    spilled = [w.text for w in card.walk(restrict=True)
               if type(w).__name__ in ("Label", "FitLabel") and w.text and _shown(w, card)
               and not inside(_text_box(w))]
    h.check(f"{where}: no text over the border", not spilled, spilled)
    if card.photo:
        pw, ph = photo_size(card)
        need = PHOTO_FRACTION * min(card.width, card.height)
        h.check(f"{where}: photo not a thumbnail", min(pw, ph) >= need,
                {"photo": (pw, ph), "card": tuple(card.size), "need": need})
        h.result.setdefault("measures", []).append(
            {"where": where, "card": tuple(card.size), "photo": (pw, ph),
             "fraction": round(min(pw, ph) / min(card.width, card.height), 3)})


def scenario_text_sizes(h: Harness) -> Step:
    """Ballot: A++ by X click, only it toggled; contrast on: the toggled button differs
    from the main action; a card selected: geometry at A++; review: the same three sizes
    and contrast, A back to normal size, contrast off there."""
    app = h.app
    yield from xlogin(h)
    xpress(h, "Open polls")
    yield from on(h, "zero", 20)
    xpress(h, "Continue")
    yield from on(h, "officer")
    xpress(h, "Activate next ballot")
    yield from on(h, "welcome", 20)
    xpress(h, "Start")
    yield from on(h, "ballot")
    ballot: Any = app.screen("ballot")
    buttons = size_buttons(ballot)
    h.check("three size buttons", [b.text for b in buttons] == ["A", "A+", "A++"],
            [b.text for b in buttons])
    h.check("A is on at first", [b.role for b in buttons] == ["toggle", "normal", "normal"])
    h.x.click(buttons[2])
    yield from frames(6)
    h.check("A++ chosen by click", app.text_step == 2
            and [b.role for b in buttons] == ["normal", "normal", "toggle"],
            [b.role for b in buttons])
    h.x.click(h.button("High contrast"))
    yield from frames(6)
    h.check("contrast on", app.high_contrast)
    h.x.click(cards(h)[1])
    yield from frames(8)
    nxt = h.button("Next")
    toggled = buttons[2]
    h.check("toggled unlike the main action", tuple(toggled.bg_color) != tuple(nxt.bg_color)
            and toggled.role == "toggle" and nxt.role == "primary",
            (tuple(toggled.bg_color), tuple(nxt.bg_color)))
    h.check("normal unlike toggled", tuple(buttons[0].bg_color) != tuple(toggled.bg_color))
    h.shot("ballot-a++-contrast")
    for i, card in enumerate(cards(h)):
        card_geometry(h, card, f"ballot card {i + 1}{' (selected)' if card.selected else ''}")
    xpress(h, "Next")
    yield from on(h, "review")
    review: Any = app.screen("review")
    rbuttons = size_buttons(review)
    h.check("review offers the sizes", [b.role for b in rbuttons] == ["normal", "normal", "toggle"])
    shown = next(w for w in review.walk() if type(w).__name__ == "CandidateCard")
    card_geometry(h, shown, "review card")
    h.shot("review-a++-contrast")
    h.x.click(rbuttons[0])
    yield from frames(6)
    h.x.click(h.button("High contrast"))
    yield from frames(6)
    h.check("review: A and contrast off", app.text_step == 0 and not app.high_contrast
            and [b.role for b in rbuttons] == ["toggle", "normal", "normal"])
    h.shot("review-a")


def _wav_seconds(h: Harness) -> float:
    import wave

    if h.speech_wav is None or not h.speech_wav.is_file() or h.speech_wav.stat().st_size < 64:
        return 0.0
    with wave.open(str(h.speech_wav)) as w:
        return w.getnframes() / w.getframerate()


def scenario_keypad(h: Harness) -> Step:
    """A blind voter votes with X key events only (arrows, Enter, +): first with headphones
    not marked (nothing is spoken: the negative), then an officer marks them connected
    (logged) and the next voter hears each step, checks a ballot (Benaloh) by keypad and
    casts another choice. The screen is never touched during either vote."""
    from tests.ui.driver import wait_until

    app = h.app
    yield from xlogin(h)
    xpress(h, "Open polls")
    yield from on(h, "zero", 20)
    xpress(h, "Continue")
    yield from on(h, "officer")
    h.check("headphones off at first", not app.headphones)
    xpress(h, "Activate next ballot")
    yield from on(h, "welcome", 20)
    before = len(h.speaker.spoken)
    h.x.key("Return")
    yield from on(h, "ballot")
    h.x.key("Right", "Right")  # card 1, card 2
    yield from frames(4)
    ballot: Any = app.screen("ballot")
    h.check("arrows move the focus", [c.focused for c in ballot.cards][:2] == [False, True])
    h.x.key("Return")  # select card 2
    yield from frames(4)
    h.check("enter selects the focused card", ballot.selected == 1, ballot.selected)
    h.x.key("KP_Add")  # the keypad's +
    yield from frames(3)
    h.check("+ makes the text bigger", app.text_step == 1, app.text_step)
    h.x.key("KP_Subtract", "KP_Add")
    yield from frames(3)
    h.check("- makes it smaller again", app.text_step == 1, app.text_step)
    h.shot("keypad-ballot")
    h.x.key("Return")  # review
    yield from on(h, "review")
    h.x.key("Return")  # seal
    yield from on(h, "sealed", 30)
    h.x.key("Return")  # cast
    yield from on(h, "recorded", 30)
    yield from wait_until(lambda: app.current == "waiting", 20)
    h.check("first keypad vote cast", h.engine.status().ballots == 1)
    h.check("nothing spoken without headphones", len(h.speaker.spoken) == before
            and _wav_seconds(h) == 0.0, (len(h.speaker.spoken), before))
    # the officer marks headphones connected
    yield from xlogin(h)
    xpress(h, "Headphones: not connected")
    yield from wait_until(lambda: bool(app.headphones), 20)
    yield from frames(3)
    events = [e["event"] for e in h.engine.event_log()]
    h.check("headphones mark logged", "audio.headphones_connected" in events)
    h.shot("officer-headphones")
    xpress(h, "Activate next ballot")
    yield from on(h, "welcome", 20)
    h.x.key("Return")
    yield from on(h, "ballot")
    yield from wait_until(lambda: _wav_seconds(h) > 1.0, 30)
    h.check("guidance spoken with headphones", len(h.speaker.spoken) > before
            and _wav_seconds(h) > 1.0, _wav_seconds(h))
    h.x.key("Left")  # from no focus, Left goes to the last card
    yield from frames(3)
    last = len(ballot.cards) - 1
    h.x.key("Return", "Return")  # select the last card, then review it
    yield from on(h, "review")
    h.x.key("Return")
    yield from on(h, "sealed", 30)
    h.x.key("Right", "Return")  # the other choice: check this ballot
    yield from on(h, "checked", 30)
    checked: Any = app.screen("checked")
    h.check("keypad checks the ballot", checked.number == ballot.cards[last].number,
            checked.number)
    h.x.key("Return")  # vote again
    yield from on(h, "ballot")
    h.x.key("Right", "Return", "Return")  # card 1, select, review
    yield from on(h, "review")
    h.x.key("Return")
    yield from on(h, "sealed", 30)
    h.x.key("Return")
    yield from on(h, "recorded", 30)
    yield from wait_until(lambda: app.current == "waiting", 20)
    h.check("second keypad vote cast", h.engine.status().ballots == 2)
    from tests.ui.scenarios import tally

    counts = tally(h)
    first, second = ballot.cards[1].number, ballot.cards[0].number
    h.check("both keypad choices counted", counts.get(int(first)) == 1
            and counts.get(int(second)) == 1 and sum(counts.values()) == 2, counts)
