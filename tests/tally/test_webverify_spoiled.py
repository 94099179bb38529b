"""Spoiled (Benaloh-challenged) ballots in the browser verifier, headless Chromium.

One village is played with challenges at its stations (the factory's kiosk record and
signature, `run_station(..., challenges=...)`), imported and published. The honest board
is VALID and lists each checked ballot's tracking code with the candidate its revealed
nonces re-encrypt; forged copies of a spoiled ballot, re-signed with the kiosk key (the
strongest attacker short of the trustees), are INVALID with the reason, and `tally import`
/ `tally verify --full` on the same files agree. A spoiled ballot dropped together with its
`ballot.challenged` entry and the log re-chained is consistent on its own: the protocol
cannot see it from the bundle (the voter's challenge receipt, whose code is then missing
from the board, does), and both verifiers say so alike.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ballotcore.signing import sign
from ballotcore.tracking import tracking_code
from suaradesa.cli import cli
from tally.db import TallyDB
from tests.tally.cdp import Browser
from tests.tally.factory import Election, StationRun, deck, run_station
from tests.tally.outside_verifier import canonical, h
from tests.tally.test_webverify import _bump, _resign_envelope, refresh, tally_view

Mutation = Callable[[dict[str, Any], Any], None]


@pytest.fixture(scope="module")
def village(election: Election) -> str:
    return election.stations[0][0]


@pytest.fixture(scope="module")
def challenged(election: Election, village: str) -> dict[str, StationRun]:
    """Every station of the village, the first with three challenges, the others one."""
    n = election.n_candidates(village)
    stations = [s for v, s in election.stations if v == village]
    return {s: run_station(election, village, s, deck(500 + i, n, 6),
                           challenges=[0, n - 1, 1] if i == 0 else [i % n])
            for i, s in enumerate(stations)}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, election: Election, village: str,
         challenged: dict[str, StationRun]) -> Path:
    base = tmp_path_factory.mktemp("board-spoiled")
    usb = base / "usb"
    usb.mkdir()
    for station, run in challenged.items():
        (usb / f"{village}_{station}.sdbundle").write_bytes(run.export())
    db = base / "tally.sqlite"
    TallyDB.open(db, election.record_bytes, election.authority_id).close()
    for args in (["import", "--db", str(db), str(usb)],
                 ["publish", "--db", str(db), "--out", str(base / "site")]):
        result = CliRunner().invoke(cli, ["tally", *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return base / "site"


def run_page(site: Path, village: str, profile: Path) -> tuple[str, list[str], list[list[str]]]:
    """(#verdict, problems, [tracking code, candidate] of every checked ballot shown)."""
    with Browser(profile) as browser:
        browser.navigate(f"{(site / 'verify.html').as_uri()}?village={village}&auto=1")
        verdict = browser.wait_for("document.getElementById('verdict')"
                                   " && document.getElementById('verdict').textContent", 300)
        shown = json.loads(browser.eval(
            "JSON.stringify([...document.querySelectorAll('#stations span[data-code]')]"
            ".map((s) => [s.dataset.code, s.dataset.candidate]))"))
        return str(verdict), browser.problems(), shown


def _resign_spoiled(item: dict[str, Any], key: Any) -> None:
    item["sig"] = sign(key, "spoiled-ballot", canonical(
        {"$magic": "SD/spoiled", "$v": 1, **item["spoiled"]})).hex()


def _nonce(env: dict[str, Any], key: Any) -> None:
    item = env["body"]["spoiled"][0]
    item["spoiled"]["nonces"][0] = _bump(item["spoiled"]["nonces"][0])
    _resign_spoiled(item, key)


def _nonce_unsigned(env: dict[str, Any], key: Any) -> None:
    item = env["body"]["spoiled"][0]
    item["spoiled"]["nonces"][0] = _bump(item["spoiled"]["nonces"][0])


def _candidate(env: dict[str, Any], key: Any) -> None:
    """The receipt claims another candidate than the ballot encrypts (a lying kiosk)."""
    item = env["body"]["spoiled"][0]
    n = len(item["spoiled"]["nonces"])
    item["spoiled"]["candidate"] = item["spoiled"]["candidate"] % n + 1
    _resign_spoiled(item, key)


def _candidate_out_of_range(env: dict[str, Any], key: Any) -> None:
    item = env["body"]["spoiled"][0]
    item["spoiled"]["candidate"] = len(item["spoiled"]["nonces"]) + 1
    _resign_spoiled(item, key)


def _swap_ciphertext(env: dict[str, Any], key: Any) -> None:
    """A counted ballot's ciphertexts and proofs under the spoiled ballot's id."""
    item = env["body"]["spoiled"][0]
    cast = env["body"]["ballots"][0]["ballot"]
    for field in ("selections", "sum_proof"):
        item["spoiled"]["ballot"][field] = cast[field]
    _resign_spoiled(item, key)


def _counted_as_spoiled(env: dict[str, Any], key: Any) -> None:
    """A counted ballot, whole (its id too), presented as the opened one."""
    item = env["body"]["spoiled"][0]
    item["spoiled"]["ballot"] = json.loads(json.dumps(env["body"]["ballots"][0]["ballot"]))
    spoiled = env["body"]["spoiled"]
    spoiled.sort(key=lambda x: x["spoiled"]["ballot"]["ballot_id"])
    _resign_spoiled(item, key)


def _challenge_events(env: dict[str, Any]) -> list[int]:
    return [i for i, e in enumerate(env["body"]["events"]) if e["event"] == "ballot.challenged"]


def _drop_spoiled(env: dict[str, Any]) -> None:
    body = env["body"]
    body["spoiled"].pop(0)
    if not body["spoiled"]:
        del body["spoiled"]


def _dropped_log_kept(env: dict[str, Any], key: Any) -> None:
    _drop_spoiled(env)


def _dropped_entry_cut(env: dict[str, Any], key: Any) -> None:
    """Spoiled ballot and its log entry removed, entries renumbered, the hash chain not
    re-linked (the `prev` of the next entry still names the removed one)."""
    _drop_spoiled(env)
    events = env["body"]["events"]
    events.pop(_challenge_events(env)[0])
    for i, e in enumerate(events):
        e["seq"] = i


def rechain(env: dict[str, Any], key: Any) -> None:
    """Renumber and re-link the log; the results name the entry before results.computed."""
    body = env["body"]
    prev = "00" * 32
    digests = []
    for i, e in enumerate(body["events"]):
        e["seq"], e["prev"] = i, prev
        prev = h("event", canonical({"$magic": "SD/event", "$v": 1, **e}))[:32].hex()
        digests.append(prev)
    at = next(i for i, e in enumerate(body["events"]) if e["event"] == "results.computed")
    body["results"]["body"]["log_head"] = digests[at - 1]
    _resign_envelope(body["results"], key)


def _dropped_rechained(env: dict[str, Any], key: Any) -> None:
    _dropped_entry_cut(env, key)
    rechain(env, key)


#: case: (tampering, the browser's reason, the tally's (import exit, verify --full exit))
CASES: dict[str, tuple[Mutation, str, tuple[int, int]]] = {
    "nonce-changed": (_nonce, "selection 1 does not re-encrypt with its nonce", (1, 0)),
    "nonce-changed-unsigned": (_nonce_unsigned, "signature does not verify", (1, 0)),
    "candidate-changed": (_candidate, "does not encrypt candidate", (1, 0)),
    "candidate-out-of-range": (_candidate_out_of_range, "not on the ballot", (1, 0)),
    "ciphertext-of-a-counted-ballot": (_swap_ciphertext, "0/1 proof of selection 1 fails",
                                       (1, 0)),
    "counted-ballot-as-spoiled": (_counted_as_spoiled, "has the id of a cast ballot", (1, 0)),
    "dropped-log-kept": (_dropped_log_kept, "the bundle holds 2 spoiled ballots, the log 3",
                         (1, 0)),
    "dropped-entry-cut-not-rechained": (_dropped_entry_cut, "the chain is broken", (1, 0)),
}


def _tamper(site: Path, tmp: Path, election: Election, village: str, station: str,
            mutate: Mutation) -> Path:
    copy = tmp / "site"
    shutil.copytree(site, copy)
    path = copy / "data" / village / f"{station}.sdbundle"
    env = json.loads(path.read_bytes())
    key = election.kiosks[(village, station)].key
    mutate(env, key)
    _resign_envelope(env, key)
    path.write_bytes(canonical(env))
    refresh(copy, village)
    return copy


def test_honest_village_with_spoiled_ballots_is_valid_and_shows_them(
        site: Path, tmp_path: Path, election: Election, village: str,
        challenged: dict[str, StationRun]) -> None:
    verdict, problems, shown = run_page(site, village, tmp_path / "p")
    assert (verdict, problems) == ("VALID", [])
    want = sorted([tracking_code(x.spoiled.ballot.digest()), str(x.spoiled.candidate)]
                  for run in challenged.values() for x in run.spoiled)
    assert sorted(shown) == want and len(want) == 3 + len(challenged) - 1
    imp, ver, villages = tally_view(site, tmp_path, election.authority_id)
    assert (imp, ver) == (0, 0)
    # Never counted: the village total is the cast decks only.
    cast = sum(len(run.choices) for run in challenged.values())
    assert villages[village]["ballots"] == cast


@pytest.mark.parametrize("case", sorted(CASES))
def test_forged_spoiled_ballot_is_invalid_and_the_tally_agrees(
        case: str, site: Path, tmp_path: Path, election: Election, village: str,
        challenged: dict[str, StationRun]) -> None:
    station = next(iter(challenged))
    mutate, reason, refused = CASES[case]
    copy = _tamper(site, tmp_path, election, village, station, mutate)
    verdict, problems, _ = run_page(copy, village, tmp_path / "p")
    assert verdict.startswith(f"INVALID: {station}: {station}.sdbundle: "), verdict
    assert reason in verdict, verdict
    assert problems == []
    assert tally_view(copy, tmp_path, election.authority_id)[:2] == refused


def test_a_spoiled_ballot_dropped_with_its_log_entry_rechained_is_not_visible_in_the_record(
        site: Path, tmp_path: Path, election: Election, village: str,
        challenged: dict[str, StationRun]) -> None:
    """The limit of the record: a kiosk-key holder who removes a spoiled ballot and its
    `ballot.challenged` entry and re-signs a consistent bundle passes both verifiers; what
    shows it is the voter's receipt, whose code is no longer on the board."""
    station = next(iter(challenged))
    copy = _tamper(site, tmp_path, election, village, station, _dropped_rechained)
    # The tally received this bundle instead of the honest one: the board names it.
    path = copy / "data" / village / "results.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    row = next(s for s in data["stations"] if s["code"] == station)
    row["bundle"] = h("bundle-file", (path.parent / f"{station}.sdbundle").read_bytes()
                      )[:32].hex()
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    refresh(copy, village)
    verdict, _, shown = run_page(copy, village, tmp_path / "p")
    assert verdict == "VALID", verdict
    first = min(challenged[station].spoiled, key=lambda x: x.spoiled.ballot_id)  # export order
    gone = tracking_code(first.spoiled.ballot.digest())
    assert gone not in [code for code, _ in shown]
    assert len(shown) == 3 + len(challenged) - 2  # positive control: the others still shown
    assert tally_view(copy, tmp_path, election.authority_id)[:2] == (0, 0)
