"""Facts files: safe loading (YAML, JSON, TOML; UTF-8, BOM, GB18030), validation with located errors, fact ids."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from drafter import i18n
from drafter.errors import InputError
from drafter.facts.catalog import OPENING, SECTION_KEYS, route_fact
from drafter.facts.guard import (
    BAD_CHAR,
    MAX_DEPTH,
    MAX_NUMBER_CHARS,
    check_raw_text,
    check_values,
    describe_char,
    duplicate_error,
    line_of,
    number_error,
    where,
)
from drafter.facts.model import SECTION_LIST_KEYS, Fact, Facts, FactsFile, GoalSpec, goal_text
from drafter.facts.positions import scan_json, scan_toml
from drafter.text.fact_kinds import is_control, is_goal_like, is_headline, is_plan, is_profile, is_stated_result
from drafter.text.goal_fields import metric_value, read_goal, split_goals

MAX_FACTS_BYTES = 512 * 1024


def decode(raw: bytes, path: Path) -> str:
    """Decode UTF-8 (with or without BOM), then GB18030 (a superset of GBK); say where UTF-8 failed."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8 = exc
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        pass
    line = raw.count(b"\n", 0, utf8.start) + 1
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError(f"{path}:1: cannot decode the file: it starts with a UTF-16 byte-order mark; save it as "
                         "UTF-8 (or GB18030/GBK).")
    raise InputError(f"{path}:{line}: cannot decode the file (byte 0x{raw[utf8.start]:02X} is neither UTF-8 nor "
                     "GB18030/GBK); save it as UTF-8 (or GB18030/GBK).")


def load_facts(path: str | Path) -> Facts:
    """Load, validate and number a facts file; raise InputError naming file and line on bad input."""
    path = Path(path)
    if not path.is_file():
        raise InputError(i18n._("{path}: no such file. Create one with `drafter init {path}`.").format(path=path))
    raw = path.read_bytes()
    if len(raw) > MAX_FACTS_BYTES:
        raise InputError(
            f"{path}: file is {len(raw) // 1024} KiB; a facts file is limited to {MAX_FACTS_BYTES // 1024} KiB "
            "(keep facts short: one line each)."
        )
    text = decode(raw, path)
    check_raw_text(text, path)
    warnings: list[str] = []
    data, lines = parse_text(text, path, warnings)
    if not isinstance(data, dict):
        raise InputError(f"{path}:1: the top level must be a mapping with keys such as company, period, facts.")
    check_values(data, lines, path)
    _check_unknown_keys(data, lines, path)
    try:
        file = FactsFile.model_validate(data)
    except ValidationError as exc:
        raise InputError(_format_validation(exc, lines, path)) from None
    items = _number(file, lines)
    digest = hashlib.sha256(json.dumps(file.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
                            .encode()).hexdigest()[:16]
    return Facts(path=str(path), file=file, items=items, digest=digest, warnings=warnings)


def _number(file: FactsFile, lines: dict[tuple[Any, ...], int]) -> list[Fact]:
    present = file.model_fields_set
    order = [k for k in lines_order(lines) if k in present] + [k for k in FactsFile.model_fields if k in present]
    keys = [k for k in dict.fromkeys(order) if k in ("strategy", "facts", "goals", *SECTION_LIST_KEYS)]
    candidates = [k for k in (file.sections or SECTION_KEYS) if k != "summary"] or ["improvement"]
    metrics = goal_metrics(file)
    items: list[Fact] = []
    for key in keys:
        for i, value in enumerate(getattr(file, key)):
            fid = f"F{len(items) + 1}"
            line = lines.get((key, i))
            if key == "goals":
                goal = value if isinstance(value, GoalSpec) else None
                txt = goal_text(value, file.language) if isinstance(value, GoalSpec) else value
                section = _goal_section(txt, goal is not None, candidates)
                items.append(Fact(id=fid, source=key, section=section, text=txt, goal=goal, line=line))
            elif key == "strategy":
                items.append(Fact(id=fid, source=key, section="summary", text=value, line=line))
            elif key == "facts":
                items.append(Fact(id=fid, source=key, section=_flat_section(value, candidates, metrics), text=value,
                                  line=line))
            elif key == "risks" and key in candidates and is_control(value):
                # a control or a good result listed as a risk goes to its topic section
                others = [k for k in candidates if k != "risks"]
                section = route_fact(value, others, fallback="processes") if others else key
                items.append(Fact(id=fid, source=key, section=section, text=value, line=line))
            else:
                section = key if key in candidates else route_fact(value, candidates)
                items.append(Fact(id=fid, source=key, section=section, text=value, line=line))
    if "data" in candidates and not any(f.section == "data" for f in items):
        # a required data section with no facts of its own takes the period's headline figures (revenue, GMV …)
        items = [f.model_copy(update={"section": "data"}) if f.section == OPENING and is_headline(f.text) else f
                 for f in items]
    return items


def goal_metrics(file: FactsFile) -> list[str]:
    """The metric names of the file's goals (mapping metrics, and those read from goal sentences)."""
    out: list[str] = []
    for goal in file.goals:
        if isinstance(goal, GoalSpec):
            out.append(goal.metric)
            continue
        for part in split_goals(goal):
            metric = read_goal(part).metric
            if metric:
                out.append(metric)
    return [m for m in dict.fromkeys(out) if len(m) >= 2]


def _goal_section(text: str, typed: bool, candidates: list[str]) -> str:
    """An item listed as a goal goes to the goals section, unless it is a plan or a result stated as achieved."""
    if "goals" not in candidates:
        return route_fact(text, candidates)
    if typed:
        return "goals"
    parts = read_goal(text)
    if (is_plan(text) and not (parts.metric and parts.target)) or is_stated_result(text):
        others = [k for k in candidates if k != "goals"]
        return route_fact(text, others) if others else "goals"
    return "goals"


def _flat_section(text: str, candidates: list[str], metrics: list[str]) -> str:
    """A fact from the flat list: a goal, the current value of a goal's metric, a profile figure, or its topic."""
    if "goals" in candidates and (is_goal_like(text) and not is_plan(text)
                                  or any(metric_value(text, m) is not None for m in metrics)):
        return "goals"
    if is_profile(text):
        return OPENING
    return route_fact(text, [k for k in candidates if k != "goals"] or candidates)


def lines_order(lines: dict[tuple[Any, ...], int]) -> list[str]:
    """Top-level keys in the order they appear in the file."""
    tops = [(line, key[0]) for key, line in lines.items() if len(key) == 1 and isinstance(key[0], str)]
    return [k for _, k in sorted(tops)]


def _json_value_line(text: str) -> int:
    """The line of the first value json refuses after parsing: NaN/Infinity, or an integer of thousands of digits."""
    match = re.search(r"(?<![\w.])(?:-?(?:NaN|Infinity)\b|-?\d{4301,})", text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def parse_text(text: str, path: Path, warnings: list[str] | None = None) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """Parse decoded facts text by its suffix (.json, .toml, else YAML): the data, and key path → line (what is
    valid but probably not meant, such as a YAML list item that swallowed the line below it, goes to `warnings`)."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        lines = scan_json(text, path)  # first: it stops nesting the recursive parser would choke on
        try:
            data = json.loads(text, parse_constant=_no_constant)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}.") from None
        except ValueError as exc:  # NaN/Infinity, refused by _no_constant, or an integer too long to convert
            raise InputError(f"{path}:{_json_value_line(text)}: invalid JSON: {exc}.") from None
        return data, lines
    if suffix == ".toml":
        lines = scan_toml(text, path)
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(_toml_message(exc, text, path)) from None
        return data, lines
    return _parse_yaml(text, path, warnings)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number; write the figure as text in quotes")


def _toml_message(exc: tomllib.TOMLDecodeError, text: str, path: Path) -> str:
    """tomllib's message with its "(at line N, column M)" moved to the front as file:line."""
    message = str(exc)
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if match is None:
        end = re.search(r"\s*\(at end of document\)$", message)
        last = text.rstrip("\n").count("\n") + 1
        return f"{path}:{last}: invalid TOML: {message[:end.start()] if end else message} (at the end of the file)."
    problem = message[:match.start()]
    if problem.startswith("Cannot overwrite a value") or problem.startswith("Cannot declare"):
        problem += " (a key or table is given twice; a key may appear once — merge the two into one)"
    return f"{path}:{match.group(1)}: invalid TOML: {problem} (column {match.group(2)})."


_PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")}


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (no billion-laughs), object-constructing tags and deep nesting."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(
                None, None, "aliases (*name) are not allowed in a facts file; write the value out", event.start_mark
            )
        if not self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):
            return super().compose_node(parent, index)
        if self.depth >= MAX_DEPTH:  # the composer recurses once per level
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(
                None, None, f"lists or mappings are nested more than {MAX_DEPTH} levels deep here; a facts file "
                "needs at most a mapping inside a list (a goal in goals)", event.start_mark
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _parse_yaml(text: str, path: Path, warnings: list[str] | None = None) -> tuple[Any, dict[tuple[Any, ...], int]]:
    lines: dict[tuple[Any, ...], int] = {}
    try:
        loader = _NoAliasLoader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _walk(node, (), lines, path, warnings)  # before construction: it checks what it would crash on
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or "invalid YAML"
        if "'\\t'" in problem or "\t" in problem:
            raise InputError(f"{path}:{line}: this line is indented with a tab; YAML needs spaces "
                             "(请用空格缩进，不要用 Tab).") from None
        if "constructor" in problem:
            problem = "YAML tags that build objects (!!python/…, custom !tags) are not allowed"
        raise InputError(f"{path}:{line}: {problem}.") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: invalid YAML: {exc}.") from None
    return data, lines


def _walk(node: yaml.Node, loc: tuple[Any, ...], out: dict[tuple[Any, ...], int], path: Path,
          warnings: list[str] | None = None) -> None:
    """Record the line of every key and item; refuse duplicate keys, long numbers, bad characters, odd tags."""
    line = node.start_mark.line + 1
    out[loc] = line
    if isinstance(node, yaml.ScalarNode):
        value = str(node.value)
        if warnings is not None and loc and isinstance(loc[-1], int) and node.style is None \
                and node.end_mark.line > node.start_mark.line:
            _swallowed(node, loc, path, warnings)
        if node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and len(value) > MAX_NUMBER_CHARS:
            raise number_error(path, line, value)
        bad = BAD_CHAR.search(value)
        if bad:
            raise InputError(f"{path}:{line}: '{where(loc)}' holds {describe_char(bad.group())} at character "
                             f"{bad.start() + 1}; remove it or write the character itself (tab and line breaks are "
                             "the only control characters allowed).")
    if node.tag not in _PLAIN_TAGS:
        if not node.tag.startswith("tag:yaml.org,2002:") or "python/" in node.tag:
            raise InputError(f"{path}:{line}: YAML tags that build objects (!!python/…, custom !tags) are not allowed.")
        raise InputError(f"{path}:{line}: the YAML tag !!{node.tag.rsplit(':', 1)[1]} is not allowed in a facts "
                         "file; write plain text, lists and mappings.")
    if isinstance(node, yaml.MappingNode):
        seen: dict[tuple[str, str], int] = {}
        for key_node, value_node in node.value:
            sub = (*loc, key_node.value) if isinstance(key_node, yaml.ScalarNode) else (*loc, "?")
            key_line = key_node.start_mark.line + 1
            if isinstance(key_node, yaml.ScalarNode):
                ident = (key_node.tag, str(key_node.value))
                if ident in seen:
                    raise duplicate_error(path, sub, seen[ident], key_line)
                seen[ident] = key_line
            _walk(key_node, sub, {}, path)
            _walk(value_node, sub, out, path, warnings)
            out[sub] = key_line
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*loc, i), out, path, warnings)


def _swallowed(node: yaml.ScalarNode, loc: tuple[Any, ...], path: Path, warnings: list[str]) -> None:
    """A plain list item that runs on over a line starting "- " took that line in: say so, naming the line."""
    buffer = node.start_mark.buffer
    if not buffer:
        return
    source = buffer[node.start_mark.index:node.end_mark.index].split("\n")
    for offset, text in enumerate(source[1:], 1):
        if text.lstrip().startswith("- "):
            warnings.append(f"{path}:{node.start_mark.line + 1 + offset}: this '- …' line is indented further than "
                            f"the item above it, so it continues '{where(loc)}' (line {node.start_mark.line + 1}) "
                            "instead of being an item of its own; indent it like the other items if it is one.")
            return


def _check_unknown_keys(data: dict[str, Any], lines: dict[tuple[Any, ...], int], path: Path) -> None:
    known = list(FactsFile.model_fields)
    unknown = [key for key in data if key not in known]
    if len(unknown) == 1:
        key, line = unknown[0], lines.get((unknown[0],), 1)
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.5)
        hint = f" — did you mean '{close[0]}'?" if close else f". Known keys: {', '.join(known)}."
        raise InputError(f"{path}:{line}: unknown key '{key}'{hint}")
    if unknown:
        said = []
        for key in unknown:
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.5)
            said.append(f"line {lines.get((key,), 1)}: '{key}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
        first = lines.get((unknown[0],), 1)
        raise InputError(f"{path}:{first}: unknown key{'s' if len(unknown) > 1 else ''}: {'; '.join(said)}. Known "
                         f"keys: {', '.join(known)}.")
    goals = data.get("goals")
    for i, goal in enumerate(goals if isinstance(goals, list) else []):
        if isinstance(goal, dict):
            gknown = list(GoalSpec.model_fields)
            for key in goal:
                if key not in gknown:
                    line = lines.get(("goals", i, key), lines.get(("goals", i), 1))
                    close = difflib.get_close_matches(str(key), gknown, n=1, cutoff=0.5)
                    hint = f" — did you mean '{close[0]}'?" if close else f"; a goal takes {', '.join(gknown)}."
                    raise InputError(f"{path}:{line}: unknown goal field '{key}'{hint}")


def _format_validation(exc: ValidationError, lines: dict[tuple[Any, ...], int], path: Path) -> str:
    errors = exc.errors()
    err = errors[0]
    if "str" in err["loc"] and isinstance(err["input"], dict):
        # a goal given as a mapping: its own field's error says more than "must be text"
        branch = (*err["loc"][:err["loc"].index("str")], "GoalSpec")
        err = next((e for e in errors if e["loc"][:len(branch)] == branch), err)
    loc = _plain_loc(err["loc"])
    line = line_of(lines, loc)
    key = next((p for p in loc if isinstance(p, str)), "")
    kind = _kind(err["input"])
    msg = err["msg"]
    if err["type"] == "missing":
        msg = "is required" + ("; a goal mapping needs at least its metric" if loc[-1:] == ("metric",) else "")
    elif err["type"] == "literal_error":
        msg = f"must be one of {err.get('ctx', {}).get('expected', '')}, not {kind}"
    elif err["type"] == "list_type":
        if key == "goals":
            msg = f"must be a list of goals (sentences, or mappings of {', '.join(GoalSpec.model_fields)}), not {kind}"
        elif key == "sections":
            msg = f"must be a list of section keys such as [goals, data, summary], not {kind}"
        else:
            msg = f"must be a list of short strings, not {kind}"
    elif err["type"] == "string_type" and _colon_item(err["input"]):
        (k, v), = err["input"].items()
        shown = f"{k}: {'' if v is None else v}".strip()
        msg = (f"must be text, not a mapping (YAML reads the ': ' in “{shown}” as a key); if you meant that text, "
               f"put the item in quotes (\"{shown}\") or use a full-width colon ({k}：{'' if v is None else v})")
    elif err["type"] == "string_type":
        msg = f"must be text, not {kind}; write it as one line" + (
            " in quotes" if isinstance(err["input"], bool | date) else "")
    elif err["type"] == "string_too_short":
        msg = "must not be empty"
    problems = len({_plain_loc(e["loc"])[:2] for e in errors})
    extra = f" (and {problems - 1} more problem(s))" if problems > 1 else ""
    return f"{path}:{line}: '{where(loc)}' {msg}{extra}."


def _colon_item(value: Any) -> bool:
    """A list item written `key: value` without quotes, which YAML reads as a one-key mapping."""
    return isinstance(value, dict) and len(value) == 1 and all(
        isinstance(v, str | int | float) or v is None for v in value.values())


def _plain_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """The key path without pydantic's union branch names."""
    return tuple(p for p in loc if not (isinstance(p, str) and p in ("str", "GoalSpec")))


def _kind(value: Any) -> str:
    """What the user wrote, in words."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, str):
        return f"'{value[:20]}'" if value else "empty text"
    return "a number" if isinstance(value, int | float) else type(value).__name__
