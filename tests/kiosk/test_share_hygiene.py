"""Trustee shares never outlive the decryption: no share, and nothing derived from more than
one share (the village secret key), reaches the database, a log, a temporary file or an
export. The kiosk combines partial decryptions (D_i = s_i*A), never shares."""

from __future__ import annotations

import logging
import os
import stat
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

import pytest

from ballotcore import group
from ballotcore.trustee_card import open_trustee_card, parse_trustee_card
from kiosk.engine import database_key
from provisioning.testing import ElectionFixture
from tests.kiosk.helpers import add_trustees, decrypt_pages, officer_pins, open_engine, vote


def _needles(secrets: Iterable[int]) -> list[bytes]:
    """Every encoding a secret scalar could be written in: raw LE/BE bytes and hex."""
    out: list[bytes] = []
    for s in secrets:
        raw = group.scalar_bytes(s)
        out += [raw, raw[::-1], raw.hex().encode(), raw[::-1].hex().encode(), str(s).encode()]
    return out


def _found(blobs: Iterable[tuple[str, bytes]], needles: list[bytes]) -> list[str]:
    return [name for name, blob in blobs for n in needles if n in blob]


def _files(folder: Path, since: float = 0.0) -> list[tuple[str, bytes]]:
    """Every regular file under `folder` changed since `since`. os.walk skips a directory that
    vanishes while it is read (another test's Xvfb or temporary folder); Path.rglob raised."""
    out = []
    for root, _dirs, names in os.walk(folder):
        for name in names:
            p = Path(root, name)
            try:
                st = p.lstat()
                if stat.S_ISREG(st.st_mode) and st.st_mtime >= since and st.st_size < 64 * 2**20:
                    out.append((str(p), p.read_bytes()))
            except OSError:  # another test's file vanished meanwhile
                continue
    return out


def test_no_share_or_combined_secret_is_written_anywhere(
    election3: ElectionFixture, data_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    started = time.time() - 1
    e = open_engine(election3, data_dir)
    pin = officer_pins(election3)[0]
    vote(e, pin, 1)
    vote(e, pin, 2)
    e.close_polls(pin)
    quorum = [1, 2, 3]
    add_trustees(e, election3, quorum)
    e.compute_results()
    (tmp_path / "usb").mkdir()
    report = e.export(tmp_path / "usb")
    assert e._key is not None
    key = database_key(e._key, e.package)
    events = str(e.event_log()).encode()
    e.close()

    village = e.village.code
    vkey = e.record.village_keys[village]
    shares = [
        open_trustee_card(parse_trustee_card(election3.trustee_card_path(village, i).read_bytes()),
                          election3.trustee_pin(village, i), vkey)
        for i in quorum
    ]
    combined = sum(group.lagrange_at_zero(s.index, quorum) * s.secret for s in shares) % group.L
    assert group.base_mul(combined) == vkey.public_key  # really the village secret key
    needles = _needles([s.secret for s in shares] + [combined])

    pages = decrypt_pages(data_dir / "kiosk.db", key)
    assert any(e.package.kiosk_id.encode() in p for p in pages)  # the pages really are decrypted
    places: list[tuple[str, bytes]] = [(f"db page {n}", p) for n, p in enumerate(pages)]
    places += _files(data_dir)  # raw database, WAL, PIN state, device folder
    places += [("export", report.path.read_bytes())]
    places += _files(Path(tempfile.gettempdir()), since=started)
    places += [("log", "\n".join(r.getMessage() for r in caplog.records).encode())]
    places += [("event log", events)]

    # positive control: the same scan finds a share where one is written
    leak = tmp_path / "leak.txt"
    leak.write_bytes(b"x" + group.scalar_bytes(shares[0].secret).hex().encode())
    assert _found(_files(tmp_path), needles) == [str(leak)]
    leak.unlink()

    assert _found(places, needles) == []
