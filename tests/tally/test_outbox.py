"""The station's outbox (`kiosk send`) against a real intake server: down, then up."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
from click.testing import CliRunner

from kiosk.outbox import Outbox, Reply, http_post
from suaradesa.cli import cli
from tally.db import TallyDB
from tests.tally.factory import StationRun
from tests.tally.live import LiveServer


def test_outbox_waits_for_the_server_then_sends_once(
        tmp_path: Path, db_path: Path, runs: dict[tuple[str, str], StationRun]) -> None:
    run = next(iter(runs.values()))
    export = tmp_path / "usb"
    export.mkdir()
    bundle = export / f"{run.village}_{run.station}.sdbundle"
    bundle.write_bytes(run.export())
    (export / "notes.sdbundle").write_bytes(b"secret kiosk notes, never sent")
    (export / "pins.json").write_text("{}")
    os.symlink(bundle, export / "link.sdbundle")
    box_dir = tmp_path / "outbox"
    sent: list[bytes] = []

    def spy(url: str, name: str, data: bytes) -> Reply:
        sent.append(data)
        return http_post(url, name, data)

    server = LiveServer(db_path)  # bound, not yet listening: connections are refused
    box = Outbox(box_dir)
    added, skipped = box.add_export(export)
    assert len(added) == 1 and len(skipped) == 2
    delays: list[float] = []
    assert box.send(server.url, post=spy, max_attempts=3, sleep=delays.append,
                    jitter=lambda: 0.0) is False
    assert [e.attempts for e in box.pending()] == [3]
    assert delays == [2.0, 4.0] and "Connection" in box.pending()[0].last_error
    # a reboot: a new Outbox over the same folder still has it pending
    box = Outbox(box_dir)
    assert box.add_export(export)[0] == []
    assert len(box.pending()) == 1
    with server as url:
        assert box.send(url, post=spy, sleep=delays.append) is True
        (entry,) = box.entries.values()
        assert entry.state == "sent" and entry.answer.startswith("accepted")
        n = len(sent)
        assert box.send(url, post=spy) is True and len(sent) == n  # nothing re-sent
        assert set(sent) == {bundle.read_bytes()}  # only the public bundle, ever
        # the CLI over the same outbox: already sent, exit 0
        result = CliRunner().invoke(cli, ["kiosk", "send", "--export", str(export), "--to", url,
                                          "--outbox", str(box_dir)])
        assert result.exit_code == 0, result.output
        assert "terkirim / sent" in result.output
        # a test-mode export is refused by the server: kept, shown, not retried
        test_export = tmp_path / "usb-test"
        test_export.mkdir()
        (test_export / "t.sdbundle").write_bytes(run.export(mode="test"))
        result = CliRunner().invoke(cli, ["kiosk", "send", "--export", str(test_export),
                                          "--to", url, "--max-attempts", "5"])
        assert result.exit_code == 1 and "ditolak / refused" in result.output
        attempts = [e.attempts for e in Outbox(test_export / ".suaradesa-outbox")
                    .entries.values()]
        assert attempts == [1]
        assert httpx.get(f"{url}/api/v1/results").status_code == 200
    with TallyDB.open(db_path) as db:
        assert len(db.bundles()) == 1
        assert [i.outcome for i in db.incidents()] == ["accepted", "duplicate", "rejected"] or \
            [i.outcome for i in db.incidents()] == ["accepted", "rejected"]
