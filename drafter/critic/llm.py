"""The LLM critic for real models: a typed Critique that also judges achievable/relevant; advisory only."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from drafter.critic.document import Document
from drafter.draft.model import Finding
from drafter.llm import prompts
from drafter.llm.prompts import ChatPrompt
from drafter.messages import message
from drafter.secrets import error_text


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CritiqueItem(_Model):
    """One problem the reviewer found, with its evidence and a fix."""

    section: str = Field(description="Catalog key of the section (goals, processes, …) or 'opening'.")
    criterion: str = Field(description="What is wrong: achievable, relevant, vague, contradiction, register, …")
    severity: Literal["error", "warning", "info"] = Field(description="How much it matters.")
    evidence: str = Field(description="The quoted text the finding is about.")
    suggestion: str = Field(description="How to fix it, using only the facts.")


class GoalJudgement(_Model):
    """The reviewer's view of one goal on the two SMART dimensions text rules cannot judge."""

    goal: str = Field(description="The goal statement, quoted.")
    achievable: bool | None = Field(description="Is the step from baseline to target plausible? null if unknown.")
    relevant: bool | None = Field(description="Does it serve the strategic direction? null if unknown.")
    reason: str = Field(description="One sentence why.")


class Critique(_Model):
    """The LLM critic's review of a whole overview."""

    items: list[CritiqueItem] = Field(description="Findings, most important first; empty when none.")
    goals: list[GoalJudgement] = Field(description="One judgement per goal in the goals section.")


def critic_prompt(doc: Document, facts: Sequence[str], strategy: Sequence[str],
                  findings: Sequence[Finding]) -> ChatPrompt:
    """The critic's prompt: the facts as shared context, the overview and known problems as its task data."""
    lang = doc.lang
    payload = {
        "task": "critic",
        "language": lang,
        "overview": {"opening": doc.opening,
                     "sections": [{"key": s.key, "heading": s.heading, "text": s.text} for s in doc.sections],
                     "goals": [g.text for s in doc.sections for g in s.goals]},
        "facts": list(facts),
        "strategy": list(strategy),
        "already_found": [f"[{f.check}] {f.section}: {f.message}" for f in findings if f.severity == "error"],
    }
    context = prompts.data_block({"company": doc.title, "facts": list(facts), "strategy": list(strategy)})
    task = {k: v for k, v in payload.items() if k not in ("facts", "strategy")}
    return ChatPrompt((("system", "system"), ("human", "critic")), lang,
                      {"company": doc.title, "period": "", "audience": "-", "context": context,
                       "data": prompts.data_block(task)}, payload)


def to_findings(critique: Critique, lang: str = "zh") -> list[Finding]:
    """Advisory findings: an LLM 'error' is reported as a warning — it never overrides the deterministic checks."""
    out = []
    for item in critique.items:
        severity: Literal["warning", "info"] = "info" if item.severity == "info" else "warning"
        text = message("llm.review", lang, criterion=item.criterion, suggestion=item.suggestion).strip(": ")
        out.append(Finding(check="llm", code="llm.review", severity=severity, section=item.section or None,
                           message=text, evidence=item.evidence[:200]))
    return out


def apply_goal_judgements(goals: list[dict[str, Any]], critique: Critique) -> None:
    """Fill achievable/relevant where the deterministic judge left them null (never overwrite a judgement)."""
    by_text = {g.goal.strip(): g for g in critique.goals}
    for i, goal in enumerate(goals):
        judged = by_text.get(goal["text"].strip()) or (critique.goals[i] if i < len(critique.goals) else None)
        if judged is None:
            continue
        for dim in ("achievable", "relevant"):
            if goal["smart"].get(dim) is None and getattr(judged, dim) is not None:
                goal["smart"][dim] = getattr(judged, dim)


async def run_llm_critic(runner: Any, doc: Document, facts: Sequence[str], strategy: Sequence[str],
                         findings: Sequence[Finding]) -> Critique | Finding:
    """One critic call; on failure an info finding says so (the deterministic verdict stands)."""
    try:
        value = await runner.run(Critique, critic_prompt(doc, facts, strategy, findings), "critic", "critic")
    except Exception as exc:  # noqa: BLE001 - advisory: a failed critic never fails the run
        if isinstance(exc, KeyboardInterrupt | asyncio.CancelledError):
            raise
        return Finding(check="llm", code="llm.unavailable", severity="info", section=None,
                       message=message("llm.unavailable", doc.lang, error=error_text(exc, 200)))
    critique: Critique = value
    return critique
