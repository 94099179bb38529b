"""The district's "phone photo" of a printed results report.

The results report is printed through the real ESC/POS driver to the printer simulator
on a pseudo-terminal, which renders the paper to PNG; the photo is that PNG rotated a
little, slightly blurred and downscaled, like a picture taken with a phone and sent
ahead of the USB stick.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PIL import Image, ImageFilter

from ballotcore.bundle import StationBundle
from ballotcore.results import StationResults
from ballotcore.signing import SignedRecord
from hardware.printer import PrintCompleted, PrintJob, SerialPrinter
from hardware.receipts import CandidateCount, ResultsReport, Station
from hardware.sim.printer_sim import PrinterSimulator


def results_report_from_bundle(bundle_path: Path, election_name: str, names: dict[int, str],
                               village_name: str) -> ResultsReport:
    """The results report content the kiosk printed at close, rebuilt from its bundle."""
    envelope = SignedRecord.from_bytes(bundle_path.read_bytes())
    bundle = StationBundle.from_bytes(envelope.record)
    if bundle.results is None:
        raise ValueError(f"{bundle_path.name} holds no results")
    results = StationResults.from_bytes(bundle.results.record)
    return ResultsReport(
        station=Station(election_name, village_name, bundle.station, bundle.kiosk_id),
        candidates=tuple(CandidateCount(n, names[n], v) for n, v in results.votes),
        ballots_cast=results.ballots,
        activations=results.activations,
        voided=results.voided,
        commitment_root=results.box_root.hex()[:16],
        signature_fingerprint=bundle.results.signer[:16],
        signed_results=bundle.results.to_bytes(),
        closed_at=dt.datetime.now(dt.UTC),
    )


def print_and_photograph(report: ResultsReport, out_dir: Path, photo: Path) -> Path:
    """Print `report` on the simulated printer; write a phone-like photo of the paper."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with PrinterSimulator(out_dir) as sim:
        printer = SerialPrinter(sim.path)
        try:
            outcome = printer.print_job(PrintJob.of(report, sim.width))
        finally:
            printer.close()
        if not isinstance(outcome, PrintCompleted):
            raise RuntimeError(f"the simulated printer failed: {outcome}")
        receipts = sim.wait_for_receipts(1, timeout=20)
    png = receipts[-1].png_path
    image = Image.open(png).convert("RGB")
    image = image.rotate(7, expand=True, fillcolor=(205, 200, 190))
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    image = image.resize((int(image.width * 0.8), int(image.height * 0.8)))
    photo.parent.mkdir(parents=True, exist_ok=True)
    image.save(photo, "JPEG", quality=85)
    return photo
