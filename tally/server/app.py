"""The intake server's Starlette application (`create_app`), served by uvicorn.

Routes (docs/TALLY.md, "Server"):

    POST /api/v1/deliveries      a bundle or a results-QR photo as the body; no account
    GET  /api/v1/results         the JSON report (`tally results --format json`), cached
    GET  /api/v1/villages/{code} one village of it
    GET  /api/v1/stations        every station with its village code
    GET  /api/v1/incidents       every delivery and what became of it
    GET  /api/v1/audit           the officials' audit log, newest first
    GET  /api/v1/events          Server-Sent Events: a small "update" per new view
    GET  /api/v1/session         who is logged in, and a CSRF token for logging in
    POST /api/v1/login | logout  officials' sessions (cookie + CSRF)
    POST /api/v1/resolve         resolve a conflict (login + CSRF), audited
    POST /api/v1/paper-counts    a station's audit-box hand count (login + CSRF), audited
    GET  /                       the live dashboard;  GET /kirim  the phone upload page

Every response carries a strict Content-Security-Policy (nothing but this server's own
files; no inline script or style), `nosniff`, no referrer, no framing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
from collections.abc import AsyncIterator, Callable
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tally.errors import AuthError, PaperCountError, ResolveError
from tally.importer import utc_now
from tally.paper import ACTION as PAPER_ACTION
from tally.paper import enter_paper_count
from tally.resolve import resolve_conflict
from tally.server import auth
from tally.server.config import ServerConfig
from tally.server.intake import Intake
from tally.server.limits import BodyRefused, RateLimiter, read_body

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SESSION_COOKIE = "sd_session"
CSRF_COOKIE = "sd_csrf"
#: Largest JSON body of a login or an action.
MAX_FORM = 16 * 1024
#: Dashboards connected at once (each holds one SSE stream).
MAX_STREAMS = 256
STATIC = {
    "app.js": "text/javascript; charset=utf-8",
    "upload.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
}


class SecurityHeaders:
    """ASGI middleware adding the CSP and hardening headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                    (b"cache-control", b"no-store"),
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _static(name: str) -> bytes:
    return resources.files("tally.server").joinpath("static", name).read_bytes()


def _refusal(status: int, reason: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """A delivery refused before the database: `recorded` is false, nothing was stored."""
    return JSONResponse({"outcome": "rejected", "reason": reason, "cause": "http",
                         "digest": "", "station": "", "recorded": False},
                        status_code=status, headers=headers)


def create_app(db_path: Path, config: ServerConfig | None = None, *,
               clock: Callable[[], str] = utc_now, now: Callable[[], float] = time.time,
               monotonic: Callable[[], float] = time.monotonic) -> Starlette:
    """The application over the tally database at `db_path` (opened at start-up)."""
    cfg = config or ServerConfig()
    state: dict[str, Intake] = {}
    deliveries = RateLimiter(cfg.delivery_burst, cfg.deliveries_per_minute, monotonic)
    logins = RateLimiter(cfg.login_burst, cfg.logins_per_minute, monotonic)
    actions = RateLimiter(cfg.action_burst, cfg.actions_per_minute, monotonic)
    streams = [0]

    def intake() -> Intake:
        return state["intake"]

    def remote(request: Request) -> str:
        return request.client.host if request.client else "-"

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        state["intake"] = Intake(db_path, cfg, clock, now)
        state["intake"].start()
        try:
            yield
        finally:
            await state["intake"].stop()

    # ------------------------------------------------------------------ deliveries

    async def post_delivery(request: Request) -> Response:
        wait = deliveries.take(remote(request))
        if wait:
            return _refusal(429, "terlalu banyak kiriman; coba lagi nanti / too many deliveries,"
                                 " retry later", headers={"Retry-After": str(int(wait) + 1)})
        label = unquote(request.headers.get("x-filename", ""))[:1000]
        name = Path(label.replace("\\", "/")).name[:240] or "upload"
        srv = intake()
        try:
            await _acquire(srv, cfg.queue_timeout_s)
        except TimeoutError:
            return _refusal(503, "server sibuk; coba lagi / server busy, retry",
                            headers={"Retry-After": "5"})
        try:
            body = await read_body(request, cfg.max_body, cfg.body_timeout_s)
            answer = await srv.deliver(name, body)
        except BodyRefused as exc:
            return _refusal(exc.status, exc.reason)
        finally:
            srv.slots.release()
        return JSONResponse(answer, status_code=200 if answer["outcome"] != "rejected" else 422)

    # ------------------------------------------------------------------ reading

    async def results(_request: Request) -> Response:
        snap = intake().snapshot
        return Response(snap.body, media_type="application/json",
                        headers={"X-View-Version": str(snap.version)})

    async def village(request: Request) -> Response:
        code = request.path_params["code"]
        for v in intake().snapshot.report["villages"]:
            if v["code"] == code:
                return JSONResponse(v)
        return JSONResponse({"error": "desa tidak dikenal / unknown village"}, status_code=404)

    async def stations(_request: Request) -> Response:
        report = intake().snapshot.report
        return JSONResponse([{"village": v["code"], **s} for v in report["villages"]
                             for s in v["stations"]])

    async def incidents(_request: Request) -> Response:
        return JSONResponse(intake().snapshot.report["incidents"])

    async def audit_view(_request: Request) -> Response:
        return JSONResponse(intake().snapshot.audit)

    async def events(request: Request) -> Response:
        if streams[0] >= MAX_STREAMS:
            return JSONResponse({"error": "terlalu banyak dasbor / too many dashboards"},
                                status_code=503)
        srv = intake()

        async def stream() -> AsyncIterator[bytes]:
            streams[0] += 1
            try:
                snap = srv.snapshot
                yield b"retry: 3000\n\n" + _event(snap.version, snap.report)
                while not srv.closing and not await request.is_disconnected():
                    nxt = await srv.wait_change(snap.version, cfg.sse_keepalive_s)
                    if nxt.version != snap.version:
                        snap = nxt
                        yield _event(snap.version, snap.report)
                    else:
                        yield b": keep-alive\n\n"
            finally:
                streams[0] -= 1

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"X-Accel-Buffering": "no"})

    # ------------------------------------------------------------------ officials

    async def session_info(request: Request) -> Response:
        srv = intake()
        sess = await srv.in_writer(auth.session_for, request.cookies.get(SESSION_COOKIE),
                                   now(), remote(request))
        token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        body: dict[str, Any] = {"user": None, "display": None, "csrf": token}
        if sess is not None:
            body = {"user": sess.user, "display": sess.display, "csrf": sess.csrf}
        response = JSONResponse(body)
        if CSRF_COOKIE not in request.cookies:
            response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict",
                                secure=cfg.secure_cookies)
        return response

    async def _form(request: Request, numbers: tuple[str, ...] = ()) -> dict[str, Any]:
        """The JSON object of an official's request: strings, and ints for `numbers`."""
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise BodyRefused(415, "harus JSON / JSON expected")
        raw = await read_body(request, MAX_FORM, 10.0)
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            raise BodyRefused(400, "JSON tidak sah / invalid JSON") from exc
        if not isinstance(data, dict) or not all(
                isinstance(v, str) or (k in numbers and isinstance(v, int)
                                       and not isinstance(v, bool))
                for k, v in data.items()):
            raise BodyRefused(400, "JSON tidak sah / invalid JSON")
        return data

    async def refuse(request: Request, status: int, user: str, action: str, why: str
                     ) -> Response:
        srv = intake()
        await srv.in_writer(_audit_alone, clock(), user, action, "refused", why, remote(request))
        srv.touch()
        return JSONResponse({"error": why}, status_code=status)

    async def login(request: Request) -> Response:
        if logins.take(remote(request)):  # not audited: a flood must not fill the log
            return JSONResponse({"error": "terlalu banyak percobaan / too many attempts"},
                                status_code=429)
        try:
            form = await _form(request)
        except BodyRefused as exc:
            return JSONResponse({"error": exc.reason}, status_code=exc.status)
        cookie = request.cookies.get(CSRF_COOKIE, "")
        header = request.headers.get("x-csrf-token", "")
        user = form.get("user", "")[:64]
        if not cookie or not secrets.compare_digest(cookie.encode(), header.encode()):
            return await refuse(request, 403, user, "login", "missing or wrong CSRF token")
        srv = intake()
        try:
            sess = await srv.in_writer(auth.login, user, form.get("password", ""),
                                       remote(request), now(), cfg.session_s)
        except AuthError as exc:
            srv.touch()
            return JSONResponse({"error": str(exc)}, status_code=401)
        srv.touch()
        response = JSONResponse({"user": sess.user, "display": sess.display, "csrf": sess.csrf})
        response.set_cookie(SESSION_COOKIE, sess.token, max_age=int(cfg.session_s),
                            httponly=True, samesite="strict", secure=cfg.secure_cookies)
        return response

    async def authorized(request: Request, action: str) -> auth.Session | Response:
        if actions.take(remote(request)):  # not audited: a flood must not fill the log
            return JSONResponse({"error": "terlalu banyak permintaan / too many requests"},
                                status_code=429)
        srv = intake()
        sess = await srv.in_writer(auth.session_for, request.cookies.get(SESSION_COOKIE),
                                   now(), remote(request))
        if sess is None:
            why = "not logged in" if SESSION_COOKIE not in request.cookies else \
                "session expired or unknown"
            return await refuse(request, 401, "", action, why)
        header = request.headers.get("x-csrf-token", "")
        if not secrets.compare_digest(sess.csrf.encode(), header.encode()):
            return await refuse(request, 403, sess.user, action, "missing or wrong CSRF token")
        return sess

    async def logout(request: Request) -> Response:
        sess = await authorized(request, "logout")
        if isinstance(sess, Response):
            return sess
        srv = intake()
        await srv.in_writer(auth.logout, request.cookies.get(SESSION_COOKIE, ""), now(),
                            remote(request))
        srv.touch()
        response = JSONResponse({"user": None})
        response.delete_cookie(SESSION_COOKIE)
        return response

    async def resolve(request: Request) -> Response:
        sess = await authorized(request, "resolve")
        if isinstance(sess, Response):
            return sess
        try:
            form = await _form(request)
        except BodyRefused as exc:
            return await refuse(request, exc.status, sess.user, "resolve", exc.reason)
        village, station = form.get("village", ""), form.get("station", "")
        keep, reason = form.get("keep", ""), form.get("reason", "")
        where = f"{village}/{station}"
        srv = intake()
        at = clock()

        def also(conn: Any, kept: str) -> None:
            auth.audit(conn, at, sess.user, "resolve", "ok",
                       f"{where}: kept {kept[:16]}; {reason}", remote(request))

        try:
            kept = await srv.in_writer(resolve_conflict, village, station, keep,
                                       f"{sess.display} ({sess.user})", reason,
                                       clock=lambda: at, also=also)
        except ResolveError as exc:
            return await refuse(request, 409, sess.user, "resolve", f"{where}: {exc}")
        srv.touch()
        return JSONResponse({"resolved": where, "kept": kept})

    async def paper_count(request: Request) -> Response:
        sess = await authorized(request, PAPER_ACTION)
        if isinstance(sess, Response):
            return sess
        try:
            form = await _form(request, numbers=("paper_records",))
        except BodyRefused as exc:
            return await refuse(request, exc.status, sess.user, PAPER_ACTION, exc.reason)
        village, station = form.get("village", ""), form.get("station", "")
        srv = intake()
        try:
            entry = await srv.in_writer(
                enter_paper_count, village, station, form.get("paper_records"),
                user=sess.user, official=sess.display, source="server",
                remote=remote(request), clock=clock)
        except PaperCountError as exc:  # audited by enter_paper_count
            srv.touch()
            return JSONResponse({"error": str(exc)}, status_code=422)
        srv.touch()
        return JSONResponse({"village": entry.village, "station": entry.station,
                             "paper_records": entry.records, "official": entry.official,
                             "user": entry.user, "at": entry.at})

    # ------------------------------------------------------------------ pages

    async def page(request: Request) -> Response:
        name = "upload.html" if request.url.path in ("/kirim", "/upload") else "dashboard.html"
        return Response(_static(name), media_type="text/html; charset=utf-8")

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return Response(b"not found", status_code=404, media_type="text/plain")
        return Response(_static(name), media_type=STATIC[name])

    async def no_icon(_request: Request) -> Response:
        return Response(status_code=204)

    routes = [
        Route("/favicon.ico", no_icon),
        Route("/", page), Route("/kirim", page), Route("/upload", page),
        Route("/static/{name}", static),
        Route("/api/v1/deliveries", post_delivery, methods=["POST"]),
        Route("/api/v1/results", results), Route("/api/v1/villages/{code}", village),
        Route("/api/v1/stations", stations), Route("/api/v1/incidents", incidents),
        Route("/api/v1/audit", audit_view), Route("/api/v1/events", events),
        Route("/api/v1/session", session_info),
        Route("/api/v1/login", login, methods=["POST"]),
        Route("/api/v1/logout", logout, methods=["POST"]),
        Route("/api/v1/resolve", resolve, methods=["POST"]),
        Route("/api/v1/paper-counts", paper_count, methods=["POST"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_middleware(SecurityHeaders)
    return app


async def _acquire(srv: Intake, timeout: float) -> None:
    await asyncio.wait_for(srv.slots.acquire(), timeout)


def _audit_alone(db: Any, at: str, user: str, action: str, outcome: str, detail: str,
                 remote: str) -> None:
    with db.transaction() as conn:
        auth.audit(conn, at, user, action, outcome, detail, remote)


def _event(version: int, report: dict[str, Any]) -> bytes:
    data = json.dumps({"version": version, "summary": report["summary"]})
    return f"event: update\nid: {version}\ndata: {data}\n\n".encode()
