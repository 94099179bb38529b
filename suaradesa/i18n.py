"""The officials' message catalog: gettext, Bahasa Indonesia by default, English selectable.

The command-line tools officials run (`tally`, first) take their help texts and messages
from one catalog, `suaradesa/locale/<lang>/LC_MESSAGES/officials.po`. The msgids are the
English texts, so `en` is the identity and `id` translates every msgid (a test checks no
msgid of a command's help or messages lacks an Indonesian text).

As in `kiosk.ui.i18n`, the `.po` is compiled with babel in memory when first used: nothing
is ever written into the tree or into site-packages.

The language is, in order: `suaradesa --lang`, the `SUARADESA_LANG` environment variable,
then the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`: English when it starts with "en"),
otherwise Indonesian.
"""

from __future__ import annotations

import functools
import gettext
import io
import os
from pathlib import Path

import click
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "officials"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
_state: dict[str, str | None] = {"lang": None}


def N_(msgid: str) -> str:
    """Mark `msgid` for the catalog without translating it now."""
    return msgid


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of `lang`, compiled from its `.po` in memory (English: the msgids)."""
    if lang not in LANGUAGES:
        raise click.BadParameter(f"unknown language {lang!r}; choose id or en")
    if lang == "en":
        return gettext.NullTranslations()
    with po_path(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return gettext.GNUTranslations(io.BytesIO(out.getvalue()))


def from_environment() -> str:
    """The language the environment asks for (see module docstring)."""
    chosen = os.environ.get("SUARADESA_LANG", "").strip().lower()
    if chosen in LANGUAGES:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "en" if value.lower().startswith("en") else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def set_language(lang: str | None) -> str:
    """Use `lang` from now on (None: follow the environment); returns the language used."""
    chosen = lang if lang is not None else from_environment()
    translations(chosen)  # an unknown language fails here, not mid-output
    _state["lang"] = lang
    return chosen


def language() -> str:
    lang = _state["lang"]
    return lang if lang is not None else from_environment()


def _(msgid: str) -> str:
    """`msgid` in the current language."""
    return translations(language()).gettext(msgid)


_ORIGINAL = "_suaradesa_msgid"


def translate_help(command: click.Command) -> None:
    """Translate the help texts of `command`, its options and its subcommands in place
    (the English originals are kept, so a later language change translates again)."""
    items: list[object] = [command, *command.params]
    for item in items:
        for attr in ("help", "short_help"):
            key = f"{_ORIGINAL}_{attr}"
            if not hasattr(item, key):
                setattr(item, key, getattr(item, attr, None))
            original = getattr(item, key)
            if original:
                setattr(item, attr, _(original))
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            translate_help(sub)


def help_msgids(command: click.Command) -> list[str]:
    """Every English help text of `command` and below (for the catalog's completeness test)."""
    found: list[str] = []
    for item in [command, *command.params]:
        text = getattr(item, f"{_ORIGINAL}_help", getattr(item, "help", None))
        if text:
            found.append(text)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            found += help_msgids(sub)
    return found
