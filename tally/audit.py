"""The officials' audit log (table `audit`, since migration 0002): one row per action.

Every official's action (a login, a resolution, a paper count, a user added) and every
refusal (a wrong password, a missing CSRF token, an expired session, an implausible
paper count) is a row: when, who, what, the outcome, a bounded and escaped detail, and
from where (a client address, or "cli" for the console). The server shows the newest
rows on the dashboard. Kept apart from `tally.server.auth` so the console commands
(`tally paper-count`) write the same rows without loading the password hasher.
"""

from __future__ import annotations

import sqlite3

from tally.db import TallyDB, safe_label


def audit(conn: sqlite3.Connection, at: str, user: str, action: str, outcome: str,
          detail: str, remote: str) -> None:
    """One audit-log row (inside the caller's transaction, or alone)."""
    conn.execute(
        "INSERT INTO audit (at, user, action, outcome, detail, remote) VALUES (?,?,?,?,?,?)",
        (at, safe_label(user, 64), action, outcome, safe_label(detail, 500),
         safe_label(remote, 64)),
    )


def audit_log(db: TallyDB, limit: int = 200) -> list[dict[str, object]]:
    """The newest audit rows first."""
    rows = db.conn.execute(
        "SELECT id, at, user, action, outcome, detail, remote FROM audit ORDER BY id DESC"
        " LIMIT ?", (limit,)).fetchall()
    keys = ("id", "at", "user", "action", "outcome", "detail", "remote")
    return [dict(zip(keys, r, strict=True)) for r in rows]
