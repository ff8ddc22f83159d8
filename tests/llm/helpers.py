"""Draft a facts file written inline with the offline model, and read its statements back."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from drafter.critic.checks import check_against
from drafter.critic.document import from_overview
from drafter.draft.model import Overview, Statement
from drafter.draft.render_markdown import render
from drafter.facts.load import load_facts
from drafter.facts.model import Facts
from drafter.pipeline import WriteOptions, write_overview
from drafter.settings import ModelSettings

_COUNTER = itertools.count()


def draft(tmp_path: Path, yaml_text: str) -> tuple[Facts, Overview, str]:
    """The facts, the offline overview and its Markdown for a facts file given as text."""
    path = tmp_path / f"facts{next(_COUNTER)}.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    facts = load_facts(path)
    overview = write_overview(facts, ModelSettings("offline"), WriteOptions(use_cache=False))
    return facts, overview, render(overview)


def draft_file(path: Path) -> tuple[Facts, Overview, str]:
    """The facts, the offline overview and its Markdown for a facts file on disk."""
    facts = load_facts(path)
    overview = write_overview(facts, ModelSettings("offline"), WriteOptions(use_cache=False))
    return facts, overview, render(overview)


def statements(overview: Overview) -> list[tuple[str, Statement]]:
    """Every statement of the opening and the sections, with the key of where it stands."""
    out: list[tuple[str, Statement]] = []
    if overview.opening is not None:
        out += [("opening", s) for s in overview.opening.statements]
    for section in overview.sections:
        content = section.content
        if content is None:
            continue
        for item in [*content.paragraphs, *getattr(content, "bullets", [])]:
            out += [(section.key, s) for s in item.statements]
    return out


def section_text(overview: Overview, key: str) -> str:
    """The text of one section's paragraphs, goals and risks."""
    content = overview.section(key).content
    assert content is not None
    parts: list[Any] = [p.text for p in content.paragraphs]
    parts += [g.statement for g in getattr(content, "goals", [])]
    parts += [f"{r.description} {r.response or ''}" for r in getattr(content, "risks", [])]
    return "\n".join(parts)


def claims_findings(facts: Facts, overview: Overview) -> list[str]:
    """The claims check's findings on a drafter overview, as `code: evidence` lines."""
    return [f"{f.code}: {f.evidence}" for f in check_against(from_overview(overview), facts).findings
            if f.check == "claims"]


def errors(facts: Facts, overview: Overview) -> list[str]:
    """Every error finding of the deterministic critic."""
    return [f"[{f.check}] {f.code}: {f.evidence}" for f in check_against(from_overview(overview), facts).findings
            if f.severity == "error"]
