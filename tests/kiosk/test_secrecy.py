"""Ballot secrecy against someone holding the kiosk database AND its key.

500 ballots are cast in a known order. For every ordering such an attacker can read -
ballot ids, physical position in the decrypted database file (page, offset), order in
the exported bundle, rowids, the event log - the Spearman correlation with cast order
must be below 0.1 in absolute value (or the ordering must not exist at all). With unique
marker candidate names, no log, temporary file, database page or Kivy log holds a name.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import pytest
import sqlcipher3

from ballotcore.bundle import StationBundle
from ballotcore.signing import SignedRecord
from ballotcore.tracking import tracking_code
from kiosk.engine import database_key
from tests.kiosk.helpers import (
    add_trustees,
    custom_election,
    decrypt_pages,
    fast_dir,
    officer_pins,
    open_engine,
    spearman,
    vote,
)

MARKERS = ["ZQXMARKERALFA", "ZQXMARKERBRAVO", "ZQXMARKERCHARLIE"]
N = 500


def test_no_readable_ordering_correlates_with_cast_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    kivy_home = tmp_path / "kivy"
    monkeypatch.setenv("TMPDIR", str(private_tmp))
    monkeypatch.setenv("KIVY_HOME", str(kivy_home))
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    fx = custom_election(tmp_path / "e", MARKERS, N)  # every ballot needs a voter on the DPT
    data = fast_dir("secrecy-")
    e = open_engine(fx, data)
    pin = officer_pins(fx)[0]
    cast_order = [vote(e, pin, i % 3 + 1) for i in range(N)]
    # the WAL holds no trace of recent writes after a confirmation
    wal = data / "kiosk.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    e.close_polls(pin)
    add_trustees(e, fx, [1, 2, 3])
    e.compute_results()
    report = e.export(tmp_path)
    assert e._key is not None
    key = database_key(e._key, e.package)
    log_text = str(e.event_log())
    e.close()

    bundle = StationBundle.from_bytes(SignedRecord.from_bytes(report.path.read_bytes()).record)
    by_code = {tracking_code(b.ballot.digest()): b.ballot for b in bundle.ballots}
    ids = [by_code[c].context.ballot_id for c in cast_order]
    export_pos = {b.ballot.context.ballot_id: i for i, b in enumerate(bundle.ballots)}
    order = list(range(N))

    # ids (and hence the slot B-tree order) and export order
    assert abs(spearman(order, [int.from_bytes(i, "big") for i in ids])) < 0.1
    assert abs(spearman(order, [export_pos[i] for i in ids])) < 0.1

    # physical position in the decrypted database file
    pages = decrypt_pages(data / "kiosk.db", key)
    assert pages[0][16:100].startswith(bytes(84)) is False  # really decrypted
    position: dict[bytes, float] = {}
    for n, page in enumerate(pages):
        for ballot_id in ids:
            at = page.find(b'"ballot_id":"' + ballot_id.hex().encode())
            if at >= 0:
                position[ballot_id] = n * 4096 + at
    assert len(position) == N
    assert abs(spearman(order, [position[i] for i in ids])) < 0.1

    # rowid: the ballot table has none
    conn = sqlcipher3.connect(str(data / "kiosk.db"))
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'slots'").fetchone()[0]
    assert "WITHOUT ROWID" in sql
    with pytest.raises(sqlcipher3.OperationalError):
        conn.execute("SELECT rowid FROM slots").fetchone()
    conn.close()

    # the log: no ballot id or tracking code anywhere, cast events carry no detail
    for ballot_id, code in zip(ids, cast_order, strict=True):
        assert ballot_id.hex() not in log_text and code not in log_text
    casts = [ev for ev in bundle.events if ev.event == "ballot.cast"]
    assert len(casts) == N and all(ev.detail == {} for ev in casts)

    # no selection (candidate name) in logs, temp files, database pages or Kivy logs
    haystacks = [caplog.text.encode(), log_text.encode(), b"".join(pages)]
    for folder in (data, private_tmp, kivy_home):
        if folder.exists():
            haystacks += [p.read_bytes() for p in folder.rglob("*") if p.is_file()]
    for marker in MARKERS:
        assert all(marker.encode() not in h for h in haystacks), marker
