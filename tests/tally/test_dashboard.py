"""The live dashboard in headless Chromium: no console errors, updates by SSE after an
upload (DOM checked), English selectable, the phone upload page delivers a QR photo."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tally.db import TallyDB
from tests.tally.cdp import Browser
from tests.tally.factory import Election, StationRun
from tests.tally.live import LiveServer
from tests.tally.receipt import phone_photo, render_results_receipt


def test_dashboard_updates_live_after_an_upload(tmp_path: Path, db_path: Path,
                                                bundle_dir: Path, election: Election) -> None:
    files = sorted(bundle_dir.glob("*.sdbundle"))
    n = len(election.stations)
    with LiveServer(db_path) as url, Browser(tmp_path / "profile") as browser:
        browser.navigate(f"{url}/")
        browser.wait_for("document.body.dataset.version === '0'")
        assert browser.eval("document.getElementById('reporting').textContent") == f"0 dari {n}"
        assert browser.eval("document.querySelectorAll('#villages .village').length") == \
            len(election.record.definition.villages)
        browser.wait_for("document.getElementById('live').classList.contains('on')")
        r = httpx.post(f"{url}/api/v1/deliveries", content=files[0].read_bytes(), timeout=60)
        assert r.json()["outcome"] == "accepted"
        # no reload: the SSE update re-renders the page
        browser.wait_for(f"document.getElementById('reporting').textContent === '1 dari {n}'")
        village = files[0].name.split("_")[0]
        status = browser.eval(
            f"document.querySelector('.village[data-code=\"{village}\"]').dataset.status")
        assert status in ("complete", "missing stations")
        assert "diterima" in browser.eval("document.getElementById('incidents').textContent")
        assert browser.eval("document.querySelector('.bar .fill').style.width") != ""
        # English
        browser.eval("const s = document.getElementById('lang'); s.value = 'en';"
                     " s.dispatchEvent(new Event('change'));")
        browser.wait_for(f"document.getElementById('reporting').textContent === '1 of {n}'")
        assert "accepted" in browser.eval("document.getElementById('incidents').textContent")
        assert browser.problems() == []


def test_console_check_can_fail(tmp_path: Path, db_path: Path) -> None:
    """Positive control: a script error and a CSP violation are seen by the check."""
    with LiveServer(db_path) as url, Browser(tmp_path / "profile") as browser:
        browser.navigate(f"{url}/")
        browser.wait_for("document.body.dataset.version === '0'")
        browser.eval("setTimeout(() => { throw new Error('boom'); }, 0); 1")
        browser.eval("const s = document.createElement('script');"
                     " s.src = 'https://example.invalid/x.js'; document.head.appendChild(s); 1")
        browser.wait_for("true")
        end = time.monotonic() + 10
        while len(browser.problems()) < 2 and time.monotonic() < end:
            time.sleep(0.1)
        text = "\n".join(browser.problems())
        assert "boom" in text and "Content Security Policy" in text


def test_phone_upload_page_sends_a_results_qr_photo(
        tmp_path: Path, db_path: Path, runs: dict[tuple[str, str], StationRun],
        election: Election) -> None:
    run = next(iter(runs.values()))
    names = [c.name for c in election.record.definition.village(run.village).candidates]
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(phone_photo(render_results_receipt(run.results_envelope(), run.results(),
                                                         names), angle=5, scale=0.8))
    with LiveServer(db_path) as url, Browser(tmp_path / "profile") as browser:
        browser.navigate(f"{url}/kirim")
        browser.wait_for("document.readyState === 'complete'")
        root = browser.call("DOM.getDocument", session=True)["root"]["nodeId"]
        node = browser.call("DOM.querySelector", {"nodeId": root, "selector": "#file"},
                            session=True)["nodeId"]
        browser.call("DOM.setFileInputFiles", {"nodeId": node, "files": [str(photo)]},
                     session=True)
        browser.eval("document.getElementById('upload-form').requestSubmit(); 1")
        answer = browser.wait_for(
            "document.getElementById('answer').textContent.startsWith('provisional') &&"
            " document.getElementById('answer').textContent", timeout=90)
        assert f"{run.village}/{run.station}" in answer
        assert browser.problems() == []
    with TallyDB.open(db_path) as db:
        (qr,) = db.qr_results()
        assert (qr.village, qr.station) == (run.village, run.station)
        assert db.incidents()[-1].source == "IMG_0001.jpg"
