"""Invitation letters: rendered as a printer would, every QR code decodes with the real
decoder to its voter's invitation, accepted at its station and refused at another, and the
text carries every field the voter needs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from ballotcore.voterlist import InvitationError, VoterList, invitation_text, read_invitation
from provisioning.invitations import DEFAULT_HOURS, INVITATIONS_DIR, long_date
from provisioning.spec import load_spec
from provisioning.testing import ElectionFixture
from tests.programs import require_program


def _lists(fx: ElectionFixture) -> dict[tuple[str, str], VoterList]:
    return {(s.village, s.station): fx.voter_list(s.village, s.station)
            for s in fx.summary.stations}


def _decode_pdf(pdf: Path, out: Path) -> list[str]:
    pdftoppm = require_program("pdftoppm", "poppler-utils")
    out.mkdir()
    subprocess.run([pdftoppm, "-r", "150", "-gray", "-png", str(pdf), str(out / "p")],
                   check=True, capture_output=True)
    texts: list[str] = []
    pages = sorted(out.glob("p*.png"))
    assert pages
    for page in pages:
        with Image.open(page) as img:
            found = zxingcpp.read_barcodes(img.convert("L"))
        texts += [r.text for r in found if r.format == zxingcpp.BarcodeFormat.QRCode]
    return texts


def test_every_invitation_qr_decodes_and_checks_at_its_station_only(
    listed: ElectionFixture, tmp_path: Path,
) -> None:
    lists = _lists(listed)
    keys = list(lists)
    for n, key in enumerate(keys):
        vl = lists[key]
        pdf = listed.root / INVITATIONS_DIR / f"{key[0]}_{key[1]}.pdf"
        texts = _decode_pdf(pdf, tmp_path / f"s{n}")
        assert sorted(texts) == sorted(invitation_text(vl, v.dpt_number) for v in vl.voters)
        assert sorted(read_invitation(t, vl) for t in texts) == [v.dpt_number for v in vl.voters]
        other = lists[keys[(n + 1) % len(keys)]]
        for t in texts:
            with pytest.raises(InvitationError) as info:
                read_invitation(t, other)
            assert info.value.reason == "foreign"


def test_the_letters_carry_every_field(listed: ElectionFixture) -> None:
    pdftotext = require_program("pdftotext", "poppler-utils")
    spec = load_spec(listed.spec_dir)
    definition = spec.definition
    assert spec.voting_hours == DEFAULT_HOURS
    for st in listed.summary.stations:
        pdf = listed.root / INVITATIONS_DIR / f"{st.village}_{st.station}.pdf"
        text = subprocess.run([pdftotext, "-raw", str(pdf), "-"], capture_output=True,
                              check=True, text=True).stdout
        lines = text.splitlines()
        voters = listed.voters(st.village, st.station)
        assert sum("SURAT PEMBERITAHUAN" in line for line in lines) == len(voters)
        for v in voters:
            assert v.name in lines, v.name
            assert f"No. DPT {v.dpt_number} - {st.station}" in " ".join(text.split())
        for needed in (f"Desa {st.village_name}", f"Kec. {st.district}",
                       long_date(definition.date), f"Pukul {DEFAULT_HOURS} WIB",
                       f"Tempat / Place: {spec.locations[(st.village, st.station)]}",
                       definition.name):
            assert sum(line.startswith(needed) for line in lines) == len(voters), needed
        assert not any(v.nik in text for v in voters)  # the NIK is not on the letter


def test_invitations_are_beside_the_packages_never_inside(listed: ElectionFixture) -> None:
    pdfs = sorted((listed.root / INVITATIONS_DIR).glob("*.pdf"))
    assert len(pdfs) == len(listed.summary.stations)
    assert (listed.root / "personal-data" / "BACA-README.txt").read_text().startswith(
        "DATA PRIBADI")
    for pkg in listed.package_paths():
        assert not [p for p in pkg.rglob("*") if p.suffix == ".pdf"]


def test_an_election_without_lists_has_no_personal_data(election: ElectionFixture) -> None:
    assert not (election.root / "personal-data").exists()
    assert (election.root / "packages").is_dir()  # positive control: the folder is there


def test_long_date_in_indonesian() -> None:
    assert long_date("2026-05-10") == "Minggu, 10 Mei 2026"
    assert long_date("2026-12-01") == "Selasa, 1 Desember 2026"
