"""Spec parsing: a valid spec parses; each malformed spec gives one message naming the file,
the line and the field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from provisioning.spec import SpecError, load_spec, parse_spec

SETTINGS = """\
election_id = "pilkades-test-2026"
name = "Pilkades Serentak Uji 2026"
date = 2026-05-10
regency = "Kabupaten Banyuasin"
languages = ["id", "en"]
threshold = 2
"""
FILES = {
    "villages.csv": "code,name,district\nV1,Desa Satu,Kec A\nV2,Desa Dua,Kec B\n",
    "candidates.csv": "village,number,name,photo\nV1,1,Budi,\nV1,2,Siti,\nV2,1,Agus,\nV2,2,Dewi,\nV2,3,Rina,\n",
    "stations.csv": "village,station,dpt\nV1,TPS-01,450\nV1,TPS-02,900\nV2,TPS-01,1200\n",
    "trustees.csv": "village,index,name\nV1,1,T1\nV1,2,T2\nV1,3,T3\nV2,1,U1\nV2,2,U2\n",
}


def write_spec(root: Path, **changes: str | None) -> Path:
    root.mkdir()
    files = {"settings.toml": SETTINGS, **FILES}
    for name, content in changes.items():
        files[name] = content  # type: ignore[assignment]
    for name, content in files.items():
        if content is not None:
            (root / name).write_text(content, encoding="utf-8")
    return root


def test_valid_spec(tmp_path: Path) -> None:
    spec = load_spec(write_spec(tmp_path / "s"))
    d = spec.definition
    assert d.election_id == "pilkades-test-2026" and d.date == "2026-05-10"
    assert [v.code for v in d.villages] == ["V1", "V2"]
    assert d.village("V1").dpt == 1350 and d.village("V2").threshold == 2
    assert (spec.valid_from, spec.valid_until) == ("2026-04-26", "2026-05-17")
    assert parse_spec(tmp_path / "s") == d


def _sub(name: str, old: str, new: str) -> str:
    src = SETTINGS if name == "settings.toml" else FILES[name]
    assert old in src
    return src.replace(old, new, 1)


CASES: list[tuple[str, str | None, str]] = [
    # (file, new content or None to delete it, expected message)
    ("settings.toml", None, "settings.toml: file is missing"),
    ("villages.csv", None, "villages.csv: file is missing"),
    ("settings.toml", "date = ", "settings.toml: is not valid TOML"),
    (
        "settings.toml",
        _sub("settings.toml", "2026-05-10", '"10/05/2026"'),
        "settings.toml, field date: '10/05/2026' is not a date YYYY-MM-DD",
    ),
    (
        "settings.toml",
        _sub("settings.toml", 'regency = "Kabupaten Banyuasin"\n', ""),
        "settings.toml, field regency: is missing",
    ),
    ("settings.toml", SETTINGS + "colour = 1\n", "settings.toml, field colour: unknown setting"),
    (
        "settings.toml",
        _sub("settings.toml", "threshold = 2", 'threshold = "two"'),
        "settings.toml, field threshold: must be a whole number",
    ),
    (
        "settings.toml",
        _sub("settings.toml", '"pilkades-test-2026"', '"pilkades test"'),
        "settings.toml, field election_id: may hold only",
    ),
    (
        "settings.toml",
        _sub("settings.toml", '["id", "en"]', "[]"),
        "settings.toml, field languages: must be a list",
    ),
    (
        "villages.csv",
        "code,name\nV1,Desa\n",
        "villages.csv, line 1, field district: column is missing",
    ),
    (
        "villages.csv",
        "code,name,district,mayor\nV1,D,K,X\n",
        "villages.csv, line 1, field mayor: unknown column",
    ),
    ("villages.csv", "", "villages.csv, line 1: the header line is missing"),
    ("villages.csv", "code,name,district\n", "villages.csv: lists no village"),
    (
        "villages.csv",
        FILES["villages.csv"] + "V1,Lagi,Kec C\n",
        "villages.csv, line 4, field code: village V1 appears twice",
    ),
    (
        "villages.csv",
        _sub("villages.csv", "V2,Desa Dua", "V 2,Desa Dua"),
        "villages.csv, line 3, field code: 'V 2' is not a valid code",
    ),
    (
        "villages.csv",
        _sub("villages.csv", "V2,Desa Dua,Kec B", "V2,,Kec B"),
        "villages.csv, line 3, field name: is empty",
    ),
    (
        "villages.csv",
        _sub("villages.csv", "V2,Desa Dua,Kec B", "V2,Desa Dua"),
        "villages.csv, line 3: has 2 cells, the header has 3",
    ),
    (
        "villages.csv",
        "code,name,district,threshold\nV1,Desa Satu,Kec A,4\nV2,Desa Dua,Kec B,\n",
        "villages.csv, line 2, field threshold: threshold 4 is more than the 3 trustees of village V1",
    ),
    (
        "candidates.csv",
        _sub("candidates.csv", "V1,2,Siti", "V1,two,Siti"),
        "candidates.csv, line 3, field number: 'two' is not a whole number",
    ),
    (
        "candidates.csv",
        _sub("candidates.csv", "V1,2,Siti", "V1,1,Siti"),
        "candidates.csv, line 3, field number: ballot number 1 is used twice",
    ),
    (
        "candidates.csv",
        _sub("candidates.csv", "V2,3,Rina", "V2,4,Rina"),
        "candidates.csv, field number: ballot numbers of village V2 must run 1, 2, 3",
    ),
    (
        "candidates.csv",
        _sub("candidates.csv", "V1,2,Siti,\n", ""),
        "candidates.csv, field village: village V1 needs at least 2 candidates",
    ),
    (
        "candidates.csv",
        _sub("candidates.csv", "V2,1,Agus", "V9,1,Agus"),
        "candidates.csv, line 4, field village: 'V9' is not in villages.csv",
    ),
    (
        "candidates.csv",
        _sub("candidates.csv", "V1,1,Budi,", "V1,1,Budi,budi.png"),
        "candidates.csv, line 2, field photo: photos/budi.png does not exist",
    ),
    (
        "candidates.csv",
        _sub("candidates.csv", "V1,1,Budi,", "V1,1,Budi,../etc/passwd"),
        "candidates.csv, line 2, field photo: must be a .png or .jpg file name",
    ),
    (
        "stations.csv",
        _sub("stations.csv", "V1,TPS-02,900", "V1,TPS-02,0"),
        "stations.csv, line 3, field dpt: 0 must be between 1 and 100000",
    ),
    (
        "stations.csv",
        _sub("stations.csv", "V1,TPS-02,900", "V1,TPS-02,9.5"),
        "stations.csv, line 3, field dpt: '9.5' is not a whole number",
    ),
    (
        "stations.csv",
        _sub("stations.csv", "V1,TPS-02", "V1,TPS-01"),
        "stations.csv, line 3, field station: station TPS-01 appears twice",
    ),
    (
        "stations.csv",
        _sub("stations.csv", "V2,TPS-01,1200\n", ""),
        "stations.csv, field village: village V2 has no polling station",
    ),
    (
        "stations.csv",
        "village,dpt\nV1,4\n",
        "stations.csv, line 1, field station: column is missing",
    ),
    (
        "trustees.csv",
        _sub("trustees.csv", "V1,3,T3", "V1,4,T3"),
        "trustees.csv, field index: trustees of village V1 must be numbered 1, 2, 3",
    ),
    (
        "trustees.csv",
        _sub("trustees.csv", "V2,2,U2\n", ""),
        "villages.csv, line 3, field threshold: threshold 2 is more than the 1 trustees of village V2",
    ),
    (
        "trustees.csv",
        _sub("trustees.csv", "V1,2,T2", "V1,1,T2"),
        "trustees.csv, line 3, field index: trustee 1 appears twice",
    ),
]


@pytest.mark.parametrize(
    "file,content,expected", CASES, ids=[f"{i:02d}-{c[0]}" for i, c in enumerate(CASES)]
)
def test_malformed_spec(tmp_path: Path, file: str, content: str | None, expected: str) -> None:
    root = write_spec(tmp_path / "s", **{file: content})
    with pytest.raises(SpecError) as info:
        load_spec(root)
    assert str(info.value).startswith(expected), str(info.value)


def test_enough_cases() -> None:
    assert len(CASES) >= 15
    assert all(re.match(r"^[a-z]+\.(csv|toml)", c[2]) for c in CASES)


def test_cli_reports_spec_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from provisioning.cli import group

    root = write_spec(
        tmp_path / "s", **{"stations.csv": _sub("stations.csv", "V1,TPS-02,900", "V1,TPS-02,abc")}
    )
    monkeypatch.setenv("SUARADESA_AUTHORITY_PASSPHRASE", "passphrase!")
    r = CliRunner().invoke(group, ["create", str(root), "--out", str(tmp_path / "out")])
    assert r.exit_code == 1
    assert r.output.strip() == "Error: stations.csv, line 3, field dpt: 'abc' is not a whole number"
    assert not (tmp_path / "out").exists()


def test_document_fields_from_the_spec(tmp_path: Path) -> None:
    root = write_spec(
        tmp_path / "s",
        **{"settings.toml": SETTINGS + 'time_zone = "WITA"\n',
           "stations.csv": "village,station,dpt,dpt_male,dpt_female,dptb\n"
                           "V1,TPS-01,450,200,250,3\nV1,TPS-02,900,,,\nV2,TPS-01,1200,600,600,\n",
           "committee.csv": "village,name,role,signs\nV1,Hasan,Ketua,ya\nV1,Ani,Anggota,tidak\n"},
    )
    definition = parse_spec(root)
    assert definition.time_zone == "WITA"
    v1 = definition.village("V1")
    assert (v1.station("TPS-01").dpt_male, v1.station("TPS-01").dptb) == (200, 3)
    assert v1.station("TPS-02").dpt_male is None
    assert [(m.name, m.role, m.signs) for m in v1.committee] == [
        ("Hasan", "Ketua", True), ("Ani", "Anggota", False)]
    assert definition.village("V2").committee == ()  # no committee.csv rows: not recorded
    assert parse_spec(write_spec(tmp_path / "plain")).time_zone is None  # all optional


@pytest.mark.parametrize(("changes", "expected"), [
    ({"settings.toml": SETTINGS + 'time_zone = "UTC"\n'}, "settings.toml, field time_zone"),
    ({"stations.csv": "village,station,dpt,dpt_male,dpt_female\nV1,TPS-01,450,200,\n"
                      "V1,TPS-02,900,,\nV2,TPS-01,1200,,\n"},
     "stations.csv, line 2, field dpt_male: dpt_male and dpt_female come together"),
    ({"stations.csv": "village,station,dpt,dpt_male,dpt_female\nV1,TPS-01,450,200,200\n"
                      "V1,TPS-02,900,,\nV2,TPS-01,1200,,\n"},
     "stations.csv, line 2, field dpt_male: dpt_male + dpt_female is not dpt"),
    ({"committee.csv": "village,name,role,signs\nV1,Hasan,Ketua,mungkin\n"},
     "committee.csv, line 2, field signs"),
    ({"committee.csv": "village,name,role\nV9,Hasan,Ketua\n"}, "committee.csv, line 2, field village"),
])
def test_document_field_errors(tmp_path: Path, changes: dict[str, str], expected: str) -> None:
    with pytest.raises(SpecError) as info:
        parse_spec(write_spec(tmp_path / "s", **changes))
    assert expected in str(info.value)
