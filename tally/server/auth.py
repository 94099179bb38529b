"""Officials of the intake server: Argon2id passwords, sessions, CSRF, the audit log.

Uploading a delivery needs no account (a delivery authenticates itself by its
signatures). Acting on the tally (resolving a conflict) needs a login:

- users are made on the server's machine with `suaradesa tally users add`; passwords are
  stored only as Argon2id hashes (argon2-cffi, its default RFC 9106 "low memory"
  parameters), verified in constant time; an unknown name costs the same hash check;
- a login gives a random session token (cookie `sd_session`, HttpOnly, SameSite=Strict);
  only its SHA-256 is stored, so a copy of the database opens no session; a session ends
  `session_s` after login;
- every state-changing request carries the session's CSRF token in `X-CSRF-Token`
  (the login itself a double-submit token from the `sd_csrf` cookie);
- every action, every refused login, refused CSRF token and expired session is a row of
  the audit log (who, what, outcome, when, from which address), shown on the dashboard.

Randomness comes from `secrets` (injectable as `token`), time from an injectable clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from tally.audit import audit as audit
from tally.audit import audit_log as audit_log
from tally.db import TallyDB, safe_label
from tally.errors import AuthError

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
MIN_PASSWORD = 10
_HASHER = PasswordHasher()  # Argon2id, RFC 9106 low-memory profile
#: Checked when the user name is unknown, so the answer takes the same time.
_DUMMY = _HASHER.hash("suaradesa-no-such-user")


def iso(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


@dataclass(frozen=True, slots=True)
class Session:
    """A logged-in official: who, the CSRF token their requests must carry, the cookie."""

    user: str
    display: str
    csrf: str
    token: str = ""  # only right after login (the cookie value); never stored


def add_user(db: TallyDB, name: str, display: str, password: str, at: str) -> None:
    """Create (or, for an existing name, re-key) an official; `AuthError` on bad input."""
    if not NAME_RE.match(name):
        raise AuthError("user name: 1-64 of a-z 0-9 . _ -, starting with a letter or digit")
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"the password needs at least {MIN_PASSWORD} characters")
    if not display.strip():
        raise AuthError("the official's full name is needed (it appears in the audit log)")
    hashed = _HASHER.hash(password)
    with db.transaction() as conn:
        existed = conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone()
        conn.execute(
            "INSERT INTO users (name, display, password_hash, created_at, active)"
            " VALUES (?, ?, ?, ?, 1) ON CONFLICT (name) DO UPDATE SET"
            " display = excluded.display, password_hash = excluded.password_hash, active = 1",
            (name, safe_label(display.strip(), 200), hashed, at),
        )
        conn.execute("DELETE FROM sessions WHERE user = ?", (name,))
        audit(conn, at, name, "user_changed" if existed else "user_added", "ok",
              safe_label(display.strip(), 200), "cli")


def login(db: TallyDB, name: str, password: str, remote: str, now: float, session_s: float,
          token: Callable[[int], str] = secrets.token_urlsafe) -> Session:
    """Check a password and open a session; every attempt is audited."""
    row = db.conn.execute("SELECT display, password_hash FROM users WHERE name = ? AND active",
                          (name,)).fetchone()
    ok = False
    try:
        ok = _HASHER.verify(_DUMMY if row is None else row[1], password) and row is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    at = iso(now)
    if not ok:
        with db.transaction() as conn:
            audit(conn, at, name, "login", "refused",
                  "unknown user" if row is None else "wrong password", remote)
        raise AuthError("nama atau kata sandi salah / wrong user name or password")
    cookie, csrf = token(32), token(32)
    with db.transaction() as conn:
        conn.execute("DELETE FROM sessions WHERE expires_at <= ?", (at,))
        conn.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                     (_token_hash(cookie), name, csrf, at, iso(now + session_s)))
        audit(conn, at, name, "login", "ok", "", remote)
    return Session(name, str(row[0]), csrf, cookie)


def session_for(db: TallyDB, cookie: str | None, now: float, remote: str) -> Session | None:
    """The session a cookie names, if it is open; an expired one is closed and audited."""
    if not cookie:
        return None
    row = db.conn.execute(
        "SELECT s.user, u.display, s.csrf, s.expires_at FROM sessions s"
        " JOIN users u ON u.name = s.user WHERE s.token_hash = ? AND u.active",
        (_token_hash(cookie),)).fetchone()
    if row is None:
        return None
    if row[3] <= iso(now):
        with db.transaction() as conn:
            conn.execute("DELETE FROM sessions WHERE token_hash = ?", (_token_hash(cookie),))
            audit(conn, iso(now), row[0], "session", "expired", f"expired at {row[3]}", remote)
        return None
    return Session(row[0], row[1], row[2])


def logout(db: TallyDB, cookie: str, now: float, remote: str) -> None:
    with db.transaction() as conn:
        row = conn.execute("SELECT user FROM sessions WHERE token_hash = ?",
                           (_token_hash(cookie),)).fetchone()
        conn.execute("DELETE FROM sessions WHERE token_hash = ?", (_token_hash(cookie),))
        if row is not None:
            audit(conn, iso(now), row[0], "logout", "ok", "", remote)
