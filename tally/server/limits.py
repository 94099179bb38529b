"""Per-client rate limits and the bounded body reader: refusals that never reach the DB.

`RateLimiter` keeps one token bucket per client address (a bounded number of addresses;
the least recently seen are forgotten first). `read_body` reads an ASGI request body
with a size cap (the `Content-Length` is checked before reading, the bytes while
reading) and a deadline for the whole body, so a huge body or a slow client is refused
with nothing read into the database and little into memory.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.requests import ClientDisconnect, Request

#: Client addresses remembered by one limiter.
MAX_CLIENTS = 10_000


class RateLimiter:
    """Token buckets per key: `burst` tokens, refilled at `per_minute` per minute."""

    def __init__(self, burst: int, per_minute: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.burst = float(burst)
        self.rate = per_minute / 60.0
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str) -> float:
        """Take one token for `key`: 0.0 if allowed, else the seconds until one is free."""
        now = self.clock()
        tokens, last = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            wait = 0.0
        else:
            self._buckets[key] = (tokens, now)
            wait = (1.0 - tokens) / self.rate if self.rate > 0 else 3600.0
        while len(self._buckets) > MAX_CLIENTS:
            self._buckets.popitem(last=False)
        return wait


class BodyRefused(Exception):
    """A request body refused before it was used: `status` and `reason` for the answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


async def read_body(request: Request, limit: int, timeout_s: float) -> bytes:
    """The whole body, at most `limit` bytes, within `timeout_s`; `BodyRefused` otherwise."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise BodyRefused(400, "Content-Length tidak sah / invalid Content-Length")
        if int(declared) > limit:
            raise BodyRefused(413, f"kiriman melebihi {limit} bita / body exceeds {limit} bytes")

    async def collect() -> bytes:
        chunks: list[bytes] = []
        total = 0
        async for chunk in request.stream():
            total += len(chunk)
            if total > limit:
                raise BodyRefused(413, f"kiriman melebihi {limit} bita / body exceeds {limit} "
                                       "bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    try:
        body = await asyncio.wait_for(collect(), timeout_s)
    except TimeoutError as exc:
        raise BodyRefused(408, "kiriman terlalu lambat / body not received in time") from exc
    except ClientDisconnect as exc:
        raise BodyRefused(400, "kiriman terputus / the client disconnected") from exc
    if declared is not None and len(body) != int(declared):
        raise BodyRefused(400, "kiriman tidak lengkap / body shorter than Content-Length")
    if not body:
        raise BodyRefused(400, "kiriman kosong / empty body")
    return body
