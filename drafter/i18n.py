"""The interface language (help, errors, progress, tables, prompts): gettext catalogs under drafter/locale.

Source strings are English; `drafter/locale/zh/LC_MESSAGES/drafter.mo` holds the Chinese. The language comes from
`--ui-lang`, then `DRAFTER_UI_LANG`, then the locale (`LC_ALL`, `LC_MESSAGES`, `LANG` starting with `zh`), else
English. It is looked up on every call of `_()`, so one process can switch languages between invocations.

This is not the draft's language (the facts' `language:`), which chooses the critic's messages (drafter.messages).
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import IO, Any

DOMAIN = "drafter"
UI_LANGUAGES = ("en", "zh")
DEFAULT_UI_LANGUAGE = "en"
ENV_VAR = "DRAFTER_UI_LANG"
OPTION = "--ui-lang"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_chosen: str | None = None  # set by the CLI for the length of one invocation; None: from the environment


def normalise(value: str | None) -> str | None:
    """`zh`, `zh_CN.UTF-8`, `zh-Hans` → zh; `en`, `en_US` → en; anything else → None."""
    text = (value or "").strip().lower().replace("-", "_")
    for lang in UI_LANGUAGES:
        if text == lang or text.startswith(lang + "_") or text.startswith(lang + "."):
            return lang
    return None


def from_argv(argv: Sequence[str]) -> str | None:
    """The value of the last `--ui-lang X` / `--ui-lang=X` before a `--`, normalised (None when absent or bad)."""
    found: str | None = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == OPTION and i + 1 < len(argv):
            found = argv[i + 1]
        elif arg.startswith(OPTION + "="):
            found = arg.partition("=")[2]
    return normalise(found) if found is not None else None


def from_env(environ: Mapping[str, str]) -> str:
    """DRAFTER_UI_LANG when it names a language, else zh when the messages locale is Chinese, else en."""
    chosen = normalise(environ.get(ENV_VAR))
    if chosen is not None:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):  # POSIX order: the first one set decides
        value = environ.get(name)
        if value:
            return "zh" if value.strip().lower().startswith("zh") else DEFAULT_UI_LANGUAGE
    return DEFAULT_UI_LANGUAGE


def detect(argv: Sequence[str] = (), environ: Mapping[str, str] | None = None) -> str:
    """The interface language for a command line and an environment (os.environ by default)."""
    return from_argv(argv) or from_env(os.environ if environ is None else environ)


def language() -> str:
    """The interface language now."""
    return _chosen if _chosen is not None else from_env(os.environ)


@contextmanager
def using(lang: str) -> Iterator[str]:
    """Use `lang` for the interface until the block ends."""
    global _chosen
    before, _chosen = _chosen, normalise(lang) or DEFAULT_UI_LANGUAGE
    try:
        yield _chosen
    finally:
        _chosen = before


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The catalog of `lang` (English, the source language, needs none)."""
    if lang == DEFAULT_UI_LANGUAGE:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def _(message: str) -> str:
    """`message` (English source text) in the interface language."""
    return translations(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the interface language."""
    return translations(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "extract, translate later"
    """Mark `message` for extraction only; it is translated where it is shown."""
    return message


def severity_label(severity: str) -> str:
    """A finding's severity (error, warning, info) as shown to the user."""
    return {"error": _("error"), "warning": _("warning"), "info": _("info")}.get(severity, severity)


def status_label(status: str) -> str:
    """A section's critic status (clean, warnings, errors, unchecked) or state (stale, failed) as shown."""
    return {"clean": _("clean"), "warnings": _("warnings"), "errors": _("errors"), "unchecked": _("unchecked"),
            "stale": _("stale"), "failed": _("failed")}.get(status, status)


# --- extraction (run by Babel; see babel.cfg) ---------------------------------------------------------------------

_HELP_CALLS = frozenset({"Option", "Argument", "Typer", "command", "callback"})


def extract(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple[Any, ...]]:
    """Babel extractor: `_()`, `ngettext()` and `N_()` calls, plus typer help texts.

    Typer help texts are the `help=` of typer.Option / typer.Argument / typer.Typer / app.command, and the
    docstrings of the functions registered as commands (`app.command(...)(function)`); the CLI translates them when
    it shows them.
    """
    import ast

    from babel.messages.extract import extract_python

    yield from extract_python(fileobj, keywords, comment_tags, options)
    fileobj.seek(0)
    tree = ast.parse(fileobj.read().decode(options.get("encoding", "utf-8")))
    commands: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name in _HELP_CALLS:
            for kw in node.keywords:
                if kw.arg == "help" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    yield kw.value.lineno, None, kw.value.value, []
        inner = node.func
        if (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr == "command"
                and node.args and isinstance(node.args[0], ast.Name)):
            commands.add(node.args[0].id)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in commands:
            doc = ast.get_docstring(node, clean=True)
            if doc:
                yield node.body[0].lineno, None, doc, []
