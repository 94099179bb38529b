"""Progress display for long tally work (rich): counts, rate and elapsed time on stderr.

`progress(description, total)` yields a function to call once per item done (and one to
set the total when it becomes known). The bar is drawn only on a terminal, so tests and
pipes get clean output.
"""

from __future__ import annotations

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


@contextmanager
def progress(description: str, total: int | None = None, enabled: bool | None = None
             ) -> Iterator[Ticker]:
    """A progress bar on stderr while the block runs (see module docstring)."""
    console = Console(stderr=True)
    show = sys.stderr.isatty() if enabled is None else enabled
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
