"""The officer's outbox screen in a real window, driven by real X pointer events.

The polling day up to the export is played through the engine (the other scenarios test
those screens); then every tap on the officer menu and the outbox screen is an X pointer
click sent with `xdotool` (XTEST) at the widget's place in the window, so the path from
the X server through SDL2 and Kivy's mouse provider to the button is the real one. The
district server is first down (a free loopback port with nothing on it): the bundle stays
"not yet sent" and the error is shown; then a real `suaradesa tally serve` (uvicorn) is
started on that port and "send now" turns it to "sent", confirmed by the server.
"""

from __future__ import annotations

import atexit
import json
import shutil
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

from tests.ui.driver import ROOT, Harness, Step, frames, wait_until
from tests.ui.scenarios import officer_login, on, tally


def _window_id() -> str:
    """The app's X window: the visible top-level window of this process (SDL2 sets
    _NET_WM_PID; there is no window manager to ask)."""
    import os

    out = subprocess.run([_xdotool(), "search", "--onlyvisible", "--pid", str(os.getpid())],
                         capture_output=True, text=True, timeout=10, check=False).stdout.split()
    if not out:
        every = subprocess.run([_xdotool(), "search", "--name", ""], capture_output=True,
                               text=True, timeout=10, check=False).stdout.split()
        names = [subprocess.run([_xdotool(), "getwindowname", w], capture_output=True,
                                text=True, timeout=10, check=False).stdout.strip()
                 for w in every[:20]]
        raise LookupError(f"no X window of this process; windows: {names}")
    return out[-1]


def _xdotool() -> str:
    path = shutil.which("xdotool")
    if path is None:
        raise RuntimeError("xdotool is missing (Debian: apt-get install xdotool)")
    return path


def xclick(h: Harness, widget: Any) -> None:
    """A real X click (pointer move, button 1 down and up) in the middle of `widget`."""
    from kivy.core.window import Window

    x, y = h.widget_center(widget)
    sx, sy = round(x), round(Window.height - y)  # X counts from the top of the window
    subprocess.run([_xdotool(), "mousemove", "--window", _window_id(), str(sx), str(sy),
                    "click", "1"], timeout=10, check=True)


def xpress(h: Harness, msgid: str) -> Step:
    """Click the button labelled `msgid` (translated) with the X pointer, then let the
    events reach Kivy."""
    xclick(h, h.button(msgid))
    yield from frames(4)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/v1/stations", timeout=2) as reply:
            return bool(reply.status == 200)
    except OSError:
        return False


def _day(h: Harness) -> None:
    """Open, one cast, close, k trustees, results, export: through the engine."""
    e, pin = h.engine, h.pins[0]
    e.open_polls(pin)
    e.activate_ballot(pin)
    e.select(1)
    e.review()
    e.commit()
    e.cast()
    e.confirm_cast()
    tally(h)
    e.export(h.usb)


def scenario_outbox(h: Harness) -> Step:
    from kiosk.ui.i18n import tr

    app = h.app
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    app.services.server_url = url  # as `kiosk run --server URL` hands it in
    yield from officer_login(h)
    _day(h)
    app.go("officer")
    yield from frames(5)
    h.check("exported", h.engine.status().polls == "exported")
    h.shot("officer-exported")
    yield from xpress(h, "Sending to the district")
    yield from on(h, "outbox")
    screen = app.screen("outbox")
    yield from wait_until(lambda: not screen.busy and bool(screen.rows), 20)
    yield from frames(3)
    name = f"{h.village}_{h.station}.sdbundle"
    h.check("bundle listed, not yet sent",
            [(r[0], r[1]) for r in screen.rows] == [(name, "pending")], screen.rows)
    want = f"{name}: {tr.gettext('Not yet sent')}"
    h.check("not yet sent shown", want in h.texts(), h.texts())
    h.shot("outbox-not-sent")

    # the server is down: "send now" tries, the bundle stays not yet sent, the error shows
    yield from xpress(h, "Send now")
    yield from wait_until(lambda: not screen.busy and screen.rows[0][2] != "", 30)
    yield from frames(3)
    h.check("still not yet sent while the server is down",
            screen.rows[0][1] == "pending" and "Connection" in screen.rows[0][2], screen.rows)
    h.check("the screen says it is not sent yet", any(
        t.startswith(tr.gettext("Not sent yet: no confirmation from the server. The bundle "
                                "stays in the outbox; press Send now again when the link "
                                "is up.")) for t in h.texts()), h.texts())
    h.shot("outbox-server-down")

    db = Path(h.usb).parent / "district.sqlite"
    server = subprocess.Popen(
        [sys.executable, "-m", "suaradesa", "tally", "serve", "--db", str(db), "--record",
         str(h.fixture.election_json), "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    atexit.register(lambda: (server.kill(), server.wait(30)))
    try:
        yield from wait_until(lambda: _answers(url) or server.poll() is not None, 60)
        h.check("district server up", server.poll() is None)
        yield from xpress(h, "Send now")
        yield from wait_until(lambda: not screen.busy and screen.rows[0][1] != "pending", 60)
        yield from frames(3)
        h.check("sent once the server is up", screen.rows[0][1] == "sent", screen.rows)
        want = f"{name}: {tr.gettext('Sent')}"
        h.check("sent shown", want in h.texts(), h.texts())
        h.check("all sent message",
                tr.gettext("Every bundle has reached the district.") in h.texts(), h.texts())
        h.shot("outbox-sent")
        with urllib.request.urlopen(f"{url}/api/v1/stations", timeout=10) as reply:
            stations = json.loads(reply.read())
        h.check("the server holds the station", h.station in json.dumps(stations), stations)
    finally:
        server.kill()
        server.wait(30)
    yield from xpress(h, "Back")
    yield from on(h, "officer")
    h.check("back to the officer menu", app.current == "officer")
    # without a configured server: the list still shows, "send now" is off
    app.services.server_url = None
    yield from xpress(h, "Sending to the district")
    yield from on(h, "outbox")
    yield from wait_until(lambda: not screen.busy and bool(screen.rows), 20)
    yield from frames(3)
    h.check("no server: send now is off, the USB stick is the way",
            h.button("Send now").disabled and tr.gettext(
                "No district server is set: take the USB stick to the district.") in h.texts()
            and screen.rows[0][1] == "sent", h.texts())
