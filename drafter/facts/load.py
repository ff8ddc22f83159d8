"""Facts files: safe loading (YAML, JSON, TOML; UTF-8, BOM, GB18030), validation with located errors, fact ids."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from drafter import i18n
from drafter.errors import InputError
from drafter.facts.catalog import OPENING, SECTION_KEYS, route_fact
from drafter.facts.model import SECTION_LIST_KEYS, Fact, Facts, FactsFile, GoalSpec, goal_text
from drafter.text.fact_kinds import is_control, is_goal_like, is_headline, is_plan, is_profile, is_stated_result
from drafter.text.goal_fields import metric_value, read_goal, split_goals

MAX_FACTS_BYTES = 512 * 1024


def decode(raw: bytes, path: Path) -> str:
    """Decode UTF-8 (with or without BOM), then GB18030 (a superset of GBK)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path}: cannot decode the file; save it as UTF-8 (or GB18030/GBK).")


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
    data, lines = _parse(text, path)
    if not isinstance(data, dict):
        raise InputError(f"{path}:1: the top level must be a mapping with keys such as company, period, facts.")
    _check_unknown_keys(data, lines, path)
    try:
        file = FactsFile.model_validate(data)
    except ValidationError as exc:
        raise InputError(_format_validation(exc, lines, path)) from None
    items = _number(file, lines)
    digest = hashlib.sha256(json.dumps(file.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
                            .encode()).hexdigest()[:16]
    return Facts(path=str(path), file=file, items=items, digest=digest)


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


def _parse(text: str, path: Path) -> tuple[Any, dict[tuple[Any, ...], int]]:
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}.") from None
        return data, _text_lines(text, data, json_style=True)
    if suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{path}: invalid TOML: {exc}.") from None
        return data, _text_lines(text, data, json_style=False)
    return _parse_yaml(text, path)


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (no billion-laughs) and object-constructing tags."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(
                None, None, "aliases (*name) are not allowed in a facts file; write the value out", event.start_mark
            )
        return super().compose_node(parent, index)


def _parse_yaml(text: str, path: Path) -> tuple[Any, dict[tuple[Any, ...], int]]:
    try:
        loader = _NoAliasLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or "invalid YAML"
        if "constructor" in problem:
            problem = "YAML tags that build objects (!!python/…, custom !tags) are not allowed"
        raise InputError(f"{path}:{line}: {problem}.") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: invalid YAML: {exc}.") from None
    lines: dict[tuple[Any, ...], int] = {}
    if node is not None:
        _walk(node, (), lines)
    return data, lines


def _walk(node: yaml.Node, loc: tuple[Any, ...], out: dict[tuple[Any, ...], int]) -> None:
    out[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            sub = (*loc, key_node.value)
            out[sub] = key_node.start_mark.line + 1
            _walk(value_node, sub, out)
            out[sub] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*loc, i), out)


def _text_lines(text: str, data: Any, json_style: bool) -> dict[tuple[Any, ...], int]:
    """Best-effort key → line map for JSON/TOML (top-level keys and list items on their own lines)."""
    out: dict[tuple[Any, ...], int] = {}
    if not isinstance(data, dict):
        return out
    src = text.splitlines()
    for key, value in data.items():
        pattern = re.compile(rf'^\s*"{re.escape(key)}"\s*:' if json_style else rf"^\s*{re.escape(key)}\s*=")
        line = next((n for n, s in enumerate(src, 1) if pattern.search(s)), None)
        if line is None:
            continue
        out[(key,)] = line
        if isinstance(value, list):
            for i, item in enumerate(value):
                needle = json.dumps(item, ensure_ascii=False) if isinstance(item, str) else None
                hit = next((n for n, s in enumerate(src, 1) if n >= line and needle and needle in s), None)
                if hit:
                    out[(key, i)] = hit
    return out


def _check_unknown_keys(data: dict[str, Any], lines: dict[tuple[Any, ...], int], path: Path) -> None:
    known = list(FactsFile.model_fields)
    for key in data:
        if key not in known:
            line = lines.get((key,), 1)
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.5)
            hint = f" — did you mean '{close[0]}'?" if close else f". Known keys: {', '.join(known)}."
            raise InputError(f"{path}:{line}: unknown key '{key}'{hint}")
    for i, goal in enumerate(data.get("goals") or []):
        if isinstance(goal, dict):
            gknown = list(GoalSpec.model_fields)
            for key in goal:
                if key not in gknown:
                    line = lines.get(("goals", i, key), lines.get(("goals", i), 1))
                    close = difflib.get_close_matches(str(key), gknown, n=1, cutoff=0.5)
                    hint = f" — did you mean '{close[0]}'?" if close else f"; a goal takes {', '.join(gknown)}."
                    raise InputError(f"{path}:{line}: unknown goal field '{key}'{hint}")


def _format_validation(exc: ValidationError, lines: dict[tuple[Any, ...], int], path: Path) -> str:
    err = exc.errors()[0]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p in ("str", "GoalSpec")))
    line = None
    for n in range(len(loc), 0, -1):
        line = lines.get(loc[:n])
        if line:
            break
    where = ".".join(str(p) for p in loc) or "file"
    msg = err["msg"]
    if err["type"] == "missing":
        msg = "is required"
    elif err["type"] == "literal_error":
        msg = f"must be one of {err.get('ctx', {}).get('expected', '')}"
    elif err["type"] in ("list_type", "string_type"):
        msg = "must be a list of short strings" if err["type"] == "list_type" else "must be text"
    extra = f" (and {len(exc.errors()) - 1} more problem(s))" if len(exc.errors()) > 1 else ""
    return f"{path}:{line or 1}: '{where}' {msg}{extra}."
