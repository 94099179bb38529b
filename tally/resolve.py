"""`tally resolve`: an official decides which of two or more conflicting bundles counts.

The decision is recorded (who, why, when, which bundle was kept and which were set
aside); nothing else changes: the set-aside bundles stay in the database, visible in
reports and in the published data, and `tally.lineage` no longer counts them. A bundle that arrives later and is not a
newer export of the kept one opens a new conflict.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from tally.db import TallyDB, safe_label
from tally.errors import ResolveError
from tally.importer import utc_now
from tally.lineage import station_lineage


def resolve_conflict(
    db: TallyDB,
    village: str,
    station: str,
    keep: str,
    official: str,
    reason: str,
    *,
    clock: Callable[[], str] = utc_now,
    also: Callable[[sqlite3.Connection, str], None] | None = None,
) -> str:
    """Keep the conflicting bundle whose digest starts with `keep`; return its full digest.

    `also(conn, kept)` runs inside the same transaction (the server's audit-log row), so
    a resolution is never recorded without it, nor it without the resolution.
    """
    if not official.strip() or not reason.strip():
        raise ResolveError("a resolution needs the official's name and a reason")
    rows = [r for r in db.bundles()
            if (r.village, r.station) == (village, station) and r.proofs != "failed"]
    previous = [(r.kept, r.set_aside) for r in db.resolutions()
                if (r.village, r.station) == (village, station)]
    conflict = station_lineage([r.facts for r in rows], previous).conflict
    if not conflict:
        raise ResolveError(f"there is no conflict to resolve at {village}/{station}")
    chosen = [b for b in conflict if b.digest.startswith(keep.lower())] if keep else []
    if len(chosen) != 1:
        listed = ", ".join(b.digest[:16] for b in conflict)
        raise ResolveError(
            f"--keep must name exactly one of the held bundles at {village}/{station}: {listed}"
        )
    kept = chosen[0].digest
    aside = sorted(b.digest for b in conflict if b.digest != kept)
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO resolutions (village, station, kept, set_aside, official, reason, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (village, station, kept, json.dumps(aside), safe_label(official.strip(), 200),
             safe_label(reason.strip(), 1000), clock()),
        )
        if also is not None:
            also(conn, kept)
    return kept
