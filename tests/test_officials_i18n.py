"""The officials' catalog (suaradesa/i18n.py): Indonesian by default, English selectable,
every help text and message of `tally` translated, nothing written into the tree."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from suaradesa import i18n
from suaradesa.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def _catalog() -> dict[str, str]:
    with i18n.po_path("id").open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id}


def _code_msgids(path: Path) -> list[str]:
    """Every literal passed to `_()` (or marked with `N_()`) in a module."""
    found = []
    for match in re.finditer(r'\bN?_\(\s*((?:"[^"]*"\s*)+)\)', path.read_text(encoding="utf-8")):
        found.append(ast.literal_eval("(" + match.group(1) + ")"))
    return found


def test_every_tally_text_has_an_indonesian_translation() -> None:
    from tally.cli import group

    catalog = _catalog()
    wanted = i18n.help_msgids(group) + i18n.help_msgids(cli) + _code_msgids(
        ROOT / "tally" / "cli.py")
    missing = [m for m in wanted if not catalog.get(m)]
    assert not missing, missing
    assert len(wanted) > 50  # positive control: the walk found the texts


def _run(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return result.output


@pytest.fixture(autouse=True)
def _reset_language():
    yield
    i18n.set_language(None)


def test_indonesian_is_the_default_and_english_is_selectable() -> None:
    env = {"SUARADESA_LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "id_ID.UTF-8"}
    assert "Hasil per desa" in _run("tally", "results", "--help", env=env)
    english = _run("--lang", "en", "tally", "results", "--help", env=env)
    assert "Per-village results" in english and "Hasil per desa" not in english
    by_locale = _run("tally", "results", "--help", env={**env, "LANG": "en_US.UTF-8"})
    assert "Per-village results" in by_locale
    assert "Hasil per desa" in _run("tally", "--help", env={**env, "LANG": ""})


def test_messages_follow_the_language(tmp_path: Path) -> None:
    env = {"SUARADESA_LANG": "", "LC_ALL": "", "LANG": "C.UTF-8"}
    missing = tmp_path / "none.sqlite"
    text = _run("tally", "results", "--db", str(missing), "--format", "json", "--out",
                str(tmp_path / "r.json"), env=env)
    assert "Error" in text  # click's own prefix; the sentence comes from the tally
    assert "--dask hanya berlaku" in _run("tally", "verify", "--db", str(missing), "--dask",
                                         "tcp://x:1", env=env)
    assert "--dask only applies" in _run("--lang", "en", "tally", "verify", "--db",
                                         str(missing), "--dask", "tcp://x:1", env=env)


def test_the_catalog_is_compiled_in_memory() -> None:
    before = sorted(p.name for p in i18n.po_path("id").parent.iterdir())
    i18n.translations.cache_clear()
    assert i18n.translations("id").gettext("Report format.") == "Format laporan."
    assert sorted(p.name for p in i18n.po_path("id").parent.iterdir()) == before
    assert not list(i18n.LOCALE_DIR.rglob("*.mo"))


@pytest.mark.parametrize(("module", "attribute", "source"), [
    ("provisioning.cli", "group", ROOT / "provisioning" / "cli.py"),
    ("suaradesa.demo", "demo", ROOT / "suaradesa" / "demo" / "__init__.py"),
])
def test_every_provision_and_demo_text_has_an_indonesian_translation(
        module: str, attribute: str, source: Path) -> None:
    """`provision` and `demo`: help texts, messages and the demo's story lines."""
    import importlib

    command = getattr(importlib.import_module(module), attribute)
    catalog = _catalog()
    wanted = i18n.help_msgids(command) + _code_msgids(source)
    if module == "suaradesa.demo":
        run = ROOT / "suaradesa" / "demo" / "run.py"
        wanted += _code_msgids(run)
    missing = [m for m in wanted if not catalog.get(m)]
    assert not missing, missing
    assert len(wanted) > 10  # positive control: the walk found the texts


def test_provision_and_demo_help_follow_the_language() -> None:
    env = {"SUARADESA_LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "id_ID.UTF-8"}
    assert "Folder spesifikasi yang ditulis" in _run("provision", "sample", "--help", env=env)
    assert "Spec folder to write" in _run("--lang", "en", "provision", "sample", "--help",
                                          env=env)
    assert "Jalankan satu hari Pilkades" in _run("demo", "--help", env=env)
    assert "Run a whole simulated" in _run("--lang", "en", "demo", "--help", env=env)


def test_csv_headers_follow_the_language() -> None:
    from tally.report import CSV_COLUMNS

    i18n.set_language("id")
    assert [i18n._(c) for c in CSV_COLUMNS][:3] == ["kode_desa", "nama_desa", "kecamatan"]
    assert i18n._("winner") == "menang"
    i18n.set_language("en")
    assert [i18n._(c) for c in CSV_COLUMNS] == list(CSV_COLUMNS)
