"""The tally database: one SQLite file per district tally, holding only public data.

The database is created against one public election record (`election.json`), stored
in it on first use; every later import is checked against that record. It holds:

    election       the public record as published (one row) and its authority key id
    bundles        every accepted station bundle, byte for byte, with what the tally needs
                   (station, event-log digests, the signed results record, counts, findings)
                   and its state: active, superseded (an older export replaced by a newer
                   one from the same kiosk) or set_aside (the losing side of a resolved
                   conflict)
    qr_results     signed results records read from photos of printed results QR codes
    resolutions    each conflict an official resolved: who, why, which bundle was kept
    imports        one row per import that changed something
    verifications  one row per `tally verify` run and its findings

Plain `sqlite3` (not SQLCipher): nothing here is secret. Writes happen only inside
`transaction()`, one per import, so a failed or fully rejected import leaves the file
byte for byte as it was. The rollback journal (not WAL) keeps the database a single file.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ballotcore.errors import BallotCoreError
from ballotcore.limits import MAX_STORED_RECORD_BYTES
from ballotcore.public_record import PublicRecord, parse_public_record
from ballotcore.signing import key_id
from tally.errors import DatabaseError

SCHEMA_VERSION = "tally-1"

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE election (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    election_id TEXT NOT NULL,
    authority TEXT NOT NULL,
    record_digest TEXT NOT NULL,
    record BLOB NOT NULL
);
CREATE TABLE imports (
    no INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    accepted INTEGER NOT NULL
);
CREATE TABLE bundles (
    digest TEXT PRIMARY KEY,
    village TEXT NOT NULL,
    station TEXT NOT NULL,
    kiosk_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('active', 'superseded', 'set_aside')),
    events TEXT NOT NULL,
    results BLOB,
    ballots INTEGER NOT NULL,
    activations INTEGER NOT NULL,
    voided INTEGER NOT NULL,
    findings TEXT NOT NULL,
    source TEXT NOT NULL,
    import_no INTEGER NOT NULL REFERENCES imports(no),
    data BLOB NOT NULL
);
CREATE INDEX bundles_station ON bundles (village, station);
CREATE TABLE qr_results (
    digest TEXT PRIMARY KEY,
    village TEXT NOT NULL,
    station TEXT NOT NULL,
    kiosk_id TEXT NOT NULL,
    results BLOB NOT NULL,
    envelope BLOB NOT NULL,
    source TEXT NOT NULL,
    import_no INTEGER NOT NULL REFERENCES imports(no)
);
CREATE TABLE resolutions (
    id INTEGER PRIMARY KEY,
    village TEXT NOT NULL,
    station TEXT NOT NULL,
    kept TEXT NOT NULL,
    official TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE verifications (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    full INTEGER NOT NULL,
    engine TEXT NOT NULL,
    findings TEXT NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class BundleRow:
    """One accepted bundle as the tally keeps it (without its bytes)."""

    digest: str
    village: str
    station: str
    kiosk_id: str
    state: str
    events: tuple[str, ...]
    results: bytes | None  # the signed results record's inner bytes
    ballots: int
    activations: int
    voided: int
    findings: tuple[str, ...]
    import_no: int


@dataclass(frozen=True, slots=True)
class QrRow:
    """A results record read from a photographed results QR code."""

    digest: str
    village: str
    station: str
    kiosk_id: str
    results: bytes
    envelope: bytes


@dataclass(frozen=True, slots=True)
class Resolution:
    village: str
    station: str
    kept: str
    official: str
    reason: str
    at: str


class TallyDB:
    """An open tally database (see module docstring)."""

    def __init__(self, conn: sqlite3.Connection, record: PublicRecord, path: Path) -> None:
        self.conn = conn
        self.record = record
        self.path = path

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(
        cls, path: Path, record_bytes: bytes | None = None, authority: str | None = None
    ) -> TallyDB:
        """Open (or, given `record_bytes`, create) the tally database at `path`.

        A new database needs the public record; an existing one refuses a different
        record, and a different authority key id when one is given.
        """
        if path.is_symlink():
            raise DatabaseError(f"{path} is a symbolic link; give the database file itself")
        exists = path.exists()
        if not exists and record_bytes is None:
            raise DatabaseError(
                f"{path} does not exist; create it with --record election.json"
            )
        if not exists:
            assert record_bytes is not None
            record = _parse_record(record_bytes, authority)
            conn = _connect(path)
            try:
                conn.execute("BEGIN IMMEDIATE")
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
                conn.execute(
                    "INSERT INTO election VALUES (1, ?, ?, ?, ?)",
                    (
                        record.definition.election_id,
                        key_id(record.authority_key),
                        record.digest().hex(),
                        record_bytes,
                    ),
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.close()
                path.unlink(missing_ok=True)
                raise
            return cls(conn, record, path)
        conn = _connect(path)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise DatabaseError(f"{path} is not a SuaraDesa tally database") from exc
        if row is None or row[0] != SCHEMA_VERSION:
            conn.close()
            raise DatabaseError(f"{path} has an unknown schema {row[0] if row else None!r}")
        stored, stored_authority = conn.execute(
            "SELECT record, authority FROM election WHERE id = 1"
        ).fetchone()
        if authority is not None and authority != stored_authority:
            conn.close()
            raise DatabaseError(
                f"this database is for authority {stored_authority}, not {authority}"
            )
        if record_bytes is not None and record_bytes != stored:
            conn.close()
            raise DatabaseError(
                "this database was created for a different public election record"
            )
        record = _parse_record(stored, stored_authority)
        return cls(conn, record, path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> TallyDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is committed, or none of it."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # ------------------------------------------------------------------ reading

    @property
    def authority(self) -> str:
        return str(self.conn.execute("SELECT authority FROM election").fetchone()[0])

    def bundles(self, states: tuple[str, ...] = ("active", "superseded", "set_aside")) -> list[
        BundleRow
    ]:
        marks = ",".join("?" * len(states))
        rows = self.conn.execute(
            "SELECT digest, village, station, kiosk_id, state, events, results, ballots,"
            " activations, voided, findings, import_no FROM bundles"
            f" WHERE state IN ({marks}) ORDER BY village, station, digest",
            states,
        ).fetchall()
        return [
            BundleRow(
                r[0], r[1], r[2], r[3], r[4], tuple(json.loads(r[5])), r[6], r[7], r[8], r[9],
                tuple(json.loads(r[10])), r[11],
            )
            for r in rows
        ]

    def bundle_data(self, digest: str) -> bytes:
        row = self.conn.execute("SELECT data FROM bundles WHERE digest = ?", (digest,)).fetchone()
        if row is None:
            raise DatabaseError(f"no bundle {digest}")
        return bytes(row[0])

    def qr_results(self) -> list[QrRow]:
        rows = self.conn.execute(
            "SELECT digest, village, station, kiosk_id, results, envelope FROM qr_results"
            " ORDER BY village, station, digest"
        ).fetchall()
        return [QrRow(r[0], r[1], r[2], r[3], bytes(r[4]), bytes(r[5])) for r in rows]

    def resolutions(self) -> list[Resolution]:
        rows = self.conn.execute(
            "SELECT village, station, kept, official, reason, at FROM resolutions ORDER BY id"
        ).fetchall()
        return [Resolution(*r) for r in rows]

    def last_verification(self) -> tuple[str, bool, str, list[dict[str, str]]] | None:
        row = self.conn.execute(
            "SELECT at, full, engine, findings FROM verifications ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        return row[0], bool(row[1]), row[2], json.loads(row[3])

    def next_import_no(self) -> int:
        row = self.conn.execute("SELECT COALESCE(MAX(no), 0) + 1 FROM imports").fetchone()
        return int(row[0])


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _parse_record(data: bytes, authority: str | None) -> PublicRecord:
    if len(data) > MAX_STORED_RECORD_BYTES:
        raise DatabaseError("the public election record is implausibly large")
    try:
        return parse_public_record(data, authority)
    except BallotCoreError as exc:
        raise DatabaseError(f"the public election record does not verify: {exc}") from exc
