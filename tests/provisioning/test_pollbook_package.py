"""The voter list in the station package: sealed for the station's kiosk, listed in the
manifest, and no NIK or name in plain bytes anywhere a USB stick or a sheet carries."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballotcore.errors import PackageError
from ballotcore.package import VOTERS_FILE, _check_sealed_voters, load_package
from ballotcore.voterlist import VoterList, VoterListError, open_voter_list, seal_voter_list
from provisioning.dpt import DPT_DIR
from provisioning.invitations import PERSONAL_DATA_DIR
from provisioning.testing import FIXTURE_DPT, ElectionFixture
from tests.programs import require_program

INVITATIONS = PERSONAL_DATA_DIR  # the invitation letters: personal data by design


def _stations(fx: ElectionFixture) -> list[tuple[str, str]]:
    return [(s.village, s.station) for s in fx.summary.stations]


def test_every_station_has_its_list_sealed_in_its_package(listed: ElectionFixture) -> None:
    stations = _stations(listed)
    assert len(stations) >= 2
    for village, station in stations:
        pkg = listed.station_package(village, station)
        assert VOTERS_FILE in pkg.manifest.files and pkg.sealed_voters is not None
        assert (pkg.path / VOTERS_FILE).read_bytes() == pkg.sealed_voters
        vl = listed.voter_list(village, station)
        assert vl.voters == listed.voters(village, station)
        assert FIXTURE_DPT[0] <= len(vl.voters) == pkg.station.dpt <= FIXTURE_DPT[1]
        # sealed under this station's kiosk key only
        with pytest.raises(VoterListError):
            open_voter_list(pkg.sealed_voters, Ed25519PrivateKey.generate(),
                            pkg.certificate.election_id, village, station)


def test_invitation_keys_differ_per_station(listed: ElectionFixture) -> None:
    keys = {listed.voter_list(v, s).invitation_key for v, s in _stations(listed)}
    assert len(keys) == len(_stations(listed))


def test_summary_counts_by_sex(listed: ElectionFixture) -> None:
    rows = list(csv.DictReader((listed.root / "summary.csv").open(encoding="utf-8")))
    assert len(rows) == len(_stations(listed))
    for row, st in zip(rows, listed.summary.stations, strict=True):
        counts = listed.voter_list(st.village, st.station).count_by_sex()
        assert (int(row["dpt_male"]), int(row["dpt_female"])) == (counts["L"], counts["P"])
        assert (st.dpt_male, st.dpt_female) == (counts["L"], counts["P"])
        assert counts["L"] + counts["P"] == int(row["dpt"])


def test_a_package_without_a_list_has_no_sealed_voters(election: ElectionFixture) -> None:
    pkg = election.package(0)
    assert pkg.sealed_voters is None and VOTERS_FILE not in pkg.manifest.files
    rows = list(csv.DictReader((election.root / "summary.csv").open(encoding="utf-8")))
    assert rows[0]["dpt_male"] == "" and rows[0]["dpt_female"] == ""


def _needles(fx: ElectionFixture) -> list[bytes]:
    """Every NIK, and every voter name that could only come from the list: names of one
    word ("Budi") or that are part of a public candidate's or trustee's name ("Ahmad
    Saputra", "Hj. Ahmad Saputra, S.E.") would be found where they belong."""
    public = [p.name for v in fx.package().public_record.definition.villages
              for p in v.candidates] + [t.name for v in fx.package().public_record.definition
                                        .villages for t in v.trustees]
    out: list[bytes] = []
    for v, s in _stations(fx):
        for voter in fx.voters(v, s):
            out.append(voter.nik.encode())
            if " " in voter.name and not any(voter.name in p for p in public):
                out.append(voter.name.encode())
    return out


def _files_holding(root: Path, needles: list[bytes], skip: str | None = None) -> list[str]:
    hits = []
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if not p.is_file() or (skip is not None and rel.startswith(skip + "/")):
            continue
        data = p.read_bytes()
        hits += [f"{rel}: {n.decode()}" for n in needles if n in data]
    return hits


def test_no_nik_or_name_in_plain_bytes_outside_the_personal_data_folder(
    listed: ElectionFixture,
) -> None:
    needles = _needles(listed)
    names = {n for n in needles if not n.isdigit()}
    assert len(needles) > 40 and names
    # positive control: the same grep finds every needle in the spec's plain CSV lists
    spec_hits = _files_holding(listed.spec_dir / DPT_DIR, needles)
    assert {h.split(": ", 1)[1].encode() for h in spec_hits} == set(needles)
    # the packages (what goes on the USB stick), and the whole election folder except
    # the invitation letters, which are personal data by design
    assert _files_holding(listed.root / "packages", needles) == []
    assert _files_holding(listed.root, needles, skip=INVITATIONS) == []


def test_no_name_in_the_text_of_the_sheets(listed: ElectionFixture) -> None:
    """PDF streams are compressed, so a byte grep proves little: read their text too."""
    pdftotext = require_program("pdftotext", "poppler-utils")
    names = {v.name for st in _stations(listed) for v in listed.voters(*st)}
    niks = {v.nik for st in _stations(listed) for v in listed.voters(*st)}
    pdfs = [p for p in sorted(listed.root.rglob("*.pdf"))
            if not p.relative_to(listed.root).as_posix().startswith(INVITATIONS + "/")]
    assert pdfs
    texts = {p: subprocess.run([pdftotext, "-layout", str(p), "-"], capture_output=True,
                               check=True, text=True).stdout for p in pdfs}
    # positive control: the sheets' own text is readable (the village names are on them)
    assert any(listed.summary.stations[0].village_name in t for t in texts.values())
    for p, text in texts.items():
        words = set(text.replace(",", " ").split())
        assert not niks & words, p
        full = " ".join(text.split())
        assert not [n for n in names if " " in n and n in full], p


def test_a_sealed_list_of_another_station_is_refused() -> None:
    key = Ed25519PrivateKey.generate()
    from ballotcore.voterlist import Voter

    vl = VoterList("e1", "V1", "TPS-01", (Voter(1, "1" * 16, "Ani", "P", 1990, 1, 1),), b"k" * 32)
    sealed = seal_voter_list(vl, key)

    class Cert:
        election_id, village, station = "e1", "V1", "TPS-01"

    _check_sealed_voters(sealed, Cert())  # type: ignore[arg-type]
    Cert.station = "TPS-02"
    with pytest.raises(PackageError, match="another station"):
        _check_sealed_voters(sealed, Cert())  # type: ignore[arg-type]


def test_a_replaced_voter_file_breaks_the_package(listed: ElectionFixture, tmp_path: Path) -> None:
    import shutil

    (v1, s1), (v2, s2) = _stations(listed)[:2]
    a = shutil.copytree(listed.station_package(v1, s1).path, tmp_path / "a.sdpkg")
    b = listed.station_package(v2, s2).path
    (a / VOTERS_FILE).write_bytes((b / VOTERS_FILE).read_bytes())
    with pytest.raises(PackageError, match=VOTERS_FILE):
        load_package(a, listed.authority_id)
