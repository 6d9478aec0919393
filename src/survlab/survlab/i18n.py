"""The language the labs speak: figure text, printed tables, check messages and hints.

English is written in the code. Another language's text comes from catalogs, one JSON
file per part of the library in ``survlab/locale/<code>/`` (English text -> translation),
looked up when the text is shown, so a language set after import still applies.

The Korean book runs its notebooks with ``SURVLAB_LANG=ko``; a Korean student edition
records its language in its first cell (``survlab.i18n.set_language("ko")``).

Text with values in it is translated before the values go in::

    ax.set_title(_("threshold {t:g}: FMR {fmr:.2%}").format(t=t, fmr=fmr))
"""
from __future__ import annotations

import json
import os
from functools import cache
from importlib import resources

SOURCE = "en"
LANGUAGES = {"en": "English", "ko": "한국어"}
ENVIRONMENT = "SURVLAB_LANG"

_current: str | None = None


class CatalogError(ValueError):
    """A catalog that cannot be used; the message names the file."""


def _checked(code: str, where: str) -> str:
    if code not in LANGUAGES:
        raise ValueError(f"{where}: survlab has no language {code!r}; it speaks {', '.join(sorted(LANGUAGES))}")
    return code


def language() -> str:
    """The language in use: set_language's, else ``SURVLAB_LANG``'s, else English."""
    global _current
    if _current is None:
        _current = _checked(os.environ.get(ENVIRONMENT, "").strip() or SOURCE, ENVIRONMENT)
    return _current


def set_language(code: str) -> None:
    """Speak ``code`` from now on (figures drawn in the course style after this use its fonts:
    ``style.use`` reads the language each time)."""
    global _current
    _current = _checked(code, "set_language")


@cache
def catalog(code: str) -> dict[str, str]:
    """Every translation into ``code``, from all its catalog files."""
    if code == SOURCE:
        return {}
    return read_catalogs(resources.files("survlab") / "locale" / code, f"survlab/locale/{code}")


def read_catalogs(folder, shown_as: str) -> dict[str, str]:
    """The catalog files of one language merged; a bad file or a text translated two ways in
    two files is an error naming the file."""
    merged: dict[str, str] = {}
    origin: dict[str, str] = {}
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".json")), key=lambda f: f.name)
    for entry in files:
        where = f"{shown_as}/{entry.name}"
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise CatalogError(f"{where}: not valid JSON ({error})") from None
        if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
            raise CatalogError(f"{where}: must be one JSON object of English text -> translated text")
        for english, translated in data.items():
            if english in merged and merged[english] != translated:
                raise CatalogError(f"{where}: {english!r} is translated differently in {origin[english]}")
            merged[english], origin[english] = translated, where
    return merged


def _(text: str) -> str:
    """``text`` in the language in use (the English itself where no translation exists)."""
    code = language()
    if code == SOURCE:
        return text
    return catalog(code).get(text, text)


tr = _
"""``_`` under the name notebooks use: in a notebook ``_`` is IPython's last result, and a student's
``for _ in ...`` would shadow it."""


def missing(texts, code: str) -> list[str]:
    """Of ``texts``, those that ``code``'s catalogs do not translate."""
    table = catalog(code)
    return [t for t in texts if t not in table]


class Phrase(str):
    """Text with values in it that is English as a value (code that compares it is unaffected)
    and is shown in the language in use: ``Phrase("shifted {dr} down", dr=1) == "shifted 1 down"``."""

    def __new__(cls, text: str, **values):
        phrase = super().__new__(cls, text.format(**values) if values else text)
        phrase.text, phrase.values = text, values
        return phrase

    def shown(self) -> str:
        """The phrase in the language in use (its values shown likewise)."""
        return _(self.text).format(**{k: shown(v) for k, v in self.values.items()})


def shown(value):
    """``value`` as a student sees it: text in the language in use; anything else unchanged."""
    if isinstance(value, Phrase):
        return value.shown()
    return _(value) if isinstance(value, str) else value
