"""The one message catalog of the touchscreen: gettext, Bahasa Indonesia first, English second.

Every user-facing string goes through `tr._("...")` (Python and .kv alike), or
`tr.n_(singular, plural, n)` where a number is counted ("1 second", "2 seconds"). The msgids are
short English sentences; `locale/id/.../suaradesa.po` and `locale/en/.../suaradesa.po` both
translate every one of them (a test checks that no msgid is missing or empty in either).

Catalogs are compiled with babel in memory at load time (a few milliseconds): the `.po` is
the only file, nothing is ever written next to it. An installed copy therefore never writes
into site-packages, a read-only tree works, parallel test workers cannot collide on a
temporary file, and a developer editing a `.po` never runs `msgfmt` by hand.

`tr` is a Kivy EventDispatcher whose property `_` holds the current gettext function.
A `.kv` expression `text: tr._("Back")` therefore binds to `tr._` and is re-evaluated when
the language changes: switching language re-labels every widget with no per-screen code.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from kivy.event import EventDispatcher
from kivy.properties import ObjectProperty, OptionProperty

DOMAIN = "suaradesa"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"


def N_(msgid: str) -> str:
    """Mark `msgid` for the catalog without translating it now (translated where shown)."""
    return msgid


def fill(template: str, **fields: object) -> str:
    """`template.format(**fields)`, without a doubled full stop where a field that ends in
    one (a name with a degree, "H. Rohani, S.Pd.") is followed by the template's own: the
    field's stop then ends the sentence ("... S.Pd. Benar?", never "S.Pd.. Benar?")."""
    for name, value in fields.items():
        if str(value).endswith("."):
            template = template.replace("{" + name + "}.", "{" + name + "}")
    return template.format(**fields)


def po_path(lang: str) -> Path:
    """The source catalog of `lang`."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_catalog(lang: str) -> bytes:
    """The `.mo` bytes of `lang`, compiled from its `.po` with babel."""
    with po_path(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def load_translations(lang: str) -> gettext.GNUTranslations:
    """Translations of `lang`, compiled from its `.po` in memory (nothing is written)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return gettext.GNUTranslations(io.BytesIO(compile_catalog(lang)))


class Translator(EventDispatcher):
    """Observable current language; `tr._(msgid)` translates into it."""

    lang = OptionProperty(DEFAULT_LANGUAGE, options=list(LANGUAGES))
    _ = ObjectProperty(None)
    #: ngettext of the current language: `tr.n_("{n} second", "{n} seconds", n)` in .kv
    #: re-evaluates on a language switch like `tr._` (catalog plural forms: "1 second")
    n_ = ObjectProperty(None)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._cache: dict[str, gettext.GNUTranslations] = {}
        self._install(self.lang)
        self.bind(lang=lambda _inst, value: self._install(value))

    def _install(self, lang: str) -> None:
        if lang not in self._cache:
            self._cache[lang] = load_translations(lang)
        self._ = self._cache[lang].gettext
        self.n_ = self._cache[lang].ngettext

    def switch(self) -> None:
        """Toggle between Bahasa Indonesia and English."""
        self.lang = "en" if self.lang == "id" else "id"

    def gettext(self, msgid: str) -> str:
        """Translate `msgid` into the current language (for Python code)."""
        fn: Callable[[str], str] = self._
        return fn(msgid)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The plural form of the current language for `n` (for Python code)."""
        fn: Callable[[str, str, int], str] = self.n_
        return fn(singular, plural, n)

    @staticmethod
    def fill(template: str, **fields: object) -> str:
        """`fill` for .kv rules (`tr.fill(tr._("..."), name=...)`)."""
        return fill(template, **fields)


tr = Translator()
