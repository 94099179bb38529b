"""The intake server's limits and timeouts, in one place (docs/TALLY.md, "Server")."""

from __future__ import annotations

from dataclasses import dataclass

from tally.files import MAX_BUNDLE_BYTES, MAX_IMAGE_BYTES


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """What `tally serve` enforces. Defaults suit a district office on election night."""

    #: Largest body accepted: the largest bundle `tally import` accepts.
    max_body: int = max(MAX_BUNDLE_BYTES, MAX_IMAGE_BYTES)
    #: Largest photo body (a photo is refused past this even when a bundle would fit).
    max_image: int = MAX_IMAGE_BYTES
    #: Seconds a client has to send a whole body (a slow client is cut off at this).
    body_timeout_s: float = 120.0
    #: Seconds a connection has to send a whole request head (request line and headers),
    #: from its opening or from the previous response; then 408 and closed
    #: (`tally.server.headtimeout`: slow-header clients).
    head_timeout_s: float = 10.0
    #: Seconds one delivery may wait for a verification slot before 503.
    queue_timeout_s: float = 300.0
    #: Bodies read at once (bounds the memory held by uploads in flight).
    max_in_flight: int = 32
    #: Deliveries per client address: burst size and refill per minute.
    delivery_burst: int = 60
    deliveries_per_minute: float = 120.0
    #: Login attempts per client address: burst and refill per minute.
    login_burst: int = 10
    logins_per_minute: float = 6.0
    #: Officials' actions (resolve, paper counts, logout) per client address: burst, refill per minute.
    #: Refusals beyond these limits are not audited, so a flood cannot fill the log.
    action_burst: int = 30
    actions_per_minute: float = 30.0
    #: A session ends this long after login, whatever happens.
    session_s: float = 8 * 3600.0
    #: Worker processes for bundle verification (1: a thread in the server process).
    workers: int = 1
    #: Longest a dashboard waits between updates (also the SSE keep-alive period).
    sse_keepalive_s: float = 15.0
    #: Shortest time between two rebuilds of the cached results view under load.
    view_interval_s: float = 0.5
    #: Send cookies with the Secure flag (set when served behind HTTPS).
    secure_cookies: bool = False
