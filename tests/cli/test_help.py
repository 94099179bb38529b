"""Every `suaradesa` command and group answers --help with real help text."""

from __future__ import annotations

import subprocess
import sys

import click
from click.testing import CliRunner

from suaradesa.cli import _COMMANDS, cli

EXPECTED_GROUPS = {"provision", "kiosk", "tally", "hw", "demo"}


def _walk(command: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, f"{' '.join(path + [name])} is listed but cannot be loaded"
            found.extend(_walk(sub, path + [name]))
    return found


def test_root_lists_every_group() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    for name in EXPECTED_GROUPS:
        assert name in result.output
    assert set(_COMMANDS) == EXPECTED_GROUPS


def test_every_command_has_help_text() -> None:
    commands = _walk(cli, [])
    assert len(commands) > len(EXPECTED_GROUPS)
    runner = CliRunner()
    for path, command in commands:
        assert (command.help or "").strip(), f"`suaradesa {' '.join(path)}` has no help text"
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, f"{path}: {result.output}"
        assert "Usage:" in result.output


def test_help_does_not_import_kivy() -> None:
    """The tally and provisioning tools must run on machines without a screen."""
    code = (
        "import sys; from click.testing import CliRunner; from suaradesa.cli import cli;"
        "[CliRunner().invoke(cli, [g, '--help']) for g in ('provision','kiosk','tally','hw')];"
        "print('kivy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["no-such-command"])
    assert result.exit_code == 2


def test_kiosk_group_offers_the_touchscreen_and_the_headless_day() -> None:
    result = CliRunner().invoke(cli, ["kiosk", "run", "--help"])
    assert result.exit_code == 0, result.output
    for option in ("--package", "--data", "--simulate-hardware", "--usb", "--windowed"):
        assert option in result.output
    assert CliRunner().invoke(cli, ["kiosk", "simulate", "--help"]).exit_code == 0
