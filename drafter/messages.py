"""User-facing messages as data: one catalog (drafter/locale/messages.toml) of zh and en text per stable code."""

from __future__ import annotations

import string
import tomllib
from functools import cache
from importlib import resources

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
CATALOG_FILE = "messages.toml"


class MessageError(LookupError):
    """A message code is not in the catalog, or a value its text needs was not given."""


@cache
def catalog() -> dict[str, dict[str, str]]:
    """Code → {language → text}, read once from the package data."""
    text = (resources.files("drafter") / "locale" / CATALOG_FILE).read_text(encoding="utf-8")
    entries = tomllib.loads(text)
    return {code: {lang: str(value) for lang, value in entry.items()} for code, entry in entries.items()}


def codes() -> frozenset[str]:
    """Every code in the catalog."""
    return frozenset(catalog())


def fields(code: str, lang: str) -> frozenset[str]:
    """The names of the values the text of `code` in `lang` needs."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(_text(code, lang)) if name)


def message(code: str, lang: str, **values: object) -> str:
    """The text of `code` in `lang` (zh unless a language the catalog has), filled with `values`."""
    text = _text(code, lang)
    missing = fields(code, lang) - set(values)
    if missing:
        raise MessageError(f"message '{code}' needs {', '.join(sorted(missing))}; "
                           f"given: {', '.join(sorted(values)) or 'nothing'}.")
    return text.format(**values)


def _text(code: str, lang: str) -> str:
    entry = catalog().get(code)
    if entry is None:
        raise MessageError(f"no message '{code}' in drafter/locale/{CATALOG_FILE}.")
    text = entry.get(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    if text is None:
        raise MessageError(f"message '{code}' has no '{lang}' text in drafter/locale/{CATALOG_FILE}.")
    return text
