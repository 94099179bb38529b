"""A simulated serial QR scanner on a pty: emits payloads, garbage, or unplugs.

Like a real scanner in keyboard-less serial mode, it sends each decoded payload
followed by a terminator (CR LF by default). It ignores anything the driver writes.
`emit_image()` decodes the QR codes in a picture with zxing-cpp first, as the scanner's
camera would, and emits them top to bottom.

Bytes written while no driver has the port open wait in the pty and are thrown away
when a driver opens it (pyserial flushes input on open), as with a real line; wait for
the reader to be connected before emitting.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from hardware.errors import ScanImageError, SimulatorError
from hardware.sim.base import PtySimulator

#: Line noise: invalid UTF-8 and control bytes, never a valid payload.
NOISE = b"\x00\xff\x13\xfe\x1b[2J\x80\x81\xc3\x28"


def decode_image(path: str | Path) -> list[str]:
    """The texts of all QR codes in the image at `path`, top to bottom, left to right.

    Raises `ScanImageError` if the file cannot be read or holds no QR code.
    """
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            results = zxingcpp.read_barcodes(image.convert("L"))
    except (OSError, UnidentifiedImageError) as exc:
        raise ScanImageError(f"cannot read image {path}: {exc}") from exc
    codes = [r for r in results if r.format in (zxingcpp.BarcodeFormat.QRCode,) and r.valid]
    if not codes:
        raise ScanImageError(f"no QR code found in {path}")
    codes.sort(key=lambda r: (r.position.top_left.y, r.position.top_left.x))
    return [code.text for code in codes]


class ScannerSimulator(PtySimulator):
    """A QR scanner on a pty. Use as a context manager or call start()/stop()."""

    name = "scanner"

    def __init__(
        self,
        *,
        link_path: str | Path | None = None,
        terminator: bytes = b"\r\n",
        byte_delay: float = 0.0,
    ) -> None:
        super().__init__(link_path)
        self.terminator = terminator
        self._byte_delay = byte_delay
        self.emitted = 0

    def _write(self, data: bytes) -> int:
        if not self._byte_delay:
            return self._port.write(data)
        written = 0
        for index in range(len(data)):  # a slow scanner: one byte at a time
            written += self._port.write(data[index : index + 1])
            time.sleep(self._byte_delay)
        return written

    def emit_bytes(self, data: bytes) -> int:
        """Send raw bytes (no terminator added); returns how many went out.

        While unplugged nothing goes out (0). Raises `SimulatorError` if not started.
        """
        if not self.running:
            raise SimulatorError("the scanner simulator is not running; call start() first")
        return self._call(lambda: self._write(data))

    def emit(self, text: str) -> None:
        """Send one payload as a scanner would: UTF-8 text and the terminator."""
        self.emit_bytes(text.encode("utf-8") + self.terminator)
        self.emitted += 1

    def emit_garbage(self, size: int = 64, terminated: bool = True) -> None:
        """Send `size` bytes of line noise, with a terminator unless `terminated` is False."""
        noise = (NOISE * (size // len(NOISE) + 1))[:size]
        self.emit_bytes(noise + (self.terminator if terminated else b""))

    def emit_image(self, path: str | Path) -> list[str]:
        """Scan every QR code in the image at `path` and emit them; return their texts."""
        texts = decode_image(path)
        for text in texts:
            self.emit(text)
        return texts

    def run_script(
        self,
        actions: list[str],
        interval: float,
        echo: Callable[[str], None] = lambda _line: None,
    ) -> None:
        """Run a `hw scanner-sim` action script (see `parse_action`), `interval` apart."""
        for index, action in enumerate(actions):
            if index:
                time.sleep(interval)
            kind, argument = parse_action(action)
            if kind == "text":
                self.emit(argument)
            elif kind == "png":
                texts = self.emit_image(argument)
                echo(f"emitted {len(texts)} QR code(s) from {argument}")
                continue
            elif kind == "garbage":
                self.emit_garbage(int(argument or 64))
            elif kind == "unplug":
                self.unplug()
            elif kind == "replug":
                self.replug()
            elif kind == "wait":
                time.sleep(float(argument))
            echo(
                f"{kind} {argument}".rstrip()
                if kind != "text"
                else f"emitted {len(argument)} chars"
            )


ACTIONS = ("text", "png", "garbage", "unplug", "replug", "wait")


def parse_action(action: str) -> tuple[str, str]:
    """Parse one script action: `text:PAYLOAD`, `png:FILE`, `garbage[:N]`, `unplug`,
    `replug`, `wait:SECONDS`. Raises ValueError with a readable message otherwise."""
    kind, _, argument = action.partition(":")
    if kind not in ACTIONS:
        raise ValueError(f"unknown action {kind!r}; use one of {', '.join(ACTIONS)}")
    if kind in ("text", "png", "wait") and not argument:
        raise ValueError(f"action {kind!r} needs an argument, as in {kind}:...")
    if kind == "garbage" and argument and not argument.isdigit():
        raise ValueError("garbage takes a byte count, as in garbage:40")
    if kind == "wait":
        try:
            float(argument)
        except ValueError:
            raise ValueError("wait takes seconds, as in wait:1.5") from None
    return kind, argument
