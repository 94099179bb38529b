"""The demo pipeline: provision -> polling stations -> trouble -> tally -> check.

Every step uses the real components and the real command-line tools; the demo adds only
simulated voters (decks) and, unless `clean`, realistic trouble at four stations:

* `duplicate`  the station's bundle arrives twice (exported to two USB sticks);
* `qr_only`    only a phone photo of its printed results QR reaches the district;
* `tampered`   one byte of its bundle is changed on the USB stick;
* `missing`    its USB stick never arrives.

The final check compares the tally's per-station and per-village totals with the decks
cast and the tally's status of each troubled station with what must be reported.

What the console says is the story of the day, step by step: every step prints progress
(villages provisioned, stations closed, bundles imported and verified, villages
published; the tally's children report through `SUARADESA_PROGRESS=lines`), places are
named by village and station, not by code, and the end gives two tracking codes to look
up on the bulletin board. Folders: `exported/<station>/` is what each kiosk wrote to its
stick; `usb/<station>/` and `photos/` hold only what reached the district (a tampered
stick as it arrived, a second copy as `usb/<station>-copy2/`), so
`suaradesa tally import ... usb photos` on a new database tells the same story.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ballotcore.election import ElectionDefinition
from suaradesa.demo.decks import StationDeck, make_deck
from suaradesa.demo.stations import StationJob, run_stations, write_summaries
from suaradesa.i18n import N_, _, language
from tally.progress import PREFIX as PROGRESS_PREFIX

PASSPHRASE = "demo authority passphrase - never use in a real election"
TROUBLE = ("duplicate", "qr_only", "tampered", "missing")


@dataclass
class DemoResult:
    out: Path
    definition: ElectionDefinition
    decks: dict[tuple[str, str], StationDeck]
    trouble: dict[str, tuple[str, str]]
    report: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    counted_ballots: int = 0
    counted_stations: int = 0
    codes: list[tuple[str, str, str]] = field(default_factory=list)  # code, place, what to see


def place(definition: ElectionDefinition, key: tuple[str, str]) -> str:
    """A station as officials name it: 'Suka Mulya/TPS-03' (village name, station code)."""
    return f"{definition.village(key[0]).name}/{key[1]}"


def run_cli(*args: str | Path, expect: tuple[int, ...] = (0,),
            say: Callable[[str], None] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a `suaradesa` command as a separate process (the tools as an official runs them).

    With `say`, the child's progress lines (`tally.progress`, `SUARADESA_PROGRESS=lines`)
    are passed on as they come, indented; its other output is returned as usual. The
    child uses the demo's language (`suaradesa --lang`)."""
    cmd = [sys.executable, "-m", "suaradesa", *map(str, args)]
    # the children speak the demo's language and report progress as plain lines
    env = {**os.environ, "SUARADESA_PROGRESS": "lines", "SUARADESA_LANG": language()}
    with tempfile.TemporaryFile("w+", encoding="utf-8") as stdout:
        child = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, text=True,
                                 encoding="utf-8", env=env)
        assert child.stderr is not None
        errors = []
        for line in child.stderr:
            if line.startswith(PROGRESS_PREFIX):
                if say is not None:
                    say("      " + line[len(PROGRESS_PREFIX):].rstrip())
            else:
                errors.append(line)
        child.wait()
        stdout.seek(0)
        proc = subprocess.CompletedProcess(cmd, child.returncode, stdout.read(), "".join(errors))
    if proc.returncode not in expect:
        raise RuntimeError(
            f"`suaradesa {' '.join(map(str, args[:2]))}` exited {proc.returncode}:\n"
            f"{proc.stdout[-2000:]}{proc.stderr[-2000:]}"
        )
    return proc


def choose_trouble(keys: list[tuple[str, str]], seed: int) -> dict[str, tuple[str, str]]:
    """Four distinct stations, from four different villages where possible."""
    import random

    rng = random.Random(f"trouble/{seed}")  # noqa: S311 - simulation choice, not secret
    order = keys[:]
    rng.shuffle(order)
    chosen: dict[str, tuple[str, str]] = {}
    used_villages: set[str] = set()
    for kind in TROUBLE:
        pick = next((k for k in order if k not in chosen.values() and k[0] not in used_villages), None)
        pick = pick or next((k for k in order if k not in chosen.values()), None)
        if pick is None:
            break
        chosen[kind] = pick
        used_villages.add(pick[0])
    return chosen


def prepare_out(out: Path) -> None:
    """Start from an empty output folder; never delete a folder the demo did not make."""
    if out.exists():
        if not (out / ".suaradesa-demo").exists():
            raise RuntimeError(f"{out} exists and is not a demo folder; choose another --out")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / ".suaradesa-demo").write_text("made by suaradesa demo\n", encoding="utf-8")


def provision(out: Path, regency: str, villages: int | None, seed: int, workers: int,
              say: Callable[[str], None] = lambda _m: None) -> Path:
    """Sample spec from real village data, then create the election; return its folder.
    Says how far the keys and packages are, at every tenth of the villages."""
    import datetime as dt

    from provisioning.create import create_election
    from provisioning.sample import write_sample

    n = write_sample(regency, out / "spec", villages, seed, dt.date.today(), photos=True)
    say(f"    spec written: {n} villages (spec/), now keys, trustee cards and kiosk packages")
    shown = [-1]

    def progress(done: int, total: int) -> None:
        step = 10 if not total else done * 10 // total
        if step > shown[0]:
            shown[0] = step
            say(f"      villages provisioned {done}/{total}")

    create_election(out / "spec", out / "election", PASSPHRASE, workers=workers,
                    progress=progress)
    return out / "election"


def station_jobs(election: Path, out: Path, definition: ElectionDefinition, authority: str,
                 decks: dict[tuple[str, str], StationDeck]) -> list[StationJob]:
    jobs = []
    for village in definition.villages:
        for station in village.stations:
            name = f"{village.code}_{station.code}"
            deck = decks[(village.code, station.code)]
            deck_path = out / "decks" / f"{name}.csv"
            deck.write_csv(deck_path)
            jobs.append(StationJob(
                village.code, station.code, election / "packages" / f"{name}.sdpkg",
                out / "kiosks" / name, deck_path, election / "trustee-cards",
                out / "exported" / name, election / "secret" / "pins.json", authority,
            ))
    return jobs


def run_demo(
    out: Path, regency: str, villages: int | None, seed: int, clean: bool, workers: int,
    max_voters: int | None, say: Callable[[str], None], live_port: int | None = None,
) -> DemoResult:
    """The whole day (see module docstring); returns what the final check needs."""
    from ballotcore.public_record import parse_public_record

    prepare_out(out)

    say(_("1/5 Provisioning {villages} villages of {regency} (seed {seed})").format(
        villages=villages or "all", regency=regency, seed=seed))
    election = provision(out, regency, villages, seed, workers, say)
    authority = (election / "authority.txt").read_text(encoding="utf-8").split()[0]
    record = parse_public_record((election / "election.json").read_bytes(), authority)
    definition = record.definition
    decks = {
        (v.code, s.code): make_deck(seed, v.code, s.code, len(v.candidates), s.dpt, max_voters)
        for v in definition.villages for s in v.stations
    }
    stations = sorted(decks)
    total = sum(len(d.numbers) for d in decks.values())
    say(_("    {villages} villages, {stations} polling stations, {voters} simulated voters"
          ).format(villages=len(definition.villages), stations=len(stations), voters=total))

    trouble = {} if clean else choose_trouble(stations, seed)
    say(_("2/5 Running {n} polling stations ({workers} at a time)").format(
        n=len(stations), workers=workers))
    jobs = station_jobs(election, out, definition, authority, decks)
    if "qr_only" in trouble:  # its results report is printed on paper and photographed
        jobs = [
            replace(j, printer_out=out / "printer" / f"{j.village}_{j.station}")
            if (j.village, j.station) == trouble["qr_only"] else j
            for j in jobs
        ]
    done = 0
    live = None
    if live_port is not None:
        from suaradesa.demo.live import LiveDistrict

        live = LiveDistrict(out / "tally" / "tally.sqlite", election, authority, live_port, say)
    held_back = {trouble.get(k) for k in ("missing", "qr_only", "tampered")}

    def on_done(job: StationJob, summary: dict[str, Any]) -> None:
        nonlocal done
        done += 1
        sent = ""
        if live is not None and (job.village, job.station) not in held_back:
            sent = "; sent: " + live.station_closed(Path(summary["bundle"]).parent)
        say(f"    [{done}/{len(jobs)}] {place(definition, (job.village, job.station))}: "
            f"{summary['ballots']} ballots, bundle {Path(summary['bundle']).name}{sent}")

    try:
        summaries = run_stations(jobs, workers, on_done)
        write_summaries(out / "stations.json", summaries)

        say(_("3/5 Delivering USB sticks and photos to the district")
            + ("" if clean else " (trouble: " + ", ".join(
                f"{k} at {place(definition, v)}" for k, v in trouble.items()) + ")"))
        arrivals = deliver(out, election, definition, summaries, trouble)
        if live is not None:
            sent = {Path(summaries[k]["bundle"]) for k in summaries if k not in held_back}
            for path in [*arrivals["photos"], *arrivals["tampered"],
                         *[p for p in arrivals["bundles"] if p not in sent]]:
                say(f"    posted {path.name}: {live.post(path)}")
    finally:
        if live is not None:
            live.stop()

    say(_("4/5 District tally: import, verify --full, reports, bulletin board")
        + ("" if live is None else " (live)"))
    report = tally_all(out, election, authority, arrivals, workers, say, live is not None)
    if live is not None:
        say(live.note())

    say(_("5/5 Checking the tally against the decks cast"))
    result = DemoResult(out, definition, decks, trouble, report)
    check(result)
    result.codes = lookup_codes(result, summaries)
    return result


def lookup_codes(result: DemoResult, summaries: dict[tuple[str, str], dict[str, Any]]
                 ) -> list[tuple[str, str, str]]:
    """Two tracking codes a newcomer can look up on the board: one from a counted
    station (found there), and one from the station whose bundle has not arrived (only its
    results photo: not found yet, and the board says why) or, on a clean day, from a
    counted station of another village. Taken from the kiosks' own bundles, as a voter's
    take-home slip would show them."""
    from ballotcore.bundle import StationBundle
    from ballotcore.signing import SignedRecord
    from ballotcore.tracking import tracking_code

    def first_code(key: tuple[str, str]) -> str | None:
        data = Path(summaries[key]["bundle"]).read_bytes()
        ballots = StationBundle.from_bytes(SignedRecord.from_bytes(data).record).ballots
        codes = sorted(tracking_code(b.ballot.digest()) for b in ballots)
        return codes[0] if codes else None

    status = {(v["code"], s["code"]): s["status"] for v in result.report["villages"]
              for s in v["stations"]}
    troubled = set(result.trouble.values())
    counted = [k for k in sorted(summaries) if status.get(k) == "complete" and k not in troubled]
    picks: list[tuple[tuple[str, str], str]] = []
    if counted:
        picks.append((counted[0], N_("counted: the board shows its station")))
    pending = result.trouble.get("qr_only") or result.trouble.get("missing")
    if pending is not None and pending in summaries:
        picks.append((pending, N_("its bundle has not reached the district: not found yet, "
                                  "the board lists the station as pending and why")))
    else:
        other = [k for k in counted if counted and k[0] != counted[0][0]] or counted[1:]
        if other:
            picks.append((other[0], N_("counted: the board shows its station")))
    found = []
    for key, note in picks:
        code = first_code(key)
        if code is not None:
            found.append((code, place(result.definition, key), note))
    return found


def tally_all(out: Path, election: Path, authority: str, arrivals: dict[str, list[Path]],
              workers: int, say: Callable[[str], None], delivered: bool = False
              ) -> dict[str, Any]:
    """What the district does: import (unless `delivered` live), verify --full, reports,
    bulletin board."""
    db = out / "tally" / "tally.sqlite"
    db.parent.mkdir(parents=True, exist_ok=True)
    record_args = ("--db", db, "--record", election / "election.json", "--authority", authority)
    log = out / "tally" / "import-log.txt"
    with log.open("w", encoding="utf-8") as fh:
        if delivered:
            arrivals = {"photos": [], "bundles": [], "tampered": []}
            fh.write("delivered live through tally serve: see the incidents in the reports\n")
        if arrivals["photos"]:
            say(f"    importing {len(arrivals['photos'])} results photo(s)")
            proc = run_cli("tally", "import", *record_args, *arrivals["photos"], say=say)
            fh.write(proc.stdout)
            say("    photo:   " + proc.stdout.strip().splitlines()[-1])
        if arrivals["bundles"]:
            say(f"    importing {len(arrivals['bundles'])} bundle(s) from the USB sticks")
            proc = run_cli("tally", "import", *record_args, *arrivals["bundles"], say=say)
            fh.write(proc.stdout)
            say("    bundles: " + proc.stdout.strip().splitlines()[-1])
        if arrivals["tampered"]:
            proc = run_cli("tally", "import", *record_args, *arrivals["tampered"], expect=(1,))
            fh.write(proc.stdout + proc.stderr)
            say("    tampered bundle rejected: " + _first_reason(proc.stdout + proc.stderr))
    say("    verify --full: every signature, proof, aggregate and decryption again")
    proc = run_cli("tally", "verify", "--db", db, "--full", "--workers", str(workers), "--json",
                   say=say)
    (out / "tally" / "verify.json").write_text(proc.stdout, encoding="utf-8")
    say("    " + _last_line(proc.stderr))
    for fmt in ("json", "csv", "html", "pdf"):
        run_cli("tally", "results", "--db", db, "--format", fmt, "--out", out / "tally" / f"results.{fmt}")
        say(f"    report written: tally/results.{fmt}")
    proc = run_cli("tally", "publish", "--db", db, "--out", out / "bulletin", say=say)
    say("    " + _last_line(proc.stdout))
    report: dict[str, Any] = json.loads((out / "tally" / "results.json").read_text(encoding="utf-8"))
    return report


def deliver(out: Path, election: Path, definition: ElectionDefinition,
            summaries: dict[tuple[str, str], dict[str, Any]],
            trouble: dict[str, tuple[str, str]]) -> dict[str, list[Path]]:
    """Decide what reaches the district: bundles, a copy, a photo, a tampered file. Only
    what arrives is written into `usb/` and `photos/` (see module docstring)."""
    from suaradesa.demo.photo import photograph, printed_results_report

    arrivals: dict[str, list[Path]] = {"bundles": [], "photos": [], "tampered": []}

    def stick(folder: str, bundle: Path, data: bytes) -> Path:
        path = out / "usb" / folder / bundle.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    for key in sorted(summaries):
        bundle = Path(summaries[key]["bundle"])
        name = f"{key[0]}_{key[1]}"
        if key == trouble.get("missing"):
            continue
        if key == trouble.get("qr_only"):
            printed = printed_results_report(Path(summaries[key]["printer_out"]))
            arrivals["photos"].append(photograph(printed, out / "photos" / f"{name}.jpg"))
            continue
        if key == trouble.get("tampered"):
            arrivals["tampered"].append(stick(name, bundle, tamper(bundle.read_bytes())))
            continue
        arrivals["bundles"].append(stick(name, bundle, bundle.read_bytes()))
        if key == trouble.get("duplicate"):
            arrivals["bundles"].append(stick(f"{name}-copy2", bundle, bundle.read_bytes()))
    return arrivals


def tamper(data: bytes) -> bytes:
    """What a dishonest courier would do: add 5 votes for candidate 1 in the results.

    The file stays well-formed JSON, so only the signatures can catch it.
    """
    marker = b'{"number":1,"votes":'
    at = data.find(marker)
    if at < 0:  # no results in the bundle: change a ballot ciphertext digit instead
        at = data.find(b'"ct":["') + 8
        return data[:at] + (b"0" if data[at:at + 1] != b"0" else b"1") + data[at + 1:]
    start = at + len(marker)
    end = start
    while data[end:end + 1].isdigit():
        end += 1
    return data[:start] + str(int(data[start:end]) + 5).encode() + data[end:]


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _first_reason(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else "(no reason printed)"


def check(result: DemoResult) -> None:
    """Compare the tally report with the decks; record every disagreement in `problems`."""
    problems = result.problems
    by_village = {v["code"]: v for v in result.report["villages"]}
    expected_status = {
        "duplicate": "complete", "qr_only": "provisional", "tampered": "rejected", "missing": "missing",
    }
    troubled = {key: kind for kind, key in result.trouble.items()}
    for village in result.definition.villages:
        vrep = by_village.get(village.code)
        if vrep is None:
            problems.append(f"village {village.code} is absent from the report")
            continue
        n = len(village.candidates)
        village_expected = [0] * n
        for station in village.stations:
            key = (village.code, station.code)
            srep = next((s for s in vrep["stations"] if s["code"] == station.code), None)
            if srep is None:
                problems.append(f"{key[0]}/{key[1]} is absent from the report")
                continue
            kind = troubled.get(key)
            want = expected_status[kind] if kind else "complete"
            if srep["status"] != want:
                problems.append(f"{key[0]}/{key[1]} ({kind or 'normal'}): status {srep['status']!r}, expected {want!r}")
            if srep["counted"] and srep["votes"] is not None:
                cast = list(result.decks[key].counts(n))
                if list(srep["votes"]) != cast:
                    problems.append(f"{key[0]}/{key[1]}: tallied {srep['votes']} but the deck cast {cast}")
                village_expected = [a + b for a, b in zip(village_expected, cast, strict=True)]
                result.counted_ballots += sum(cast)
                result.counted_stations += 1
        tallied = [c["votes"] for c in vrep["candidates"]]
        if tallied != village_expected:
            problems.append(f"village {village.code}: tallied {tallied}, decks of counted stations {village_expected}")


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))
