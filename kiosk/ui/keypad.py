"""The audio-tactile path (VVSG 2.0): a blind voter votes with a USB keypad or keyboard
and headphones, without touching the screen.

Keys: arrows move through the candidates (each is spoken: "Number 2: Siti Aminah.") and,
on the sealed screen, between "cast" and "check"; Enter starts, selects the candidate
heard, then (on the selected one) goes to the review, seals, casts or checks, and
finishes; Escape or Backspace goes back from the review; + and - change the text size.
Every screen the voter reaches is announced with what to press. The focused card is
drawn with a thick outline for a helper who watches.

Everything is spoken through `SuaraDesaApp.speak`, which says nothing unless an officer
has marked headphones as connected (kiosk/headphones.py). The keys call the same screen
methods as the touches, so the engine rules (one selection, seal then cast or check) hold.
"""

from __future__ import annotations

from typing import Any

from kiosk.ui.i18n import tr

KEY_ENTER = frozenset({13, 271})
KEY_BACK = frozenset({27, 8})
KEY_NEXT = frozenset({274, 275})  # down, right
KEY_PREVIOUS = frozenset({273, 276})  # up, left
KEY_BIGGER = frozenset({270, 43})  # keypad +, "+"
KEY_SMALLER = frozenset({269, 45})  # keypad -, "-"
KEY_EQUALS = 61  # shift + "=" is "+" on a keyboard


class Keypad:
    """Turns key presses into the voter screens' actions and spoken guidance."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.focus = -1  # the card heard last on the ballot
        self.option = 0  # sealed screen: 0 cast, 1 check
        self.active = False  # this voter uses the keys: announce each screen reached

    def reset(self) -> None:
        """Before the next voter."""
        self.focus, self.option, self.active = -1, 0, False
        for card in getattr(self.app.screen("ballot"), "cards", []) if self.app.sm else []:
            card.focused = False

    def on_key_down(self, _window: Any, key: int, _scancode: int, codepoint: str | None,
                    modifiers: Any) -> bool:
        """Kivy's Window.on_key_down; True when the key was used."""
        name = self.app.current
        handler = getattr(self, f"_on_{name}", None)
        if handler is None:
            return False
        if key in KEY_BIGGER or codepoint == "+" or (
                key == KEY_EQUALS and "shift" in (modifiers or ())):
            self.app.set_text_step(int(self.app.text_step) + 1)
            return True
        if key in KEY_SMALLER or codepoint == "-":
            self.app.set_text_step(int(self.app.text_step) - 1)
            return True
        action = ("enter" if key in KEY_ENTER else "back" if key in KEY_BACK
                  else "next" if key in KEY_NEXT else "previous" if key in KEY_PREVIOUS
                  else "")
        if not action:
            return False
        self.active = True
        self.app.note_activity()
        handler(action)
        return True

    def announce(self, name: str) -> None:
        """What to press on screen `name` (called when the keypad path reaches it)."""
        text = {
            "welcome": tr.gettext("Welcome. Press Enter to start."),
            "ballot": tr.gettext("Please choose one candidate. Press the arrows to hear each candidate, and Enter to choose."),
            "sealed": tr.gettext("Your ballot is sealed. Press Enter to cast it. Press an arrow to hear the other choice."),
            "recorded": tr.gettext("Your vote has been recorded. Take your papers from the printer. Press Enter to finish."),
        }.get(name)
        if name == "review":
            review = self.app.screen("review")
            text = tr.fill(tr.gettext("You chose: {number} - {name}. Correct?"),
                number=review.number, name=review.cand_name) + " " + tr.gettext(
                "Press Enter to seal your ballot, or Escape to change it.")
        elif name == "checked":
            checked = self.app.screen("checked")
            text = tr.gettext("This ballot is not counted") + ". " + tr.fill(tr.gettext(
                "It contained: {number} - {name}."),
                number=checked.number, name=checked.cand_name) + " " + tr.gettext(
                "Press Enter to vote again.")
        if text:
            self.app.speak(text)

    # ---------------------------------------------------------------- per screen

    def _on_welcome(self, action: str) -> None:
        if action == "enter":
            self.focus, self.option = -1, 0
            self.app.screen("welcome").start()
            self.announce("ballot")
        else:
            self.announce("welcome")

    def _on_ballot(self, action: str) -> None:
        screen = self.app.screen("ballot")
        cards = screen.cards
        if not cards:
            return
        if action in ("next", "previous"):
            step = 1 if action == "next" else -1
            self.focus = (self.focus + step) % len(cards) if self.focus >= 0 else (
                0 if step > 0 else len(cards) - 1)
            for i, card in enumerate(cards):
                card.focused = i == self.focus
            card = cards[self.focus]
            spoken = tr.fill(tr.gettext("Number {number}: {name}."), number=card.number,
                                                                   name=card.name)
            if card.selected:
                spoken += " " + tr.gettext("Selected. Press Enter to review your choice.")
            self.app.speak(spoken)
        elif action == "enter":
            if self.focus < 0:
                self.announce("ballot")
            elif screen.selected == self.focus:
                screen.next()
                if self.app.current == "review":
                    self.announce("review")
            else:
                screen.select(self.focus)
                if screen.selected == self.focus:
                    card = cards[self.focus]
                    self.app.speak(tr.fill(tr.gettext("Selected: number {number}, {name}. Press Enter again to review your choice, or an arrow to choose another."),
                        number=card.number, name=card.name))

    def _on_review(self, action: str) -> None:
        screen = self.app.screen("review")
        if action == "enter":
            screen.seal()  # the sealed screen is announced when it shows (on_screen)
        elif action == "back":
            screen.back()
            self.announce("ballot")
        else:
            self.announce("review")

    def _on_sealed(self, action: str) -> None:
        screen = self.app.screen("sealed")
        if action in ("next", "previous"):
            self.option = 1 - self.option
            self.app.speak(tr.gettext("Check this ballot: it is opened, shown to you and not counted, and you vote again. Press Enter to check it.")
                           if self.option else
                           tr.gettext("Cast my vote. Press Enter to cast it."))
        elif action == "enter":
            if self.option:
                self.option = 0
                screen.check()
            else:
                screen.cast()

    def _on_checked(self, action: str) -> None:
        if action == "enter":
            self.app.screen("checked").again()
            self.focus = -1
            self.announce("ballot")
        else:
            self.announce("checked")

    def _on_recorded(self, action: str) -> None:
        if action == "enter":
            self.app.screen("recorded").finish()
        else:
            self.announce("recorded")

    def screen_shown(self, name: str) -> None:
        """A screen reached after a worker step (sealed, checked, recorded): announce it."""
        if name in ("sealed", "checked", "recorded"):
            self.option = 0
            self.announce(name)
        elif name not in ("welcome", "ballot", "review"):
            self.active = False  # the voter's session is over
