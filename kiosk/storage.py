"""The kiosk's one SQLCipher database: ballot box, event log, counters, state.

Durability: WAL journal with `synchronous=FULL`, so a COMMIT that returned survives a
power cut; every change the engine makes (a ballot, its event, the counters, the session
state) happens in ONE transaction (`KioskStore.transaction`). Temporary tables and
sorts stay in memory (`temp_store=MEMORY`): no temp file ever holds database content.

Encryption: the 32-byte key is handed in by the engine (derived from the kiosk's private
key, see `kiosk.engine.database_key` and docs/SECURITY.md); it is used as a raw SQLCipher
key (`x'..'`), never written anywhere.

Schema: named migrations (`MIGRATIONS`), each applied in its own transaction and
recorded in `migrations`. On open the applied names must be a prefix of the known list
and the resulting schema must hash to the digest of the known migrations; otherwise the
store refuses to start (`StorageError`) rather than reset anything.

Ballot secrecy (the attacker holds this file and its key): ballots live in `slots`, a
WITHOUT ROWID table keyed by the random ballot id. At polls-open 2 x DPT empty slots of
one fixed byte size are allocated with random ids, so every slot's page and position is
fixed before the first voter; a cast fills a slot chosen uniformly at random among the
free ones by an UPDATE of the same size (SQLite overwrites such a cell in place). There
is no rowid, no timestamp and no sequence number next to a ballot; the event log records
only that *a* ballot was cast. After each confirmation the engine checkpoints and
truncates the WAL (`truncate_wal`), so no journal keeps the order of recent writes.

Spoiled (challenged) ballots: a committed ballot's id is a free slot's id; a challenge
deletes that (empty) slot, so the id is never used for a cast, and stores the spoiled
record with its signature in `spoiled`, a WITHOUT ROWID table keyed by the same random
id, read and exported in id order: neither reveals the order of challenges.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlcipher3

from ballotcore.eventlog import EventEntry, next_entry, verify_chain
from kiosk import events
from kiosk.crash import crash_point
from kiosk.errors import StorageError

DB_NAME = "kiosk.db"
SIG_BYTES = 64

#: Named migrations, applied in order, each in one transaction. Never edit one that has
#: shipped: add a new one.
MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "0001_initial",
        """
        CREATE TABLE migrations (name TEXT PRIMARY KEY) WITHOUT ROWID;
        CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE slots (
            id BLOB PRIMARY KEY,
            filled INTEGER NOT NULL,
            record BLOB NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE events (seq INTEGER PRIMARY KEY, entry BLOB NOT NULL);
        CREATE TABLE export_events (seq INTEGER PRIMARY KEY, entry BLOB NOT NULL);
        CREATE TABLE partials (idx INTEGER PRIMARY KEY, record BLOB NOT NULL);
        """,
    ),
    (
        "0002_spoiled",
        """
        CREATE TABLE spoiled (id BLOB PRIMARY KEY, record BLOB NOT NULL) WITHOUT ROWID;
        """,
    ),
)


def _schema_rows(conn: Any) -> list[tuple[str, str, str]]:
    rows = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [(str(t), str(n), " ".join(str(s or "").split())) for t, n, s in rows]


def schema_digest(rows: list[tuple[str, str, str]]) -> str:
    """SHA-256 over the schema (type, name, normalised SQL) sorted by name."""
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def expected_schema_digest() -> str:
    """The digest a database has after every known migration (computed in memory)."""
    mem = sqlite3.connect(":memory:")
    for _, sql in MIGRATIONS:
        mem.executescript(sql)
    digest = schema_digest(_schema_rows(mem))
    mem.close()
    return digest


class Transaction:
    """What may be written inside one `KioskStore.transaction()`."""

    def __init__(self, store: KioskStore) -> None:
        self._store = store
        self._conn = store._conn
        self.head = store.head
        self.export_head = store.export_head

    def set(self, name: str, value: Any) -> None:
        """Set a meta value (JSON-encoded)."""
        self._conn.execute(
            "INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", (name, json.dumps(value))
        )

    def add(self, name: str, delta: int = 1) -> None:
        """Increase an integer counter in meta."""
        self.set(name, int(self._store.get(name, 0)) + delta)

    def log(self, code: str, time: str, detail: dict[str, str | int] | None = None) -> None:
        """Append an entry to the hash-chained event log."""
        entry = next_entry(self.head, events.check(code), time, detail)
        self._conn.execute(
            "INSERT INTO events (seq, entry) VALUES (?, ?)", (entry.seq, entry.to_bytes())
        )
        self.head = entry

    def log_export(self, code: str, time: str, detail: dict[str, str | int] | None = None) -> None:
        """Append to the separate export log (outside the exported chain)."""
        entry = next_entry(self.export_head, events.check(code), time, detail)
        self._conn.execute(
            "INSERT INTO export_events (seq, entry) VALUES (?, ?)", (entry.seq, entry.to_bytes())
        )
        self.export_head = entry

    def fill_slot(self, slot_id: bytes, record: bytes) -> None:
        """Write a ballot record into a free slot of the same size."""
        if len(record) != self._store.slot_size:
            raise StorageError(f"ballot record is {len(record)} bytes, slots hold {self._store.slot_size}")
        cur = self._conn.execute(
            "UPDATE slots SET filled = 1, record = ? WHERE id = ? AND filled = 0", (record, slot_id)
        )
        if cur.rowcount != 1:
            raise StorageError("the chosen ballot slot is not free")

    def allocate_slots(self, count: int, slot_size: int) -> list[bytes]:
        """Insert `count` empty slots with random 16-byte ids (at polls-open)."""
        ids = {secrets.token_bytes(16) for _ in range(count)}
        while len(ids) < count:
            ids.add(secrets.token_bytes(16))
        empty = bytes(slot_size)
        self._conn.executemany(
            "INSERT INTO slots (id, filled, record) VALUES (?, 0, ?)",
            ((i, empty) for i in sorted(ids)),
        )
        self.set("slot_size", slot_size)
        return sorted(ids)

    def spoil_slot(self, slot_id: bytes, record: bytes) -> None:
        """Retire the free slot of a challenged ballot and keep its spoiled record (with
        the kiosk signature appended) under the same random id."""
        cur = self._conn.execute("DELETE FROM slots WHERE id = ? AND filled = 0", (slot_id,))
        if cur.rowcount != 1:
            raise StorageError("the challenged ballot's slot is not free")
        self._conn.execute("INSERT INTO spoiled (id, record) VALUES (?, ?)", (slot_id, record))

    def put_partial(self, index: int, record: bytes) -> None:
        self._conn.execute("INSERT INTO partials (idx, record) VALUES (?, ?)", (index, record))

    def clear_box(self) -> None:
        """Delete every slot, partial and derived value (mode switch)."""
        self._conn.execute("DELETE FROM slots")
        self._conn.execute("DELETE FROM partials")
        self._conn.execute("DELETE FROM spoiled")
        for name in ("slot_size", "aggregate", "results", "bundle_events"):
            self._conn.execute("DELETE FROM meta WHERE name = ?", (name,))


class KioskStore:
    """An open kiosk database (see module docstring)."""

    def __init__(self, data_dir: Path, key: bytes) -> None:
        self.path = Path(data_dir) / DB_NAME
        self.created = not self.path.exists()
        self.applied_now: list[str] = []
        if len(key) != 32:
            raise ValueError("the database key is 32 bytes")
        try:
            self._conn = sqlcipher3.connect(str(self.path), isolation_level=None,
                                            check_same_thread=False)
            self._conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
            self._conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:
            raise StorageError(
                "the kiosk database cannot be opened with this kiosk's key",
                "basis data kios tidak dapat dibuka dengan kunci kios ini",
            ) from exc
        mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StorageError(f"the database refused WAL mode ({mode})")
        self._conn.execute("PRAGMA synchronous = FULL")
        self._conn.execute("PRAGMA temp_store = MEMORY")
        self._conn.execute("PRAGMA secure_delete = ON")
        self._conn.execute("PRAGMA wal_autocheckpoint = 0")
        self._migrate()
        self.head = self._load_chain("events")
        self.export_head = self._load_chain("export_events")
        self.slot_size = int(self.get("slot_size", 0))

    # ------------------------------------------------------------ schema
    def _migrate(self) -> None:
        tables = {r[1] for r in _schema_rows(self._conn)}
        known = [name for name, _ in MIGRATIONS]
        if tables and "migrations" not in tables:
            raise StorageError("the database has an unknown schema; refusing to start")
        applied = (
            [r[0] for r in self._conn.execute("SELECT name FROM migrations ORDER BY name")]
            if tables
            else []
        )
        if applied != known[: len(applied)]:
            raise StorageError(
                f"the database has migrations this software does not know ({applied})"
            )
        for name, sql in MIGRATIONS[len(applied) :]:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                for statement in filter(str.strip, sql.split(";")):
                    self._conn.execute(statement)
                self._conn.execute("INSERT INTO migrations (name) VALUES (?)", (name,))
                self._conn.execute("COMMIT")
            except Exception:
                self._conn.execute("ROLLBACK")
                raise
            self.applied_now.append(name)
        if schema_digest(_schema_rows(self._conn)) != expected_schema_digest():
            raise StorageError("the database schema does not match this software; refusing")

    def _load_chain(self, table: str) -> EventEntry | None:
        entries = [
            EventEntry.from_bytes(bytes(r[0]))
            for r in self._conn.execute(f"SELECT entry FROM {table} ORDER BY seq")
        ]
        verify_chain(entries)
        return entries[-1] if entries else None

    # ------------------------------------------------------------ reading
    def get(self, name: str, default: Any = None) -> Any:
        row = self._conn.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return default if row is None else json.loads(row[0])

    def events(self, table: str = "events", limit: int | None = None) -> list[EventEntry]:
        """The event log in order (optionally only the first `limit` entries)."""
        if table not in ("events", "export_events"):
            raise ValueError(table)
        sql = f"SELECT entry FROM {table} ORDER BY seq"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [EventEntry.from_bytes(bytes(r[0])) for r in self._conn.execute(sql)]

    def free_slots(self) -> list[bytes]:
        return [bytes(r[0]) for r in self._conn.execute("SELECT id FROM slots WHERE filled = 0")]

    def slot_count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM slots").fetchone()[0])

    def ballots(self) -> list[tuple[bytes, bytes]]:
        """Every stored (ballot record bytes, kiosk signature), in random-id order."""
        out = []
        for (record,) in self._conn.execute("SELECT record FROM slots WHERE filled = 1 ORDER BY id"):
            raw = bytes(record)
            out.append((raw[:-SIG_BYTES], raw[-SIG_BYTES:]))
        return out

    def spoiled(self) -> list[tuple[bytes, bytes]]:
        """Every spoiled ballot (record bytes, kiosk signature), in random-id order."""
        out = []
        for (record,) in self._conn.execute("SELECT record FROM spoiled ORDER BY id"):
            raw = bytes(record)
            out.append((raw[:-SIG_BYTES], raw[-SIG_BYTES:]))
        return out

    def ballot_count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM slots WHERE filled = 1").fetchone()[0])

    def partials(self) -> list[tuple[int, bytes]]:
        return [(int(i), bytes(r)) for i, r in self._conn.execute(
            "SELECT idx, record FROM partials ORDER BY idx")]

    def integrity_problems(self) -> list[str]:
        """Output of PRAGMA integrity_check and cipher_integrity_check, minus 'ok'."""
        rows = [str(r[0]) for r in self._conn.execute("PRAGMA integrity_check")]
        rows += [str(r[0]) for r in self._conn.execute("PRAGMA cipher_integrity_check")]
        return [r for r in rows if r != "ok"]

    # ------------------------------------------------------------ writing
    @contextmanager
    def transaction(self, crash_before_commit: str | None = None) -> Iterator[Transaction]:
        """One atomic, durable transaction; the chain heads move only if it commits."""
        self._conn.execute("BEGIN IMMEDIATE")
        txn = Transaction(self)
        try:
            yield txn
            if crash_before_commit:
                crash_point(crash_before_commit)
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self.head = txn.head
        self.export_head = txn.export_head
        self.slot_size = int(self.get("slot_size", 0))

    def truncate_wal(self) -> None:
        """Checkpoint the WAL into the database file and truncate it to zero bytes."""
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()

    def close(self) -> None:
        try:
            self.truncate_wal()
        finally:
            self._conn.close()
