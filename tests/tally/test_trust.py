"""The district's answer follows from the proofs: one test per attack class.

Each attack is made as its author would make it: with a real kiosk key (re-signing the
bundle and everything in it), with the village's trustee shares where the attack needs a
consistent decryption, or with write access to the tally database. Each is refused or
held, never counted, and the reports say why (through the public CLI).
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import subprocess
from pathlib import Path

from click.testing import CliRunner

from ballotcore import elgamal, trustees
from ballotcore.ballot import BallotContext, encrypt_ballot, new_ballot_id
from ballotcore.bundle import SignedBallot
from ballotcore.eventlog import EventEntry, next_entry
from ballotcore.results import decryption_context
from ballotcore.signing import sign
from tally.cli import group
from tests.programs import require_program
from tests.tally.conftest import held_digest, incidents
from tests.tally.factory import Election, StationRun

RUNNER = CliRunner()


def _cli(*args: str) -> tuple[int, str]:
    result = RUNNER.invoke(group, list(args))
    return result.exit_code, result.output


def _recompute(run: StationRun, ballots: list[SignedBallot]) -> StationRun:
    """The station as a kiosk-key holder with the trustees' help would re-export it:
    aggregate, partial decryptions, counts, box root and results all consistent."""
    e = run.election
    n = e.n_candidates(run.village)
    aggregate = tuple(elgamal.aggregate(b.ballot.ciphertexts[j] for b in ballots)
                      for j in range(n))
    d = e.record.definition
    ctx = decryption_context(d.election_id, run.village, run.station, run.kiosk.kiosk_id)
    partials = tuple(trustees.partial_decrypt(s, aggregate, ctx) for s in e.share_list(run.village))
    vdef = d.village(run.village)
    counts = trustees.combine(aggregate, partials, vdef.threshold,
                              max(vdef.station(run.station).dpt, len(ballots)))
    return dataclasses.replace(run, ballots=tuple(ballots), aggregate=aggregate,
                               partials=partials, counts=counts)


def _new_ballot(run: StationRun, choice: int) -> SignedBallot:
    e = run.election
    d = e.record.definition
    ctx = BallotContext(d.election_id, run.village, run.station, run.kiosk.kiosk_id,
                        new_ballot_id())
    eb = encrypt_ballot(ctx, e.record.village_keys[run.village].public_key,
                        e.n_candidates(run.village), choice)
    return SignedBallot(eb, sign(run.kiosk.key, "ballot", eb.to_bytes()))


def _rechain(events: list[EventEntry]) -> list[EventEntry]:
    out: list[EventEntry] = []
    for e in events:
        out.append(next_entry(out[-1] if out else None, e.event, e.time, dict(e.detail)))
    return out


def _report(db: Path, tmp_path: Path) -> dict:
    out = tmp_path / "r.json"
    code, text = _cli("results", "--db", str(db), "--format", "json", "--out", str(out))
    assert code == 0, text
    return json.loads(out.read_text())


def _station(report: dict, village: str, station: str) -> tuple[dict, dict]:
    v = next(v for v in report["villages"] if v["code"] == village)
    return v, next(s for s in v["stations"] if s["code"] == station)


def _import(db: Path, *paths: Path, defer: bool = False) -> tuple[int, str]:
    extra = ["--defer-proofs"] if defer else []
    return _cli("import", "--db", str(db), "--workers", "1", *extra, *map(str, paths))


def _village_stations(runs: dict) -> tuple[StationRun, StationRun]:
    """Two stations of one village."""
    by_village: dict[str, list[StationRun]] = {}
    for (v, _s), run in sorted(runs.items()):
        by_village.setdefault(v, []).append(run)
    pair = next(rs for rs in by_village.values() if len(rs) >= 2)
    return pair[0], pair[1]


def _assert_refused_never_counted(db: Path, tmp_path: Path, run: StationRun, bad: Path,
                                  expect: str) -> dict:
    """Import the forged bundle alone: refused (or held), the village names no winner."""
    before = held_digest(db)
    code, text = _import(db, bad)
    report = _report(db, tmp_path)
    village, station = _station(report, run.village, run.station)
    assert not station["counted"] and station["votes"] is None, station
    assert village["winner"] is None
    if code == 1:
        assert expect in text, text
        assert held_digest(db) == before  # nothing but the incident record changed
        assert station["status"] == "rejected" and station["cause"], station
        assert incidents(db)[-1][0] == "rejected"
    else:
        assert station["status"] in ("conflict", "unverified"), station
    return station


def test_ballot_copied_across_stations_is_refused(tmp_path: Path, db_path: Path,
                                                  runs: dict) -> None:
    a, b = _village_stations(runs)
    forged = _recompute(a, [*a.ballots, b.ballots[0]])
    bad = tmp_path / "copied.sdbundle"
    bad.write_bytes(forged.export())
    _assert_refused_never_counted(db_path, tmp_path, a, bad, "another station")


def test_ballot_stuffing_with_counts_adjusted_is_refused(tmp_path: Path, db_path: Path,
                                                         runs: dict) -> None:
    """Valid ballots added by the kiosk key, activations raised to match, the trustees
    decrypt the stuffed box honestly: only the event log (its casts) disagrees."""
    run = next(iter(runs.values()))
    forged = _recompute(run, [*run.ballots, *(_new_ballot(run, 0) for _ in range(3))])
    bad = tmp_path / "stuffed.sdbundle"
    bad.write_bytes(forged.export(events=run.log()[0]))  # the log as the kiosk wrote it
    _assert_refused_never_counted(db_path, tmp_path, run, bad, "rejected")


def test_results_that_differ_from_the_decrypted_aggregate_are_refused(
    tmp_path: Path, db_path: Path, runs: dict
) -> None:
    run = next(iter(runs.values()))
    swapped = (run.counts[1], run.counts[0], *run.counts[2:])
    assert swapped != run.counts
    bad = tmp_path / "swapped.sdbundle"
    bad.write_bytes(dataclasses.replace(run, counts=swapped).export())
    _assert_refused_never_counted(db_path, tmp_path, run, bad, "decrypted counts")


def test_partial_decryption_from_a_non_trustee_is_refused(tmp_path: Path, db_path: Path,
                                                          runs: dict) -> None:
    run = next(iter(runs.values()))
    d = run.election.record.definition
    ctx = decryption_context(d.election_id, run.village, run.station, run.kiosk.kiosk_id)
    first = run.partials[0]
    fake = trustees.partial_decrypt(trustees.TrusteeShare(first.index, 12345), run.aggregate, ctx)
    bad = tmp_path / "nontrustee.sdbundle"
    bad.write_bytes(dataclasses.replace(run, partials=(fake, *run.partials[1:])).export())
    _assert_refused_never_counted(db_path, tmp_path, run, bad, "rejected")


def test_bundle_relabelled_to_another_village_is_refused(tmp_path: Path, db_path: Path,
                                                         runs: dict) -> None:
    keys = sorted(runs)
    run = runs[keys[0]]
    other = next(runs[k] for k in keys if k[0] != run.village)
    moved = dataclasses.replace(run, village=other.village, station=other.station)
    # signed by the station's own kiosk key, with its own certificate, claiming the other
    bad = tmp_path / "moved.sdbundle"
    bad.write_bytes(moved.export(key=run.kiosk.key, certificate=run.kiosk.certificate))
    _assert_refused_never_counted(db_path, tmp_path, other, bad, "certified for")


def test_supersede_that_drops_a_ballot_is_held_not_counted(tmp_path: Path, db_path: Path,
                                                           runs: dict) -> None:
    run = next(iter(runs.values()))
    honest = tmp_path / "honest.sdbundle"
    honest.write_bytes(run.export())
    assert _import(db_path, honest)[0] == 0
    dropped = _recompute(run, list(run.ballots[1:]))  # its log shows one cast fewer
    bad = tmp_path / "newer.sdbundle"
    bad.write_bytes(dropped.export(extra_events=2))
    _assert_held_or_refused(db_path, tmp_path, run, bad, "ballots")


def _assert_held_or_refused(db: Path, tmp_path: Path, run: StationRun, bad: Path,
                            differ: str) -> None:
    """A forged later export after the honest one: a conflict that counts nothing, or
    refused outright (the honest bundle then still counts)."""
    code, text = _import(db, bad)
    village, station = _station(_report(db, tmp_path), run.village, run.station)
    if code == 0:  # held as a conflict, with what an official needs to decide
        assert "conflict" in text and station["status"] == "conflict", text
        assert village["winner"] is None and not station["counted"]
        assert station["resolve_command"].startswith("suaradesa tally resolve --db ")
        differs = [d for h in station["held_bundles"] for d in h["differs"]]
        assert any(differ in d for d in differs), station
        html = tmp_path / "r.html"
        assert _cli("results", "--db", str(db), "--format", "html", "--out", str(html))[0] == 0
        problems = html.read_text().split('id="problems"')[1].split('class="village"')[0]
        assert all(h["digest"][:16] in problems for h in station["held_bundles"])
        assert differ in problems and "suaradesa tally resolve" in problems
    else:
        assert "rejected" in text, text
        assert station["status"] == "complete" and station["votes"] == list(run.counts)


def test_re_chained_event_log_as_a_newer_export_is_held(tmp_path: Path, db_path: Path,
                                                       runs: dict) -> None:
    run = next(iter(runs.values()))
    honest = tmp_path / "honest.sdbundle"
    honest.write_bytes(run.export())
    assert _import(db_path, honest)[0] == 0
    events = list(run.log(extra_events=1)[0])
    events[0] = dataclasses.replace(events[0], time="2026-11-22T06:00:00Z")
    bad = tmp_path / "rechained.sdbundle"
    bad.write_bytes(run.export(events=tuple(_rechain(events))))
    _assert_held_or_refused(db_path, tmp_path, run, bad, "event logs diverge")


def test_truncated_event_log_is_refused(tmp_path: Path, db_path: Path, runs: dict) -> None:
    """The log loses its last casts (re-chained, everything re-signed): counts disagree."""
    run = next(iter(runs.values()))
    events = list(run.log()[0])
    casts = [i for i, e in enumerate(events) if e.event == "ballot.cast"]
    kept = [e for i, e in enumerate(events) if i not in casts[-2:]]
    bad = tmp_path / "truncated.sdbundle"
    bad.write_bytes(run.export(events=tuple(_rechain(kept))))
    _assert_refused_never_counted(db_path, tmp_path, run, bad, "rejected")


def _honest_db(db: Path, bundle_dir: Path) -> None:
    code, text = _import(db, bundle_dir)
    assert code == 0, text


def test_an_edited_result_in_the_tally_database_is_loud(tmp_path: Path, db_path: Path,
                                                        bundle_dir: Path, runs: dict) -> None:
    _honest_db(db_path, bundle_dir)
    run = next(iter(runs.values()))
    report = _report(db_path, tmp_path)
    village, _ = _station(report, run.village, run.station)
    assert village["winner"] is not None  # positive control: an honest village has one
    code, _text = _cli("verify", "--db", str(db_path))
    assert code == 0
    conn = sqlite3.connect(db_path)
    (digest, results) = conn.execute(
        "SELECT digest, results FROM bundles WHERE village = ? AND station = ?",
        (run.village, run.station)).fetchone()
    edited = bytes(results).replace(b'[1,', b'[1,9', 1)
    assert edited != bytes(results)
    conn.execute("UPDATE bundles SET results = ? WHERE digest = ?", (edited, digest))
    conn.commit()
    conn.close()
    code, text = _cli("verify", "--db", str(db_path))
    assert code == 1 and "error" in text
    village, station = _station(_report(db_path, tmp_path), run.village, run.station)
    assert station["status"] == "rejected" and station["cause"] == "database"
    assert village["winner"] is None and not station["counted"]


def test_edited_facts_or_station_in_the_tally_database_are_loud(
    tmp_path: Path, db_path: Path, bundle_dir: Path, runs: dict
) -> None:
    _honest_db(db_path, bundle_dir)
    run = next(iter(runs.values()))
    for sql in (
        "UPDATE bundles SET facts = replace(facts, '\"counts\":[', '\"counts\":[1') "
        "WHERE village = ? AND station = ?",
        "UPDATE bundles SET proofs = 'deferred' WHERE village = ? AND station = ?",
    ):
        copy = tmp_path / "copy.sqlite"
        copy.write_bytes(db_path.read_bytes())
        conn = sqlite3.connect(copy)
        assert conn.execute(sql, (run.village, run.station)).rowcount == 1
        conn.commit()
        conn.close()
        code, text = _cli("verify", "--db", str(copy))
        v, s = _station(_report(copy, tmp_path), run.village, run.station)
        assert not s["counted"] and v["winner"] is None, (sql, s)
        if "facts" in sql:
            assert code == 1, text
        copy.unlink()


def test_tampered_and_missing_read_differently_in_every_report(
    tmp_path: Path, db_path: Path, bundle_dir: Path, runs: dict
) -> None:
    keys = sorted(runs)
    tampered_key, missing_key = keys[0], keys[-1]
    usb = tmp_path / "usb"
    usb.mkdir()
    for f in sorted(bundle_dir.iterdir()):
        if f.name.startswith(f"{missing_key[0]}_{missing_key[1]}"):
            continue
        data = f.read_bytes()
        if f.name.startswith(f"{tampered_key[0]}_{tampered_key[1]}"):
            data = data.replace(b'"activations":', b'"activations":1', 1)  # re-count
        (usb / f.name).write_bytes(data)
    code, _ = _import(db_path, usb)
    assert code == 1
    report = _report(db_path, tmp_path)
    _, t = _station(report, *tampered_key)
    _, m = _station(report, *missing_key)
    assert t["status"] == "rejected" and t["cause"] == "signature" and m["status"] == "missing"
    out_csv, out_html, out_pdf = tmp_path / "r.csv", tmp_path / "r.html", tmp_path / "r.pdf"
    for fmt, out in (("csv", out_csv), ("html", out_html), ("pdf", out_pdf)):
        assert _cli("results", "--db", str(db_path), "--format", fmt, "--out", str(out))[0] == 0
    rows = out_csv.read_text().splitlines()
    assert any(f",{tampered_key[1]},rejected," in r for r in rows)
    assert any(f",{missing_key[1]},missing," in r for r in rows)
    html = out_html.read_text()
    assert "Ditolak / rejected" in html and "Belum masuk / missing" in html
    assert html.index('id="problems"') < html.index('class="village"')  # problems first
    pdftotext = require_program("pdftotext", "poppler-utils")
    text = subprocess.run([pdftotext, "-layout", str(out_pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "ditolak (" in text and "belum masuk" in text and "KEJADIAN KHUSUS" in text


def test_incident_row_is_safe_against_hostile_names(tmp_path: Path, db_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    name = "evil\x1b[31m\u202e" + "A" * 200 + ".sdbundle"
    (usb / name).write_bytes(b'{"$magic":"SD/signed",' + b"x" * 100)
    before = held_digest(db_path)
    assert _import(db_path, usb)[0] == 1
    assert held_digest(db_path) == before
    ((outcome, cause, source),) = incidents(db_path)
    assert outcome == "rejected" and cause == "malformed"
    assert len(source) <= 240 and "\x1b" not in source and "\u202e" not in source
    assert "\\x1b" in source  # escaped, not dropped


def test_deferred_proofs_count_only_after_full_verification(
    tmp_path: Path, db_path: Path, bundle_dir: Path, runs: dict, election: Election
) -> None:
    run = next(iter(runs.values()))
    one = next(f for f in sorted(bundle_dir.iterdir())
               if f.name.startswith(f"{run.village}_{run.station}"))
    assert _import(db_path, one, defer=True)[0] == 0
    _, s = _station(_report(db_path, tmp_path), run.village, run.station)
    assert s["status"] == "unverified" and not s["counted"]
    assert _cli("verify", "--db", str(db_path), "--full", "--workers", "1")[0] == 0
    _, s = _station(_report(db_path, tmp_path), run.village, run.station)
    assert s["status"] == "complete" and s["votes"] == list(run.counts)
    assert [o for o, _c, _s in incidents(db_path)] == ["accepted", "verified"]
