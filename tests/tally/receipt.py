"""A results receipt rendered by the printer simulator, photographed like a phone would.

The receipt goes the whole real way: `hardware.layout.layout_results_report` ->
ESC/POS bytes (`hardware.escpos.render`) -> the simulator's paper model -> its PNG
renderer. `phone_photo` then tilts, downscales and JPEG-compresses it.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

from PIL import Image, ImageFilter

from ballotcore.results import StationResults
from hardware import escpos
from hardware.document import PaperWidth
from hardware.escpos_parse import parse
from hardware.layout import layout_results_report
from hardware.receipts import CandidateCount, ResultsReport, Station
from hardware.sim.paper import Paper
from hardware.sim.render import render_png


def render_results_receipt(envelope: bytes, results: StationResults, names: list[str]) -> Image.Image:
    report = ResultsReport(
        station=Station("Pilkades", results.village, results.station, results.kiosk_id),
        candidates=tuple(
            CandidateCount(n, names[n - 1], v) for n, v in results.votes
        ),
        ballots_cast=results.ballots,
        activations=results.activations,
        voided=results.voided,
        commitment_root=results.box_root.hex(),
        signature_fingerprint=results.kiosk_id,
        signed_results=envelope,
        closed_at=datetime(2026, 11, 22, 13, 0, tzinfo=UTC),
        dpt=max(1, results.ballots),
        test_mode=False,
    )
    program = escpos.render(layout_results_report(report, PaperWidth.MM80))
    commands, rest = parse(program.data)
    assert rest == b""
    paper = Paper(PaperWidth.MM80)
    printed = [r for c, _ in commands if (r := paper.apply(c)) is not None]
    assert len(printed) == 1
    return render_png(printed[0], PaperWidth.MM80)


def phone_photo(image: Image.Image, angle: float = 7.0, scale: float = 0.8) -> bytes:
    """Tilt, downscale, soften and JPEG-encode, like a hand-held phone photo."""
    tilted = image.convert("L").rotate(angle, expand=True, fillcolor=235,
                                       resample=Image.Resampling.BICUBIC)
    small = tilted.resize((int(tilted.width * scale), int(tilted.height * scale)),
                          Image.Resampling.LANCZOS)
    soft = small.filter(ImageFilter.GaussianBlur(0.6))
    out = io.BytesIO()
    soft.save(out, "JPEG", quality=80)
    return out.getvalue()
