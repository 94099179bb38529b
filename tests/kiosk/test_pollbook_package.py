"""The poll book with the provisioned package: the kiosk opens the sealed list from its
own package with its kiosk key, and checks voters in from invitation QR codes rendered
as the letters print them, read by the scanner simulator on a pty through the real
serial driver."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ballotcore.voterlist import invitation_text
from hardware.scanner import ScannerState, SerialScanner
from hardware.sim.scanner_sim import ScannerSimulator
from kiosk.clock import FakeClock
from kiosk.devices import HardwareScanner, MemoryContentPrinter
from kiosk.engine import KioskEngine
from kiosk.errors import CheckInRefused
from provisioning.invitations import qr_bitmap
from provisioning.testing import ElectionFixture, make_election
from tests.kiosk.helpers import ensure_installed


@pytest.fixture(scope="module")
def listed(tmp_path_factory: pytest.TempPathFactory) -> ElectionFixture:
    return make_election(tmp_path_factory.mktemp("pb"), villages=1, voter_lists=True)


@pytest.fixture
def scanning() -> Iterator[tuple[ScannerSimulator, HardwareScanner]]:
    with ScannerSimulator() as sim:
        adapter = HardwareScanner.started(lambda deliver: SerialScanner(sim.path, deliver))
        try:
            assert adapter.scanner.wait_for(ScannerState.CONNECTED, 5)
            yield sim, adapter
        finally:
            adapter.stop()


def _scan(sim: ScannerSimulator, text: str, folder: Path) -> None:
    path = folder / "invitation.png"
    qr_bitmap(text).save(path)
    assert sim.emit_image(path) == [text]


def test_scanned_invitations_check_voters_in(
        listed: ElectionFixture, data_dir: Path, tmp_path: Path,
        scanning: tuple[ScannerSimulator, HardwareScanner]) -> None:
    sim, scanner = scanning
    ensure_installed(listed, data_dir)
    pkg = listed.package(0)
    v, s = pkg.village.code, pkg.station.code
    assert pkg.sealed_voters is not None
    e = KioskEngine(listed.package_paths()[0], data_dir, printer=MemoryContentPrinter(),
                    scanner=scanner, clock=FakeClock(), expected_authority=listed.authority_id)
    pin = listed.officer_pins(v, s)[0]
    e.officer_login(pin)
    assert e.status().pollbook  # opened from the package, nothing handed in
    assert e.readiness().ok
    e.open_polls(pin)
    voters = listed.voter_list(v, s)
    assert e.scan_check_in(0) is None  # nothing scanned yet
    _scan(sim, invitation_text(voters, 3), tmp_path)
    got = e.scan_check_in(5)
    assert got is not None and got.dpt_number == 3
    assert got.name == voters.by_dpt()[3].name
    _scan(sim, invitation_text(voters, 3), tmp_path)
    with pytest.raises(CheckInRefused) as again:
        e.scan_check_in(5)
    assert again.value.reason == "already" and again.value.first_time == got.checked_in_at
    _scan(sim, "https://example.org/not-an-invitation", tmp_path)
    with pytest.raises(CheckInRefused) as garbled:
        e.scan_check_in(5)
    assert garbled.value.reason == "garbled"
    e.activate_ballot(pin)  # the scanned check-in allows one activation
    e.close()


def test_simulate_cli_on_a_package_with_a_list(listed: ElectionFixture, tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from suaradesa.cli import cli
    from tests import tmpfs

    (tmp_path / "deck.csv").write_text("dpt_number,candidate\n2,1\n2,2\n1\n")
    with tmpfs.fast_folder("cli-pb-") as data:
        result = CliRunner().invoke(cli, [
            "kiosk", "simulate", "--package", str(listed.package_paths()[0]),
            "--data", str(data), "--deck", str(tmp_path / "deck.csv"),
            "--trustee-cards", str(listed.root / "trustee-cards"),
            "--export", str(tmp_path / "usb"), "--paper-records", "3"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert {k: summary[k] for k in ("checkins", "checkins_refused", "activations", "ballots",
                                    "paper_records")} == {
        "checkins": 2, "checkins_refused": 1, "activations": 2, "ballots": 2,
        "paper_records": 3}
    assert summary["pollbook_findings"] == [
        "3 catatan kertas di kotak audit, 2 suara / 3 paper records in the audit box, 2 ballots"]
