"""Labelled goal sets: the statements and the year their documents are judged as of."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

# "# As of 2025: …" says it outright; otherwise the year the set was written or frozen on, from its header.
_AS_OF = re.compile(r"^#\s*As of ((?:19|20)[0-9]{2})\b", re.M)
_WRITTEN = re.compile(r"^#.*?\b(?:[Ww]ritten|[Ff]rozen)(?: on)? ((?:19|20)[0-9]{2})-[0-9]{2}-[0-9]{2}", re.M)


def load_goal_set(path: Path) -> tuple[list[dict[str, Any]], int | None]:
    """The items of a labelled goal set and the year a statement in it is judged as of.

    A statement was labelled as part of a document of its set's time: "2025年营收为1.2亿元" is a past result in a
    set written in 2026, while a set that plans 2025 says so in its header ("# As of 2025").
    """
    text = path.read_text(encoding="utf-8")
    found = _AS_OF.search(text) or _WRITTEN.search(text)
    items = [i for i in yaml.safe_load(text) if isinstance(i, dict)]
    return items, int(found.group(1)) if found else None
