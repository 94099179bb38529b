"""Officials' hand counts of a station's audit box: entered, checked, compared.

After the polls close, the paper records the kiosk printed for each ballot lie in the
station's audit box. Officials at the district count them by hand and enter the number
(`suaradesa tally paper-count`, or the form on the `tally serve` dashboard). This module
is the one path both use:

- `enter_paper_count` checks the station exists in the public record and that the
  number is plausible (0 up to the station's DPT + DPTb), then writes the row and its
  audit-log row in one transaction; a refused entry is an audit row too;
- `compare` sets the entered count beside what counts (the counted ballots of the
  station's signed results) and beside the kiosk's own paper count in its poll book
  (`tally.pollbook`), and says what differs.

The entered number is an official's statement, attributed to them: it never changes a
vote count. `tally.model` shows it with the station and marks a difference an anomaly.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from ballotcore.election import Station
from tally.audit import audit
from tally.db import PaperCount, TallyDB, safe_label
from tally.errors import PaperCountError
from tally.importer import utc_now

ACTION = "paper_count"


def station_of(db: TallyDB, village: str, station: str) -> Station:
    """The station of the public record, or `PaperCountError`."""
    for v in db.record.definition.villages:
        if v.code == village:
            for s in v.stations:
                if s.code == station:
                    return s
    raise PaperCountError(
        f"TPS {safe_label(village, 64)}/{safe_label(station, 64)} tidak ada dalam catatan "
        "publik / no such station in the public record")


def limit_of(s: Station) -> int:
    """The most paper records a station can hold: its DPT plus its DPTb (when recorded)."""
    return s.dpt + (s.dptb or 0)


def check_count(db: TallyDB, village: str, station: str, records: object) -> int:
    """The count as an int, or `PaperCountError` with the reason (Indonesian / English)."""
    s = station_of(db, village, station)
    if isinstance(records, bool) or not isinstance(records, int):
        raise PaperCountError("jumlah harus bilangan bulat / the count must be a whole number")
    if records < 0:
        raise PaperCountError("jumlah tidak boleh negatif / the count cannot be negative")
    limit = limit_of(s)
    if records > limit:
        raise PaperCountError(
            f"{records} melebihi DPT + DPTb TPS ini ({limit}) / {records} is more than this "
            f"station's DPT + DPTb ({limit})")
    return records


def enter_paper_count(
    db: TallyDB, village: str, station: str, records: object, *, user: str, official: str,
    source: str, remote: str, clock: Callable[[], str] = utc_now,
) -> PaperCount:
    """Record an official's count (row and audit row, one transaction) and return it.

    A refused count raises `PaperCountError` after writing a "refused" audit row, so
    every attempt is in the log, whether it came from the server or the console.
    """
    at = clock()
    where = f"{village}/{station}"
    name = official.strip()
    try:
        if not name:
            raise PaperCountError("nama petugas diperlukan / the official's name is needed")
        count = check_count(db, village, station, records)
    except PaperCountError as exc:
        with db.transaction() as conn:
            audit(conn, at, user or name, ACTION, "refused", f"{where}: {exc}", remote)
        raise
    entry = PaperCount(village, station, count, user, safe_label(name, 200), source, at)
    with db.transaction() as conn:
        _insert(conn, entry)
        audit(conn, at, user or entry.official, ACTION, "ok",
              f"{where}: {count} catatan kertas / paper records ({entry.official})", remote)
    return entry


def _insert(conn: sqlite3.Connection, e: PaperCount) -> None:
    conn.execute(
        "INSERT INTO paper_counts (village, station, records, user, official, source, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (e.village, e.station, e.records, e.user, e.official, e.source, e.at),
    )


@dataclass(frozen=True, slots=True)
class Comparison:
    """An entered count beside the counted ballots and the kiosk's poll-book count."""

    entry: PaperCount
    ballots: int | None  # the station's counted ballots (None: nothing counted yet)
    kiosk_paper: int | None  # the poll book's paper count (None: no poll book / not entered)

    @property
    def by(self) -> str:
        return f"{self.entry.official} ({self.entry.user})" if self.entry.user else \
            self.entry.official

    @property
    def differences(self) -> tuple[str, ...]:
        """One sentence per disagreement (Indonesian / English); () when it all agrees."""
        n = self.entry.records
        out = []
        if self.ballots is not None and self.ballots != n:
            out.append(f"hitungan kertas petugas {n} tidak sama dengan {self.ballots} suara "
                       f"dihitung / the officials' paper count {n} differs from the "
                       f"{self.ballots} ballots counted")
        if self.kiosk_paper is not None and self.kiosk_paper != n:
            out.append(f"hitungan kertas petugas {n} tidak sama dengan {self.kiosk_paper} "
                       f"catatan kertas di buku pemilih kios / the officials' paper count "
                       f"{n} differs from the kiosk poll book's {self.kiosk_paper}")
        return tuple(out)

    def statement(self) -> str:
        """The count as the official's attributed statement, for every report's notes."""
        return (f"pernyataan petugas / official's statement: {self.entry.records} catatan "
                f"kertas di kotak audit / paper records in the audit box ({self.by}, "
                f"{self.entry.at})")

    def to_dict(self) -> dict[str, object]:
        return {
            "records": self.entry.records, "official": self.entry.official,
            "user": self.entry.user, "source": self.entry.source, "at": self.entry.at,
            "ballots": self.ballots, "kiosk_paper_records": self.kiosk_paper,
            "matches": not self.differences, "differences": list(self.differences),
        }


__all__ = ["ACTION", "Comparison", "check_count", "enter_paper_count", "limit_of",
           "station_of"]
