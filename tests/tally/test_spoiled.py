"""Spoiled (challenged) ballots in bundles: verified always, never counted, published.

The station is played by the factory with Benaloh challenges before its first casts
(`run_station(..., challenges=...)`, the kiosk's own record and signature); the forged
cases are signed with the kiosk key, so only the opening check can catch them.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest

from ballotcore.bundle import StationBundle
from ballotcore.codec import decode_record, encode_record
from ballotcore.errors import RecordError, SignatureError, VerificationError
from ballotcore.group import L
from ballotcore.signing import SignedRecord, sign
from ballotcore.spoiled import SPOILED_LABEL, SignedSpoiled, SpoiledBallot
from ballotcore.tracking import tracking_code
from ballotcore.verify import verify_bundle
from tally.db import TallyDB
from tally.importer import import_paths
from tally.lineage import facts_of
from tally.model import build_view
from tally.publish import publish
from tests.tally.factory import Election, StationRun, deck, deck_totals, run_station


@pytest.fixture(scope="module")
def run(election: Election) -> StationRun:
    village, station = election.stations[0]
    n = election.n_candidates(village)
    return run_station(election, village, station, deck(77, n, 5), challenges=[0, n - 1, 0])


def _resigned(run: StationRun, record: SpoiledBallot) -> SignedSpoiled:
    """A spoiled record the kiosk key signed (a dishonest kiosk, or a kiosk-key holder)."""
    return SignedSpoiled(record, sign(run.kiosk.key, SPOILED_LABEL, record.to_bytes()))


def _with_first(run: StationRun, item: SignedSpoiled) -> bytes:
    return dataclasses.replace(run, spoiled=(item, *run.spoiled[1:])).export()


def test_challenged_ballots_verify_and_only_the_cast_deck_counts(
    tmp_path: Path, db_path: Path, election: Election, run: StationRun
) -> None:
    data = run.export()
    verified = verify_bundle(data, election.record, full=True)
    assert len(verified.bundle.spoiled) == 3
    assert verified.results is not None
    n = election.n_candidates(run.village)
    assert [v for _, v in verified.results.votes] == deck_totals(run.choices, n)
    ids = [s.spoiled.ballot_id for s in verified.bundle.spoiled]
    assert ids == sorted(ids)  # export order is id order: no challenge order
    path = tmp_path / "station.sdbundle"
    path.write_bytes(data)
    with TallyDB.open(db_path) as db:
        report = import_paths(db, [path])
        assert [o.status for o in report.outcomes] == ["accepted"], report
        station = next(s for v in build_view(db).villages for s in v.stations
                       if (v.code, s.code) == (run.village, run.station))
        assert list(station.votes or ()) == deck_totals(run.choices, n)
        assert station.ballots == len(run.choices)
        site = tmp_path / "site"
        publish(db, site)
    page = (site / "desa" / f"{run.village}.html").read_text(encoding="utf-8")
    names = {c.number: c.name for c in election.record.definition.village(run.village).candidates}
    for item in run.spoiled:
        code = tracking_code(item.spoiled.ballot.digest())
        row = page.split(f'<tr id="{code}">', 1)[1].split("</tr>", 1)[0]
        assert f"<td>{item.spoiled.candidate}</td>" in row
        assert names[item.spoiled.candidate] in row and "TIDAK DIHITUNG / NOT COUNTED" in row
    cast_codes = {tracking_code(b.ballot.digest()) for b in run.ballots}
    assert all(code in page for code in cast_codes)  # positive control: the cast codes too


def test_a_wrong_nonce_is_rejected_with_the_reason(election: Election, run: StationRun) -> None:
    s = run.spoiled[0].spoiled
    bad = dataclasses.replace(s, nonces=((s.nonces[0] + 1) % L, *s.nonces[1:]))
    with pytest.raises(VerificationError, match="selection 0 does not re-encrypt"):
        verify_bundle(_with_first(run, _resigned(run, bad)), election.record)


def test_a_receipt_naming_another_candidate_is_rejected(election: Election,
                                                        run: StationRun) -> None:
    s = run.spoiled[0].spoiled
    other = s.candidate % election.n_candidates(run.village) + 1
    lie = dataclasses.replace(s, candidate=other)
    with pytest.raises(VerificationError, match=f"does not encrypt candidate {other}"):
        verify_bundle(_with_first(run, _resigned(run, lie)), election.record, full=True)


def test_an_unsigned_change_and_a_cast_ballot_as_spoiled_are_rejected(
    election: Election, run: StationRun
) -> None:
    s = run.spoiled[0].spoiled
    other = s.candidate % election.n_candidates(run.village) + 1
    unsigned = SignedSpoiled(dataclasses.replace(s, candidate=other), run.spoiled[0].signature)
    with pytest.raises(SignatureError, match=r"spoiled ballot \d: kiosk signature"):
        verify_bundle(_with_first(run, unsigned), election.record)
    opened_cast = SpoiledBallot(run.ballots[0].ballot, 1, s.nonces)
    with pytest.raises(VerificationError, match="id of a cast ballot"):
        verify_bundle(_with_first(run, _resigned(run, opened_cast)), election.record)


def test_spoiled_list_and_log_must_agree(election: Election, run: StationRun) -> None:
    honest_log, _ = run.log()
    dropped = dataclasses.replace(run, spoiled=run.spoiled[1:])
    with pytest.raises(VerificationError, match="holds 2 spoiled ballots, the event log 3"):
        verify_bundle(dropped.export(events=honest_log), election.record)
    verify_bundle(dropped.export(), election.record)  # its own honest log: valid


def test_the_field_is_absent_without_challenges_and_never_empty(election: Election,
                                                                run: StationRun) -> None:
    plain = dataclasses.replace(run, spoiled=()).export()
    body = decode_record("bundle", 1, SignedRecord.from_bytes(plain).record)
    assert "spoiled" not in body
    assert "spoiled" in decode_record("bundle", 1, SignedRecord.from_bytes(run.export()).record)
    body["spoiled"] = []
    with pytest.raises(RecordError, match="omitting the field"):
        StationBundle.from_bytes(encode_record("bundle", 1, body))


def test_lineage_facts_keep_the_spoiled_list(election: Election, run: StationRun) -> None:
    with_spoiled = facts_of(verify_bundle(run.export(), election.record))
    plain = verify_bundle(dataclasses.replace(run, spoiled=()).export(), election.record)
    without = facts_of(plain)
    assert with_spoiled.ballots != without.ballots
    # without challenges the digest is the one computed before spoiled ballots existed
    old = hashlib.sha256()
    for sb in plain.bundle.ballots:
        old.update(sb.ballot.digest())
        old.update(sb.signature)
    assert without.ballots == old.hexdigest()
