"""The poll book's check-in screens in the real app (see driver.py; run with --voter-lists).

Every step is a tap on the screen's widgets or a code held under the (simulated) station
scanner; the engine is only read, to check what the taps did.
"""

from __future__ import annotations

from typing import Any

from ballotcore.voterlist import invitation_text
from kiosk.ui.bridge import CHECKIN_REFUSALS
from tests.ui.driver import Harness, Step, frames, wait_until
from tests.ui.scenarios import officer_login, on, open_polls


def _type(h: Harness, text: str, screen: str = "checkin") -> Step:
    """Type `text` on the screen's on-screen keyboard (switching letters/numbers)."""
    from kiosk.ui.i18n import tr

    app: Any = h.app
    board = app.screen(screen).ids.typekeys if screen == "checkin" else app.screen(screen).ids.dkeys
    for char in text.upper():
        label = tr.gettext("Space") if char == " " else char
        keys = {w.text: w for w in board.children}
        if label not in keys and screen == "checkin":  # the other page
            h.press("Numbers" if char.isdigit() else "Letters")
            yield from frames(2)
            keys = {w.text: w for w in board.children}
        h.tap(keys[label])
        yield from frames(1)


def _vote(h: Harness) -> Step:
    """From the welcome screen: choose the first candidate, seal, cast, finish."""
    h.press("Start")
    yield from on(h, "ballot")
    h.tap(h.app.screen("ballot").cards[0])
    yield from frames()
    h.press("Next")
    yield from on(h, "review")
    h.press("Yes, that is my choice")
    yield from on(h, "sealed")
    h.press("Yes, cast my vote")
    yield from on(h, "recorded", 20)
    h.press("Finished")
    yield from on(h, "waiting")


def _to_checkin(h: Harness) -> Step:
    yield from officer_login(h)
    h.press("Activate next ballot")
    yield from on(h, "checkin")


def _scan(h: Harness, text: str) -> None:
    h.scanner.scanner.scan(text)


def scenario_checkin(h: Harness) -> Step:
    """Search and check in, vote; scan an invitation and vote; the same voter again is
    refused with the time of the first check-in (scanned and searched); a garbled and a
    forged invitation are refused; a scanned voter left on the voter screen is offered
    from the check-in screen and votes; a DPTb voter is checked in with NIK, name, sex, reason."""
    from kiosk.ui.i18n import tr

    voters = h.fixture.voter_list(h.village, h.station)
    first, second = voters.voters[2], voters.voters[4]
    app: Any = h.app
    yield from open_polls(h)
    h.check("status says pollbook", h.engine.status().pollbook)
    h.press("Activate next ballot")
    yield from on(h, "checkin")
    h.check("activation goes through the check-in", h.engine.status().activations == 0)
    h.shot("checkin-empty")
    # ------------------------------------------------ search by name words, pick, Hadir
    word = max(first.name.split(), key=len)
    yield from _type(h, word)
    screen: Any = app.screen("checkin")
    yield from wait_until(lambda: any(r.dpt_number == first.dpt_number for r in screen.rows), 5)
    yield from frames(3)
    h.shot("checkin-search")
    h.check("search finds the voter", True, [r.name for r in screen.rows])
    h.tap(h.find(next(b.text for b in screen.ids.results.children
                      if b.text.startswith(f"{first.dpt_number}. "))))
    yield from on(h, "voter_check")
    shown = " ".join(h.texts())
    h.check("details for the KTP", first.name in shown and str(first.birth_year) in shown
            and f"{first.rt:03d}/{first.rw:03d}" in shown and first.nik[-4:] in shown, shown)
    h.shot("checkin-voter")
    h.press("Present (Hadir)")
    yield from on(h, "welcome", 20)
    s = h.engine.status()
    h.check("checked in and activated", s.checkins == 1 and s.activations == 1,
            (s.checkins, s.activations))
    yield from _vote(h)
    h.check("first ballot cast", h.engine.status().ballots == 1)
    # ------------------------------------------------ the invitation under the scanner
    yield from _to_checkin(h)
    _scan(h, invitation_text(voters, second.dpt_number))
    yield from on(h, "voter_check")
    check: Any = app.screen("voter_check")
    h.check("scan checks in", check.checked_in and check.person == second.name, check.person)
    h.shot("checkin-scanned")
    h.press("Start the ballot")
    yield from on(h, "welcome", 20)
    yield from _vote(h)
    s = h.engine.status()
    h.check("two check-ins, two ballots", (s.checkins, s.activations, s.ballots) == (2, 2, 2),
            (s.checkins, s.activations, s.ballots))
    # ------------------------------------------------ the same voter again: refused
    yield from _to_checkin(h)
    first_time = h.engine.voter_details(first.dpt_number).checked_in_at
    _scan(h, invitation_text(voters, first.dpt_number))
    yield from wait_until(lambda: bool(screen.message), 5)
    yield from frames(3)
    want = tr.gettext("Refused: this voter already checked in at {time}.").format(time=first_time)
    h.check("second check-in refused with the time", screen.message == want
            and app.current == "checkin", screen.message)
    h.shot("checkin-refused")
    yield from _type(h, str(first.dpt_number))
    yield from wait_until(lambda: bool(screen.rows), 5)
    h.tap(h.find(next(b.text for b in screen.ids.results.children
                      if b.text.startswith(f"{first.dpt_number}. "))))
    yield from on(h, "voter_check")
    h.check("searched again: refused, Hadir off", check.message == want
            and h.button("Present (Hadir)").disabled, check.message)
    h.shot("checkin-refused-voter")
    h.press("Back")
    yield from on(h, "checkin")
    good = invitation_text(voters, 7)
    forged = good[:-1] + ("0" if good[-1] != "0" else "1")
    for text, why in (("SDI1.garbage", "garbled"), (forged, "forged")):
        screen.message = ""
        _scan(h, text)
        yield from wait_until(lambda: bool(screen.message), 5)
        h.check(f"{why} invitation refused", app.current == "checkin" and screen.message
                == tr.gettext(CHECKIN_REFUSALS[why]), screen.message)
    yield from frames(3)
    h.shot("checkin-forged")
    s = h.engine.status()
    h.check("refusals record nothing", (s.checkins, s.activations) == (2, 2))
    # ------------------------------------------------ scanned, then Back: the check-in waits
    _scan(h, good)
    yield from on(h, "voter_check")
    h.press("Back")
    yield from on(h, "checkin")
    h.check("a waiting check-in is offered", screen.waiting == 1
            and not h.button("Start the ballot of the voter already checked in").disabled)
    h.shot("checkin-waiting")
    h.press("Start the ballot of the voter already checked in")
    yield from on(h, "welcome", 20)
    yield from _vote(h)
    s = h.engine.status()
    h.check("the waiting voter voted", (s.checkins, s.activations, s.ballots) == (3, 3, 3),
            (s.checkins, s.activations, s.ballots))
    yield from _to_checkin(h)
    h.check("nothing waiting after it", screen.waiting == 0)
    # ------------------------------------------------ a DPTb voter
    h.press("DPTb voter")
    yield from on(h, "dptb")
    nik = "3" + "1" * 14 + "7"
    yield from _type(h, nik, "dptb")
    dptb: Any = app.screen("dptb")
    h.check("NIK typed", dptb.nik == nik, dptb.nik)
    yield from _dptb_rest(h)


def _dptb_rest(h: Harness) -> Step:
    """Name, sex and reason of the DPTb voter, then "Hadir" and the vote."""
    from kiosk.ui.i18n import tr

    fields = {w.text.split(" ")[0]: w for w in h.walk() if type(w).__name__ == "DptbField"}
    h.tap(fields[tr.gettext("Name:")])
    yield from frames(2)
    yield from _type(h, "Rina Wati", "dptb")
    h.tap(h.find(tr.gettext("Female (P)")))
    fields = {w.text.split(" ")[0]: w for w in h.walk() if type(w).__name__ == "DptbField"}
    h.tap(fields[tr.gettext("Reason:")])
    yield from frames(2)
    yield from _type(h, "Pindah domisili", "dptb")
    yield from frames(3)
    h.shot("checkin-dptb")
    h.press("Present (Hadir)")
    yield from on(h, "welcome", 20)
    s = h.engine.status()
    h.check("DPTb checked in", (s.checkins, s.activations) == (4, 4), (s.checkins, s.activations))
    entry = h.engine.attendance()[-1]
    h.check("DPTb entry", (entry.nik, entry.name, entry.sex, entry.reason)
            == ("3" + "1" * 14 + "7", "RINA WATI", "P", "PINDAH DOMISILI"), entry)
    yield from _vote(h)
    h.check("four ballots", h.engine.status().ballots == 4)
