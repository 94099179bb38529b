"""The `suaradesa` command: one click group per package, loaded lazily.

Each package owns its commands in `<package>/cli.py` and exposes a click group named
`group`. Loading lazily keeps `suaradesa --help` fast and lets the tally tool run on a
machine without a screen (Kivy is imported only by `kiosk run`).

Exit codes follow click: 0 success, 1 a domain failure with a one-sentence reason
(`click.ClickException`), 2 a usage error.
"""

from __future__ import annotations

import importlib
import logging
import os

import click

from suaradesa import i18n

# command name -> (module, attribute, one-line help shown by `suaradesa --help`)
_COMMANDS: dict[str, tuple[str, str, str]] = {
    "provision": ("provisioning.cli", "group", "Prepare an election day: spec, keys, packages."),
    "kiosk": ("kiosk.cli", "group", "Run a polling-station kiosk (touchscreen or headless)."),
    "tally": ("tally.cli", "group", "Import, verify and report results across villages."),
    "hw": ("hardware.cli", "group", "Receipt printer and QR scanner drivers and simulators."),
    "demo": ("suaradesa.demo", "demo", "Run a whole simulated Pilkades day end to end."),
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported only when used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = _COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module_name, attribute, _ = entry
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        if cmd_name in _TRANSLATED:
            i18n.translate_help(command)
        return command

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        i18n.translate_help(self)
        super().format_help(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, i18n._(_COMMANDS[name][2])) for name in sorted(_COMMANDS)]
        with formatter.section(i18n._("Commands")):
            formatter.write_dl(rows)


#: Commands whose help comes from the officials' catalog (suaradesa/i18n.py).
_TRANSLATED = frozenset({"tally", "provision", "demo"})


def _lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Eager: choose the language before any help or message is produced."""
    i18n.set_language(value)
    return value


@click.group(cls=LazyGroup)
@click.version_option(package_name="suaradesa")
@click.option("-v", "--verbose", is_flag=True, help="Log progress details to stderr.")
@click.option("--lang", type=click.Choice(i18n.LANGUAGES), is_eager=True, expose_value=False,
              callback=_lang,
              help="Language of messages: id (Bahasa Indonesia, default) or en; "
                   "otherwise SUARADESA_LANG or the locale.")
def cli(verbose: bool) -> None:
    """SuaraDesa: offline, verifiable e-voting for village-head elections (Pilkades)."""
    level = logging.DEBUG if verbose or os.environ.get("SUARADESA_DEBUG") else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="suaradesa")
