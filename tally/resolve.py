"""`tally resolve`: an official decides which of two or more conflicting bundles counts.

The decision is recorded (who, why, when, which bundle was kept) and the other active
bundles of the station are set aside: they stay in the database, visible in reports and
in the published data, but are not counted. A bundle that arrives later and is not a
newer export of the kept one opens a new conflict.
"""

from __future__ import annotations

from collections.abc import Callable

from tally.db import TallyDB
from tally.errors import ResolveError
from tally.importer import utc_now


def resolve_conflict(
    db: TallyDB,
    village: str,
    station: str,
    keep: str,
    official: str,
    reason: str,
    *,
    clock: Callable[[], str] = utc_now,
) -> str:
    """Keep the active bundle whose digest starts with `keep`; return its full digest."""
    if not official.strip() or not reason.strip():
        raise ResolveError("a resolution needs the official's name and a reason")
    active = [r for r in db.bundles(("active",)) if (r.village, r.station) == (village, station)]
    if len(active) < 2:
        raise ResolveError(f"there is no conflict to resolve at {village}/{station}")
    chosen = [r for r in active if r.digest.startswith(keep.lower())] if keep else []
    if len(chosen) != 1:
        listed = ", ".join(r.digest[:16] for r in active)
        raise ResolveError(
            f"--keep must name exactly one of the held bundles at {village}/{station}: {listed}"
        )
    kept = chosen[0].digest
    with db.transaction() as conn:
        for r in active:
            if r.digest != kept:
                conn.execute("UPDATE bundles SET state = 'set_aside' WHERE digest = ?", (r.digest,))
        conn.execute(
            "INSERT INTO resolutions (village, station, kept, official, reason, at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (village, station, kept, official.strip(), reason.strip(), clock()),
        )
    return kept
