"""The message catalog: no hard-coded user-facing strings, both languages complete."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

from kiosk.ui import i18n

UI = Path(i18n.__file__).resolve().parent
MARKED = re.compile(r'''(?:tr\._|tr\.gettext|N_)\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')''')
# `text: "..."` / `text: '...'` in .kv, and text="..." keyword arguments in Python
KV_TEXT = re.compile(r'''^\s*(?:text|title)\s*:\s*(.+)$''', re.M)
ALLOWED = {"", " ", "\n", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}


def used_msgids() -> set[str]:
    ids: set[str] = set()
    for path in UI.rglob("*"):
        if path.suffix in (".py", ".kv") and path.name != "i18n.py":
            ids |= {ast.literal_eval(m.group(1)) for m in MARKED.finditer(path.read_text())}
    return ids


def shown_literals(expr: str) -> list[str]:
    """String constants of a kv expression that could be displayed as they are.

    Skipped: msgids passed to the catalog, comparison operands (`root.state == 'paused'`),
    dictionary keys (`row.get('label')`) and joiners (`'\\n'.join(...)`).
    """
    tree = ast.parse(expr.strip(), mode="eval")
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    shown = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Compare):
            continue
        if isinstance(parent, ast.Call):
            func = parent.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("_", "gettext", "N_", "get") and node in parent.args:
                continue
        if isinstance(parent, ast.Attribute):  # 'x'.join / .format receivers
            continue
        if node.value not in ALLOWED:
            shown.append(node.value)
    return shown


def test_kv_text_properties_use_the_catalog() -> None:
    bad = []
    for path in UI.rglob("*.kv"):
        for match in KV_TEXT.finditer(path.read_text()):
            expr = match.group(1).split("#")[0] if "tr._" not in match.group(1) else match.group(1)
            for lit in shown_literals(expr):
                bad.append(f"{path.name}: {lit!r} in {expr.strip()}")
    assert not bad, bad


def test_python_text_arguments_use_the_catalog() -> None:
    bad = []
    for path in UI.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg in ("text", "title", "message"):
                if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                    if node.value.value not in ALLOWED:
                        bad.append(f"{path.name}:{node.value.lineno} {node.value.value!r}")
    assert not bad, bad


def test_detector_catches_a_literal() -> None:
    assert shown_literals('"Pilih"') == ["Pilih"]
    assert shown_literals('tr._("Pilih") if root.x else "Batal"') == ["Batal"]
    assert shown_literals('tr._("A") if root.state == "paused" else tr._("B")') == []


def test_both_catalogs_translate_every_message() -> None:
    used = used_msgids()
    assert len(used) > 100
    for lang in i18n.LANGUAGES:
        with i18n.po_path(lang).open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        have = {m.id: m.string for m in catalog if m.id}
        missing = sorted(used - set(have))
        empty = sorted(k for k in used if not have.get(k))
        assert not missing, (lang, missing)
        assert not empty, (lang, empty)


def test_indonesian_is_the_default_and_reads_the_issue_sentences() -> None:
    t = i18n.load_translations("id")
    assert i18n.DEFAULT_LANGUAGE == "id"
    assert t.gettext("You chose: {number} - {name}. Correct?").format(
        number=2, name="Siti Aminah") == "Anda memilih: 2 - Siti Aminah. Benar?"
    assert t.gettext("Yes, cast my vote") == "Ya, kirim suara"
    assert t.gettext("Back") == "Kembali"
    assert t.gettext("Your vote has been recorded") == "Suara Anda sudah tercatat"
    assert t.gettext("Please wait for the officer") == "Silakan tunggu petugas"


def test_an_edited_po_is_read_and_nothing_is_written(tmp_path: Path, monkeypatch) -> None:
    import shutil

    root = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, root)
    monkeypatch.setattr(i18n, "LOCALE_DIR", root)
    po = i18n.po_path("en")
    po.write_text(po.read_text().replace('msgstr "Bahasa Indonesia"', 'msgstr "Indonesian!"'))
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    assert i18n.load_translations("en").gettext("Other language") == "Indonesian!"
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before
