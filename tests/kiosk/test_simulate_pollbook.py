"""`kiosk simulate` on a station with a voter list: deck rows D,N beside N and
N,challenge, a repeated DPT number refused and counted, the audit-box count at close."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ballotcore.verify import verify_bundle
from kiosk.simulate import DeckRow, SimulationError, read_deck, simulate
from provisioning.testing import ElectionFixture
from suaradesa.cli import cli
from tests import tmpfs
from tests.kiosk.voters import voters_for


def _simulate(fx: ElectionFixture, tmp_path: Path, deck: str, paper: int | None = None
              ) -> dict[str, object]:
    (tmp_path / "deck.csv").write_text(deck)
    with tmpfs.fast_folder("sim-pb-") as data:
        return simulate(fx.package_paths()[0], data, tmp_path / "deck.csv",
                        fx.root / "trustee-cards", tmp_path / "usb", None, fx.authority_id,
                        "official", None, lambda _m: None, paper_records=paper,
                        voter_list=voters_for(fx, 40))


def test_deck_rows_coexist(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("dpt_number,candidate\n5,1\n3,challenge\n7,2,challenge\n"
                                    "2\n 9 , 3 ,\n")
    assert read_deck(tmp_path / "d.csv") == [
        DeckRow(1, False, 5), DeckRow(3, True, None), DeckRow(2, True, 7), DeckRow(2),
        DeckRow(3, False, 9)]
    for bad in ("5,1,cast\n", "1,2,3\n", "0,1\n"):
        (tmp_path / "b.csv").write_text(bad)
        with pytest.raises(SimulationError):
            read_deck(tmp_path / "b.csv")


def test_simulate_checks_in_refuses_repeats_and_counts(election3: ElectionFixture,
                                                       tmp_path: Path) -> None:
    summary = _simulate(election3, tmp_path,
                        "dpt_number,candidate\n5,1\n7,2,challenge\n5,3\n3\n1,challenge\n")
    # 5 and 7 named; the one-column rows take 1 and 2 (the first not yet checked in,
    # DPT order, skipping numbers the deck names); the second 5 casts nothing
    assert (summary["checkins"], summary["checkins_refused"], summary["activations"],
            summary["ballots"], summary["paper_records"]) == (4, 1, 4, 4, 4)
    assert summary["votes"] == {"1": 2, "2": 1, "3": 1}
    assert summary["pollbook_findings"] == []
    verified = verify_bundle(Path(str(summary["bundle"])).read_bytes(),
                             election3.package(0).public_record, full=True)
    assert verified.bundle.pollbook is not None
    assert verified.bundle.pollbook.paper_records == 4
    attendance = sorted((tmp_path / "usb").glob("*.daftar-hadir.csv"))
    assert len(attendance) == 1
    lines = attendance[0].read_text(encoding="utf-8").splitlines()[1:]
    assert [line.split(",")[0] for line in lines] == ["5", "7", "1", "2"]


def test_simulate_paper_records_mismatch(election3: ElectionFixture, tmp_path: Path) -> None:
    summary = _simulate(election3, tmp_path, "1\n2\n3\n", paper=2)
    assert summary["paper_records"] == 2 and summary["ballots"] == 3
    findings = summary["pollbook_findings"]
    assert isinstance(findings, list)
    assert findings == ["2 catatan kertas di kotak audit, 3 suara / "
                        "2 paper records in the audit box, 3 ballots"]


def test_dpt_rows_need_a_voter_list(election3: ElectionFixture, tmp_path: Path) -> None:
    (tmp_path / "deck.csv").write_text("5,1\n")
    with tmpfs.fast_folder("cli-") as data:
        result = CliRunner().invoke(cli, [
            "kiosk", "simulate", "--package", str(election3.package_paths()[0]),
            "--data", str(data), "--deck", str(tmp_path / "deck.csv"),
            "--trustee-cards", str(election3.root / "trustee-cards"),
            "--export", str(tmp_path / "usb"), "--paper-records", "1"])
    assert result.exit_code == 1 and "no voter list" in result.output
