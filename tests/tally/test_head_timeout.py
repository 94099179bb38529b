"""The request-head timeout (`tally.server.headtimeout`) against the real server over raw
sockets: a client trickling header bytes, and one sending nothing, are answered 408 and
disconnected after the limit, while another client's normal request still succeeds."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from tally.server.config import ServerConfig
from tally.server.headtimeout import head_timeout_protocol
from tests.tally.live import LiveServer

LIMIT_S = 1.0
#: Generous: the cut-off must come, but a loaded machine may be slow to deliver it.
GENEROUS_S = 30 * LIMIT_S


def _read_until_closed(s: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (or resets it)."""
    chunks = []
    while True:
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def test_slow_headers_are_cut_off_while_others_are_served(db_path: Path) -> None:
    config = ServerConfig(head_timeout_s=LIMIT_S)
    with LiveServer(db_path, config) as url:
        port = int(url.rsplit(":", 1)[1])
        # From before the connection: the server's timer starts at accept, so a pause of
        # this thread before the trickle starts cannot make `elapsed` look short.
        t0 = time.monotonic()
        slow = socket.create_connection(("127.0.0.1", port), timeout=GENEROUS_S)
        idle = socket.create_connection(("127.0.0.1", port), timeout=GENEROUS_S)
        stop = threading.Event()
        sent = [0]

        def trickle() -> None:
            """One header byte every 50 ms: the head never completes on its own."""
            head = b"GET /api/v1/results HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"a" * 4000
            for byte in head:
                if stop.wait(0.05):
                    return
                try:
                    slow.send(bytes([byte]))
                except OSError:
                    return
                sent[0] += 1

        worker = threading.Thread(target=trickle, daemon=True)
        worker.start()
        try:
            # meanwhile, another client is served normally (positive control)
            with httpx.Client(base_url=url, timeout=60) as c:
                r = c.get("/api/v1/results")
                assert r.status_code == 200 and r.json()["report"] == "suaradesa-tally"
            answer = _read_until_closed(slow)
            elapsed = time.monotonic() - t0
            nothing = _read_until_closed(idle)
        finally:
            stop.set()
            worker.join(10)
            slow.close()
            idle.close()
        assert answer.startswith(b"HTTP/1.1 408 "), answer[:80]
        assert nothing.startswith(b"HTTP/1.1 408 "), nothing[:80]
        assert LIMIT_S * 0.9 <= elapsed < GENEROUS_S
        assert 0 < sent[0] < 4000  # it was still sending when it was cut off
        # the server is still fine afterwards (positive control)
        assert httpx.get(f"{url}/api/v1/results", timeout=60).status_code == 200


def test_a_complete_head_is_not_cut_off_while_its_body_arrives(db_path: Path) -> None:
    """The head timer stops once the head is complete: the body's own limit applies."""
    config = ServerConfig(head_timeout_s=LIMIT_S, body_timeout_s=60.0)
    with LiveServer(db_path, config) as url:
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=GENEROUS_S) as s:
            s.sendall(b"POST /api/v1/deliveries HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                      b"Content-Length: 10\r\n\r\n")
            time.sleep(3 * LIMIT_S)  # past the head limit: must not matter now
            s.sendall(b"0123456789")
            answer = _read_until_closed(s)
        assert answer.startswith(b"HTTP/1.1 415 "), answer[:80]  # judged, not timed out


def test_the_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError):
        head_timeout_protocol(0)
    assert head_timeout_protocol(2.5).head_timeout_s == 2.5
