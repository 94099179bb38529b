"""The editable election spec: four CSV files and one TOML settings file.

    settings.toml    election_id, name, date, regency, languages, threshold (default k),
                     optional kiosk_valid_days_before / kiosk_valid_days_after,
                     optional time_zone (WIB, WITA or WIT; WIB when omitted),
                     optional voting_hours ("07.00-13.00" when omitted; invitations)
    villages.csv     code,name,district[,threshold][,single_candidate][,bulletin_board]
                     (bulletin_board: where voters check tracking codes, printed on slips)
    candidates.csv   village,number,name[,photo]        (photo: file in photos/)
    stations.csv     village,station,dpt[,dpt_male,dpt_female][,dptb][,location]
                     (location: where the TPS is, printed on the invitation letters)
    trustees.csv     village,index,name
    committee.csv    optional: village,name,role[,signs]  (panitia; signs: ya/tidak, default ya)
    dpt/<village>/<station>.csv   optional voter list (DPT) of a station, with columns
                     dpt,nik,name,sex,birth_year,rt,rw (`provisioning.dpt`); its size is
                     the station's DPT (stations.csv's dpt then equal to it, or empty) and
                     its men and women are dpt_male and dpt_female (equal to them, or empty)

The optional parts feed the official documents; when absent, the Berita Acara says so.

Officials edit these in a spreadsheet. `parse_spec` is the one way in: it returns an
`ElectionDefinition` or raises `SpecError` whose message names the file, the line and the
field ("stations.csv, line 7, field dpt: 'abc' is not a whole number").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ballotcore.election import TIME_ZONES, ElectionDefinition, parse_definition
from ballotcore.errors import DefinitionError
from ballotcore.limits import MAX_DPT, MAX_PHOTO_BYTES, MiB
from ballotcore.voterlist import Voter
from provisioning import dpt as dpt_lists
from provisioning.errors import SpecError

SETTINGS = "settings.toml"
FILES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # file -> (required columns, optional columns)
    "villages.csv": (("code", "name", "district"), ("threshold", "single_candidate", "bulletin_board")),
    "candidates.csv": (("village", "number", "name"), ("photo",)),
    "stations.csv": (("village", "station", "dpt"), ("dpt_male", "dpt_female", "dptb", "location")),
    "trustees.csv": (("village", "index", "name"), ()),
    "committee.csv": (("village", "name", "role"), ("signs",)),
}
OPTIONAL_FILES = frozenset({"committee.csv"})
_YES, _NO = {"", "yes", "true", "ya", "1"}, {"no", "false", "tidak", "0"}
PHOTO_DIR = "photos"
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_PHOTO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\.(png|jpg|jpeg)$")


@dataclass(frozen=True)
class Spec:
    """A parsed spec: the definition plus what provisioning needs beside it."""

    definition: ElectionDefinition
    photos: dict[str, bytes]  # photo file name -> bytes
    valid_from: str
    valid_until: str
    # (village, station) -> that station's voter list, sorted by DPT number; stations
    # without a list have no poll book. Personal data: never written in plain.
    voters: dict[tuple[str, str], tuple[Voter, ...]] = field(default_factory=dict)
    voting_hours: str = "07.00-13.00"  # printed on the invitations, in the time zone
    locations: dict[tuple[str, str], str] = field(default_factory=dict)  # where each TPS is


def _err(file: str, line: int | None, fld: str | None, problem: str) -> SpecError:
    where = file
    if line is not None:
        where += f", line {line}"
    if fld is not None:
        where += f", field {fld}"
    return SpecError(f"{where}: {problem}")


def _read_csv(
    spec_dir: Path, name: str, may_be_empty: frozenset[str] = frozenset()
) -> list[tuple[int, dict[str, str]]]:
    path = spec_dir / name
    if not path.is_file():
        if name in OPTIONAL_FILES:
            return []
        raise _err(name, None, None, "file is missing")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _err(name, None, None, "is not UTF-8 text") from exc
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    if not rows:
        raise _err(name, 1, None, "the header line is missing")
    header = [h.strip() for h in rows[0]]
    required, optional = FILES[name]
    for col in required:
        if col not in header:
            raise _err(name, 1, col, "column is missing")
    for col in header:
        if col not in required and col not in optional:
            raise _err(name, 1, col, "unknown column")
    if len(set(header)) != len(header):
        raise _err(name, 1, None, "a column appears twice")
    out: list[tuple[int, dict[str, str]]] = []
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise _err(name, lineno, None, f"has {len(row)} cells, the header has {len(header)}")
        values = {h: cell.strip() for h, cell in zip(header, row, strict=True)}
        for col in required:
            if not values[col] and col not in may_be_empty:
                raise _err(name, lineno, col, "is empty")
        out.append((lineno, values))
    return out


def _int(file: str, line: int, fld: str, text: str, lo: int, hi: int) -> int:
    if not re.fullmatch(r"[0-9]{1,9}", text):
        raise _err(file, line, fld, f"{text!r} is not a whole number")
    value = int(text)
    if not lo <= value <= hi:
        raise _err(file, line, fld, f"{value} must be between {lo} and {hi}")
    return value


def _ident(file: str, line: int, fld: str, text: str) -> str:
    if not _ID.match(text):
        raise _err(file, line, fld, f"{text!r} is not a valid code (letters, digits, . _ -)")
    return text


def _settings(spec_dir: Path) -> dict[str, Any]:
    path = spec_dir / SETTINGS
    if not path.is_file():
        raise _err(SETTINGS, None, None, "file is missing")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _err(SETTINGS, None, None, f"is not valid TOML ({exc})") from exc
    known = {
        "election_id", "name", "date", "regency", "languages", "threshold",
        "kiosk_valid_days_before", "kiosk_valid_days_after", "time_zone", "voting_hours",
    }  # fmt: skip
    for key in data:
        if key not in known:
            raise _err(SETTINGS, None, key, "unknown setting")
    for key in ("election_id", "name", "date", "regency", "languages", "threshold"):
        if key not in data:
            raise _err(SETTINGS, None, key, "is missing")
    date = data["date"]
    if isinstance(date, dt.date) and not isinstance(date, dt.datetime):
        data["date"] = date.isoformat()
    elif isinstance(date, str):
        try:
            if len(date) != 10:
                raise ValueError(date)
            dt.date.fromisoformat(date)
        except ValueError as exc:
            raise _err(SETTINGS, None, "date", f"{date!r} is not a date YYYY-MM-DD") from exc
    else:
        raise _err(SETTINGS, None, "date", "must be a date YYYY-MM-DD")
    for key in ("election_id", "name", "regency"):
        if not isinstance(data[key], str) or not data[key].strip():
            raise _err(SETTINGS, None, key, "must be non-empty text")
    if not _ID.match(data["election_id"]):
        raise _err(SETTINGS, None, "election_id", "may hold only letters, digits, . _ -")
    langs = data["languages"]
    if not isinstance(langs, list) or not langs or not all(isinstance(x, str) for x in langs):
        raise _err(SETTINGS, None, "languages", 'must be a list such as ["id", "en"]')
    if "time_zone" in data and data["time_zone"] not in TIME_ZONES:
        raise _err(SETTINGS, None, "time_zone", "must be WIB, WITA or WIT")
    for key in ("threshold", "kiosk_valid_days_before", "kiosk_valid_days_after"):
        if key in data and (isinstance(data[key], bool) or not isinstance(data[key], int)):
            raise _err(SETTINGS, None, key, "must be a whole number")
        if key in data and not 0 <= data[key] <= 366:
            raise _err(SETTINGS, None, key, "is out of range")
    hours = data.get("voting_hours", "07.00-13.00")
    m = re.fullmatch(r"([01][0-9]|2[0-3])\.([0-5][0-9])-([01][0-9]|2[0-3])\.([0-5][0-9])",
                     hours if isinstance(hours, str) else "")
    if m is None or m.group(1, 2) >= m.group(3, 4):
        raise _err(SETTINGS, None, "voting_hours",
                   'must be "HH.MM-HH.MM" with the start before the end, e.g. "07.00-13.00"')
    data["voting_hours"] = hours
    return data


def load_spec(spec_dir: Path) -> Spec:
    """Parse a spec folder into a definition, photos and certificate window."""
    spec_dir = Path(spec_dir)
    if not spec_dir.is_dir():
        raise SpecError(f"{spec_dir}: not a spec folder")
    settings = _settings(spec_dir)
    villages: dict[str, dict[str, Any]] = {}
    for line, row in _read_csv(spec_dir, "villages.csv"):
        code = _ident("villages.csv", line, "code", row["code"])
        if code in villages:
            raise _err("villages.csv", line, "code", f"village {code} appears twice")
        single_text = row.get("single_candidate", "").lower()
        if single_text not in {"", "yes", "no", "true", "false", "ya", "tidak", "0", "1"}:
            raise _err("villages.csv", line, "single_candidate", "must be yes or no")
        threshold = settings["threshold"]
        if row.get("threshold"):
            threshold = _int("villages.csv", line, "threshold", row["threshold"], 1, 50)
        villages[code] = {
            "line": line,
            "code": code,
            "name": row["name"],
            "district": row["district"],
            "threshold": threshold,
            "single_candidate": single_text in {"yes", "true", "ya", "1"},
            "candidates": [],
            "stations": [],
            "trustees": [],
            "committee": [],
            "bulletin_board": (row.get("bulletin_board") or "").strip() or None,
        }
    if not villages:
        raise _err("villages.csv", None, None, "lists no village")

    def village_of(file: str, line: int, code: str) -> dict[str, Any]:
        if code not in villages:
            raise _err(file, line, "village", f"{code!r} is not in villages.csv")
        return villages[code]

    photos: dict[str, bytes] = {}
    for line, row in _read_csv(spec_dir, "candidates.csv"):
        v = village_of("candidates.csv", line, row["village"])
        number = _int("candidates.csv", line, "number", row["number"], 1, 20)
        if any(c["number"] == number for c in v["candidates"]):
            raise _err("candidates.csv", line, "number", f"ballot number {number} is used twice")
        photo = row.get("photo") or None
        if photo is not None:
            if not _PHOTO.match(photo):
                raise _err("candidates.csv", line, "photo", "must be a .png or .jpg file name")
            ppath = spec_dir / PHOTO_DIR / photo
            if not ppath.is_file():
                raise _err("candidates.csv", line, "photo", f"{PHOTO_DIR}/{photo} does not exist")
            if ppath.stat().st_size > MAX_PHOTO_BYTES:
                raise _err(
                    "candidates.csv", line, "photo",
                    f"{PHOTO_DIR}/{photo} is larger than {MAX_PHOTO_BYTES // MiB} MiB",
                )  # fmt: skip
            photos[photo] = ppath.read_bytes()
        v["candidates"].append(
            {"number": number, "name": row["name"], "photo": photo, "line": line}
        )
    voter_files = dpt_lists.list_files(spec_dir)
    voters: dict[tuple[str, str], tuple[Voter, ...]] = {}
    seen_nik: dict[str, str] = {}
    locations: dict[tuple[str, str], str] = {}
    year = int(settings["date"][:4])
    for line, row in _read_csv(spec_dir, "stations.csv", frozenset({"dpt"})):
        v = village_of("stations.csv", line, row["village"])
        code = _ident("stations.csv", line, "station", row["station"])
        if any(s["code"] == code for s in v["stations"]):
            raise _err("stations.csv", line, "station", f"station {code} appears twice")
        key = (v["code"], code)
        if row.get("location"):
            if len(row["location"]) > 120:
                raise _err("stations.csv", line, "location", "is longer than 120 characters")
            locations[key] = row["location"]
        if key in voter_files:
            rel = f"{dpt_lists.DPT_DIR}/{key[0]}/{key[1]}.csv"
            voters[key] = dpt_lists.parse_voter_file(voter_files.pop(key), rel, year, seen_nik)
        if not row["dpt"] and key not in voters:
            raise _err("stations.csv", line, "dpt", "is empty (allowed only with a voter list)")
        dpt = _int("stations.csv", line, "dpt", row["dpt"], 1, MAX_DPT) if row["dpt"] else 0
        if key in voters and row["dpt"] and dpt != len(voters[key]):
            raise _err("stations.csv", line, "dpt",
                       f"DPT {dpt} tidak sama dengan {len(voters[key])} pemilih di {rel} / "
                       f"DPT {dpt} differs from the {len(voters[key])} voters in {rel}")
        station: dict[str, Any] = {"code": code,
                                   "dpt": len(voters[key]) if key in voters else dpt}
        for col in ("dpt_male", "dpt_female", "dptb"):
            if row.get(col):
                station[col] = _int("stations.csv", line, col, row[col], 0, MAX_DPT)
        if ("dpt_male" in station) != ("dpt_female" in station):
            raise _err("stations.csv", line, "dpt_male", "dpt_male and dpt_female come together")
        if "dpt_male" in station and station["dpt_male"] + station["dpt_female"] != station["dpt"]:
            raise _err("stations.csv", line, "dpt_male", "dpt_male + dpt_female is not dpt")
        if key in voters:  # the list decides the DPT by sex; a stated one must agree
            men = sum(voter.sex == "L" for voter in voters[key])
            if "dpt_male" in station and station["dpt_male"] != men:
                raise _err("stations.csv", line, "dpt_male",
                           f"dpt_male {station['dpt_male']} tidak sama dengan {men} laki-laki "
                           f"di {rel} / dpt_male {station['dpt_male']} differs from the {men} "
                           f"men in {rel}")
            station["dpt_male"], station["dpt_female"] = men, len(voters[key]) - men
        v["stations"].append(station)
    for vcode, scode in sorted(voter_files):
        raise _err(f"{dpt_lists.DPT_DIR}/{vcode}/{scode}.csv", None, None,
                   f"TPS {vcode}/{scode} tidak ada di stations.csv / "
                   f"station {vcode}/{scode} is not in stations.csv")
    for line, row in _read_csv(spec_dir, "trustees.csv"):
        v = village_of("trustees.csv", line, row["village"])
        index = _int("trustees.csv", line, "index", row["index"], 1, 50)
        if any(t["index"] == index for t in v["trustees"]):
            raise _err("trustees.csv", line, "index", f"trustee {index} appears twice")
        v["trustees"].append({"index": index, "name": row["name"]})
    for line, row in _read_csv(spec_dir, "committee.csv"):
        v = village_of("committee.csv", line, row["village"])
        signs = row.get("signs", "").lower()
        if signs not in _YES | _NO:
            raise _err("committee.csv", line, "signs", "must be ya or tidak")
        v["committee"].append({"name": row["name"], "role": row["role"], "signs": signs in _YES})
    for v in villages.values():
        _check_village(v)
    body = {
        "election_id": settings["election_id"],
        "name": settings["name"].strip(),
        "date": settings["date"],
        "regency": settings["regency"].strip(),
        "languages": settings["languages"],
        "villages": [
            {
                **{k: v[k] for k in ("code", "name", "district", "threshold", "single_candidate")},
                "candidates": [
                    {"number": c["number"], "name": c["name"], "photo": c["photo"]}
                    for c in sorted(v["candidates"], key=lambda c: c["number"])
                ],
                "stations": v["stations"],
                "trustees": sorted(v["trustees"], key=lambda t: t["index"]),
                **({"committee": v["committee"]} if v["committee"] else {}),
                **({"bulletin_board": v["bulletin_board"]} if v["bulletin_board"] else {}),
            }
            for v in villages.values()
        ],
        **({"time_zone": settings["time_zone"]} if "time_zone" in settings else {}),
    }
    try:
        definition = parse_definition(body)
    except DefinitionError as exc:  # a rule spec parsing did not anticipate: still name it
        raise SpecError(f"spec: {exc}") from exc
    day = dt.date.fromisoformat(definition.date)
    before = dt.timedelta(days=settings.get("kiosk_valid_days_before", 14))
    after = dt.timedelta(days=settings.get("kiosk_valid_days_after", 7))
    return Spec(definition, photos, (day - before).isoformat(), (day + after).isoformat(),
                voters, settings["voting_hours"], locations)


def _check_village(v: dict[str, Any]) -> None:
    code, line = v["code"], v["line"]
    numbers = sorted(c["number"] for c in v["candidates"])
    if v["single_candidate"] and len(numbers) != 1:
        raise _err(
            "candidates.csv",
            None,
            "village",
            f"village {code} is single-candidate but has {len(numbers)} candidates",
        )
    if not v["single_candidate"] and len(numbers) < 2:
        raise _err("candidates.csv", None, "village", f"village {code} needs at least 2 candidates")
    if numbers != list(range(1, len(numbers) + 1)):
        raise _err(
            "candidates.csv",
            None,
            "number",
            f"ballot numbers of village {code} must run 1, 2, 3, ... without gaps",
        )
    if not v["stations"]:
        raise _err("stations.csv", None, "village", f"village {code} has no polling station")
    indexes = sorted(t["index"] for t in v["trustees"])
    if indexes != list(range(1, len(indexes) + 1)) or not indexes:
        raise _err(
            "trustees.csv",
            None,
            "index",
            f"trustees of village {code} must be numbered 1, 2, 3, ...",
        )
    if v["threshold"] > len(indexes):
        raise _err(
            "villages.csv",
            line,
            "threshold",
            f"threshold {v['threshold']} is more than the {len(indexes)} trustees of village {code}",
        )
    if v["threshold"] < 1:
        raise _err("villages.csv", line, "threshold", "must be at least 1")


def parse_spec(spec_dir: Path) -> ElectionDefinition:
    """The election definition of a spec folder (see module docstring)."""
    return load_spec(spec_dir).definition
