"""Synthetic voter lists from `sample`: sizes match the DPT, NIKs have the real structure,
everyone is of age, both sexes, and every other sample file is unchanged by adding lists."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from provisioning.sample import write_sample
from provisioning.sample_voters import MIN_AGE, NikRegistry, region_code, station_voters
from provisioning.spec import load_spec

DAY = dt.date(2026, 3, 1)


def test_lists_match_the_dpt_and_leave_the_rest_of_the_sample_unchanged(tmp_path: Path) -> None:
    write_sample("Kabupaten Banyuasin", tmp_path / "plain", 3, seed=4, date=DAY)
    write_sample("Kabupaten Banyuasin", tmp_path / "lists", 3, seed=4, date=DAY, voters=True)
    for name in ("settings.toml", "villages.csv", "candidates.csv", "trustees.csv"):
        assert (tmp_path / "plain" / name).read_bytes() == (tmp_path / "lists" / name).read_bytes()
    plain = (tmp_path / "plain" / "stations.csv").read_text().splitlines()
    listed = (tmp_path / "lists" / "stations.csv").read_text().splitlines()
    # village, station and DPT unchanged; the DPT by sex is now the list's; location added
    assert [r.split(",")[:3] for r in listed] == [r.split(",")[:3] for r in plain]
    assert listed[0] == plain[0] + ",location"
    spec = load_spec(tmp_path / "lists")
    stations = [(v.code, s) for v in spec.definition.villages for s in v.stations]
    assert set(spec.voters) == {(vc, s.code) for vc, s in stations}
    for vc, s in stations:
        people = spec.voters[(vc, s.code)]
        assert len(people) == s.dpt >= 300
        assert s.dpt_male == sum(p.sex == "L" for p in people) and s.dpt_female == s.dpt - s.dpt_male
    assert load_spec(tmp_path / "plain").voters == {}


def test_small_dpt_range_and_same_seed_same_lists(tmp_path: Path) -> None:
    for name in ("a", "b"):
        write_sample("Kabupaten Banyuasin", tmp_path / name, 2, seed=9, date=DAY, voters=True,
                     dpt_range=(5, 9))
    a, b = load_spec(tmp_path / "a"), load_spec(tmp_path / "b")
    assert a.voters == b.voters
    assert all(5 <= len(vs) <= 9 for vs in a.voters.values())


def test_nik_structure_age_and_sexes() -> None:
    rng = random.Random(1)  # invented test data, not secret
    niks = NikRegistry({})
    region = region_code("06.099.1206.17091", 7)
    assert region == "069907"
    voters = station_voters(rng, 2000, region, DAY, [1, 2, 3], niks)
    assert [v.dpt_number for v in voters] == list(range(1, 2001))
    assert len({v.nik for v in voters}) == 2000
    sexes = {"L": 0, "P": 0}
    for v in voters:
        sexes[v.sex] += 1
        assert len(v.nik) == 16 and v.nik.isdigit() and v.nik.startswith(region)
        day, month, yy = int(v.nik[6:8]), int(v.nik[8:10]), int(v.nik[10:12])
        if v.sex == "P":
            assert 41 <= day <= 71
            day -= 40
        else:
            assert 1 <= day <= 31
        born = dt.date(v.birth_year, month, day)  # a real date
        assert yy == v.birth_year % 100 and int(v.nik[12:]) >= 1
        age = DAY.year - born.year - ((DAY.month, DAY.day) < (born.month, born.day))
        assert MIN_AGE <= age <= 90
        assert v.rw in (1, 2, 3) and 1 <= v.rt <= 6 and v.name.strip()
    assert 850 < sexes["L"] < 1150 and 850 < sexes["P"] < 1150
    # ordered by RW, RT, name as a DPT print-out is
    assert [(v.rw, v.rt, v.name) for v in voters] == sorted((v.rw, v.rt, v.name) for v in voters)
    assert len({v.name for v in voters}) > 300  # varied names
