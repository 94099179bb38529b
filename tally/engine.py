"""Checking bundles in parallel: one path for in-process, local processes and Dask.

`check(record, key, data, full)` is the unit of work: `ballotcore.verify.verify_bundle`
on one bundle's bytes, turned into a small picklable `Checked` (the bundle's lineage facts,
or the reason it was refused and which station it claimed to be). Only facts travel back,
never the parsed ballots, so a worker's answer is a few kilobytes whatever the bundle's size.

`check_stream(...)` runs `check` over an iterable of `(key, data)` tasks and yields the
answers **in task order**. At most `window` tasks are in flight, and tasks are pulled from
the iterable only as room frees up, so the bundles are streamed to the workers rather
than read into memory first: peak memory depends on the window, not on how many bundles
there are. The executor is chosen once:

    workers == 1, no dask      in this process (no pool start-up; tests, small imports)
    workers > 1                a `ProcessPoolExecutor` whose workers parse the record once
    dask (address or Client)   a Dask distributed cluster; the record is scattered once

Every engine calls the same `check`, so findings never depend on the engine.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from ballotcore.bundle import StationBundle
from ballotcore.errors import BallotCoreError, RecordError, SignatureError
from ballotcore.public_record import PublicRecord, parse_public_record
from ballotcore.signing import SignedRecord
from ballotcore.verify import verify_bundle
from tally.lineage import BundleFacts, facts_of

#: Exceptions that malformed input can raise inside record parsing besides BallotCoreError.
MALFORMED = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    RecursionError,
    OverflowError,
)

#: Why a bundle was refused, as a short code (reports translate it).
CAUSES = ("signature", "verification", "malformed", "test-mode")


@dataclass(frozen=True, slots=True)
class Checked:
    """The answer for one task: facts when it verified, else `error` and `cause`."""

    key: str
    facts: BundleFacts | None
    error: str | None = None
    cause: str = ""
    claimed: tuple[str, str] = ("", "")  # (village, station) a refused bundle claims

    @property
    def ok(self) -> bool:
        return self.error is None


def check(record: PublicRecord, key: str, data: bytes, full: bool) -> Checked:
    """Verify one bundle (`full`: every proof too) and return its facts or the reason."""
    try:
        verified = verify_bundle(data, record, full=full)
    except SignatureError as exc:
        return Checked(key, None, str(exc), "signature", _claimed(record, data))
    except RecordError as exc:
        return Checked(key, None, str(exc), "malformed", _claimed(record, data))
    except BallotCoreError as exc:
        return Checked(key, None, str(exc), "verification", _claimed(record, data))
    except MALFORMED as exc:
        return Checked(key, None, f"bundle is malformed ({type(exc).__name__})", "malformed",
                       _claimed(record, data))
    return Checked(key, facts_of(verified))


def _claimed(record: PublicRecord, data: bytes) -> tuple[str, str]:
    """The station a refused bundle names, if it parses and names a real station.

    Untrusted (anyone can claim any station); used only so that a report can say
    "rejected" rather than "missing" for it.
    """
    try:
        bundle = StationBundle.from_bytes(SignedRecord.from_bytes(data).record)
        record.definition.village(bundle.village).station(bundle.station)
    except (BallotCoreError, *MALFORMED):
        return ("", "")
    return (bundle.village, bundle.station)


_RECORDS: dict[str, PublicRecord] = {}


def _record(record_bytes: bytes, authority: str) -> PublicRecord:
    """The parsed public record, cached per process (workers parse it once)."""
    cache_key = hashlib.sha256(record_bytes).hexdigest() + authority
    if cache_key not in _RECORDS:
        _RECORDS.clear()
        _RECORDS[cache_key] = parse_public_record(record_bytes, authority)
    return _RECORDS[cache_key]


def remote_check(record_bytes: bytes, authority: str, key: str, data: bytes, full: bool
                 ) -> Checked:
    """`check` in a worker process or on a Dask worker (importable by name)."""
    return check(_record(record_bytes, authority), key, data, full)


def _init_worker(record_bytes: bytes, authority: str) -> None:
    _record(record_bytes, authority)


def _pool_check(key: str, data: bytes, full: bool) -> Checked:
    """`check` in a pool worker, with the record its initializer parsed."""
    (record,) = _RECORDS.values()
    return check(record, key, data, full)


def check_stream(
    record: PublicRecord,
    authority: str,
    tasks: Iterable[tuple[str, bytes]],
    *,
    full: bool,
    workers: int = 1,
    dask: Any = None,
    window: int | None = None,
) -> Iterator[Checked]:
    """`check` every task, answers in task order (see module docstring)."""
    if dask is None and workers <= 1:
        for key, data in tasks:
            yield check(record, key, data, full)
        return
    with ExitStack() as stack:
        submit: Callable[[str, bytes], Any]
        if dask is not None:
            client = dask
            if isinstance(dask, str):
                from dask.distributed import Client

                client = stack.enter_context(Client(dask))
            shared = client.scatter(record.raw, broadcast=True)
            n = max(1, len(client.nthreads()))

            def submit(key: str, data: bytes) -> Any:
                return client.submit(remote_check, shared, authority, key, data, full, pure=False)

            def result(fut: Any) -> Checked:
                return fut.result()
        else:
            n = workers
            pool = stack.enter_context(ProcessPoolExecutor(
                max_workers=workers, initializer=_init_worker, initargs=(record.raw, authority)
            ))

            def submit(key: str, data: bytes) -> Future[Checked]:
                return pool.submit(_pool_check, key, data, full)

            def result(fut: Any) -> Checked:
                return fut.result()
        limit = window or 2 * n
        pending: deque[Any] = deque()
        for key, data in tasks:
            pending.append(submit(key, data))
            if len(pending) >= limit:
                yield result(pending.popleft())
        while pending:
            yield result(pending.popleft())
