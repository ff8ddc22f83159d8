"""`check`: load any overview (and optionally facts) and run the critic."""

from __future__ import annotations

from pathlib import Path

from drafter.critic.report import CheckReport, check_document
from drafter.document import load_document
from drafter.facts import load_facts


def check_file(path: Path, facts_path: Path | None = None, lang: str | None = None) -> CheckReport:
    """Critique an overview file; facts come from --facts, else from overview.json's own record."""
    doc, overview = load_document(path, lang)
    if facts_path is not None:
        facts = load_facts(facts_path)
        if lang is None:
            doc.lang = facts.language
        return check_document(
            doc, facts.records(),
            facts.source_texts(), facts.file.strategy, facts.file.sections,
            [facts.file.company, *(f.text for f in facts.items)],
        )
    if overview is not None:
        sources = [overview.company, overview.period, *(f.text for f in overview.facts)]
        return check_document(doc, overview.facts, sources, overview.strategy, overview.sections_override,
                              [overview.company, *(f.text for f in overview.facts)])
    return check_document(doc)
