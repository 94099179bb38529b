"""Concurrent uploads over loopback for the load test and `scripts/bench/intake.py`.

`upload_all(url, files, clients)` sends every file once from `clients` threads, each an
httpx client bound to its own loopback address (127.0.0.10, .11, ...: separate clients
for the server's per-address rate limit, all on this machine). A client retries a file
on no answer, 429 or 503 (bounded: `max_tries`, with a short pause), and the call is
bounded in time (`deadline_s`). Returns each file's final answer and its latency.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx


@dataclass(frozen=True, slots=True)
class Upload:
    path: Path
    status: int  # 0: never answered
    answer: dict[str, object]
    seconds: float  # of the answered request
    tries: int


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def upload_all(url: str, files: list[Path], clients: int = 50, max_tries: int = 30,
               deadline_s: float = 900.0, stop: threading.Event | None = None
               ) -> list[Upload]:
    """Upload every file once (see module docstring); answers in `files` order."""
    todo: queue.Queue[int] = queue.Queue()
    for i in range(len(files)):
        todo.put(i)
    results: list[Upload | None] = [None] * len(files)
    end = time.monotonic() + deadline_s
    halt = stop or threading.Event()

    def worker(n: int) -> None:
        transport = httpx.HTTPTransport(local_address=f"127.0.0.{10 + n % 240}")
        with httpx.Client(transport=transport, timeout=300) as client:
            while not halt.is_set() and time.monotonic() < end:
                try:
                    i = todo.get_nowait()
                except queue.Empty:
                    return
                data = files[i].read_bytes()
                status, answer, took, tries = 0, {}, 0.0, 0
                while tries < max_tries and time.monotonic() < end and not halt.is_set():
                    tries += 1
                    t0 = time.perf_counter()
                    try:
                        r = client.post(f"{url}/api/v1/deliveries", content=data,
                                        headers={"X-Filename": files[i].name})
                    except httpx.TransportError:
                        time.sleep(0.2)
                        continue
                    took = time.perf_counter() - t0
                    if r.status_code in (429, 503):
                        time.sleep(float(r.headers.get("retry-after", "1")))
                        continue
                    status, answer = r.status_code, r.json()
                    break
                results[i] = Upload(files[i], status, answer, took, tries)

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, end - time.monotonic()) + 5)
    return [r if r is not None else Upload(files[i], 0, {}, 0.0, 0)
            for i, r in enumerate(results)]
