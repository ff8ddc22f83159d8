"""`check`: load any overview (and optionally facts) and run the critic."""

from __future__ import annotations

import asyncio
from pathlib import Path

from drafter.critic.checks import CheckReport, check_against, check_document
from drafter.critic.document import Document, load_document
from drafter.facts.load import load_facts
from drafter.settings import ModelSettings


def check_file(path: Path, facts_path: Path | None = None, lang: str | None = None,
               settings: ModelSettings | None = None) -> CheckReport:
    """Critique an overview file; facts come from --facts, else from overview.json's own record.

    With a real model in `settings`, the LLM critic adds advisory findings and judges achievable/relevant.
    """
    report, doc, facts_text, strategy = _deterministic(path, facts_path, lang)
    if settings is not None and not settings.is_fake:
        _llm(report, doc, facts_text, strategy, settings)
    return report


def _llm(report: CheckReport, doc: Document, facts_text: list[str], strategy: list[str],
         settings: ModelSettings) -> None:
    from drafter.critic.llm import Critique, apply_goal_judgements, run_llm_critic, to_findings
    from drafter.llm.registry import get_model
    from drafter.pipeline import Runner

    runner = Runner(get_model(settings), settings, doc.lang, 1)
    result = asyncio.run(run_llm_critic(runner, doc, facts_text, strategy, report.findings))
    if isinstance(result, Critique):
        report.findings += to_findings(result, doc.lang)
        apply_goal_judgements(report.goals, result)
    else:
        report.findings.append(result)


def _deterministic(path: Path, facts_path: Path | None, lang: str | None
                   ) -> tuple[CheckReport, Document, list[str], list[str]]:
    doc, overview = load_document(path, lang)
    if facts_path is not None:
        facts = load_facts(facts_path)
        if lang is None:
            doc.lang = facts.language
        return check_against(doc, facts), doc, [f.text for f in facts.items], list(facts.file.strategy)
    if overview is not None:
        sources = [overview.company, overview.period, *(f.text for f in overview.facts)]
        report = check_document(doc, overview.facts, sources, overview.strategy, overview.sections_override,
                                [overview.company, *(f.text for f in overview.facts)], overview.period)
        return report, doc, [f.text for f in overview.facts], list(overview.strategy)
    return check_document(doc), doc, [], []
