"""A printer stand-in that saves every receipt it prints as PNG and text in a folder.

`kiosk run --simulate-hardware` (training and development) uses it, so an officer or a
developer can look at each paper the touchscreen printed. It is `hardware.fakes.MemoryPrinter`
(status and scripted faults as there) whose completed jobs go through the simulator's own
pipeline: the job's real ESC/POS bytes (`escpos.render`), parsed as the printer parses them
(`escpos_parse`), laid on simulated paper and rendered one dot per pixel (`sim.render`).
No pty and no thread: the file is written before `print_job` returns.

Files are `receipt-NNNN-<kind>.png` and `.txt`, numbered after those already in the folder
(a restarted kiosk adds to the same folder, never overwrites). A voter record holds a
choice: this is for simulation only, never a polling day.
"""

from __future__ import annotations

import re
from pathlib import Path

from hardware import escpos
from hardware.errors import SimulatorError
from hardware.escpos_parse import parse
from hardware.fakes import MemoryPrinter
from hardware.printer import PrintCompleted, PrintJob, PrintOutcome
from hardware.sim.paper import Paper
from hardware.sim.render import render_png

_NUMBERED = re.compile(r"receipt-(\d{4,})-")


class SavingPrinter(MemoryPrinter):
    """A `ReceiptPrinter` that writes each completed receipt into `out_dir`."""

    def __init__(self, out_dir: str | Path) -> None:
        super().__init__()
        self.out_dir = Path(out_dir)
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SimulatorError(f"cannot create receipt folder {self.out_dir}: {exc}") from exc
        numbers = [int(m.group(1)) for p in self.out_dir.iterdir()
                   if (m := _NUMBERED.match(p.name))]
        self._count = max(numbers, default=0)
        self.saved: list[Path] = []  # PNG paths, oldest first

    def print_job(self, job: PrintJob) -> PrintOutcome:
        outcome = super().print_job(job)
        if isinstance(outcome, PrintCompleted):
            self._save(job)
        return outcome

    def _save(self, job: PrintJob) -> None:
        document = job.printed_document
        commands, _ = parse(escpos.render(document).data)
        paper = Paper(document.width)
        for command, _offset in commands:
            receipt = paper.apply(command)
            if receipt is None:
                continue
            self._count += 1
            stem = self.out_dir / f"receipt-{self._count:04d}-{document.kind}"
            render_png(receipt, document.width).save(stem.with_suffix(".png"))
            stem.with_suffix(".txt").write_text(receipt.text(document.width), encoding="utf-8")
            self.saved.append(stem.with_suffix(".png"))
