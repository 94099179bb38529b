"""`kiosk run --simulate-hardware` saves its receipts in a folder and says where; the
demo's touchscreen opens at 1024x600 and saves into the demo's output folder."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from hardware import samples
from kiosk.cli import RECEIPTS_ENV, simulated_hardware
from suaradesa.demo.interactive import touchscreen_command


def test_receipts_go_to_the_folder_the_environment_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(RECEIPTS_ENV, str(tmp_path / "struk"))
    said: list[str] = []
    printer, scanner = simulated_hardware(said.append)
    try:
        assert printer.print_receipt(samples.voter_record()).ok
    finally:
        scanner.stop()
    assert said == [f"Struk simulasi disimpan di / simulated receipts are saved in: "
                    f"{(tmp_path / 'struk').resolve()}"]
    assert sorted(p.suffix for p in (tmp_path / "struk").iterdir()) == [".png", ".txt"]


def test_without_the_environment_a_new_temporary_folder_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(RECEIPTS_ENV, raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    said: list[str] = []
    printer, scanner = simulated_hardware(said.append)
    try:
        assert printer.print_receipt(samples.take_home_slip()).ok
    finally:
        scanner.stop()
    (folder,) = tmp_path.iterdir()
    assert folder.name.startswith("suaradesa-struk-") and str(folder.resolve()) in said[0]
    assert len(list(folder.glob("receipt-0001-take-home-slip.*"))) == 2


def test_demo_touchscreen_opens_at_1024x600_and_saves_receipts(tmp_path: Path) -> None:
    argv, env = touchscreen_command(tmp_path / "p.sdpkg", tmp_path / "data", tmp_path / "usb",
                                    tmp_path / "receipts")
    assert argv[argv.index("--size") + 1] == "1024x600"
    assert "--simulate-hardware" in argv and "--windowed" in argv
    assert env[RECEIPTS_ENV] == str(tmp_path / "receipts")


def test_the_folder_is_named_on_the_terminal_even_under_kivy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Kivy replaces sys.stderr with its log stream, on which click.echo(err=True) fails:
    the line goes to the process's own stderr (`sys.__stderr__`)."""

    class KivyLikeStream:  # what Kivy leaves in sys.stderr: no usable write for click
        write = "not callable"

    monkeypatch.setenv(RECEIPTS_ENV, str(tmp_path / "struk"))
    monkeypatch.setattr("sys.stderr", KivyLikeStream())
    _, scanner = simulated_hardware()
    scanner.stop()
    assert f"simulated receipts are saved in: {(tmp_path / 'struk').resolve()}" in \
        capfd.readouterr().err


@pytest.mark.parametrize(("lang", "words"), [("id", "Paket pemilihan ditolak"),
                                             ("en", "election package was refused")])
def test_a_refused_package_is_said_on_the_terminal_after_kivy_loads(
    tmp_path: Path, lang: str, words: str
) -> None:
    """The real command in its own process: Kivy's configuration is loaded (and with it
    its stderr stream) before the package is opened, and the refusal still reaches the
    terminal in the officer's language, with exit status 1 and no traceback."""
    import os
    import subprocess
    import sys

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "manifest.json").write_text("{not json")
    env = {**os.environ, RECEIPTS_ENV: str(tmp_path / "struk"), "KIVY_HOME": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "suaradesa", "kiosk", "run", "--package", str(bad),
         "--data", str(tmp_path / "data"), "--simulate-hardware", "--lang", lang],
        capture_output=True, text=True, timeout=300, env=env, stdin=subprocess.DEVNULL)
    assert proc.returncode == 1, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and words in errors[0], proc.stderr
    assert "Traceback" not in proc.stderr and "AttributeError" not in proc.stderr
