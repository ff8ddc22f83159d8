"""Typed chains: prompt files rendered to messages, then the model's structured output parsed into a model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import BaseModel, ValidationError

from drafter import prompts
from drafter.catalog import spec
from drafter.errors import ModelError
from drafter.facts import Facts
from drafter.schema import CONTENT_MODELS, Opening, ProseSection

T = TypeVar("T", bound=BaseModel)
Recorder = Callable[[list[BaseMessage], dict[str, Any], BaseModel], None]
MAX_REASKS = 2
_METHODS = {"json_schema": "json_schema", "tools": "function_calling", "json_mode": "json_mode"}


@dataclass
class ChainResult(Generic[T]):
    """A parsed value and what it cost."""

    value: T
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    reasks: int = 0


@dataclass
class StructuredChain(Generic[T]):
    """messages → model.with_structured_output(schema) → schema instance, re-asking on invalid output."""

    model: BaseChatModel
    schema: type[T]
    lang: str = "zh"
    method: str = "tools"
    recorder: Recorder | None = None
    _runnable: Any = field(default=None, init=False, repr=False)

    def runnable(self) -> Any:
        """The structured-output runnable (raw message kept for usage and re-asks)."""
        if self._runnable is None:
            self._runnable = self.model.with_structured_output(
                self.schema, include_raw=True, method=_METHODS.get(self.method, "function_calling")
            )
        return self._runnable

    async def ainvoke(self, messages: list[BaseMessage]) -> ChainResult[T]:
        """Call the model; on a validation or JSON error re-ask at most twice with the error fed back."""
        result: ChainResult[T] | None = None
        calls = in_tok = out_tok = 0
        attempt_messages = list(messages)
        last_error = ""
        for attempt in range(MAX_REASKS + 1):
            out = await self.runnable().ainvoke(attempt_messages)
            calls += 1
            raw = out.get("raw")
            usage = getattr(raw, "usage_metadata", None) or {}
            in_tok += int(usage.get("input_tokens", 0))
            out_tok += int(usage.get("output_tokens", 0))
            parsed = out.get("parsed")
            error = out.get("parsing_error")
            if parsed is not None and error is None:
                value = parsed if isinstance(parsed, self.schema) else self.schema.model_validate(parsed)
                result = ChainResult(value, calls, in_tok, out_tok, attempt)
                if self.recorder is not None:
                    self.recorder(messages, convert_to_openai_tool(self.schema), value)
                break
            last_error = _describe(error) if error else "the answer contained no structured output"
            reask = prompts.load("reask", self.lang).format(error=last_error)
            attempt_messages = [*messages, HumanMessage(reask)]
        if result is None:
            raise ModelError(f"the model gave invalid output {MAX_REASKS + 1} times: {last_error}")
        return result


def _describe(error: BaseException) -> str:
    cause = error
    while cause.__cause__ is not None and not isinstance(cause, ValidationError):
        cause = cause.__cause__
    text = str(cause)
    return text[:1500]


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


def system_message(facts: Facts) -> SystemMessage:
    """The system prompt with the grounding rules."""
    file = facts.file
    audience = file.audience or ("management" if file.language == "en" else "公司管理层")
    return SystemMessage(prompts.load("system", file.language).format(
        company=file.company, period=file.period, audience=audience))


def section_messages(facts: Facts, key: str, keys: list[str], revision: dict[str, Any] | None = None
                     ) -> list[BaseMessage]:
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
    return [system_message(facts), HumanMessage(human)]


def opening_messages(facts: Facts, keys: list[str], goal_metrics: list[str]) -> list[BaseMessage]:
    """Messages for the opening paragraph."""
    lang = facts.language
    payload = {
        "task": "opening",
        **base_payload(facts),
        "sections": [{"key": k, "title": spec(k).title(lang)} for k in keys],
        "goal_metrics": goal_metrics,
    }
    return [system_message(facts), HumanMessage(prompts.load("opening", lang).format(
        data=prompts.data_block(payload)))]


def summary_messages(facts: Facts, digests: list[dict[str, Any]], goal_metrics: list[str],
                     open_questions: list[str]) -> list[BaseMessage]:
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
    return [system_message(facts), HumanMessage(prompts.load("summary", lang).format(
        data=prompts.data_block(payload)))]


def section_schema(key: str) -> type[BaseModel]:
    """The Pydantic model a section chain returns."""
    return CONTENT_MODELS[spec(key).kind]


__all__ = ["ChainResult", "StructuredChain", "Opening", "ProseSection", "section_messages", "opening_messages",
           "summary_messages", "section_schema"]
