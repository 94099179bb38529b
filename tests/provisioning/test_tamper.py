"""Bad input: flipped bytes anywhere in a package, foreign parts, expired certificates,
packages from another election, wrong passphrases; nothing partial is left behind."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ballotcore.package import PackageError, PinKdf, load_package
from provisioning import authority, create, render
from provisioning.cli import group
from provisioning.create import ProvisionError, create_election
from provisioning.spec import load_spec
from provisioning.testing import ElectionFixture, make_election


def _flip(path: Path, pos: int) -> None:
    data = bytearray(path.read_bytes())
    data[pos] ^= 0x01
    path.write_bytes(bytes(data))


def _positions(size: int) -> list[int]:
    return sorted({0, 1, 15, size // 3, size // 2, (2 * size) // 3, size - 2, size - 1})


def test_one_flipped_byte_anywhere_is_caught_and_named(
    election: ElectionFixture, tmp_path: Path
) -> None:
    src = election.package_paths()[0]
    rels = sorted(p.relative_to(src).as_posix() for p in src.rglob("*") if p.is_file())
    assert {"manifest.json", "election.json", "kiosk-cert.json", "officers.json"} <= set(rels)
    assert any(r.startswith("photos/") for r in rels)
    runner = CliRunner()
    checked = 0
    for rel in rels:
        size = (src / rel).stat().st_size
        for pos in _positions(size):
            pkg = tmp_path / f"p{checked}" / src.name
            shutil.copytree(src, pkg)
            _flip(pkg / rel, pos)
            with pytest.raises(PackageError) as info:
                load_package(pkg, election.authority_id)
            assert str(info.value).startswith(f"{rel}:"), (rel, pos, str(info.value))
            result = runner.invoke(
                group, ["verify", str(pkg), "--authority", election.authority_id]
            )
            assert result.exit_code == 1, (rel, pos)
            assert rel in result.output
            shutil.rmtree(pkg.parent)
            checked += 1
    assert checked >= 40


def test_extra_and_missing_files(election: ElectionFixture, tmp_path: Path) -> None:
    pkg = shutil.copytree(election.package_paths()[0], tmp_path / "a.sdpkg")
    (pkg / "photos" / "extra.png").write_bytes(b"\x89PNG")
    with pytest.raises(PackageError, match=r"^photos/extra.png: file is not listed"):
        load_package(pkg)
    (pkg / "photos" / "extra.png").unlink()
    (pkg / "officers.json").unlink()
    with pytest.raises(PackageError, match=r"^officers.json: missing"):
        load_package(pkg)
    with pytest.raises(PackageError, match="not a package folder"):
        load_package(tmp_path / "nothing")


def test_foreign_certificate(election: ElectionFixture, tmp_path: Path) -> None:
    a, b = election.package_paths()[:2]
    pkg = shutil.copytree(a, tmp_path / a.name)
    shutil.copyfile(b / "kiosk-cert.json", pkg / "kiosk-cert.json")
    with pytest.raises(PackageError, match=r"^kiosk-cert.json: hash mismatch"):
        load_package(pkg)


def test_expired_certificate(election: ElectionFixture) -> None:
    path = election.package_paths()[0]
    cert = load_package(path).certificate
    until = dt.date.fromisoformat(cert.valid_until)
    load_package(path, election.authority_id, until)  # the last valid day
    with pytest.raises(PackageError, match="expired on " + cert.valid_until):
        load_package(path, election.authority_id, until + dt.timedelta(days=1))
    early = dt.date.fromisoformat(cert.valid_from) - dt.timedelta(days=1)
    with pytest.raises(PackageError, match="valid from"):
        load_package(path, election.authority_id, early)
    load_package(path, election.authority_id, early, allow_early=True)
    r = CliRunner().invoke(
        group, ["verify", str(path), "--on", (until + dt.timedelta(days=1)).isoformat()]
    )
    assert r.exit_code == 1 and "expired" in r.output


def test_package_from_another_election(election: ElectionFixture, tmp_path: Path) -> None:
    key = authority.load_key(election.root, election.passphrase)  # same authority, new election
    other = create_election(
        election.spec_dir,
        tmp_path / "other",
        election.passphrase,
        authority_key=key,
        kdf=PinKdf.testing(),
    )
    foreign = other.out_dir / other.stations[0].package
    with pytest.raises(PackageError, match="package is for another election"):
        load_package(
            foreign,
            election.authority_id,
            expected_election=load_package(election.package_paths()[0]).public_record.digest(),
        )
    r = CliRunner().invoke(
        group, ["verify", str(foreign), "--election", str(election.election_json)]
    )
    assert r.exit_code == 1 and "another election" in r.output
    # a package of another authority dropped into this election's folder
    stranger = make_election(tmp_path, villages=1, seed=3, name="stranger")
    dropped = shutil.copytree(
        stranger.package_paths()[0], tmp_path / "copy" / "packages" / "x.sdpkg"
    )
    shutil.copyfile(election.election_json, tmp_path / "copy" / "election.json")
    shutil.copyfile(election.root / "authority.txt", tmp_path / "copy" / "authority.txt")
    r = CliRunner().invoke(group, ["verify", str(dropped)])
    assert r.exit_code == 1 and "different authority" in r.output


def test_tampered_election_json(election: ElectionFixture, tmp_path: Path) -> None:
    copy = tmp_path / "election.json"
    shutil.copyfile(election.election_json, copy)
    _flip(copy, copy.stat().st_size // 2)
    r = CliRunner().invoke(group, ["verify", str(copy), "--authority", election.authority_id])
    assert r.exit_code == 1 and r.output.startswith("Error: election.json:")
    r = CliRunner().invoke(group, ["verify", str(election.election_json), "--authority", "00" * 16])
    assert r.exit_code == 1 and "different authority" in r.output


def test_wrong_passphrase(
    election: ElectionFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUARADESA_AUTHORITY_PASSPHRASE", "not the passphrase")
    runner = CliRunner()
    r = runner.invoke(group, ["check-key", str(election.root)])
    assert r.exit_code == 1 and "wrong passphrase" in r.output
    out = tmp_path / "new"
    r = runner.invoke(
        group,
        [
            "create",
            str(election.spec_dir),
            "--out",
            str(out),
            "--authority-key",
            str(election.root),
        ],
    )
    assert r.exit_code == 1 and "wrong passphrase" in r.output
    assert not out.exists()
    with pytest.raises(authority.AuthorityKeyError, match="at least 8"):
        create_election(election.spec_dir, tmp_path / "short", "short")
    assert list(tmp_path.iterdir()) == []


def test_nothing_partial_on_failure(
    election: ElectionFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(render, "trustee_pin_sheet", broken)
    with pytest.raises(OSError, match="disk full"):
        create_election(
            election.spec_dir, tmp_path / "out", "passphrase!", kdf=PinKdf.testing(), workers=1
        )
    assert list(tmp_path.iterdir()) == []
    spec = load_spec(election.spec_dir)
    (tmp_path / "exists").mkdir()
    with pytest.raises(ProvisionError, match="already exists"):
        create_election(dataclasses.replace(spec), tmp_path / "exists", "passphrase!")
    assert create.PINS_FILE == "secret/pins.json"
