"""Typed chains: each task's payload and its prompt files, laid out so every call shares one long prefix.

What every call of a run shares — the system rules, the company context and the full facts data — comes first and is
identical across calls (providers discount a repeated prefix); the task's own instruction and data come last.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pydantic import BaseModel

from drafter.draft.model import CONTENT_MODELS
from drafter.facts.catalog import spec
from drafter.facts.model import Fact, Facts
from drafter.llm import prompts
from drafter.llm.prompts import ChatPrompt

_CONTEXT_KEYS = ("company", "period", "industry", "audience", "language", "strategy")


def fact_payload(fact: Fact) -> dict[str, Any]:
    """One fact as prompt data."""
    item: dict[str, Any] = {"id": fact.id, "text": fact.text, "source": fact.source, "section": fact.section}
    if fact.goal is not None:
        item["goal"] = fact.goal.model_dump(exclude_none=True)
    return item


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


def context_block(facts: Facts) -> str:
    """The shared data: company context and every fact, rendered identically for every call of a run."""
    return prompts.data_block({**base_payload(facts), "facts": [fact_payload(f) for f in facts.items]})


def _prompt(facts: Facts, human: str, payload: dict[str, Any], **variables: str) -> ChatPrompt:
    """System (rules + shared context) then the task; the task's data lists fact ids, not the facts again."""
    file = facts.file
    lang = file.language
    audience = file.audience or ("management" if lang == "en" else "公司管理层")
    task = {k: v for k, v in payload.items() if k not in _CONTEXT_KEYS}
    if "facts" in task:
        task["facts"] = [f["id"] for f in task["facts"]]
    return ChatPrompt(
        parts=(("system", "system"), ("human", human)), lang=lang, payload=payload,
        variables={"company": prompts.prompt_text(file.company), "period": prompts.prompt_text(file.period),
                   "audience": prompts.prompt_text(audience),
                   "context": context_block(facts), "data": prompts.data_block(task), **variables})


def payload_from_blocks(context: dict[str, Any], task: dict[str, Any]) -> dict[str, Any]:
    """The typed payload again from a prompt's two data blocks (for stub servers that answer like a model)."""
    by_id = {f["id"]: f for f in context.get("facts", []) if isinstance(f, dict)}
    payload = {**{k: v for k, v in context.items() if k != "facts"}, **task}
    if by_id and "facts" in task:
        payload["facts"] = [by_id[i] for i in task["facts"] if i in by_id]
    return payload


def section_prompt(facts: Facts, key: str, keys: list[str], revision: dict[str, Any] | None = None) -> ChatPrompt:
    """The prompt for drafting (or revising) one catalog section."""
    lang = facts.language
    s = spec(key)
    payload = {
        "task": "section",
        "section": {"key": key, "title": s.title(lang), "kind": s.kind},
        **base_payload(facts),
        "facts": [fact_payload(f) for f in facts.for_section(key)],
        "other_sections": [spec(k).title(lang) for k in keys if k != key],
    }
    revision_text = ""
    if revision:
        payload["previous"] = revision.get("previous")
        revision_text = prompts.load("revision", lang).format(**_revision_variables(revision))
    return _prompt(facts, "section", payload, title=s.title(lang),
                   guidance=prompts.load(f"sections/{key}", lang).text.strip(), revision=revision_text)


def _revision_variables(revision: dict[str, Any]) -> dict[str, str]:
    """The critique and the user's instruction of a revision, as the `revision` prompt file's variables."""
    # Findings quote the draft and the facts; each is one line of the list, with no delimiter in it.
    critique = "\n".join(f"- {prompts.prompt_text(c)}" for c in revision.get("critique") or []) or "-"
    return {"critique": critique, "instruction": prompts.prompt_text(revision.get("instruction") or "") or "-"}


def opening_prompt(facts: Facts, keys: list[str], goal_metrics: list[str]) -> ChatPrompt:
    """The prompt for the opening paragraph."""
    lang = facts.language
    payload = {
        "task": "opening",
        **base_payload(facts),
        "sections": [{"key": k, "title": spec(k).title(lang)} for k in keys],
        "goal_metrics": goal_metrics,
    }
    return _prompt(facts, "opening", payload)


def summary_prompt(facts: Facts, digests: list[dict[str, Any]], goal_metrics: list[str],
                   open_questions: list[str], revision: dict[str, Any] | None = None) -> ChatPrompt:
    """The prompt for 总结与展望, drafted after the sections it summarises.

    A revision (previous version, critique, the user's instruction) adds the `revision` prompt file after the task;
    without one the prompt is the drafting prompt, unchanged."""
    payload = {
        "task": "summary",
        **base_payload(facts),
        "facts": [fact_payload(f) for f in facts.for_section("summary")],
        "section_digests": digests,
        "goal_metrics": goal_metrics,
        "open_questions": open_questions,
    }
    if not revision:
        return _prompt(facts, "summary", payload)
    payload["previous"] = revision.get("previous")
    prompt = _prompt(facts, "summary", payload, **_revision_variables(revision))
    return replace(prompt, parts=(*prompt.parts, ("human", "revision")))


def section_schema(key: str) -> type[BaseModel]:
    """The Pydantic model a section chain returns."""
    return CONTENT_MODELS[spec(key).kind]
