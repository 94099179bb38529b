"""Voter lists in the spec (dpt/<village>/<station>.csv): a valid list parses and sets the
station's DPT; each malformed list gives one bilingual message naming file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from provisioning.spec import SpecError, load_spec
from tests.provisioning.test_spec import FILES, write_spec

HEADER = "dpt,nik,name,sex,birth_year,rt,rw\n"
ROWS = [
    "1,1607011203850001,Budi Santoso,L,1985,1,2",
    "2,1607015507900002,Siti Aminah,P,1990,1,2",
    "3,1607010101000003,Rizky Pratama,l,2000,2,2",
]
V1_01 = "dpt/V1/TPS-01.csv"


def _with_lists(tmp_path: Path, lists: dict[str, str], stations: str | None = None) -> Path:
    root = write_spec(tmp_path / "s", **({"stations.csv": stations} if stations else {}))
    for rel, text in lists.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def _list(*rows: str) -> str:
    return HEADER + "\n".join(rows) + "\n"


STATIONS_3 = FILES["stations.csv"].replace("V1,TPS-01,450", "V1,TPS-01,3")


def test_a_list_sets_the_station_dpt_and_others_keep_none(tmp_path: Path) -> None:
    spec = load_spec(_with_lists(tmp_path, {V1_01: _list(*reversed(ROWS))}, STATIONS_3))
    voters = spec.voters[("V1", "TPS-01")]
    assert [v.dpt_number for v in voters] == [1, 2, 3]
    assert voters[2].sex == "L" and voters[1].name == "Siti Aminah" and voters[0].rw == 2
    assert set(spec.voters) == {("V1", "TPS-01")}
    assert spec.definition.village("V1").station("TPS-01").dpt == 3
    assert spec.definition.village("V1").station("TPS-02").dpt == 900


def test_an_empty_dpt_cell_takes_the_list_size(tmp_path: Path) -> None:
    stations = FILES["stations.csv"].replace("V1,TPS-01,450", "V1,TPS-01,")
    spec = load_spec(_with_lists(tmp_path, {V1_01: _list(*ROWS)}, stations))
    assert spec.definition.village("V1").station("TPS-01").dpt == 3


def test_a_spec_without_lists_is_valid(tmp_path: Path) -> None:
    spec = load_spec(write_spec(tmp_path / "s"))
    assert spec.voters == {}


CASES: list[tuple[dict[str, str], str | None, str]] = [
    # (lists, stations.csv or None for the 3-voter one, expected message part)
    ({V1_01: _list(*ROWS, "4,1607011203850001,Ani,P,1970,1,1")}, None,
     "dpt/V1/TPS-01.csv, baris 5 / line 5, kolom nik / field nik: NIK sama dengan "
     "dpt/V1/TPS-01.csv, line 2"),
    ({V1_01: _list(*ROWS, "2,1607011203850009,Ani,P,1970,1,1")}, None,
     "dpt/V1/TPS-01.csv, baris 5 / line 5, kolom dpt / field dpt: nomor DPT 2 sudah ada"),
    ({V1_01: _list("1,160701120385001,Budi,L,1985,1,2")}, None,
     "baris 2 / line 2, kolom nik / field nik: harus 16 angka / must be 16 digits"),
    ({V1_01: _list("1,16070112038500a1,Budi,L,1985,1,2")}, None, "must be 16 digits"),
    ({V1_01: HEADER}, None, "dpt/V1/TPS-01.csv: tidak berisi pemilih / lists no voter"),
    ({V1_01: _list(*ROWS)}, FILES["stations.csv"],
     "stations.csv, line 2, field dpt: DPT 450 tidak sama dengan 3 pemilih di "
     "dpt/V1/TPS-01.csv / DPT 450 differs from the 3 voters"),
    ({V1_01: _list(*ROWS), "dpt/V2/TPS-01.csv": _list("1,1607011203850001,Ani,P,1970,1,1")},
     FILES["stations.csv"].replace("V1,TPS-01,450", "V1,TPS-01,3").replace("1200", "1"),
     "dpt/V2/TPS-01.csv, baris 2 / line 2, kolom nik / field nik: NIK sama dengan "
     "dpt/V1/TPS-01.csv, line 2"),
    ({V1_01: _list(ROWS[0], ROWS[2].replace("3,", "4,", 1))}, None,
     "kolom dpt / field dpt: nomor DPT harus 1..2 tanpa loncatan; 2 tidak ada"),
    ({V1_01: _list(ROWS[0].replace(",L,", ",X,"))}, None,
     "kolom sex / field sex: harus L atau P / must be L or P"),
    ({V1_01: _list(ROWS[0].replace("1985", "2030"))}, None,
     "kolom birth_year / field birth_year: 2030 harus antara 1850 dan 2026"),
    ({V1_01: _list(ROWS[0].replace(",1,2", ",1000,2"))}, None, "kolom rt / field rt"),
    ({V1_01: _list(ROWS[0].replace("Budi Santoso", ""))}, None, "kolom name / field name: kosong"),
    ({V1_01: _list(ROWS[0].replace("Budi Santoso", "B" * 101))}, None,
     "kolom name / field name: nama kosong atau lebih dari 100 huruf"),
    ({V1_01: "dpt,nik,name,sex,birth_year,rt\n1,1607011203850001,B,L,1985,1\n"}, None,
     "dpt/V1/TPS-01.csv, baris 1 / line 1, kolom rw / field rw: kolom tidak ada"),
    ({V1_01: HEADER.replace("\n", ",kk\n") + "1,1607011203850001,B,L,1985,1,2,9\n"}, None,
     "kolom kk / field kk: kolom tidak dikenal / unknown column"),
    ({V1_01: _list(ROWS[0] + ",9")}, None, "baris 2 / line 2: berisi 8 sel, judul 7"),
    ({"dpt/V1/TPS-09.csv": _list(ROWS[0])}, None,
     "dpt/V1/TPS-09.csv: TPS V1/TPS-09 tidak ada di stations.csv"),
    ({"dpt/V1_TPS-01.csv": _list(ROWS[0])}, None,
     "dpt/V1_TPS-01.csv: bukan dpt/<desa>/<TPS>.csv / is not dpt/<village>/<station>.csv"),
    ({"dpt/V1/TPS-01.txt": _list(ROWS[0])}, None, "is not dpt/<village>/<station>.csv"),
]


@pytest.mark.parametrize(("lists", "stations", "expected"), CASES)
def test_malformed_list(tmp_path: Path, lists: dict[str, str], stations: str | None,
                        expected: str) -> None:
    root = _with_lists(tmp_path, lists, stations or STATIONS_3)
    with pytest.raises(SpecError) as info:
        load_spec(root)
    assert expected in str(info.value)


def test_empty_dpt_without_a_list_is_refused(tmp_path: Path) -> None:
    stations = FILES["stations.csv"].replace("V1,TPS-02,900", "V1,TPS-02,")
    with pytest.raises(SpecError, match="stations.csv, line 3, field dpt: is empty"):
        load_spec(_with_lists(tmp_path, {}, stations))


def test_a_non_utf8_list_is_refused(tmp_path: Path) -> None:
    root = _with_lists(tmp_path, {}, STATIONS_3)
    (root / "dpt" / "V1").mkdir(parents=True)
    (root / V1_01).write_bytes(HEADER.encode() + "1,1607011203850001,B\xe9,L,1985,1,2\n".encode("latin-1"))
    with pytest.raises(SpecError, match="dpt/V1/TPS-01.csv: bukan teks UTF-8"):
        load_spec(root)


def _dir(tmp_path: Path, name: str) -> Path:
    (tmp_path / name).mkdir()
    return tmp_path / name


def test_the_list_decides_the_dpt_by_sex_and_a_stated_one_must_agree(tmp_path: Path) -> None:
    spec = load_spec(_with_lists(_dir(tmp_path, "a"), {V1_01: _list(*ROWS)}, STATIONS_3))
    station = spec.definition.village("V1").station("TPS-01")
    assert (station.dpt_male, station.dpt_female) == (2, 1)  # Budi and Rizky; Siti
    header, *rows = STATIONS_3.splitlines()
    agree = "\n".join([header + ",dpt_male,dpt_female"]
                      + [r + (",2,1" if r.startswith("V1,TPS-01,") else ",,") for r in rows]) + "\n"
    assert load_spec(_with_lists(_dir(tmp_path, "b"), {V1_01: _list(*ROWS)}, agree)).definition \
        .village("V1").station("TPS-01").dpt_male == 2
    with pytest.raises(SpecError, match="dpt_male 1 tidak sama dengan 2 laki-laki"):
        load_spec(_with_lists(_dir(tmp_path, "c"), {V1_01: _list(*ROWS)},
                              agree.replace("V1,TPS-01,3,2,1", "V1,TPS-01,3,1,2")))
