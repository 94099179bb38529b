"""A request-head timeout for uvicorn: slow-header ("slowloris") clients are cut off.

uvicorn (0.54, h11) has no timeout on reading a request's head: a connection that
sends nothing is held until the client leaves, and its keep-alive timer (armed only
after a response) is cancelled by any byte, so a client trickling one header byte every
few seconds holds its connection, and a few hundred such clients take every slot of
`limit_concurrency`. Bodies are bounded by the application (`limits.read_body`), heads
are not.

`head_timeout_protocol(seconds)` is uvicorn's own `H11Protocol` with one timer added:
armed when a connection opens and again when a response completes (the next request
of a keep-alive connection), cancelled once h11 has parsed a whole request head. If it
fires first, the server answers "408 Request Timeout" and closes the connection. Other
connections are untouched: the timer is a `call_later` on the event loop, no thread, no
sleep. Pass the class as `uvicorn.Config(http=...)`; `tally serve` does, with
`ServerConfig.head_timeout_s`.
"""

from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

#: What a client whose head timed out receives before the connection closes.
TIMEOUT_RESPONSE = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8"
                    b"\r\nconnection: close\r\ncontent-length: 16\r\n\r\nrequest timeout\n")


class HeadTimeoutProtocol(H11Protocol):
    """`H11Protocol` that closes a connection whose request head is late (see module)."""

    head_timeout_s: float = 10.0
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # a whole head arrived (or an error)
            self._cancel_head_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._arm_head_timer()  # the next request's head on this keep-alive connection

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        self._head_timer = self.loop.call_later(self.head_timeout_s, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        self.logger.warning("request head not complete within %.1f s: connection closed",
                            self.head_timeout_s)
        self.transport.write(TIMEOUT_RESPONSE)
        self.transport.close()


def head_timeout_protocol(seconds: float) -> type[HeadTimeoutProtocol]:
    """The protocol class with a head timeout of `seconds` (uvicorn instantiates it)."""
    if not seconds > 0:
        raise ValueError("the request-head timeout must be positive")
    return type("HeadTimeoutProtocol", (HeadTimeoutProtocol,), {"head_timeout_s": seconds})


__all__ = ["TIMEOUT_RESPONSE", "HeadTimeoutProtocol", "head_timeout_protocol"]
