"""`suaradesa kiosk simulate` end to end, help texts, and no Kivy import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result

from ballotcore.verify import verify_bundle
from kiosk.cli import group
from provisioning.testing import ElectionFixture
from suaradesa.cli import cli
from tests import tmpfs


def _run(election3: ElectionFixture, tmp_path: Path, deck: str, *extra: str) -> Result:
    (tmp_path / "deck.csv").write_text(deck)
    with tmpfs.fast_folder("cli-") as data:
        return CliRunner().invoke(cli, [
            "kiosk", "simulate", "--package", str(election3.package_paths()[0]),
            "--data", str(data), "--deck", str(tmp_path / "deck.csv"),
            "--trustee-cards", str(election3.root / "trustee-cards"),
            "--export", str(tmp_path / "usb"), *extra,
        ])


def test_simulate_prints_results_json_last(election3: ElectionFixture, tmp_path: Path) -> None:
    result = _run(election3, tmp_path, "candidate\n1\n3\n3\n2\n3\n")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["votes"] == {"1": 1, "2": 1, "3": 3} and summary["ballots"] == 5
    data = Path(summary["bundle"]).read_bytes()
    assert verify_bundle(data, election3.package(0).public_record, full=True).results


def test_simulate_challenge_rows_spoil_a_ballot_then_cast(election3: ElectionFixture,
                                                          tmp_path: Path) -> None:
    result = _run(election3, tmp_path, "candidate\n1\n3,challenge\n2, challenge\n3\n")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    # the count is the cast deck: challenges are never counted
    assert summary["votes"] == {"1": 1, "2": 1, "3": 2} and summary["ballots"] == 4
    assert summary["activations"] == 4
    assert sorted(s["candidate"] for s in summary["spoiled"]) == [2, 3]
    bundle = verify_bundle(Path(summary["bundle"]).read_bytes(),
                           election3.package(0).public_record, full=True).bundle
    from ballotcore.tracking import tracking_code

    assert sorted((tracking_code(x.spoiled.ballot.digest()), x.spoiled.candidate)
                  for x in bundle.spoiled) == sorted(
        (s["tracking_code"], s["candidate"]) for s in summary["spoiled"])
    (tmp_path / "plain").mkdir()
    plain = _run(election3, tmp_path / "plain", "1\n")
    assert json.loads(plain.stdout.strip().splitlines()[-1])["spoiled"] == []


def test_simulate_rejects_an_unknown_second_column(election3: ElectionFixture,
                                                   tmp_path: Path) -> None:
    result = _run(election3, tmp_path, "1,cast\n")
    assert result.exit_code == 1 and "only 'challenge'" in result.output


def test_simulate_without_enough_trustees(election3: ElectionFixture, tmp_path: Path) -> None:
    result = _run(election3, tmp_path, "1\n2\n", "--trustees", "2")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["results"] is False and summary["votes"] is None
    assert "without results" in result.stderr


def test_simulate_rejects_bad_deck(election3: ElectionFixture, tmp_path: Path) -> None:
    result = _run(election3, tmp_path, "1\n9\n")
    assert result.exit_code == 1 and "not on this ballot" in result.output


def test_every_command_has_help() -> None:
    for name, command in group.commands.items():
        assert command.help, name
        assert CliRunner().invoke(group, [name, "--help"]).exit_code == 0


def test_cli_module_does_not_import_kivy() -> None:
    code = "import sys, kiosk.cli, kiosk.engine, kiosk.simulate; print('kivy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_simulate_prints_real_receipts_whose_results_qr_verifies(
    election3: ElectionFixture, tmp_path: Path
) -> None:
    import zxingcpp
    from PIL import Image

    from ballotcore.results import LABEL as RESULTS_LABEL
    from ballotcore.results import StationResults
    from ballotcore.signing import SignedRecord
    from hardware.qrparts import join_qr_parts

    out = tmp_path / "paper"
    result = _run(election3, tmp_path, "2\n1\n2\n", "--printer-out", str(out))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    pngs = sorted(out.glob("receipt-*.png"))
    # zero report, 3 x (voter record + take-home slip), close summary, results report;
    # nothing torn
    assert summary["receipts"] == len(pngs) == 9 and not list(out.glob("*-torn.*"))
    texts = [p.with_suffix(".txt").read_text(encoding="utf-8") for p in pngs]
    assert "LAPORAN NOL" in texts[0]
    assert "RINGKASAN" in texts[-2] and "PENUTUPAN" in texts[-2]  # a two-line heading
    assert sum("CATATAN PILIHAN" in t for t in texts) == 3
    assert sum("KODE PELACAKAN" in t for t in texts) == 3
    with Image.open(pngs[-1]) as image:
        found = zxingcpp.read_barcodes(image.convert("L"))
    parts = [r.text for r in found if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert parts, "no QR code decoded on the results report"
    signed = SignedRecord.from_bytes(join_qr_parts(parts))
    cert = election3.package(0).certificate
    printed = StationResults.from_bytes(signed.verify(cert.public_key, RESULTS_LABEL))
    bundle = verify_bundle(Path(summary["bundle"]).read_bytes(),
                           election3.package(0).public_record, full=True)
    assert bundle.results == printed and dict(printed.votes) == {1: 1, 2: 2, 3: 0}
