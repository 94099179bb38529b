"""The optional voter lists (DPT) of a spec: `dpt/<village>/<station>.csv`.

    dpt/<village code>/<station code>.csv    dpt,nik,name,sex,birth_year,rt,rw

One file per polling station that has a poll book; a station without a file has none
(its kiosk activates ballots without a check-in, docs/PROVISIONING.md). A folder per
village, not `<village>_<station>.csv`: codes may contain `_`, so a flat name could mean
two stations. Rules, each failure a `SpecError` naming file, line and field (Indonesian
first, then English):

- `dpt` runs 1..n without gaps or repeats (any row order); `nik` is 16 digits and unique
  across the whole election (a voter on two lists could vote twice); `name` 1..100
  characters; `sex` L or P; `birth_year` a year not after the election's; `rt`, `rw`
  0..999;
- a file lists at least one voter, and names a village and station of the spec;
- the list's size is the station's DPT: stations.csv's `dpt` must equal it, or be empty.

The parsed voters are personal data (UU 27/2022): they leave provisioning only sealed
for the station's kiosk (`ballotcore.voterlist`) or printed on the invitation letters.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ballotcore.voterlist import NIK_DIGITS, SEXES, Voter, VoterListError, check_voter
from provisioning.errors import SpecError

DPT_DIR = "dpt"
COLUMNS = ("dpt", "nik", "name", "sex", "birth_year", "rt", "rw")
_NIK = re.compile(r"[0-9]{16}")
_NUMBER = re.compile(r"[0-9]{1,9}")

StationKey = tuple[str, str]  # (village code, station code)


def _err(file: str, line: int | None, fld: str | None, id_text: str, en_text: str) -> SpecError:
    where = file
    if line is not None:
        where += f", baris {line} / line {line}"
    if fld is not None:
        where += f", kolom {fld} / field {fld}"
    return SpecError(f"{where}: {id_text} / {en_text}")


def list_files(spec_dir: Path) -> dict[StationKey, Path]:
    """Every `dpt/<village>/<station>.csv` of a spec (no folder: an empty mapping).

    Anything else under dpt/ (a file at the top, a non-CSV file, a deeper folder) is an
    error: a misnamed list would otherwise silently leave its station without a poll book.
    """
    root = Path(spec_dir) / DPT_DIR
    if not root.exists():
        return {}
    if not root.is_dir():
        raise _err(DPT_DIR, None, None, "harus berupa folder", "must be a folder")
    out: dict[StationKey, Path] = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root.parent).as_posix()
        depth = len(p.relative_to(root).parts)
        if p.is_dir() and depth == 1:
            continue
        if not (p.is_file() and depth == 2 and p.suffix == ".csv"):
            raise _err(rel, None, None,
                       "bukan dpt/<desa>/<TPS>.csv", "is not dpt/<village>/<station>.csv")
        out[(p.parent.name, p.stem)] = p
    return out


def _int(file: str, line: int, fld: str, text: str, lo: int, hi: int) -> int:
    if not _NUMBER.fullmatch(text):
        raise _err(file, line, fld, f"{text!r} bukan bilangan bulat", f"{text!r} is not a whole number")
    value = int(text)
    if not lo <= value <= hi:
        raise _err(file, line, fld, f"{value} harus antara {lo} dan {hi}",
                   f"{value} must be between {lo} and {hi}")
    return value


def _rows(path: Path, file: str) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _err(file, None, None, "bukan teks UTF-8", "is not UTF-8 text") from exc
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise _err(file, 1, None, "baris judul tidak ada", "the header line is missing")
    header = [h.strip() for h in rows[0]]
    for col in COLUMNS:
        if col not in header:
            raise _err(file, 1, col, "kolom tidak ada", "column is missing")
    for col in header:
        if col not in COLUMNS:
            raise _err(file, 1, col, "kolom tidak dikenal", "unknown column")
    if len(set(header)) != len(header):
        raise _err(file, 1, None, "ada kolom ganda", "a column appears twice")
    out: list[tuple[int, dict[str, str]]] = []
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise _err(file, lineno, None, f"berisi {len(row)} sel, judul {len(header)}",
                       f"has {len(row)} cells, the header has {len(header)}")
        values = {h: cell.strip() for h, cell in zip(header, row, strict=True)}
        for col in COLUMNS:
            if not values[col]:
                raise _err(file, lineno, col, "kosong", "is empty")
        out.append((lineno, values))
    return out


def parse_voter_file(path: Path, file: str, election_year: int,
                     seen_nik: dict[str, str]) -> tuple[Voter, ...]:
    """The voters of one station's list, sorted by DPT number (see module docstring).

    `seen_nik` maps every NIK read so far in this spec to "file, line" and is updated, so a
    NIK on two lists is reported with both places.
    """
    voters: dict[int, tuple[int, Voter]] = {}
    for line, row in _rows(path, file):
        dpt = _int(file, line, "dpt", row["dpt"], 1, 100_000)
        nik = row["nik"]
        if not _NIK.fullmatch(nik):
            raise _err(file, line, "nik", f"harus {NIK_DIGITS} angka", f"must be {NIK_DIGITS} digits")
        sex = row["sex"].upper()
        if sex not in SEXES:
            raise _err(file, line, "sex", "harus L atau P", "must be L or P")
        year = _int(file, line, "birth_year", row["birth_year"], 1850, election_year)
        rt = _int(file, line, "rt", row["rt"], 0, 999)
        rw = _int(file, line, "rw", row["rw"], 0, 999)
        if dpt in voters:
            raise _err(file, line, "dpt", f"nomor DPT {dpt} sudah ada di baris {voters[dpt][0]}",
                       f"DPT number {dpt} already on line {voters[dpt][0]}")
        here = f"{file}, line {line}"
        if nik in seen_nik:
            raise _err(file, line, "nik", f"NIK sama dengan {seen_nik[nik]}",
                       f"same NIK as {seen_nik[nik]}")
        voter = Voter(dpt, nik, row["name"], sex, year, rt, rw)  # type: ignore[arg-type]
        try:
            check_voter(voter)
        except VoterListError as exc:
            raise _err(file, line, "name", "nama kosong atau lebih dari 100 huruf",
                       "name empty or longer than 100 characters") from exc
        seen_nik[nik] = here
        voters[dpt] = (line, voter)
    if not voters:
        raise _err(file, None, None, "tidak berisi pemilih", "lists no voter")
    missing = sorted(set(range(1, len(voters) + 1)) - set(voters))
    if missing:
        raise _err(file, None, "dpt", f"nomor DPT harus 1..{len(voters)} tanpa loncatan; "
                   f"{missing[0]} tidak ada", f"DPT numbers must run 1..{len(voters)} "
                   f"without gaps; {missing[0]} is missing")
    return tuple(voters[n][1] for n in sorted(voters))


__all__ = ["COLUMNS", "DPT_DIR", "StationKey", "list_files", "parse_voter_file"]
