"""The intake server (`tally serve`): outcomes equal `tally import`, hostile uploads refused.

A real uvicorn server on 127.0.0.1 (tests/tally/live.py), real httpx clients, the real
bundles of tests/tally/factory.py.
"""

from __future__ import annotations

import json
import shutil
import socket
import time
from pathlib import Path

import httpx
import pytest

from tally.db import TallyDB
from tally.importer import import_paths
from tally.model import build_view
from tally.report import to_dict
from tally.server.config import ServerConfig
from tests.tally.conftest import held_digest, incidents
from tests.tally.factory import Election, StationRun
from tests.tally.live import LiveServer
from tests.tally.receipt import phone_photo, render_results_receipt

AT = "2026-11-22T15:00:00Z"


def deliver(url: str, path: Path, client: httpx.Client | None = None) -> httpx.Response:
    c = client or httpx.Client(timeout=120)
    return c.post(f"{url}/api/v1/deliveries", content=path.read_bytes(),
                  headers={"X-Filename": path.name})


def fresh(url: str, client: httpx.Client, n_incidents: int) -> dict:
    """The results once the server's cached view holds `n_incidents` incidents."""
    deadline = time.monotonic() + 30
    while True:
        results = client.get(f"{url}/api/v1/results").json()
        if len(results["incidents"]) >= n_incidents:
            return results
        assert time.monotonic() < deadline, "the view was not rebuilt"
        time.sleep(0.05)


@pytest.fixture()
def inputs(tmp_path: Path, bundle_dir: Path, runs: dict[tuple[str, str], StationRun],
           election: Election) -> list[Path]:
    """Every station's bundle, then a newer export, a test-mode one, a duplicate, a bad
    signature, a QR photo of one receipt and a file that is nothing: the import's cases."""
    folder = tmp_path / "inputs"
    folder.mkdir()
    files = sorted(bundle_dir.glob("*.sdbundle"))
    run = next(iter(runs.values()))
    extra = {
        "z1_newer.sdbundle": run.export(extra_events=1),
        "z2_test.sdbundle": run.export(mode="test"),
        "z4_forged.sdbundle": bytearray(run.export()),
        "z6_nothing.sdbundle": b"hello, not a bundle",
    }
    forged = extra["z4_forged.sdbundle"]
    assert isinstance(forged, bytearray)
    forged[-20] ^= 1
    names = [c.name for c in election.record.definition.village(run.village).candidates]
    other = list(runs.values())[1]
    photo = phone_photo(render_results_receipt(other.results_envelope(), other.results(),
                                               [c.name for c in election.record.definition
                                                .village(other.village).candidates]),
                        angle=4, scale=0.8)
    assert names
    out = [folder / f.name for f in files]
    for f in files:
        shutil.copy(f, folder / f.name)
    for name, data in extra.items():
        (folder / name).write_bytes(bytes(data))
        out.append(folder / name)
    (folder / "z3_dup.sdbundle").write_bytes(files[0].read_bytes())
    (folder / "z5_photo.jpg").write_bytes(photo)
    out += [folder / "z3_dup.sdbundle", folder / "z5_photo.jpg"]
    return sorted(out)


def test_outcomes_equal_tally_import(tmp_path: Path, election: Election, inputs: list[Path]
                                     ) -> None:
    direct = tmp_path / "direct" / "tally.sqlite"
    served = tmp_path / "served" / "tally.sqlite"
    for p in (direct, served):
        p.parent.mkdir()
        TallyDB.open(p, election.record_bytes, election.authority_id).close()
    expected = []
    with TallyDB.open(direct) as db:
        for path in inputs:  # one import per file: the same order, one decision each
            (o,) = import_paths(db, [path], clock=lambda: AT).outcomes
            expected.append((o.status, o.message, o.station))
    got = []
    with LiveServer(served, clock=lambda: AT) as url, httpx.Client(timeout=120) as client:
        for path in inputs:
            r = deliver(url, path, client)
            body = r.json()
            got.append((body["outcome"], body["reason"], body["station"]))
            assert r.status_code == (422 if body["outcome"] == "rejected" else 200) or \
                (r.status_code == 415 and path.name == "z6_nothing.sdbundle")
        statuses = [g[0] for g in got]
        assert {"accepted", "superseding", "rejected", "duplicate", "provisional"} <= set(statuses)
        assert got == expected
        results = fresh(url, client, len(inputs) - 1)
    with TallyDB.open(direct) as db:
        want = to_dict(build_view(db))
    assert results["villages"] == want["villages"]
    assert results["problems"] == want["problems"]
    # every delivery is an incident, as with import; the one that is not an input at all
    # ("nothing") was refused before the database
    assert [i["outcome"] for i in results["incidents"]] == \
        [i["outcome"] for i in want["incidents"] if i["source"] != "z6_nothing.sdbundle"]


def test_read_only_endpoints(db_path: Path, bundle_dir: Path, election: Election) -> None:
    with LiveServer(db_path) as url, httpx.Client(timeout=120) as client:
        for f in sorted(bundle_dir.glob("*.sdbundle")):
            assert deliver(url, f, client).status_code == 200
        deadline = time.monotonic() + 30
        while client.get(f"{url}/api/v1/results").json()["summary"]["stations_by_status"][
                "complete"] < len(election.stations):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        code = election.stations[0][0]
        village = client.get(f"{url}/api/v1/villages/{code}").json()
        assert village["code"] == code and village["status"] == ["complete"]
        assert client.get(f"{url}/api/v1/villages/NOPE").status_code == 404
        stations = client.get(f"{url}/api/v1/stations").json()
        assert sorted((s["village"], s["code"]) for s in stations) == election.stations
        assert len(client.get(f"{url}/api/v1/incidents").json()) == len(election.stations)
        page = client.get(f"{url}/")
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert "http" not in page.text.replace("http-equiv", "")  # no external resource
        for ro in ("results", "stations", "incidents"):
            assert client.post(f"{url}/api/v1/{ro}").status_code == 405


def _raw(port: int, head: bytes, body: bytes = b"", wait: float = 0.0) -> bytes:
    """Send a raw HTTP request (to be a client httpx would never be) and read the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(head + body)
        if wait:
            time.sleep(wait)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def test_hostile_uploads_are_refused_with_nothing_stored(
        db_path: Path, bundle_dir: Path, runs: dict[tuple[str, str], StationRun]) -> None:
    good = sorted(bundle_dir.glob("*.sdbundle"))[0]
    config = ServerConfig(max_body=200_000, body_timeout_s=1.0, delivery_burst=20,
                          deliveries_per_minute=1.0)
    with LiveServer(db_path, config) as url:
        port = int(url.rsplit(":", 1)[1])
        before, seen = held_digest(db_path), incidents(db_path)
        c = httpx.Client(timeout=60)
        post = f"{url}/api/v1/deliveries"
        answers = {
            "huge streamed": c.post(post, content=iter([b'{"$magic":"SD/signed",' + b"x" *
                                                        300_000])),
            "zip": c.post(post, content=b"PK\x03\x04" + b"\0" * 100),
            "gzip": c.post(post, content=b"\x1f\x8b\x08" + b"\0" * 100),
            "empty": c.post(post, content=b""),
            "nothing": c.post(post, content=b"GIF89a not ours"),
        }
        assert answers["huge streamed"] is not None
        assert answers["huge streamed"].status_code == 413
        for what in ("zip", "gzip", "nothing"):
            r = answers[what]
            assert r is not None and r.status_code == 415, what
            assert r.json()["recorded"] is False
        assert answers["empty"] is not None and answers["empty"].status_code == 400
        declared = _raw(port, b"POST /api/v1/deliveries HTTP/1.1\r\nHost: x\r\n"
                              b"Content-Length: 999999999\r\n\r\n")
        assert b" 413 " in declared.split(b"\r\n")[0]
        slow = _raw(port, b"POST /api/v1/deliveries HTTP/1.1\r\nHost: x\r\n"
                          b"Content-Length: 5000\r\n\r\n", b'{"$magic":"SD/signed",', wait=2.5)
        assert b" 408 " in slow.split(b"\r\n")[0]
        short = _raw(port, b"POST /api/v1/deliveries HTTP/1.1\r\nHost: x\r\nConnection: close"
                           b"\r\nContent-Length: 100\r\n\r\n", b"abc")
        assert short == b"" or b" 4" in short.split(b"\r\n")[0]
        assert held_digest(db_path) == before and incidents(db_path) == seen
        # a bundle that parses but does not verify: rejected and recorded as an incident,
        # nothing else stored (as `tally import` does)
        forged = bytearray(good.read_bytes())
        forged[-20] ^= 1
        r = c.post(post, content=bytes(forged))
        assert r.status_code == 422 and r.json()["outcome"] == "rejected"
        assert r.json()["recorded"] is True
        assert held_digest(db_path) == before and len(incidents(db_path)) == len(seen) + 1
        # positive control: a good bundle does change what is held
        assert deliver(url, good, c).json()["outcome"] == "accepted"
        assert held_digest(db_path) != before
        # the rate limit (burst 20 a client, about 1 a minute after it)
        codes = [c.post(post, content=b"x").status_code for _ in range(25)]
        assert 429 in codes and codes.index(429) > 5
        limited = c.post(post, content=good.read_bytes())
        assert limited.status_code == 429 and "retry-after" in limited.headers
        # ...per client: another loopback address still gets through
        other = httpx.Client(timeout=60, transport=httpx.HTTPTransport(local_address="127.0.0.2"))
        assert deliver(url, good, other).json()["outcome"] == "duplicate"
        c.close()
        other.close()
    assert json.loads(json.dumps(incidents(db_path)))  # still readable
