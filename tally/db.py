"""The tally database: one SQLite file per district tally, holding only public data.

The database is created against one public election record (`election.json`), stored
in it on first use; every later input is checked against that record. It holds:

    election       the public record as published (one row) and its authority key id
    bundles        every held station bundle, byte for byte, with the facts verification
                   derived from it (`tally.lineage.BundleFacts`), its signed results
                   envelope, and whether its proofs were checked (verified, deferred,
                   failed). Which bundle counts is *not* stored: `tally.lineage` derives it
                   from the held bundles and the resolutions every time
    qr_results     signed results envelopes read from photos of printed results QR codes
    resolutions    each conflict an official resolved: who, why, when, which bundle was
                   kept and which were set aside
    incidents      every delivery (accepted, duplicate, superseding, conflict,
                   provisional, unverified, rejected) and every proof check that changed a
                   bundle's state: time, file name (escaped, bounded), file SHA-256, size,
                   outcome, cause, reason, station
    imports        one row per import that stored something
    verifications  one row per `tally verify` run and its findings

Trust: nothing here is believed because it is stored. Reports verify every counted
results envelope's kiosk signature against the public record when they are made, and
`tally verify` derives every stored fact again from the bundle bytes and reports each
difference as an error (docs/TALLY.md, "What counts").

Since 0002 (the intake server, `tally serve`) it also holds:

    users          officials who may act through the server: Argon2id password hashes
    sessions       their login sessions: SHA-256 of the cookie token, CSRF token, expiry
    audit          every official's action and every refused login (who, what, when, from)

Since 0003 (officials' paper counts, `tally paper-count` and the server's form):

    paper_counts   each hand count of a station's audit-box paper records an official
                   entered: village, station, count, user, the official's name, where
                   (server or cli), when. Append-only: the newest row of a station is the
                   one reports read (`latest_paper_counts`); every row is also an audit row

Plain `sqlite3` (not SQLCipher): the election data here is public; the password hashes
are not published (`tally publish` copies no table, only derived data and bundles).
Writes happen only inside `transaction()`, one per import or delivery; a fully rejected
import adds incident rows only. The schema is a list of named migrations (`MIGRATIONS`),
as in the kiosk's store. The CLI uses the rollback journal (the database stays a single
file to copy); the server switches it to WAL while it runs (see `_connect`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ballotcore.errors import BallotCoreError
from ballotcore.limits import MAX_STORED_RECORD_BYTES
from ballotcore.public_record import PublicRecord, parse_public_record
from ballotcore.signing import key_id
from tally.errors import DatabaseError
from tally.lineage import BundleFacts

#: Longest stored text taken from an input (file names, reasons): bounded, escaped.
MAX_LABEL = 240

#: Named migrations, applied in order, each in one transaction (as in the kiosk's store).
#: Never edit one that has shipped: add a new one.
MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "0001_initial",
        """
        CREATE TABLE migrations (name TEXT PRIMARY KEY) WITHOUT ROWID;
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
            facts TEXT NOT NULL,
            results BLOB,
            proofs TEXT NOT NULL CHECK (proofs IN ('verified', 'deferred', 'failed')),
            proof_error TEXT NOT NULL,
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
            envelope BLOB NOT NULL,
            source TEXT NOT NULL,
            import_no INTEGER NOT NULL REFERENCES imports(no)
        );
        CREATE TABLE resolutions (
            id INTEGER PRIMARY KEY,
            village TEXT NOT NULL,
            station TEXT NOT NULL,
            kept TEXT NOT NULL,
            set_aside TEXT NOT NULL,
            official TEXT NOT NULL,
            reason TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE TABLE incidents (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            source TEXT NOT NULL,
            file_digest TEXT NOT NULL,
            size INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            cause TEXT NOT NULL,
            reason TEXT NOT NULL,
            village TEXT NOT NULL,
            station TEXT NOT NULL,
            bundle TEXT NOT NULL
        );
        CREATE TABLE verifications (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            full INTEGER NOT NULL,
            engine TEXT NOT NULL,
            findings TEXT NOT NULL
        );
        """,
    ),
    (
        "0002_server",
        """
        CREATE TABLE users (
            name TEXT PRIMARY KEY,
            display TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1
        ) WITHOUT ROWID;
        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,
            user TEXT NOT NULL REFERENCES users(name),
            csrf TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user TEXT NOT NULL,
            action TEXT NOT NULL,
            outcome TEXT NOT NULL,
            detail TEXT NOT NULL,
            remote TEXT NOT NULL
        );
        """,
    ),
    (
        "0003_paper_counts",
        """
        CREATE TABLE paper_counts (
            id INTEGER PRIMARY KEY,
            village TEXT NOT NULL,
            station TEXT NOT NULL,
            records INTEGER NOT NULL CHECK (records >= 0),
            user TEXT NOT NULL,
            official TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('server', 'cli')),
            at TEXT NOT NULL
        );
        CREATE INDEX paper_counts_station ON paper_counts (village, station, id);
        """,
    ),
)

#: Outcomes an incident may record (docs/TALLY.md).
OUTCOMES = ("accepted", "duplicate", "superseding", "conflict", "provisional", "unverified",
            "rejected", "verified")


def safe_label(text: str, limit: int = MAX_LABEL) -> str:
    """`text` with every unprintable character escaped and at most `limit` characters.

    File names on a USB stick are hostile: control characters, bidi overrides, invalid
    UTF-8 (surrogate escapes) and megabyte-long names are stored escaped and cut.
    """
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if ch.isprintable() and not 0xD800 <= code <= 0xDFFF and ch != "\\":
            out.append(ch)
        else:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        if sum(len(x) for x in out) > limit:
            return "".join(out)[: limit - 1] + "\u2026"
    return "".join(out)


@dataclass(frozen=True, slots=True)
class BundleRow:
    """One held bundle as the tally keeps it (without its bytes).

    `facts` is what verification derived from the bytes; `proofs` says whether every
    proof was checked (`verified`), postponed (`deferred`, `--defer-proofs`) or found
    wrong by `tally verify --full` (`failed`, with `proof_error`).
    """

    digest: str
    village: str
    station: str
    kiosk_id: str
    facts: BundleFacts
    proofs: str
    proof_error: str
    source: str
    import_no: int


@dataclass(frozen=True, slots=True)
class QrRow:
    """A signed results envelope read from a photographed results QR code."""

    digest: str
    village: str
    station: str
    kiosk_id: str
    envelope: bytes
    source: str


@dataclass(frozen=True, slots=True)
class Resolution:
    village: str
    station: str
    kept: str
    set_aside: tuple[str, ...]
    official: str
    reason: str
    at: str


@dataclass(frozen=True, slots=True)
class PaperCount:
    """An official's statement: the paper records they counted in a station's audit box."""

    village: str
    station: str
    records: int
    user: str  # the server login, or "" when entered at the console (`tally paper-count`)
    official: str  # the official's name as shown in reports
    source: str  # server | cli
    at: str


@dataclass(frozen=True, slots=True)
class Incident:
    """One delivery (or verification event) and what became of it."""

    id: int
    at: str
    kind: str  # bundle | qr | file | verify
    source: str
    file_digest: str
    size: int
    outcome: str
    cause: str
    reason: str
    village: str
    station: str
    bundle: str

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id, "at": self.at, "kind": self.kind, "source": self.source,
            "file_sha256": self.file_digest, "size": self.size, "outcome": self.outcome,
            "cause": self.cause, "reason": self.reason, "village": self.village,
            "station": self.station, "bundle": self.bundle,
        }


class TallyDB:
    """An open tally database (see module docstring)."""

    def __init__(self, conn: sqlite3.Connection, record: PublicRecord, path: Path) -> None:
        self.conn = conn
        self.record = record
        self.path = path

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(
        cls, path: Path, record_bytes: bytes | None = None, authority: str | None = None,
        *, wal: bool = False,
    ) -> TallyDB:
        """Open (or, given `record_bytes`, create) the tally database at `path`.

        A new database needs the public record; an existing one refuses a different
        record, and a different authority key id when one is given. `wal=True` (the
        intake server, `tally serve`) puts the file in WAL mode, so the dashboard's
        readers never wait for a delivery's write; otherwise the rollback journal is
        restored, unless another process (a running server) still has it in WAL mode.
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
            conn = _connect(path, wal)
            try:
                _migrate(conn, path)
                with _txn(conn):
                    conn.execute(
                        "INSERT INTO election VALUES (1, ?, ?, ?, ?)",
                        (
                            record.definition.election_id,
                            key_id(record.authority_key),
                            record.digest().hex(),
                            record_bytes,
                        ),
                    )
            except BaseException:
                conn.close()
                path.unlink(missing_ok=True)
                raise
            return cls(conn, record, path)
        try:
            conn = _connect(path, wal)
        except sqlite3.DatabaseError as exc:
            raise DatabaseError(f"{path} is not a SuaraDesa tally database ({exc})") from exc
        try:
            _migrate(conn, path)
            row = conn.execute("SELECT record, authority FROM election WHERE id = 1").fetchone()
            if row is None:
                raise DatabaseError(f"{path} holds no election record")
        except (sqlite3.DatabaseError, DatabaseError) as exc:
            conn.close()
            if isinstance(exc, DatabaseError):
                raise
            raise DatabaseError(f"{path} is not a SuaraDesa tally database") from exc
        stored, stored_authority = bytes(row[0]), str(row[1])
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
        try:
            record = _parse_record(stored, stored_authority)
        except DatabaseError:
            conn.close()
            raise
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
        with _txn(self.conn):
            yield self.conn

    # ------------------------------------------------------------------ reading

    @property
    def authority(self) -> str:
        return str(self.conn.execute("SELECT authority FROM election").fetchone()[0])

    def bundles(self, village: str | None = None, station: str | None = None
                ) -> list[BundleRow]:
        """Held bundles (every proof state), by station and digest; one station's if given."""
        args: tuple[str, ...]
        where, args = "", ()
        if village is not None and station is not None:
            where, args = " WHERE village = ? AND station = ?", (village, station)
        rows = self.conn.execute(
            "SELECT digest, village, station, kiosk_id, facts, results, proofs, proof_error,"
            f" source, import_no FROM bundles{where} ORDER BY village, station, digest", args
        ).fetchall()
        return [_bundle_row(r) for r in rows]

    def bundle_digests(self) -> list[str]:
        return [str(r[0]) for r in self.conn.execute("SELECT digest FROM bundles ORDER BY digest")]

    def bundle_row(self, digest: str) -> BundleRow:
        row = self.conn.execute(
            "SELECT digest, village, station, kiosk_id, facts, results, proofs, proof_error,"
            " source, import_no FROM bundles WHERE digest = ?", (digest,)
        ).fetchone()
        if row is None:
            raise DatabaseError(f"no bundle {digest}")
        return _bundle_row(row)

    def has_bundle(self, digest: str) -> bool:
        return self.conn.execute("SELECT 1 FROM bundles WHERE digest = ?",
                                 (digest,)).fetchone() is not None

    def bundle_data(self, digest: str) -> bytes:
        row = self.conn.execute("SELECT data FROM bundles WHERE digest = ?", (digest,)).fetchone()
        if row is None:
            raise DatabaseError(f"no bundle {digest}")
        return bytes(row[0])

    def qr_results(self) -> list[QrRow]:
        rows = self.conn.execute(
            "SELECT digest, village, station, kiosk_id, envelope, source FROM qr_results"
            " ORDER BY village, station, digest"
        ).fetchall()
        return [QrRow(r[0], r[1], r[2], r[3], bytes(r[4]), r[5]) for r in rows]

    def resolutions(self) -> list[Resolution]:
        rows = self.conn.execute(
            "SELECT village, station, kept, set_aside, official, reason, at FROM resolutions"
            " ORDER BY id"
        ).fetchall()
        return [
            Resolution(r[0], r[1], r[2], tuple(json.loads(r[3])), r[4], r[5], r[6]) for r in rows
        ]

    def latest_paper_counts(self) -> dict[tuple[str, str], PaperCount]:
        """The newest paper count entered for each station (a later entry replaces an
        earlier one for reading; the earlier rows stay, and so do their audit rows)."""
        rows = self.conn.execute(
            "SELECT village, station, records, user, official, source, at FROM paper_counts"
            " ORDER BY id"
        ).fetchall()
        return {(r[0], r[1]): PaperCount(r[0], r[1], int(r[2]), r[3], r[4], r[5], r[6])
                for r in rows}

    def incidents(self) -> list[Incident]:
        rows = self.conn.execute(
            "SELECT id, at, kind, source, file_digest, size, outcome, cause, reason, village,"
            " station, bundle FROM incidents ORDER BY id"
        ).fetchall()
        return [Incident(*r) for r in rows]

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

    # ------------------------------------------------------------------ writing
    # (inside `transaction()`)

    def add_bundle(self, facts: BundleFacts, proofs: str, source: str, import_no: int,
                   data: bytes) -> None:
        self.conn.execute(
            "INSERT INTO bundles VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (facts.digest, facts.village, facts.station, facts.kiosk_id, facts.to_json(),
             facts.results, proofs, "", safe_label(source), import_no, data),
        )

    def set_proofs(self, digest: str, proofs: str, error: str = "") -> None:
        self.conn.execute("UPDATE bundles SET proofs = ?, proof_error = ? WHERE digest = ?",
                          (proofs, safe_label(error, 1000), digest))

    def add_incident(
        self, at: str, kind: str, source: str, outcome: str, reason: str, *,
        file_digest: str = "", size: int = 0, cause: str = "", village: str = "",
        station: str = "", bundle: str = "",
    ) -> None:
        assert outcome in OUTCOMES, outcome
        self.conn.execute(
            "INSERT INTO incidents (at, kind, source, file_digest, size, outcome, cause, reason,"
            " village, station, bundle) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (at, kind, safe_label(source), file_digest, size, outcome, cause,
             safe_label(reason, 1000), safe_label(village, 64), safe_label(station, 64), bundle),
        )


def _bundle_row(r: tuple[Any, ...]) -> BundleRow:
    try:
        facts = BundleFacts.from_json(
            r[0], r[1], r[2], r[3], r[4], None if r[5] is None else bytes(r[5])
        )
    except (ValueError, TypeError, KeyError) as exc:
        raise DatabaseError(
            f"bundle {str(r[0])[:16]}: the stored facts are unreadable ({exc}); "
            "the database was edited"
        ) from exc
    return BundleRow(r[0], r[1], r[2], r[3], facts, r[6], r[7], r[8], r[9])


@contextmanager
def _txn(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Apply the named migrations this database lacks; refuse an unknown schema."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    known = [name for name, _ in MIGRATIONS]
    if tables and "migrations" not in tables:
        raise DatabaseError(
            f"{path} has a schema from an earlier SuaraDesa version (or is not a tally "
            "database); create a new database and import the bundles again"
        )
    applied = (
        [str(r[0]) for r in conn.execute("SELECT name FROM migrations ORDER BY name")]
        if tables else []
    )
    if applied != known[: len(applied)]:
        raise DatabaseError(f"{path} has migrations this software does not know ({applied})")
    for name, sql in MIGRATIONS[len(applied):]:
        with _txn(conn):
            for statement in filter(str.strip, sql.split(";")):
                conn.execute(statement)
            conn.execute("INSERT INTO migrations (name) VALUES (?)", (name,))


#: How long a writer waits for another process's transaction (the server and the CLI may
#: share the file) before giving up with "database is locked".
BUSY_TIMEOUT_S = 30.0


def _connect(path: Path, wal: bool = False) -> sqlite3.Connection:
    """A connection in WAL mode (`wal`) or with the rollback journal.

    WAL with `synchronous = FULL`: a delivery the server has answered is on disk even
    after a power cut, and `kill -9` at any moment leaves the last committed state (SQLite
    recovers the log on the next open). Without `wal`, the rollback journal is restored
    (this checkpoints a WAL left by a killed server, so the file is one file again); if
    another connection still holds the file in WAL mode (a running server), SQLite keeps
    WAL, and this connection works with it.
    """
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_S)
    try:
        if wal:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
        else:
            conn.execute("PRAGMA busy_timeout = 0")  # do not wait for a server to stop
            try:
                conn.execute("PRAGMA journal_mode = DELETE")
            except sqlite3.OperationalError:  # a running server holds it in WAL mode
                conn.execute("PRAGMA synchronous = FULL")
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        conn.close()
        raise
    return conn


def _parse_record(data: bytes, authority: str | None) -> PublicRecord:
    if len(data) > MAX_STORED_RECORD_BYTES:
        raise DatabaseError("the public election record is implausibly large")
    try:
        return parse_public_record(data, authority)
    except BallotCoreError as exc:
        raise DatabaseError(f"the public election record does not verify: {exc}") from exc
