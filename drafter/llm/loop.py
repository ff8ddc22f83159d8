"""One structured-output call done right: mode fallback, bounded re-asks, truncation, refusal, cache, budget."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from drafter.errors import DrafterError, ModelError
from drafter.llm import prompts
from drafter.llm.cassettes import ResponseCache, cache_key
from drafter.llm.prompts import Message
from drafter.llm.registry import OfflineModel, estimate_tokens

T = TypeVar("T", bound=BaseModel)
Recorder = Callable[[list[Message], dict[str, Any], BaseModel], None]
MAX_REASKS = 2
DEFAULT_MAX_TOKENS = 4096
_LANGCHAIN_METHOD = {"json_schema": "json_schema", "tools": "function_calling", "json_mode": "json_mode"}
AUTO_ORDER = ("json_schema", "tools", "json_mode")


class BudgetExceeded(DrafterError):
    """The --budget-tokens limit is spent; what is done is kept."""


@dataclass
class Budget:
    """A token budget shared by every chain of a run (None = unlimited)."""

    limit: int | None = None
    used: int = 0

    def check(self) -> None:
        """Refuse to start another call once the budget is spent."""
        if self.limit is not None and self.used >= self.limit:
            raise BudgetExceeded(f"token budget of {self.limit} spent ({self.used} used); "
                                 "rerun with --resume and a larger --budget-tokens")


@dataclass
class ChainResult(Generic[T]):
    """A parsed value and what it cost."""

    value: T
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    reasks: int = 0
    cached: bool = False


@dataclass
class CallContext:
    """What a run shares between chains: identity of the endpoint, cache, budget, recorder, logging."""

    model_name: str = "offline"
    base_url: str | None = None
    structured_output: str = "tools"
    cache: ResponseCache | None = None
    budget: Budget = field(default_factory=Budget)
    recorder: Recorder | None = None
    log: Callable[[str], None] | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class StructuredChain(Generic[T]):
    """messages → model.with_structured_output(schema) → schema instance."""

    model: Any  # OfflineModel, or a LangChain BaseChatModel (mock, openai)
    schema: type[T]
    lang: str = "zh"
    context: CallContext = field(default_factory=CallContext)

    # The mode that worked per endpoint, so `auto` probes once per run, not once per call.
    working_mode: ClassVar[dict[tuple[str, str], str]] = {}

    def _modes(self) -> tuple[str, ...]:
        mode = self.context.structured_output
        if mode != "auto":
            return (mode,)
        known = self.working_mode.get((self.context.model_name, self.context.base_url or ""))
        return (known,) if known else AUTO_ORDER

    def _runnable(self, mode: str, max_tokens: int | None) -> Any:
        model: Any = self.model
        if max_tokens is not None and "max_tokens" in type(model).model_fields:
            model = model.model_copy(update={"max_tokens": max_tokens})
        return model.with_structured_output(self.schema, include_raw=True, method=_LANGCHAIN_METHOD[mode])

    def _messages(self, messages: list[Message], mode: str) -> list[Any]:
        """LangChain messages; json_mode adds the schema as a system note (the server does not get it otherwise)."""
        from langchain_core.messages import HumanMessage, SystemMessage

        converted: list[Any] = [SystemMessage(m.content) if m.role == "system" else HumanMessage(m.content)
                                for m in messages]
        if mode != "json_mode":
            return converted
        schema = json.dumps(self.schema.model_json_schema(), ensure_ascii=False)
        note = SystemMessage(f"Reply with one JSON object that matches this JSON Schema:\n{schema}")
        return [converted[0], note, *converted[1:]]

    def _offline(self, messages: list[Message]) -> ChainResult[T]:
        """The offline drafter: no LangChain, no network; output is valid by construction."""
        args = self.model.answer(messages, self.schema.__name__)
        try:
            value = self.schema.model_validate(args)
        except ValidationError as exc:  # a bug in the offline drafter, not the user's input
            raise ModelError(f"offline drafter produced an invalid {self.schema.__name__}: {exc}") from None
        in_tok = estimate_tokens("".join(m.content for m in messages))
        out_tok = estimate_tokens(json.dumps(args, ensure_ascii=False))
        self.context.budget.used += in_tok + out_tok
        return ChainResult(value, 1, in_tok, out_tok)

    async def ainvoke(self, messages: list[Message]) -> ChainResult[T]:
        """Serve from cache, else call the model (falling back across modes in `auto`)."""
        if isinstance(self.model, OfflineModel):
            return self._offline(messages)
        from langchain_core.utils.function_calling import convert_to_openai_tool

        tool = convert_to_openai_tool(self.schema)
        ctx = self.context
        key = cache_key(ctx.model_name, ctx.base_url, messages, tool, ctx.params) if ctx.cache else ""
        if ctx.cache is not None:
            hit = ctx.cache.get(key)
            if hit is not None:
                self._log(f"cache hit {self.schema.__name__}")
                return ChainResult(self.schema.model_validate(hit[0]), 0, 0, 0, 0, cached=True)
        modes = self._modes()
        for i, mode in enumerate(modes):
            try:
                result = await self._call(messages, mode)
            except Exception as exc:
                if i + 1 < len(modes) and _unsupported(exc):
                    self._log(f"{mode} not supported by this endpoint; trying {modes[i + 1]}")
                    continue
                raise
            if ctx.structured_output == "auto":
                self.working_mode[(ctx.model_name, ctx.base_url or "")] = mode
            break
        if ctx.cache is not None:
            ctx.cache.put(key, ctx.model_name, self.schema.__name__, result.value.model_dump(mode="json"),
                          result.input_tokens, result.output_tokens)
        if ctx.recorder is not None:
            ctx.recorder(messages, tool, result.value)
        return result

    async def _call(self, messages: list[Message], mode: str) -> ChainResult[T]:
        """Re-ask at most twice on invalid output; retry a truncated answer once with more room."""
        ctx = self.context
        calls = in_tok = out_tok = 0
        attempt_messages = self._messages(messages, mode)
        last_error = ""
        max_tokens: int | None = ctx.params.get("max_tokens")
        truncated_once = False
        attempt = 0
        while attempt <= MAX_REASKS:
            ctx.budget.check()
            out = await self._runnable(mode, max_tokens).ainvoke(attempt_messages)
            calls += 1
            raw = out.get("raw")
            usage = getattr(raw, "usage_metadata", None) or {}
            in_tok += int(usage.get("input_tokens", 0))
            out_tok += int(usage.get("output_tokens", 0))
            ctx.budget.used += int(usage.get("input_tokens", 0)) + int(usage.get("output_tokens", 0))
            meta = getattr(raw, "response_metadata", None) or {}
            refusal = (getattr(raw, "additional_kwargs", None) or {}).get("refusal")
            if refusal:
                raise ModelError(f"the model refused: {str(refusal)[:300]}")
            if meta.get("finish_reason") == "length":
                if truncated_once:
                    raise ModelError("the answer was truncated twice (finish_reason=length), even with "
                                     f"max_tokens={max_tokens}")
                truncated_once = True
                max_tokens = 2 * (max_tokens or DEFAULT_MAX_TOKENS)
                self._log(f"answer truncated; retrying once with max_tokens={max_tokens}")
                continue
            parsed, error = out.get("parsed"), out.get("parsing_error")
            if parsed is not None and error is None:
                value = parsed if isinstance(parsed, self.schema) else self.schema.model_validate(parsed)
                self._log(f"{self.schema.__name__}: {calls} call(s), {in_tok}+{out_tok} tokens")
                return ChainResult(value, calls, in_tok, out_tok, attempt)
            if _is_refusal(error):
                raise ModelError(f"the model refused: {_describe(error)[:300]}")
            last_error = _describe(error) if error else "the answer contained no structured output"
            self._log(f"invalid output ({last_error[:120]}); re-asking")
            attempt_messages = self._messages(
                [*messages, Message("human", prompts.load("reask", self.lang).format(error=last_error))], mode)
            attempt += 1
        raise ModelError(f"the model gave invalid output {MAX_REASKS + 1} times: {last_error[:500]}")

    def _log(self, text: str) -> None:
        if self.context.log is not None:
            self.context.log(text)


def _describe(error: BaseException) -> str:
    cause = error
    while cause.__cause__ is not None and not isinstance(cause, ValidationError):
        cause = cause.__cause__
    return str(cause)[:1500]


def _is_refusal(error: BaseException | None) -> bool:
    return error is not None and type(error).__name__ == "OpenAIRefusalError"


def _unsupported(exc: BaseException) -> bool:
    """A 400/422 from the endpoint about the structured-output mode itself (not a network fault)."""
    status = getattr(exc, "status_code", None)
    if status not in (400, 404, 422, 501):
        return False
    text = str(exc).lower()
    return any(w in text for w in ("response_format", "json_schema", "tool", "function", "not supported",
                                   "unsupported", "json_object"))
