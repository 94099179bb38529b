"""A pseudo-terminal standing in for a device's serial port, with a stable path.

The simulator holds the master side; drivers open the slave side with pyserial. The
slave is put in raw mode at once (no echo, no line editing) and the simulator keeps
its own slave descriptor open, so the master never sees EIO while no driver is
attached.

`path` is a symlink to the slave (`/dev/pts/N`), like a udev `/dev/serial/by-id/...`
link. `unplug()` closes the pty and removes the link, so an open driver gets I/O
errors and reopening fails; `plug()` creates a fresh pty and points the link at it,
so a driver that reopens `path` finds the device again.
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import tempfile
import threading
import tty
from pathlib import Path

from hardware.errors import SimulatorError


class PtyPort:
    """One end of a simulated serial line. Not thread-safe; the owning simulator locks."""

    def __init__(self, link_path: str | Path | None = None, name: str = "device") -> None:
        self._own_dir: str | None = None
        if link_path is None:
            self._own_dir = tempfile.mkdtemp(prefix="suaradesa-sim-")
            link_path = Path(self._own_dir) / f"{name}.tty"
        self.link = Path(link_path).absolute()
        self._master: int | None = None
        self._slave: int | None = None
        self.device = ""

    @property
    def connected(self) -> bool:
        return self._master is not None

    def plug(self) -> None:
        """Create a new pty and point the link at it."""
        if self._master is not None:
            return
        try:
            master, slave = os.openpty()
        except OSError as exc:
            raise SimulatorError(f"cannot create a pseudo-terminal: {exc}") from exc
        tty.setraw(slave)
        os.set_blocking(master, False)
        self._master, self._slave = master, slave
        self.device = os.ttyname(slave)
        temporary = self.link.with_name(self.link.name + ".new")
        try:
            self.link.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
            temporary.symlink_to(self.device)
            os.replace(temporary, self.link)
        except OSError as exc:
            self.unplug()
            raise SimulatorError(f"cannot create the device link {self.link}: {exc}") from exc

    def unplug(self) -> None:
        """Close the pty and remove the link, as when a USB cable is pulled."""
        if self.link.is_symlink():
            with contextlib.suppress(FileNotFoundError):
                self.link.unlink()
        for fd in (self._master, self._slave):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._master = self._slave = None

    def close(self) -> None:
        """Unplug and remove the private link directory, if this port made one."""
        self.unplug()
        if self._own_dir is not None:
            with contextlib.suppress(OSError):
                os.rmdir(self._own_dir)

    def read(self, timeout: float, wake: threading.Event | None = None) -> bytes:
        """Bytes the driver wrote, waiting up to `timeout`; b"" if none or unplugged."""
        master = self._master
        if master is None:
            if wake is not None:
                wake.wait(timeout)
            return b""
        try:
            ready, _, _ = select.select([master], [], [], timeout)
            if not ready:
                return b""
            return os.read(master, 65536)
        except BlockingIOError:
            return b""
        except OSError as exc:
            if exc.errno in (errno.EIO, errno.EBADF):
                return b""
            raise

    def write(self, data: bytes, timeout: float = 1.0) -> int:
        """Write to the driver side; returns bytes written (fewer if the line stays full)."""
        written = 0
        while written < len(data) and self._master is not None:
            try:
                written += os.write(self._master, data[written:])
            except BlockingIOError:
                _, ready, _ = select.select([], [self._master], [], timeout)
                if not ready:
                    break
            except OSError as exc:
                if exc.errno in (errno.EIO, errno.EBADF):
                    break
                raise
        return written
