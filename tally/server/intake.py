"""The intake service behind `tally serve`: deliveries in, one writer, a cached view out.

A delivery goes: classify its first bytes (neither a bundle nor a PNG/JPEG photo:
refused, nothing stored) -> verify the bundle (`tally.engine`, in a thread or in worker
processes, outside any transaction) -> `tally.importer.import_delivery` in the single
writer thread: the decision against what is held, the bundle and its incident row, in
one transaction. Nothing about what counts is decided here; it is the import code.

Reads never wait for writes: a second connection (WAL) in its own thread rebuilds the
view (`tally.model.build_view` -> `tally.report.to_dict`) after a change, at most once
per `view_interval_s`, and every reader (JSON API, dashboards over Server-Sent Events)
gets that cached, immutable snapshot with its version number.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from tally import engine
from tally.audit import audit_log
from tally.db import TallyDB
from tally.engine import Checked
from tally.errors import RejectedInput
from tally.files import Kind, classify
from tally.importer import import_delivery, utc_now
from tally.model import build_view
from tally.report import to_dict
from tally.server.config import ServerConfig
from tally.server.limits import BodyRefused

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One rebuilt view: the report dictionary, its JSON bytes, the audit log, a version."""

    version: int
    report: dict[str, Any]
    body: bytes
    audit: list[dict[str, object]] = field(default_factory=list)


def outcome_dict(report_outcomes: list[Any], sha256: str) -> dict[str, Any]:
    """The delivery's answer: what `tally import` would print for it, as JSON."""
    o = report_outcomes[-1]
    return {
        "outcome": o.status,
        "reason": o.message,
        "cause": o.cause,
        "digest": o.digest,
        "sha256": sha256,
        "station": o.station,
        "verified": o.status != "rejected" or o.cause in ("test-mode", "replay"),
        "recorded": True,
    }


class Intake:
    """Owns the database connections and executors of one running server."""

    def __init__(self, db_path: Path, config: ServerConfig,
                 clock: Callable[[], str] = utc_now,
                 now: Callable[[], float] = time.time) -> None:
        self.db_path = db_path
        self.config = config
        self.clock = clock
        self.now = now
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="tally-writer")
        self.reader = ThreadPoolExecutor(1, thread_name_prefix="tally-reader")
        self.wdb: TallyDB = self.writer.submit(TallyDB.open, db_path, wal=True).result()
        self.rdb: TallyDB = self.reader.submit(TallyDB.open, db_path, wal=True).result()
        self.record_bytes = self.wdb.record.raw
        self.authority = self.writer.submit(lambda: self.wdb.authority).result()
        self.verifier: Executor
        if config.workers > 1:
            self.verifier = ProcessPoolExecutor(
                config.workers, initializer=engine._init_worker,
                initargs=(self.record_bytes, self.authority))
        else:
            self.verifier = ThreadPoolExecutor(1, thread_name_prefix="tally-verify")
        self.slots = asyncio.Semaphore(config.max_in_flight)
        self.snapshot = self._build(0)
        self._dirty = asyncio.Event()
        self._changed = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None
        self.closing = False

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._view_loop())

    async def stop(self) -> None:
        """Stop rebuilding, close both connections (WAL checkpointed) and the executors."""
        self.closing = True
        async with self._changed:
            self._changed.notify_all()
        if self._task is not None:
            self._task.cancel()
        self.verifier.shutdown(wait=True, cancel_futures=True)
        self.reader.submit(self.rdb.close).result()
        self.reader.shutdown()
        self.writer.submit(_close_writer, self.wdb).result()
        self.writer.shutdown()

    async def in_writer(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn(self.wdb, ...)` in the writer thread (every write goes through here)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.writer, lambda: fn(self.wdb, *args, **kwargs))

    def touch(self) -> None:
        """Something changed: rebuild the view soon."""
        self._dirty.set()

    # ------------------------------------------------------------------ deliveries

    async def deliver(self, name: str, data: bytes) -> dict[str, Any]:
        """Verify and import one delivery; `BodyRefused` (nothing stored) if it is no input."""
        try:
            kind = classify(data)
        except RejectedInput as exc:
            raise BodyRefused(415, exc.reason) from exc
        if kind is Kind.IMAGE and len(data) > self.config.max_image:
            raise BodyRefused(413, f"foto melebihi {self.config.max_image} bita / photo exceeds "
                                   f"{self.config.max_image} bytes")
        checked: Checked | None = None
        loop = asyncio.get_running_loop()
        if kind is Kind.BUNDLE:
            if isinstance(self.verifier, ProcessPoolExecutor):
                checked = await loop.run_in_executor(
                    self.verifier, engine._pool_check, name, data, True)
            else:
                record = self.wdb.record
                checked = await loop.run_in_executor(
                    self.verifier, engine.check, record, name, data, True)
        report = await self.in_writer(import_delivery, name, data, clock=self.clock,
                                      checked=checked)
        self.touch()
        return outcome_dict(report.outcomes, hashlib.sha256(data).hexdigest())

    # ------------------------------------------------------------------ the view

    def _snapshot(self, version: int) -> Snapshot:
        """Rebuild the view (in the reader thread: it owns `rdb`)."""
        report = to_dict(build_view(self.rdb))
        body = json.dumps(report, ensure_ascii=False).encode("utf-8")
        return Snapshot(version, report, body, audit_log(self.rdb))

    def _build(self, version: int) -> Snapshot:
        return self.reader.submit(self._snapshot, version).result()

    async def _view_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while not self.closing:
            await self._dirty.wait()
            self._dirty.clear()
            version = self.snapshot.version + 1
            t0 = time.perf_counter()
            self.snapshot = await loop.run_in_executor(self.reader, self._snapshot, version)
            took = time.perf_counter() - t0
            async with self._changed:
                self._changed.notify_all()
            # under load, rebuilding may take at most a quarter of the time: deliveries
            # come first, dashboards lag by a few rebuilds at most
            await asyncio.sleep(max(self.config.view_interval_s, 3 * took))

    async def wait_change(self, version: int, timeout: float) -> Snapshot:
        """The snapshot after `version`, or the current one after `timeout` seconds."""
        async with self._changed:
            if self.snapshot.version == version and not self.closing:
                try:
                    await asyncio.wait_for(self._changed.wait(), timeout)
                except TimeoutError:
                    pass
        return self.snapshot


def _close_writer(db: TallyDB) -> None:
    """Checkpoint the WAL and go back to the rollback journal: the file is one file again."""
    try:
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.conn.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.OperationalError:  # another process still has it open: WAL stays
        pass
    db.close()
