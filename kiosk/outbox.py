"""Store-and-forward of the station's public bundle to the district server (E-rekap).

Nothing at a station needs a network; when a link exists, `suaradesa kiosk send` (and
the officer menu after export) hands the exported bundle to the district intake server
(`suaradesa tally serve`). The outbox:

- takes only public bundles: `*.sdbundle` files of the export folder that are regular
  files (no symbolic links), at most 64 MiB, and parse as a signed station bundle
  (`ballotcore.bundle.StationBundle` inside a `SignedRecord`); nothing else in the
  folder (or anywhere else on the kiosk) is ever read or sent;
- keeps a copy of each in its own folder and its state in `outbox.json` (written to a
  temporary file, fsynced, renamed), so it resumes after a reboot or a pulled stick;
- marks a bundle `sent` only when the server's answer names the same bundle digest
  (`digest32("bundle-file", data)`) and an outcome that means it verified and is held
  (accepted, superseding, duplicate, conflict); `refused` when the server verified and
  rejected it (HTTP 422: test mode, a replay, a bad signature): kept, shown, not retried;
- retries everything else (no link, a timeout, 429/5xx) with exponential backoff and
  random jitter (from `secrets`), up to a bounded number of attempts or seconds.

Time, sleeping, jitter and the HTTP exchange are injectable, so tests run without waiting.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import stat
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from ballotcore.bundle import StationBundle
from ballotcore.errors import BallotCoreError
from ballotcore.hashing import digest32
from ballotcore.signing import SignedRecord

MAX_BUNDLE = 64 * 1024 * 1024
STATE_FILE = "outbox.json"
#: The outbox of an export folder unless told otherwise (`kiosk send`, the officer screen).
FOLDER = ".suaradesa-outbox"
#: Server outcomes that confirm the bundle verified and is held by the district.
CONFIRMED = ("accepted", "superseding", "duplicate", "conflict")
#: Seconds: first retry delay, longest delay, one request's timeout.
FIRST_DELAY_S = 2.0
MAX_DELAY_S = 120.0
REQUEST_TIMEOUT_S = 120.0


class OutboxError(Exception):
    """The outbox cannot be used (unreadable folder, not a bundle)."""


@dataclass(slots=True)
class Entry:
    """One bundle in the outbox and what the server last said about it."""

    name: str
    digest: str
    state: str  # pending | sent | refused
    attempts: int = 0
    last_error: str = ""
    answer: str = ""  # the server's outcome and reason


@dataclass(frozen=True, slots=True)
class Reply:
    """An HTTP answer: status and body (or status 0 and the error, for no answer)."""

    status: int
    body: bytes


Post = Callable[[str, str, bytes], Reply]


def http_post(url: str, name: str, data: bytes) -> Reply:
    """POST `data` to `url`/api/v1/deliveries (plain http.client: no proxies, no redirects)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OutboxError(f"not an http(s) URL: {url}")
    cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = cls(parts.hostname, parts.port, timeout=REQUEST_TIMEOUT_S)
    try:
        conn.request("POST", parts.path.rstrip("/") + "/api/v1/deliveries", body=data, headers={
            "Content-Type": "application/octet-stream", "X-Filename": urllib.parse.quote(name)})
        response = conn.getresponse()
        return Reply(response.status, response.read(1 << 20))
    except (OSError, http.client.HTTPException) as exc:
        return Reply(0, f"{type(exc).__name__}: {exc}".encode())
    finally:
        conn.close()


def public_bundle(path: Path) -> bytes:
    """The bytes of `path` if it is a regular file holding a signed station bundle."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        raise OutboxError(f"{path.name}: cannot be opened ({exc.strerror})") from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_BUNDLE:
            raise OutboxError(f"{path.name}: not a regular file of at most {MAX_BUNDLE} bytes")
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(MAX_BUNDLE + 1)
    finally:
        os.close(fd)
    try:
        StationBundle.from_bytes(SignedRecord.from_bytes(data).record)
    except (BallotCoreError, ValueError, TypeError, KeyError, RecursionError) as exc:
        raise OutboxError(f"{path.name}: not a signed station bundle ({exc})") from exc
    return data


class Outbox:
    """The outbox folder: copies of bundles to send and `outbox.json` with their states."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.entries: dict[str, Entry] = {}
        state = folder / STATE_FILE
        if state.exists():
            try:
                rows = json.loads(state.read_text(encoding="utf-8"))
                self.entries = {r["name"]: Entry(**r) for r in rows}
            except (OSError, ValueError, TypeError, KeyError) as exc:
                raise OutboxError(f"{state} is unreadable ({exc})") from exc

    def add_export(self, export_dir: Path) -> tuple[list[str], list[str]]:
        """Take every public bundle of the export folder not yet in the outbox.

        Returns (added, skipped): a `*.sdbundle` that is a link, not a regular file or
        not a signed station bundle is skipped with its reason, never sent.
        """
        added: list[str] = []
        skipped: list[str] = []
        for path in sorted(export_dir.glob("*.sdbundle")):
            if path.is_symlink() or not path.is_file():
                skipped.append(f"{path.name}: not a regular file")
                continue
            try:
                data = public_bundle(path)
            except OutboxError as exc:
                skipped.append(str(exc))
                continue
            digest = digest32("bundle-file", data).hex()
            name = f"{path.stem}-{digest[:12]}.sdbundle"
            if name in self.entries:
                continue
            _write_atomic(self.folder / name, data)
            self.entries[name] = Entry(name, digest, "pending")
            added.append(name)
        self._save()
        return added, skipped

    def pending(self) -> list[Entry]:
        return [e for e in self.entries.values() if e.state == "pending"]

    def send_once(self, url: str, post: Post = http_post) -> None:
        """One attempt for every pending bundle."""
        for entry in self.pending():
            data = (self.folder / entry.name).read_bytes()
            if digest32("bundle-file", data).hex() != entry.digest:
                entry.state, entry.last_error = "refused", "the outbox copy changed"
                continue
            entry.attempts += 1
            reply = post(url, entry.name.rsplit("-", 1)[0] + ".sdbundle", data)
            _apply(entry, reply)
            self._save()

    def send(self, url: str, *, post: Post = http_post, max_attempts: int = 20,
             max_seconds: float = 3600.0, sleep: Callable[[float], None] = time.sleep,
             clock: Callable[[], float] = time.monotonic,
             jitter: Callable[[], float] = lambda: secrets.randbelow(1000) / 1000) -> bool:
        """Send until nothing is pending (True) or the attempts/time run out (False)."""
        start = clock()
        delay = FIRST_DELAY_S
        for attempt in range(1, max_attempts + 1):
            self.send_once(url, post)
            if not self.pending():
                return True
            if attempt == max_attempts or clock() - start + delay > max_seconds:
                break
            sleep(delay + jitter() * delay / 2)
            delay = min(MAX_DELAY_S, delay * 2)
        return not self.pending()

    def _save(self) -> None:
        rows = [asdict(e) for e in sorted(self.entries.values(), key=lambda e: e.name)]
        _write_atomic(self.folder / STATE_FILE,
                      json.dumps(rows, indent=1, ensure_ascii=False).encode("utf-8"))


def _apply(entry: Entry, reply: Reply) -> None:
    """Set the entry's state from the server's reply."""
    if reply.status == 0:
        entry.last_error = reply.body.decode("utf-8", "replace")[:300]
        return
    try:
        body = json.loads(reply.body)
        outcome, reason = str(body.get("outcome", "")), str(body.get("reason", ""))
        digest = str(body.get("digest", ""))
    except (ValueError, AttributeError):
        entry.last_error = f"HTTP {reply.status}: not a SuaraDesa server answer"
        return
    entry.answer = f"{outcome}: {reason}"[:300]
    if reply.status == 200 and outcome in CONFIRMED and digest == entry.digest:
        entry.state, entry.last_error = "sent", ""
    elif reply.status == 422 and body.get("recorded") is True:
        entry.state, entry.last_error = "refused", reason[:300]
    else:
        entry.last_error = f"HTTP {reply.status}: {reason}"[:300]


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
