"""Runs the real kiosk app in a real Kivy window and drives it with simulated touches.

Started as a SUBPROCESS by the tests (a Kivy App cannot be restarted in one process):

    python tests/ui/driver.py SCENARIO WORKDIR [--size WxH] [--lang id|en] [--out FILE]

It provisions a real election (provisioning.testing.make_election), builds the real
KioskEngine with an injectable FakeClock and in-memory hardware (hardware.fakes, through
kiosk.devices.HardwarePrinter/HardwareScanner), runs `SuaraDesaApp`, plays SCENARIO (see SCENARIOS) by
dispatching touch events at widget coordinates, and writes a JSON result. Screenshots go
to $SUARADESA_TEST_ARTIFACTS/ui/ (default test-artifacts/ui/).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import sys
import time
import traceback
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

Step = Generator[Any, None, None]
_ids = itertools.count(1000)


def artifacts_dir() -> Path:
    base = Path(os.environ.get("SUARADESA_TEST_ARTIFACTS", ROOT / "test-artifacts"))
    out = base / "ui"
    out.mkdir(parents=True, exist_ok=True)
    return out


class Harness:
    """Everything a scenario needs: the app, the engine, touches, waiting, screenshots."""

    def __init__(self, args: argparse.Namespace) -> None:
        from hardware.fakes import ManualScanner, MemoryPrinter
        from kiosk.clock import FakeClock
        from kiosk.devices import HardwarePrinter, HardwareScanner
        from kiosk.engine import KioskEngine
        from kiosk.ui.app import SuaraDesaApp
        from kiosk.ui.audio import Speaker
        from kiosk.ui.bridge import KioskBridge
        from kiosk.ui.services import Services, UiTimeouts
        from provisioning.testing import make_election

        work = Path(args.workdir)
        self.fixture = make_election(work / "prov", villages=1, seed=11, photos=args.photos,
                                     voter_lists=args.voter_lists, dpt_range=(20, 40))
        pkg_path = self.fixture.package_paths()[0]
        package = self.fixture.package(0)
        self.village, self.station = package.village.code, package.station.code
        date = dt.date.fromisoformat(package.public_record.definition.date)
        self.clock = FakeClock(dt.datetime.combine(date, dt.time(7, 0), tzinfo=dt.UTC))
        self.mem_printer = MemoryPrinter()
        self.scanner = HardwareScanner.started(ManualScanner)
        self.usb = work / "usb"
        self.usb.mkdir(parents=True, exist_ok=True)
        self.engine = KioskEngine(pkg_path, work / "data", printer=HardwarePrinter(self.mem_printer),
                                  scanner=self.scanner, clock=self.clock)
        if not args.uninstalled and not self.engine.status().installed:
            self.engine.install(self.fixture.install_code(self.village, self.station))
        self.pins = self.fixture.officer_pins(self.village, self.station)
        self.speech_wav: Path | None = None
        program = None
        if args.speech_wav:  # espeak-ng as the kiosk runs it, plus -w: the test hears it
            import shutil

            espeak = shutil.which("espeak-ng")
            if espeak is None:
                raise RuntimeError("espeak-ng is not installed")
            self.speech_wav = work / "spoken.wav"
            wrapper = work / "espeak-record"
            wrapper.write_text(f'#!/bin/sh\nexec {espeak} -w {self.speech_wav} "$@"\n',
                               encoding="utf-8")
            wrapper.chmod(0o755)
            program = str(wrapper)
        self.speaker = Speaker(program=program, enabled=args.speech or bool(args.speech_wav))
        services = Services(bridge=KioskBridge(self.engine), speaker=self.speaker,
                            clock=self.clock.monotonic, timeouts=UiTimeouts.fast(),
                            usb_dir=self.usb)
        self.app = SuaraDesaApp(services, lang=args.lang)
        self.size = args.size
        self.lang = args.lang
        self.result: dict[str, Any] = {"ok": False, "checks": [], "shots": []}
        self._x: Any = None

    @property
    def x(self) -> Any:
        """Real X pointer and key events (tests/ui/xinput.py), made on first use."""
        if self._x is None:
            from tests.ui.xinput import XInput

            self._x = XInput()
        return self._x

    # ---------------------------------------------------------------- touches

    def widget_center(self, widget: Any) -> tuple[float, float]:
        x, y = widget.to_window(*widget.center)
        return float(x), float(y)

    def touch(self, x: float, y: float) -> Any:
        from kivy.base import EventLoop
        from kivy.tests.common import UnitTestTouch

        touch = UnitTestTouch(x, y)
        touch.id = next(_ids)
        touch.uid = touch.id
        touch.eventloop = EventLoop
        return touch

    def tap(self, widget: Any) -> None:
        """A complete tap (down and up) in the middle of `widget`."""
        t = self.touch(*self.widget_center(widget))
        t.touch_down()
        t.touch_up()

    def find(self, text: str, root: Any = None, cls: str | None = None) -> Any:
        """The first widget on the current screen whose text is `text` (translated)."""
        for w in self.walk(root):
            if getattr(w, "text", None) == text and (cls is None or type(w).__name__ == cls):
                return w
        raise LookupError(f"no widget with text {text!r} on {self.app.current}")

    def button(self, msgid: str) -> Any:
        from kiosk.ui.i18n import tr

        for w in self.walk():
            if getattr(w, "text", None) == tr.gettext(msgid) and hasattr(w, "pressed"):
                return w
        raise LookupError(f"no button {msgid!r} on {self.app.current}")

    def press(self, msgid: str) -> None:
        self.tap(self.button(msgid))

    @property
    def screen_now(self) -> Any:
        """The screen shown now."""
        sm: Any = self.app.sm
        return sm.current_screen

    @property
    def warning(self) -> Any:
        """The idle-warning popup ("are you still there?")."""
        return self.app._warning

    def walk(self, root: Any = None) -> Iterator[Any]:
        root = root or self.screen_now
        yield from root.walk(restrict=True)
        warning = self.warning
        if warning is not None and warning.is_open and root is self.screen_now:
            yield from warning.walk(restrict=True)

    def texts(self) -> list[str]:
        return [w.text for w in self.walk() if isinstance(getattr(w, "text", None), str) and w.text]

    def enter_pin(self, pin: str) -> None:
        screen = self.app.screen("pin")
        keys = {w.text: w for w in screen.walk() if hasattr(w, "pressed") and len(w.text) == 1}
        for digit in pin:
            self.tap(keys[digit])

    # ---------------------------------------------------------------- checks, shots

    def check(self, name: str, ok: bool, detail: Any = "") -> None:
        self.result["checks"].append({"name": name, "ok": bool(ok), "detail": str(detail)[:300]})

    def broken_words(self) -> list[str]:
        """Visible buttons whose text Kivy would break inside a word at the font size they
        are drawn with (a word wider than the text box)."""
        from kivy.metrics import dp

        from kiosk.ui.widgets import BUTTON_TEXT_PAD, BigButton, words_fit

        broken = []
        for w in self.walk():
            if isinstance(w, BigButton) and w.opacity > 0 and w.width > 0 and w.text.strip():
                if not words_fit(w.text, float(w.font_size), w.width - BUTTON_TEXT_PAD,
                                 w.height - dp(2), bool(w.bold), str(w.font_name)):
                    broken.append(f"{w.text!r} at {w.font_size:.0f}px in {w.width:.0f}x{w.height:.0f}")
        return broken

    def shot(self, name: str) -> str:
        from kivy.core.window import Window

        out = artifacts_dir()
        stem = f"{name}-{self.lang}-{self.size}"
        before = set(out.glob(f"{stem}*.png"))
        Window.screenshot(str(out / f"{stem}.png"))
        made = sorted(set(out.glob(f"{stem}*.png")) - before)
        final = out / f"{stem}.png"
        if made and made[-1] != final:
            made[-1].replace(final)
        targets = [min(w.width, w.height) for w in self.walk()
                   if hasattr(w, "pressed") and w.opacity > 0 and not w.disabled]
        self.result["shots"].append({"file": str(final), "screen": self.app.current,
                                     "texts": self.texts(), "min_target": min(targets, default=None),
                                     "touch_px": self.app.touch, "broken": self.broken_words()})
        return str(final)


def wait_until(pred: Callable[[], bool], timeout: float = 10.0) -> Step:
    """Yield frames until `pred()` is true (or fail after `timeout` seconds)."""
    end = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > end:
            raise TimeoutError("condition not reached")
        yield 0.02


def frames(n: int = 2) -> Step:
    for _ in range(n):
        yield 0.0


def run(args: argparse.Namespace) -> dict[str, Any]:
    from kivy.config import Config

    if args.fullscreen:  # as `kiosk run` does it: fill the X screen (no window manager)
        from kiosk.ui.display import configure_window

        configure_window(Config, False, None)
    else:
        w, h = (int(v) for v in args.size.split("x"))
        Config.set("graphics", "width", str(w))
        Config.set("graphics", "height", str(h))
        Config.set("graphics", "resizable", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    from kivy.clock import Clock

    from tests.ui import scenarios

    harness = Harness(args)
    scenario = getattr(scenarios, f"scenario_{args.scenario}")

    def settled() -> Step:
        # the first frames lay the screen out; touches before that land on stale positions
        yield from wait_until(lambda: harness.app.sm is not None
                              and harness.app.sm.current_screen.width > 200, 20)
        yield from frames(5)
        yield from scenario(harness)

    gen = settled()

    def advance(_dt: float) -> None:
        try:
            delay = next(gen)
        except StopIteration:
            harness.result["ok"] = all(c["ok"] for c in harness.result["checks"])
            harness.app.stop()
            return
        except BaseException as exc:
            harness.result["error"] = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
            harness.result["screen"] = harness.app.current
            harness.result["texts"] = harness.texts() if harness.app.sm else []
            harness.app.stop()
            return
        Clock.schedule_once(advance, delay or 0)

    Clock.schedule_once(advance, 0)
    def deadline(_dt: float) -> None:  # a scenario cut short must not look like a pass
        harness.result["error"] = f"deadline of {args.deadline:.0f} s reached"
        harness.result["screen"] = harness.app.current
        harness.app.stop()

    Clock.schedule_once(deadline, args.deadline)
    harness.app.run()
    harness.engine.close()
    return harness.result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario")
    parser.add_argument("workdir")
    parser.add_argument("--size", default="1024x600")
    parser.add_argument("--lang", default="id")
    parser.add_argument("--out", default=None)
    parser.add_argument("--photos", action="store_true")
    parser.add_argument("--speech", action="store_true")
    parser.add_argument("--speech-wav", action="store_true",
                        help="Speak through espeak-ng into WORKDIR/spoken.wav (tests hear it).")
    parser.add_argument("--uninstalled", action="store_true", help="Do not install the package first.")
    parser.add_argument("--voter-lists", action="store_true",
                        help="The package carries a voter list (the poll book's check-in).")
    parser.add_argument("--deadline", type=float, default=100.0)
    parser.add_argument("--fullscreen", action="store_true",
                        help="Fill the X screen as `kiosk run` does (--size names the shots).")
    args = parser.parse_args()
    try:
        result = run(args)
    except BaseException as exc:  # report crashes (kv errors, engine start) as JSON too
        result = {"ok": False, "checks": [], "shots": [],
                  "error": f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"}
    text = json.dumps(result)
    if args.out:
        Path(args.out).write_text(text)
    print("RESULT " + text)


if __name__ == "__main__":
    main()
