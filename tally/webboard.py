"""The bulletin board's in-browser verifier: `verify.html` and the data files it reads.

The verifier itself is JavaScript (`tally/webverify/`, written from docs/PROTOCOL.md on
@noble/curves and @noble/hashes), bundled by esbuild at build time into two files,
`main.js` (the verifier) and `page.js` (the page's script). The build output lives outside
the source tree: `scripts/_setup.sh` (`ensure_webverify`) builds it into
`.venv/webverify/dist` and exports `SUARADESA_WEBVERIFY`; without the variable the folder
`<sys.prefix>/webverify/dist` is used (the same place, from inside the venv).

Over `file://` a page can fetch nothing, so everything it checks is also written as a
script that assigns to the global `SD_BOARD`: `data/election.js` (the public record's
bytes in base64 and the authority key id) and `data/<village>/bundles.js` (each published
bundle's bytes in base64 and the village's results.json). The verifier runs in a Web
Worker made from a Blob of `verifier/sdverify-src.js` (Chromium refuses a worker from a
file URL), or in the page from `verifier/sdverify.js` where no worker starts.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import sys
from html import escape
from pathlib import Path

from tally.errors import TallyError

ENV = "SUARADESA_WEBVERIFY"

# No network: connect-src, img-src and everything else 'none'; scripts only from the
# site's own files and the worker's Blob.
_CSP = (
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
    "style-src 'unsafe-inline'; script-src 'self' blob:; worker-src blob:\">"
)
_CSS = (
    "body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:60rem;color:#222}"
    "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.2rem .5rem}"
    "th{background:#eee}.ok td:nth-child(3){color:#060}.bad td:nth-child(3){color:#a00}"
    "#putusan{font-size:1.4rem;font-weight:bold}#verdict{font-family:monospace}"
    "progress{width:20rem}.muted{color:#666;font-size:.85rem}"
)


def verifier_dir() -> Path:
    """The built verifier (main.js, page.js); a TallyError says how to build it."""
    env = os.environ.get(ENV)
    folder = Path(env) if env else Path(sys.prefix) / "webverify" / "dist"
    if not ((folder / "main.js").is_file() and (folder / "page.js").is_file()):
        raise TallyError(
            f"pemeriksa peramban belum dibangun di {folder} / the browser verifier is not "
            f"built in {folder}: run scripts/test or scripts/demo once (npm ci + esbuild), "
            f"or set {ENV} to its build folder")
    return folder


def _js_assign(path: str, value: object) -> str:
    text = json.dumps(value, ensure_ascii=True, sort_keys=True)
    return (f"(globalThis.SD_BOARD = globalThis.SD_BOARD || {{}});\n"
            f"SD_BOARD{path} = {text};\n")


def write_election_data(out: Path, record: bytes, authority: str) -> None:
    """data/election.js: the public record's bytes and the authority key id."""
    (out / "data" / "election.js").write_text(
        _js_assign(".election", base64.b64encode(record).decode())
        + _js_assign(".authorityId", authority), encoding="utf-8")


def write_village_data(folder: Path, code: str, bundles: dict[str, bytes],
                       results: dict) -> None:
    """data/<village>/bundles.js: the published bundles (base64) and results.json."""
    payload = {"files": {name: base64.b64encode(data).decode()
                         for name, data in sorted(bundles.items())},
               "results": results}
    (folder / "bundles.js").write_text(
        "(globalThis.SD_BOARD = globalThis.SD_BOARD || {});\n"
        "SD_BOARD.villages = SD_BOARD.villages || {};\n"
        + f"SD_BOARD.villages[{json.dumps(code)}] = "
        + json.dumps(payload, ensure_ascii=True, sort_keys=True) + ";\n", encoding="utf-8")


def write_verifier(out: Path, election: str) -> None:
    """verify.html and verifier/ (the built scripts, copied; the worker's source string)."""
    built = verifier_dir()
    target = out / "verifier"
    target.mkdir()
    shutil.copyfile(built / "main.js", target / "sdverify.js")
    shutil.copyfile(built / "page.js", target / "page.js")
    source = (built / "main.js").read_text(encoding="utf-8")
    (target / "sdverify-src.js").write_text(
        f"globalThis.SD_VERIFIER_SOURCE = {json.dumps(source, ensure_ascii=True)};\n",
        encoding="utf-8")
    (out / "verify.html").write_text(_page(election), encoding="utf-8")


def _page(election: str) -> str:
    body = (
        '<p><a href="index.html">&larr; papan pengumuman / bulletin board</a></p>'
        "<h1>Periksa hasil desa / verify a village</h1>"
        f"<p>{escape(election)}</p>"
        "<p>Halaman ini memeriksa semua data desa yang diterbitkan di peramban ini, tanpa "
        "internet: tanda tangan, setiap surat suara terenkripsi dan buktinya, dekripsi para "
        "wali kunci, log kejadian, dan hasil. / This page checks the village's published "
        "record in this browser, with no network: signatures, every encrypted ballot and "
        "its proofs, the trustees' decryptions, the event log and the results.</p>"
        '<p><select id="village"></select> <button id="start" type="button">'
        "Periksa / verify</button></p>"
        '<p><progress id="bar" max="1" value="0"></progress> <span id="progress"></span></p>'
        '<p id="putusan"></p><p>Verdict: <span id="verdict"></span></p>'
        "<table><thead><tr><th>TPS</th><th>Status</th><th>Putusan / verdict</th>"
        '<th>Alasan / reason</th></tr></thead><tbody id="stations"></tbody></table>'
        '<p class="muted">Kunci otoritas / authority key id: <code id="authority"></code> '
        "- bandingkan dengan yang diumumkan kabupaten / compare with the one the regency "
        "published.</p>"
        '<script src="data/election.js"></script>'
        '<script src="verifier/sdverify-src.js"></script>'
        '<script src="verifier/page.js"></script>'
    )
    return (
        f'<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8">{_CSP}'
        '<meta name="viewport" content="width=device-width">'
        f"<title>Periksa / verify - {escape(election)}</title><style>{_CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )
