"""The only place that touches pyserial: open, read, write, close a serial port.

Devices are named by pyserial URL: a device path (`/dev/ttyUSB0`, a udev symlink, a
simulator's pty link) or any URL `serial.serial_for_url` accepts (`loop://`).
Every pyserial or OS error comes out as `hardware.errors.TransportError`, which the
drivers turn into a DISCONNECTED status.
"""

from __future__ import annotations

from typing import Protocol

import serial

from hardware.errors import TransportError

try:
    from termios import error as _TermiosError
except ImportError:  # pragma: no cover - not POSIX

    class _TermiosError(Exception):  # type: ignore[no-redef]
        pass


# What pyserial lets through when a device vanishes: its own exception, OSError, and
# on POSIX termios.error (tcflush on a hung-up pty), which is not an OSError.
_PORT_ERRORS = (serial.SerialException, OSError, _TermiosError)


class Transport(Protocol):
    """A byte pipe to a device."""

    def write(self, data: bytes) -> None: ...

    def read(self, size: int, timeout: float) -> bytes:
        """Up to `size` bytes; fewer (maybe none) if `timeout` seconds pass first."""
        ...

    def read_available(self, timeout: float) -> bytes:
        """Whatever has arrived, waiting up to `timeout` seconds for the first byte."""
        ...

    def reset_input(self) -> None: ...

    def close(self) -> None: ...


class SerialTransport:
    """A `Transport` over a pyserial port."""

    def __init__(self, port: serial.SerialBase) -> None:
        self._port = port

    @classmethod
    def open(cls, url: str, baudrate: int, write_timeout: float) -> SerialTransport:
        """Open `url` at 8N1 without flow control; raise `TransportError` if it fails."""
        try:
            port = serial.serial_for_url(
                url, baudrate=baudrate, timeout=0.1, write_timeout=write_timeout
            )
        except (*_PORT_ERRORS, ValueError) as exc:
            raise TransportError(f"cannot open {url}: {exc}") from exc
        return cls(port)

    def write(self, data: bytes) -> None:
        try:
            self._port.write(data)
        except _PORT_ERRORS as exc:
            raise TransportError(f"write failed: {exc}") from exc

    def read(self, size: int, timeout: float) -> bytes:
        try:
            self._port.timeout = timeout
            return bytes(self._port.read(size))
        except _PORT_ERRORS as exc:
            raise TransportError(f"read failed: {exc}") from exc

    def read_available(self, timeout: float) -> bytes:
        try:
            self._port.timeout = timeout
            first = bytes(self._port.read(1))
            if not first:
                return b""
            waiting = self._port.in_waiting
            return first + (bytes(self._port.read(waiting)) if waiting else b"")
        except _PORT_ERRORS as exc:
            raise TransportError(f"read failed: {exc}") from exc

    def reset_input(self) -> None:
        try:
            self._port.reset_input_buffer()
        except _PORT_ERRORS as exc:
            raise TransportError(f"reset failed: {exc}") from exc

    def close(self) -> None:
        try:
            self._port.close()
        except _PORT_ERRORS:
            pass  # closing a vanished device: nothing left to release


def open_serial(url: str, baudrate: int, write_timeout: float) -> Transport:
    """Default opener used by the drivers (tests may pass another)."""
    return SerialTransport.open(url, baudrate, write_timeout)
