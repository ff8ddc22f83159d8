"""Typed chains: prompt files rendered to messages, then the model's structured output parsed into a model."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from drafter.draft.model import CONTENT_MODELS
from drafter.facts.catalog import spec
from drafter.facts.model import Facts
from drafter.llm import prompts
from drafter.llm.loop import CallContext, ChainResult, Recorder, StructuredChain
from drafter.llm.prompts import Message


def _fact_payload(facts: Facts, key: str) -> list[dict[str, Any]]:
    out = []
    for f in facts.for_section(key):
        item: dict[str, Any] = {"id": f.id, "text": f.text, "source": f.source}
        if f.goal is not None:
            item["goal"] = f.goal.model_dump(exclude_none=True)
        out.append(item)
    return out


def base_payload(facts: Facts) -> dict[str, Any]:
    """Company metadata and strategy shared by every chain."""
    file = facts.file
    return {
        "company": file.company,
        "period": file.period,
        "industry": file.industry,
        "audience": file.audience,
        "language": file.language,
        "strategy": [{"id": f.id, "text": f.text} for f in facts.items if f.source == "strategy"],
    }


def system_message(facts: Facts) -> Message:
    """The system prompt with the grounding rules."""
    file = facts.file
    audience = file.audience or ("management" if file.language == "en" else "公司管理层")
    return Message("system", prompts.load("system", file.language).format(
        company=file.company, period=file.period, audience=audience))


def section_messages(facts: Facts, key: str, keys: list[str], revision: dict[str, Any] | None = None
                     ) -> list[Message]:
    """Messages for drafting (or revising) one catalog section."""
    lang = facts.language
    s = spec(key)
    payload = {
        "task": "section",
        "section": {"key": key, "title": s.title(lang), "kind": s.kind},
        **base_payload(facts),
        "facts": _fact_payload(facts, key),
        "other_sections": [spec(k).title(lang) for k in keys if k != key],
    }
    revision_text = ""
    if revision:
        payload["previous"] = revision.get("previous")
        critique = "\n".join(f"- {c}" for c in revision.get("critique") or []) or "-"
        revision_text = prompts.load("revision", lang).format(
            critique=critique, instruction=revision.get("instruction") or "-")
    human = prompts.load("section", lang).format(
        title=s.title(lang), guidance=prompts.load(f"sections/{key}", lang).text.strip(),
        revision=revision_text, data=prompts.data_block(payload))
    return [system_message(facts), Message("human", human)]


def opening_messages(facts: Facts, keys: list[str], goal_metrics: list[str]) -> list[Message]:
    """Messages for the opening paragraph."""
    lang = facts.language
    payload = {
        "task": "opening",
        **base_payload(facts),
        "sections": [{"key": k, "title": spec(k).title(lang)} for k in keys],
        "goal_metrics": goal_metrics,
    }
    return [system_message(facts), Message("human", prompts.load("opening", lang).format(
        data=prompts.data_block(payload)))]


def summary_messages(facts: Facts, digests: list[dict[str, Any]], goal_metrics: list[str],
                     open_questions: list[str]) -> list[Message]:
    """Messages for 总结与展望, drafted after the sections it summarises."""
    lang = facts.language
    payload = {
        "task": "summary",
        **base_payload(facts),
        "facts": _fact_payload(facts, "summary"),
        "section_digests": digests,
        "goal_metrics": goal_metrics,
        "open_questions": open_questions,
    }
    return [system_message(facts), Message("human", prompts.load("summary", lang).format(
        data=prompts.data_block(payload)))]


def section_schema(key: str) -> type[BaseModel]:
    """The Pydantic model a section chain returns."""
    return CONTENT_MODELS[spec(key).kind]


__all__ = ["CallContext", "ChainResult", "Recorder", "StructuredChain", "opening_messages", "section_messages",
           "section_schema", "summary_messages"]
