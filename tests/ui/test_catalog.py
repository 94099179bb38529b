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
_STR = r'''("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')'''
#: `tr.n_(singular, plural, n)` in .kv and `tr.ngettext(singular, plural, n)` in Python
PLURAL = re.compile(r"(?:tr\.n_|tr\.ngettext)\(\s*" + _STR + r"\s*,\s*" + _STR)
ALLOWED = {"", " ", "\n", "-", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}


def used_msgids() -> set[str]:
    ids: set[str] = set()
    for path in UI.rglob("*"):
        if path.suffix in (".py", ".kv") and path.name != "i18n.py":
            ids |= {ast.literal_eval(m.group(1)) for m in MARKED.finditer(path.read_text())}
    return ids


def used_plurals() -> set[tuple[str, str]]:
    """(singular, plural) of every counted message (ngettext) in the UI's code and rules."""
    found: set[tuple[str, str]] = set()
    for path in UI.rglob("*"):
        if path.suffix in (".py", ".kv") and path.name != "i18n.py":
            found |= {(ast.literal_eval(m.group(1)), ast.literal_eval(m.group(2)))
                      for m in PLURAL.finditer(path.read_text())}
    return found


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
            if name in ("_", "gettext", "N_", "get", "n_", "ngettext") and node in parent.args:
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


def test_counted_messages_have_both_plural_forms_in_both_catalogs() -> None:
    plurals = used_plurals()
    assert len(plurals) >= 2, plurals  # the idle warning and the PIN wait at least
    for lang in i18n.LANGUAGES:
        with i18n.po_path(lang).open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        have = {m.id: m.string for m in catalog if isinstance(m.id, tuple)}
        for ids in plurals:
            assert ids in have, (lang, ids)
            assert all(have[ids]), (lang, ids, have[ids])
    english = i18n.load_translations("en")
    for one, many in plurals:  # "1 second", never "1 seconds"
        assert english.ngettext(one, many, 1).format(seconds=1).count("1 second") == 1
        assert "1 seconds" not in english.ngettext(one, many, 1).format(seconds=1)
        assert "2 seconds" in english.ngettext(one, many, 2).format(seconds=2)


def test_fill_never_doubles_a_full_stop() -> None:
    fill = i18n.fill
    t = i18n.load_translations("id")
    assert fill(t.gettext("You chose: {number} - {name}. Correct?"), number=1,
                name="H. Rohani Maulana, S.Pd.") == "Anda memilih: 1 - H. Rohani Maulana, S.Pd. Benar?"
    # positive control: plain format gives the double stop fill removes, and a name
    # without a final stop keeps the template's own
    assert ".. Benar?" in t.gettext("You chose: {number} - {name}. Correct?").format(
        number=1, name="S.E.")
    assert fill("Isinya: {number} - {name}.", number=2, name="Siti") == "Isinya: 2 - Siti."


def test_texts_say_who_to_call_plainly_in_indonesian() -> None:
    """A Pilkades is run by the regency: its committee, technician and server, never the
    kecamatan's; and no jargon ("kurang dari k") reaches an officer."""
    with i18n.po_path("id").open("rb") as fh:
        catalog = read_po(fh, locale="id")
    strings = [s for m in catalog if m.id
               for s in (m.string if isinstance(m.string, tuple) else (m.string,))]
    assert len(strings) > 100
    assert [s for s in strings if "kecamatan" in s.lower()] == []
    assert [s for s in strings if " k." in s or " k " in s] == []
    assert sum("kabupaten" in s.lower() for s in strings) >= 8
    t = i18n.load_translations("id")
    text = t.gettext("Without results: only {have} of the {needed} trustees needed came. "
                     "The trustees can decrypt at the district.").format(have=2, needed=3)
    assert "2" in text and "3" in text and "Panitia Pemilihan Kabupaten" in text, text


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
