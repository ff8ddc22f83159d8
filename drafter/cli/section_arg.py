"""A section named on the command line: by key, Chinese or English title (with or without its numeral), or number."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from drafter.errors import InputError
from drafter.i18n import _

if TYPE_CHECKING:
    from drafter.draft.model import Overview

_NUMERAL = r"^(?:[一二三四五六七八九十]+|\d+)\s*[、.．)）:：]\s*"  # the numbering of a heading: 一、 or 1.


def _norm(text: str) -> str:
    return " ".join(re.sub(_NUMERAL, "", text.strip()).split()).casefold()


def section_names(overview: Overview) -> dict[str, str]:
    """Every accepted spelling (normalised) → key, for the sections of this draft."""
    from drafter.facts.catalog import CATALOG

    keys = [s.key for s in overview.sections]
    names: dict[str, str] = {}
    for spec in CATALOG:
        if spec.key in keys:
            for name in (spec.key, spec.zh, spec.en):
                names.setdefault(_norm(name), spec.key)
    for s in overview.sections:
        names.setdefault(_norm(s.key), s.key)
        names.setdefault(_norm(s.title), s.key)
    return names


def resolve_section(overview: Overview, text: str) -> str:
    """The key of the section `text` names: `goals`, `Goals`, `运营目标`, `一、运营目标`, `Operating goals`, or its
    number in the draft (1 = first). An InputError (exit 2) with a did-you-mean when nothing matches."""
    import difflib

    stripped = text.strip()
    if stripped.isdigit() and 0 < int(stripped) <= len(overview.sections):
        return overview.sections[int(stripped) - 1].key
    names = section_names(overview)
    key = names.get(_norm(stripped))
    if key is not None:
        return key
    listed = ", ".join(f"{s.key} ({s.title})" for s in overview.sections)
    close = difflib.get_close_matches(_norm(stripped), list(names), n=1, cutoff=0.6)
    if close:
        raise InputError(_("no section '{name}' in this draft; did you mean '{suggestion}'? Sections: {sections}."
                           ).format(name=text, suggestion=names[close[0]], sections=listed))
    raise InputError(_("no section '{name}' in this draft; sections: {sections}.").format(name=text, sections=listed))
