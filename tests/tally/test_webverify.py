"""The bulletin board's in-browser verifier (verify.html) in headless Chromium over file://.

An honest village is VALID; tampered copies of the published record are INVALID with a
reason, and `tally import` / `tally verify --full` / `tally results` on the same tampered
data agree (the bundle is refused, or the recomputed results differ). Tampered bundles are
re-signed with the kiosk's own key where the point is a deeper check than the signature
(the strongest attacker short of the trustees). The page makes no network request: every
request Chromium reports is for a file: or blob: URL (checked with the DevTools protocol).
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
from suaradesa.cli import cli
from tally.db import TallyDB
from tally.webboard import write_village_data
from tests.tally.cdp import Browser
from tests.tally.factory import Election
from tests.tally.outside_verifier import canonical, h

L = 2**252 + 27742317777372353535851937790883648493


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, election: Election, bundle_dir: Path
         ) -> Path:
    base = tmp_path_factory.mktemp("board")
    db = base / "tally.sqlite"
    TallyDB.open(db, election.record_bytes, election.authority_id).close()
    for args in (["import", "--db", str(db), str(bundle_dir)],
                 ["publish", "--db", str(db), "--out", str(base / "site")]):
        result = CliRunner().invoke(cli, ["tally", *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return base / "site"


def run_page(site: Path, village: str, profile: Path) -> tuple[str, list[str], list[str]]:
    """(#verdict, problems, requested URLs) of verify.html?village=...&auto=1."""
    with Browser(profile) as browser:
        browser.call("Network.enable", session=True)
        browser.navigate(f"{(site / 'verify.html').as_uri()}?village={village}&auto=1")
        verdict = browser.wait_for("document.getElementById('verdict')"
                                   " && document.getElementById('verdict').textContent", 300)
        urls = [e["params"]["request"]["url"] for e in browser.events
                if e.get("method") == "Network.requestWillBeSent"]
        engines.append(str(browser.eval("document.body.dataset.engine")))
        return str(verdict), browser.problems(), urls


#: Where the last run_page ran the verifier ("worker" or "page").
engines: list[str] = []


def tally_view(site: Path, tmp: Path, authority: str) -> tuple[int, int, dict[str, Any]]:
    """(import exit, verify --full exit, villages of `tally results`) for site/data.

    The import defers the proofs (`--defer-proofs`), so that what only full verification
    can see is left to `tally verify --full`, as the browser's full check is.
    """
    db = tmp / "check.sqlite"
    runner = CliRunner()
    imp = runner.invoke(cli, ["tally", "import", "--db", str(db), "--record",
                              str(site / "data" / "election.json"), "--authority", authority,
                              "--defer-proofs", str(site / "data")])
    ver = runner.invoke(cli, ["tally", "verify", "--db", str(db), "--full"])
    out = tmp / "check.json"
    runner.invoke(cli, ["tally", "results", "--db", str(db), "--format", "json", "--out",
                        str(out)], catch_exceptions=False)
    villages = {v["code"]: v for v in json.loads(out.read_text(encoding="utf-8"))["villages"]}
    return imp.exit_code, ver.exit_code, villages


def refresh(site: Path, village: str) -> None:
    """Rewrite data/<village>/bundles.js from the (tampered) files beside it."""
    folder = site / "data" / village
    bundles = {p.name: p.read_bytes() for p in folder.glob("*.sdbundle")}
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    write_village_data(folder, village, bundles, results)


def _digest(ballot: dict[str, Any]) -> bytes:
    return h("ballot", canonical({"$magic": "SD/ballot", "$v": 1, **ballot}))[:32]


def _resign_envelope(env: dict[str, Any], key: Any) -> None:
    env["sig"] = sign(key, env["label"], canonical(env["body"])).hex()


def _bump(scalar_hex: str) -> str:
    k = (int.from_bytes(bytes.fromhex(scalar_hex), "little") + 1) % L
    return k.to_bytes(32, "little").hex()


def _flip_unsigned(env: dict[str, Any], key: Any) -> None:
    sel = env["body"]["ballots"][0]["ballot"]["selections"][0]
    sel["proof"][2] = _bump(sel["proof"][2])  # nobody re-signs: the bundle signature fails


def _flip_resigned(env: dict[str, Any], key: Any) -> None:
    entry = env["body"]["ballots"][0]
    sel = entry["ballot"]["selections"][0]
    sel["proof"][2] = _bump(sel["proof"][2])
    entry["sig"] = sign(key, "ballot", canonical({"$magic": "SD/ballot", "$v": 1,
                                                  **entry["ballot"]})).hex()
    _fix_root(env, key)


def _swap(env: dict[str, Any], key: Any) -> None:
    a, b = env["body"]["ballots"][0]["ballot"], env["body"]["ballots"][1]["ballot"]
    a["selections"], b["selections"] = b["selections"], a["selections"]
    for entry in env["body"]["ballots"][:2]:
        entry["sig"] = sign(key, "ballot", canonical({"$magic": "SD/ballot", "$v": 1,
                                                      **entry["ballot"]})).hex()
    _fix_root(env, key)


def _fix_root(env: dict[str, Any], key: Any) -> None:
    body = env["body"]
    digests = sorted(_digest(e["ballot"]) for e in body["ballots"])
    body["results"]["body"]["box_root"] = h("ballot-box", *digests)[:32].hex()
    _resign_envelope(body["results"], key)


def _bad_partial(env: dict[str, Any], key: Any) -> None:
    proof = env["body"]["partials"][0]["proofs"][0]
    proof[1] = _bump(proof[1])


def _signed_result(env: dict[str, Any], key: Any) -> None:
    votes = env["body"]["results"]["body"]["votes"]
    votes[0]["votes"], votes[1]["votes"] = votes[1]["votes"], votes[0]["votes"]
    if votes[0]["votes"] == votes[1]["votes"]:
        votes[0]["votes"] += 1
        votes[1]["votes"] -= 1
    _resign_envelope(env["body"]["results"], key)


def _drop(env: dict[str, Any], key: Any) -> None:
    """Drop a ballot; its cast becomes a void, counts follow, the log is re-chained."""
    body = env["body"]
    body["ballots"].pop(0)
    events = body["events"]
    cast = next(i for i, e in enumerate(events) if e["event"] == "ballot.cast")
    events[cast] = {**events[cast], "event": "session.voided",
                    "detail": {"reason": "officer"}}
    for e in events:
        if e["event"] in ("polls.open_to_closed", "polls.paused_to_closed",
                          "results.computed"):
            e["detail"]["ballots"] -= 1
    prev = "00" * 32
    for i, e in enumerate(events):
        e["prev"] = prev
        prev = h("event", canonical({"$magic": "SD/event", "$v": 1, **e}))[:32].hex()
        if e["event"] == "results.computed":
            head = events[i - 1]
            body["results"]["body"]["log_head"] = h("event", canonical(
                {"$magic": "SD/event", "$v": 1, **head}))[:32].hex()
    body["counts"]["ballots"] -= 1
    body["counts"]["voided"] += 1
    res = body["results"]["body"]
    res["ballots"] -= 1
    res["voided"] += 1
    top = max(res["votes"], key=lambda v: v["votes"])
    top["votes"] -= 1
    _fix_root(env, key)


#: case: (tampering, the browser's reason, the tally's refusal: (import exit, verify exit))
BUNDLE_CASES: dict[str, tuple[Callable[[dict[str, Any], Any], None], str, tuple[int, int]]] = {
    "flipped-byte": (_flip_unsigned, "bundle: signature does not verify", (1, 0)),
    "flipped-byte-resigned": (_flip_resigned, "0/1 proof of selection 1 fails", (0, 1)),
    "swapped-ballot": (_swap, "proof", (0, 1)),
    "bad-partial": (_bad_partial, "decryption proof of trustee", (0, 1)),
    "changed-signed-result": (_signed_result, "decryption gives", (0, 1)),
    "dropped-ballot-rechained": (_drop, "aggregate: candidate", (0, 1)),
}


def _target(site: Path, election: Election) -> tuple[str, str, Path]:
    """A station of a village with at least two ballots (every deck has six or more)."""
    village, station = election.stations[0]
    return village, station, site / "data" / village / f"{station}.sdbundle"


def test_honest_village_is_valid_with_no_network_request(site: Path, tmp_path: Path,
                                                        election: Election) -> None:
    for village in sorted({v for v, _ in election.stations}):
        verdict, problems, urls = run_page(site, village, tmp_path / f"p-{village}")
        assert verdict == "VALID", verdict
        assert problems == []
        assert urls and all(u.split(":", 1)[0] in ("file", "blob") for u in urls), urls
        assert any(u.startswith("blob:") for u in urls)  # the verifier ran in a Worker
    imp, ver, _ = tally_view(site, tmp_path, election.authority_id)
    assert (imp, ver) == (0, 0)


def test_unknown_village_is_invalid(site: Path, tmp_path: Path) -> None:
    verdict, _, _ = run_page(site, "NO-SUCH-VILLAGE", tmp_path / "p")
    assert verdict.startswith("INVALID: ") and "not on the board" in verdict


@pytest.mark.parametrize("case", sorted(BUNDLE_CASES))
def test_tampered_bundle_is_invalid_and_the_tally_agrees(case: str, site: Path, tmp_path: Path,
                                                         election: Election) -> None:
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    village, station, path = _target(copy, election)
    env = json.loads(path.read_bytes())
    key = election.kiosks[(village, station)].key
    mutate, reason, refused = BUNDLE_CASES[case]
    mutate(env, key)
    if mutate is not _flip_unsigned:
        _resign_envelope(env, key)
    path.write_bytes(canonical(env))
    refresh(copy, village)
    verdict, problems, _ = run_page(copy, village, tmp_path / "p")
    assert verdict.startswith(f"INVALID: {station}: {station}.sdbundle: "), verdict
    assert reason in verdict, verdict
    assert problems == []
    # The tally refuses the same file: at import (signature) or in verify --full (proofs).
    assert tally_view(copy, tmp_path, election.authority_id)[:2] == refused


def test_changed_published_result_is_invalid_and_the_tally_agrees(
        site: Path, tmp_path: Path, election: Election) -> None:
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    village = election.stations[0][0]
    path = copy / "data" / village / "results.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["candidates"][0]["votes"] += 1
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    refresh(copy, village)
    verdict, _, _ = run_page(copy, village, tmp_path / "p")
    assert verdict.startswith("INVALID: results: the village votes"), verdict
    imp, ver, villages = tally_view(copy, tmp_path, election.authority_id)
    assert (imp, ver) == (0, 0)
    assert [c["votes"] for c in villages[village]["candidates"]] != \
        [c["votes"] for c in data["candidates"]]


def test_a_station_missing_from_the_board_is_invalid(site: Path, tmp_path: Path,
                                                     election: Election) -> None:
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    village, _, path = _target(copy, election)
    path.unlink()
    refresh(copy, village)
    verdict, _, _ = run_page(copy, village, tmp_path / "p")
    assert verdict.startswith("INVALID: ") and "no bundle is published" in verdict, verdict


def test_the_network_check_sees_a_request(tmp_path: Path) -> None:
    """Positive control: a page that asks the network is caught by the same check."""
    (tmp_path / "verify.html").write_text(
        '<html><body><img src="http://127.0.0.1:9/x.png"><span id="verdict">VALID</span>'
        "</body></html>", encoding="utf-8")
    _, _, urls = run_page(tmp_path, "X", tmp_path / "p")
    assert "http://127.0.0.1:9/x.png" in urls


def test_without_a_worker_the_page_verifies_in_place(site: Path, tmp_path: Path,
                                                     election: Election) -> None:
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    (copy / "verifier" / "sdverify-src.js").write_text("// no worker source\n")
    village = election.stations[0][0]
    verdict, problems, _ = run_page(copy, village, tmp_path / "p")
    assert (verdict, engines[-1], problems) == ("VALID", "page", [])


def test_publish_without_the_built_verifier_says_how_to_build_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site: Path) -> None:
    from tally.errors import TallyError
    from tally.webboard import verifier_dir

    monkeypatch.setenv("SUARADESA_WEBVERIFY", str(tmp_path / "nothing"))
    with pytest.raises(TallyError, match="scripts/test"):
        verifier_dir()
    monkeypatch.setenv("SUARADESA_WEBVERIFY", str(site / "verifier" / ".."))
    with pytest.raises(TallyError):  # a folder without main.js and page.js
        verifier_dir()


def test_golden_vectors_through_the_browser_verifier() -> None:
    """PROTOCOL.md section 11's vectors through the JavaScript functions (under Node)."""
    import subprocess

    from tally.webboard import verifier_dir
    from tests.programs import require_program

    node = require_program("node", "nodejs")
    here = Path(__file__).parent
    out = subprocess.run([node, str(here / "webverify_vectors.js"),
                          str(verifier_dir() / "main.js"),
                          str(here.parent / "ballotcore" / "vectors")],
                         capture_output=True, text=True, timeout=120, check=True)
    result = json.loads(out.stdout)
    assert result["failures"] == []
    assert result["checked"] >= 40
