"""Progress display for long tally work (rich): counts, rate and elapsed time on stderr.

`progress(description, total)` yields a function to call once per item done (and one to
set the total when it becomes known). The bar is drawn only on a terminal, so tests and
pipes get clean output. A program that runs the tally as a child and wants to show how far
it is (`suaradesa demo`) sets `SUARADESA_PROGRESS=lines`: then, off a terminal, the child
writes plain lines `progress: <description> <done>/<total>` to stderr at every tenth of
the work (counted in items, never timed) and at the end.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text


class RateColumn(ProgressColumn):
    """Items per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("-- /s" if speed is None else f"{speed:.1f}/s", style="cyan")


@dataclass
class Ticker:
    advance: Callable[[], None]
    set_total: Callable[[int], None]


LINES_ENV = "SUARADESA_PROGRESS"
PREFIX = "progress: "


class _Lines:
    """Plain progress lines on stderr (see module docstring)."""

    def __init__(self, description: str, total: int | None) -> None:
        self.description, self.total, self.done, self.step = description, total, 0, -1

    def set_total(self, total: int) -> None:
        self.total = total
        self._say(force=False)

    def advance(self) -> None:
        self.done += 1
        self._say(force=False)

    def finish(self) -> None:
        if self.total is None or self.done < self.total or self.step < 10:
            self._say(force=True)

    def _say(self, force: bool) -> None:
        step = 10 if not self.total else min(10, self.done * 10 // self.total)
        if not force and (step <= self.step or self.total is None):
            return
        self.step = step
        total = "?" if self.total is None else str(self.total)
        print(f"{PREFIX}{self.description} {self.done}/{total}", file=sys.stderr, flush=True)


@contextmanager
def progress(description: str, total: int | None = None, enabled: bool | None = None
             ) -> Iterator[Ticker]:
    """A progress bar on stderr while the block runs (see module docstring)."""
    show = sys.stderr.isatty() if enabled is None else enabled
    if not show and os.environ.get(LINES_ENV) == "lines":
        lines = _Lines(description, total)
        yield Ticker(lines.advance, lines.set_total)
        lines.finish()
        return
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not show,
    ) as bar:
        task = bar.add_task(description, total=total)
        yield Ticker(
            lambda: bar.advance(task),
            lambda n: bar.update(task, total=n),
        )
