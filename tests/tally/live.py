"""A real intake server on 127.0.0.1 for tests: uvicorn in a thread or in a subprocess.

`LiveServer` runs `tally.server.app.create_app` under `uvicorn.Server` in a thread (with
the request-head timeout protocol `tally serve` uses), on a
socket the test bound to an ephemeral loopback port (so no port is guessed), and stops
it on exit. `server_process` starts `suaradesa tally serve` as a child process (for
`kill -9`), waits until it answers, and kills it on exit. Both clean up after themselves.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from tally.server.app import create_app
from tally.server.config import ServerConfig
from tally.server.headtimeout import head_timeout_protocol

ROOT = Path(__file__).resolve().parents[2]


class LiveServer:
    """`with LiveServer(db_path, config) as url:` a running server for the block."""

    def __init__(self, db_path: Path, config: ServerConfig | None = None, **app_kwargs: Any
                 ) -> None:
        self.app = create_app(db_path, config, **app_kwargs)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        head_timeout = (config or ServerConfig()).head_timeout_s
        self.server = uvicorn.Server(uvicorn.Config(
            self.app, log_level="warning", proxy_headers=False, timeout_graceful_shutdown=2,
            lifespan="on", server_header=False, http=head_timeout_protocol(head_timeout)))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)
        self.sock.close()
        assert not self.thread.is_alive(), "the test server did not stop"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server_process(db_path: Path, port: int, *extra: str) -> Iterator[subprocess.Popen[bytes]]:
    """`suaradesa tally serve` in a child process on 127.0.0.1:`port`; killed on exit."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "suaradesa", "tally", "serve", "--db", str(db_path),
         "--host", "127.0.0.1", "--port", str(port), *extra],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/api/v1/results", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {proc.stderr.read()!r}"
                                       if proc.stderr else "server did not start") from None
                time.sleep(0.1)
        yield proc
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        if proc.stderr:
            proc.stderr.close()
