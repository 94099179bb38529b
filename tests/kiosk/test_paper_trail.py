"""The paper trail keeps the secret: the audit-box paper record and the take-home slip,
as the printer simulator prints them (text and PNG), share no code and no id.

The slip carries the tracking code and the village's bulletin board from the election
definition; the record carries the place and the choice only. Two records for the same
candidate are pixel-identical, so nothing per ballot (code, id, time, sequence) is on it.
"""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image, ImageChops

from hardware.printer import SerialPrinter
from hardware.sim.printer_sim import PrinterSimulator, SimulatedReceipt
from kiosk.devices import HardwarePrinter
from provisioning.testing import ElectionFixture
from tests.kiosk.conftest import BULLETIN_BOARD
from tests.kiosk.helpers import officer_pins, open_engine
from tests.secretscan import holds_secret

_TOKEN = re.compile(r"[A-Z0-9]{3,}")


def _tokens(text: str) -> set[str]:
    """Every run of 3+ letters and digits holding a digit (a code group, an id, a number)."""
    return {t for t in _TOKEN.findall(text.upper()) if any(ch.isdigit() for ch in t)}


def _cast_two(election3: ElectionFixture, data_dir: Path, out: Path) -> tuple[
    list[str], list[SimulatedReceipt]
]:
    with PrinterSimulator(out) as sim, SerialPrinter(sim.path) as driver:
        e = open_engine(election3, data_dir, printer=HardwarePrinter(driver))
        sim.wait_for_receipts(1)  # the zero report
        pin = officer_pins(election3)[0]
        codes = []
        for _ in range(2):
            e.activate_ballot(pin)
            e.select(2)
            e.review()
            codes.append(e.cast().tracking_code)
            e.confirm_cast()
        papers = sim.wait_for_receipts(5)[1:]
    return codes, papers


def test_paper_record_and_slip_share_nothing(
    election3: ElectionFixture, data_dir: Path, tmp_path: Path
) -> None:
    codes, papers = _cast_two(election3, data_dir, tmp_path / "paper")
    record1, slip1, record2, slip2 = papers
    assert codes[0] != codes[1]
    for record, slip, code in ((record1, slip1, codes[0]), (record2, slip2, codes[1])):
        assert "CATATAN PILIHAN" in record.text and "BUDI" in record.text
        assert "KODE PELACAKAN" in slip.text and code in slip.text  # positive controls
        assert "Balai Desa, Jl. Merdeka 1" in " ".join(slip.text.split())
        assert BULLETIN_BOARD.split(",")[0] in slip.text
        for group in code.split("-"):  # as whole tokens: "CATATAN" holds "TATA" by chance
            assert not holds_secret(record.text, group) and holds_secret(slip.text, group)
        assert "Budi" not in slip.text and "BUDI" not in slip.text
        shared = _tokens(record.text) & _tokens(slip.text)
        assert _tokens(slip.text) and not shared, shared  # never a code, id or number
        assert not record.qr_payloads
    # nothing per ballot on the record: two records for the same choice are identical,
    # as text and as the rendered PNG (the slips, with their codes, differ: control)
    assert record1.text == record2.text and slip1.text != slip2.text
    with Image.open(record1.png_path) as a, Image.open(record2.png_path) as b:
        assert a.size == b.size and ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is None
    with Image.open(slip1.png_path) as a, Image.open(slip2.png_path) as b:
        assert ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is not None


def test_zero_report_prints_the_election_local_time(
    election3: ElectionFixture, data_dir: Path, tmp_path: Path
) -> None:
    """07:00 UTC on the kiosk clock prints as 14:00 WIB (the definition's zone), not UTC."""
    with PrinterSimulator(tmp_path / "paper") as sim, SerialPrinter(sim.path) as driver:
        open_engine(election3, data_dir, printer=HardwarePrinter(driver))
        zero = sim.wait_for_receipts(1)[0]
    assert "LAPORAN NOL" in zero.text
    assert "14:00 WIB" in zero.text and "UTC" not in zero.text
