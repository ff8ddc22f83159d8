"""Writing answers into a facts file in place: comments, order and formatting kept.

YAML goes through ruamel.yaml's round-trip mode with the file's own list indentation (a file it cannot write back
unchanged is refused, so nothing of the user's is lost); TOML through tomlkit; JSON is written back with its own
indentation and key order. The file keeps its encoding (UTF-8, UTF-8 with a BOM, GB18030) and its permissions, and
is replaced atomically.

An edit is one of:
- `GoalField`: a goal's missing target, deadline or owner. A goal written as a mapping gets the key; a goal written
  as a sentence gets the answer worked into the sentence ("…，由X负责", "X前…", "…, owned by X", "… by X").
- `RiskResponse`: the response to a risk, added to the risk's own item ("…；应对措施：X", "…; response: X"), so the
  risk and its response stay one fact.
- `NewFact`: a new item at the end of a list key (`facts`, `team`, `risks`, …), created when the key is absent.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from drafter.errors import InputError
from drafter.files import atomic_write

GoalFieldName = Literal["target", "deadline", "owner"]


@dataclass(frozen=True)
class GoalField:
    """Set the `field` of the `index`-th item of `goals`."""

    index: int
    field: GoalFieldName
    value: str


@dataclass(frozen=True)
class RiskResponse:
    """Add the response `value` to the `index`-th item of the list at `key` (a risk written as a sentence)."""

    key: str
    index: int
    value: str


@dataclass(frozen=True)
class NewFact:
    """Append `text` to the list at `key`."""

    key: str
    text: str


Edit = GoalField | RiskResponse | NewFact
RESPONSE_LABEL = {"zh": "；应对措施：", "en": "; response: "}  # what `text.fact_kinds.split_response` reads back


def apply_edits(path: Path, edits: list[Edit], lang: str) -> None:
    """Write `edits` into the facts file at `path`, keeping everything else as it is."""
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    encoding = "utf-8-sig" if bom else _encoding(raw)
    text = raw.decode(encoding)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        new = _yaml(text, edits, lang, path)
    elif suffix == ".toml":
        new = _toml(text, edits, lang)
    elif suffix == ".json":
        new = _json(text, edits, lang)
    else:
        raise InputError(f"{path}: answers are written into YAML, JSON or TOML facts files only.")
    atomic_write(path, new.encode(encoding), path.stat().st_mode & 0o7777)  # its own permissions kept


def _encoding(raw: bytes) -> str:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def sentence_with(text: str, field: GoalFieldName, value: str, lang: str) -> str:
    """A goal sentence with its missing field worked in."""
    value = value.strip()
    if lang == "en":
        core = text.rstrip(" .")
        return {"owner": f"{core}, owned by {value}", "deadline": f"{core} by {value}",
                "target": f"{core}, target {value}"}[field]
    core = text.rstrip("。；; ")
    if field == "owner":
        return f"{core}，{value}" if value.endswith("负责") else f"{core}，由{value}负责"
    if field == "deadline":
        return f"{value}{core}" if value.endswith(("前", "内")) else f"{value}前{core}"
    return f"{core}，目标为{value}"


def _apply(data: Any, edits: list[Edit], lang: str, new_list: Any = list) -> None:
    """The edits on the parsed document (a mapping); `new_list` makes a list of the document's own kind."""
    for edit in edits:
        if isinstance(edit, GoalField):
            goals = data.get("goals")
            if not isinstance(goals, list) or not 0 <= edit.index < len(goals):
                raise InputError(f"the facts file has no goal number {edit.index + 1}; was it edited meanwhile?")
            goal = goals[edit.index]
            if isinstance(goal, dict):
                goal[edit.field] = edit.value.strip()
            else:
                goals[edit.index] = sentence_with(str(goal), edit.field, edit.value, lang)
        elif isinstance(edit, RiskResponse):
            items = data.get(edit.key)
            items = items if isinstance(items, list) else None
            if items is None or not 0 <= edit.index < len(items) or not isinstance(items[edit.index], str):
                raise InputError(f"the facts file has no item {edit.index + 1} under '{edit.key}' to answer; was it "
                                 "edited meanwhile?")
            label = RESPONSE_LABEL["en" if lang == "en" else "zh"]
            items[edit.index] = f"{str(items[edit.index]).rstrip('。；;. ')}{label}{edit.value.strip()}"
        else:
            current = data.get(edit.key)
            if current is None:
                data[edit.key] = new_list([edit.text])
            elif isinstance(current, list):
                current.append(edit.text)
            else:  # a single value stands for a one-item list
                data[edit.key] = new_list([current, edit.text])


def _yaml(text: str, edits: list[Edit], lang: str, path: Path) -> str:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedSeq

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    offset = _sequence_offset(text)
    yaml.indent(mapping=2, sequence=2 + offset, offset=offset)
    data = yaml.load(text)
    if not isinstance(data, dict):
        raise InputError(f"{path}: the facts file is not a mapping of keys.")
    if _dump(yaml, yaml.load(text)) != text:
        raise InputError(f"{path}: this YAML file cannot be written back exactly as it is (its layout is unusual), "
                         "so drafter does not change it; add the answers to it yourself.")
    _apply(data, edits, lang, CommentedSeq)
    return _dump(yaml, data)


def _dump(yaml: Any, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _sequence_offset(text: str) -> int:
    """How far the file indents "- " under its key (0: `key:\\n- a`; 2: `key:\\n  - a`)."""
    match = re.search(r"^[^\s#][^\n]*:\s*(?:#[^\n]*)?\n(?:\s*#[^\n]*\n)*( *)- ", text, re.M)
    return len(match.group(1)) if match else 2


def _toml(text: str, edits: list[Edit], lang: str) -> str:
    import tomlkit

    data = tomlkit.parse(text)
    _apply(data, edits, lang, lambda items: tomlkit.array(json.dumps(items, ensure_ascii=False)))
    return tomlkit.dumps(data)


def _json(text: str, edits: list[Edit], lang: str) -> str:
    data = json.loads(text)
    if not isinstance(data, dict):
        raise InputError("the facts file is not a JSON object.")
    _apply(data, edits, lang)
    match = re.search(r"^([ \t]+)\S", text, re.M)
    indent: int | str | None = (len(match.group(1)) if match.group(1).strip(" ") == "" else match.group(1)) \
        if match else None
    return json.dumps(data, ensure_ascii=not _has_non_ascii(text), indent=indent) + ("\n" if text.endswith("\n")
                                                                                     else "")


def _has_non_ascii(text: str) -> bool:
    return any(ord(c) > 127 for c in text)
