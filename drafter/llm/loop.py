"""The one structured loop every model goes through: cache, mode fallback, bounded re-asks, truncation, refusal,
budget, recording and logging — and each request's place under the adaptive limit, its retries and its accounting."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from drafter.errors import DrafterError, ModelError
from drafter.llm import prompts
from drafter.llm.cassettes import Cassette, CassetteStore, cassette_key
from drafter.llm.prompts import ChatPrompt, Message
from drafter.llm.protocol import JSON_OBJECT, NATIVE, Model, ModelRequest, ModelResponse, TokenUsage
from drafter.llm.transport import AdaptiveLimit, CallStats, Failure, RequestFailed
from drafter.secrets import error_text
from drafter.settings import (
    DEFAULT_CONCURRENCY,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_TOKENS,
    DEFAULT_MODEL,
    DEFAULT_STRUCTURED_OUTPUT,
)

T = TypeVar("T", bound=BaseModel)
MAX_REASKS = 2
MAX_QUEUED_RETRIES = 3  # retries of a request that failed because the server queued it (each lowers the limit)
AUTO_ORDER = ("json_schema", "tools", JSON_OBJECT, "json_mode")
# A check of a parsed answer beyond its schema (e.g. "the section is empty"): an error text, or None when fine.
ContentCheck = Callable[[BaseModel], str | None]


class BudgetExceeded(DrafterError):
    """The --budget-tokens limit is spent; what is done is kept."""


@dataclass
class Budget:
    """A token budget shared by every call of a run (None = unlimited)."""

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
    cached_input_tokens: int = 0


@dataclass
class CallContext:
    """What the calls of one run share: endpoint identity, mode choice, cache, budget, recorder, logging."""

    model_name: str = DEFAULT_MODEL
    base_url: str | None = None
    structured_output: str = DEFAULT_STRUCTURED_OUTPUT
    cache: CassetteStore | None = None
    recorder: CassetteStore | None = None
    budget: Budget = field(default_factory=Budget)
    log: Callable[[str], None] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    working_mode: str | None = None  # the mode that worked, so `auto` probes once per run, not once per call
    rejected: set[str] = field(default_factory=set)  # modes the endpoint said it does not support
    max_retries: int = DEFAULT_MAX_RETRIES  # per request, on 429/5xx/timeouts/connection errors
    limiter: AdaptiveLimit = field(default_factory=lambda: AdaptiveLimit(DEFAULT_CONCURRENCY))
    stats: CallStats = field(default_factory=CallStats)
    retry_delay: float = 0.5  # first backoff in seconds (doubles, at most 8 s), unless the server says how long

    def say(self, text: str) -> None:
        """Log one line (with --verbose)."""
        if self.log is not None:
            self.log(text)


def modes_for(model: Model, context: CallContext) -> tuple[str, ...]:
    """The structured-output modes to try, in order."""
    if NATIVE in model.modes:
        return (NATIVE,)
    wanted = context.structured_output
    if wanted != "auto":
        return (wanted,)
    if context.working_mode:
        return (context.working_mode,)
    modes = tuple(m for m in AUTO_ORDER if m in model.modes)
    return tuple(m for m in modes if m not in context.rejected) or modes[-1:]


async def run_structured(model: Model, prompt: ChatPrompt, schema: type[T], context: CallContext,
                         on_token: Callable[[int], None] | None = None,
                         check: ContentCheck | None = None) -> ChainResult[T]:
    """Serve from the cache, else ask the model (falling back across modes in `auto`), then record.

    `on_token` hears the tokens received so far while an answer streams; `check` can refuse a valid answer (it is
    then re-asked like invalid output)."""
    unsupported: Callable[[BaseException], bool] | None = getattr(model, "unsupported_mode", None)
    request = ModelRequest(prompt, schema, params=dict(context.params), on_token=on_token)
    name = schema.__name__
    key = cassette_key(context.model_name, context.base_url, request) if context.cache is not None else ""
    if context.cache is not None:
        hit = context.cache.get(key)
        if hit is not None and hit.schema == name:
            context.say(f"cache hit {name}")
            value = schema.model_validate(hit.response)
            _record(context, request, value, TokenUsage(hit.input_tokens, hit.output_tokens), hit.provenance)
            return ChainResult(value, cached=True)
    modes = modes_for(model, context)
    result: ChainResult[T] | None = None
    provenance: dict[str, Any] = {}
    for i, mode in enumerate(modes):
        try:
            result, provenance = await _attempts(model, dataclasses.replace(request, mode=mode), context, check)
        except Exception as exc:
            cause = exc.__cause__ if isinstance(exc, RequestFailed) and exc.__cause__ is not None else exc
            if unsupported is not None and unsupported(cause) and context.structured_output == "auto":
                context.rejected.add(mode)
                if i + 1 < len(modes):
                    context.say(f"{mode} not supported by this endpoint; trying {modes[i + 1]}")
                    continue
            raise
        if mode != NATIVE and context.structured_output == "auto":
            context.working_mode = mode
        break
    assert result is not None
    usage = TokenUsage(result.input_tokens, result.output_tokens)
    if context.cache is not None:
        context.cache.put(_cassette(context, key, request, result.value, usage, provenance))
    _record(context, request, result.value, usage, provenance)
    return result


def _cassette(context: CallContext, key: str, request: ModelRequest, value: BaseModel, usage: TokenUsage,
              provenance: dict[str, Any] | None) -> Cassette:
    return Cassette(key=key, model=context.model_name, schema=request.schema.__name__,
                    response=value.model_dump(mode="json"), input_tokens=usage.input, output_tokens=usage.output,
                    base_url=context.base_url, prompt_version=request.prompt.version, provenance=dict(provenance or {}))


def _record(context: CallContext, request: ModelRequest, value: BaseModel, usage: TokenUsage,
            provenance: dict[str, Any] | None) -> None:
    """Keep the answer as a portable cassette (keyed without the base URL) — also on cache hits."""
    if context.recorder is not None:
        key = cassette_key(context.model_name, None, request)
        context.recorder.put(_cassette(context, key, request, value, usage, provenance))


async def send(model: Model, request: ModelRequest, context: CallContext) -> ModelResponse:
    """One answer: wait for a place under the limit, send, count; retry what a retry can fix.

    Transient failures (429, 5xx, timeouts, connection errors) are retried `max_retries` times with backoff. A
    request that failed because the server queued it (timed out before its first token while others were in
    flight, or had its stream cut short) lowers the limit and waits for a place again, at most
    MAX_QUEUED_RETRIES times. Mode rejections and other failures are not retried."""
    classify: Callable[[BaseException], Failure | None] | None = getattr(model, "classify_failure", None)
    transient_left, queued_left, attempt = context.max_retries, MAX_QUEUED_RETRIES, 0
    while True:
        async with context.limiter.slot() as slot:
            def heard(n: int) -> None:
                slot.token(n)
                if request.on_token is not None:
                    request.on_token(slot.tokens)

            context.budget.check()  # again: the budget may have been spent while this request waited
            context.stats.requests += 1
            try:
                return await model.respond(dataclasses.replace(request, on_token=heard))
            except Exception as exc:
                failure = classify(exc) if classify is not None else None
                known = failure is not None  # else not a request failure the model knows (a fake's error, a bug)
                if failure is None:
                    failure = Failure("fatal", type(exc).__name__, error_text(exc, 600),
                                      base_url=context.base_url)
                queued = failure.kind == "queued" or (failure.timeout and slot.tokens == 0)
                lowered = context.limiter.lower() if queued else None
                if lowered is not None:
                    failure = dataclasses.replace(failure, kind="queued")
                    context.stats.lowered_to = lowered
                elif failure.kind == "queued":  # alone in flight (or already at the floor): a plain retry
                    failure = dataclasses.replace(failure, kind="transient")
                failure = dataclasses.replace(failure, mode=request.mode)
                context.stats.failure(failure)
                context.say(f"request failed [{request.schema.__name__}, {request.mode}]: {failure.describe()}")
                error = exc
        if failure.kind == "queued" and lowered is not None and queued_left > 0:
            queued_left -= 1
            context.stats.retried += 1
            context.say(f"the server queues requests: at most {lowered} in flight from now on; retrying")
            continue
        if failure.kind in ("transient", "queued") and transient_left > 0:
            transient_left -= 1
            context.stats.retried += 1
            delay = failure.retry_after if failure.retry_after is not None else context.retry_delay * 2 ** attempt
            attempt += 1
            delay = min(delay, 30.0 if failure.retry_after is not None else 8.0)
            context.say(f"retrying in {delay:.1f} s")
            await asyncio.sleep(delay)
            continue
        if not known:
            raise error
        raise RequestFailed(failure) from error


async def _attempts(model: Model, request: ModelRequest, context: CallContext, check: ContentCheck | None = None
                    ) -> tuple[ChainResult[Any], dict[str, Any]]:
    """Re-ask at most twice on invalid output; retry a truncated answer once with more room."""
    schema = request.schema
    calls = reasks = 0
    usage = TokenUsage()
    max_tokens: int | None = context.params.get("max_tokens") if request.mode != NATIVE else None
    truncated_once = False
    last_error = ""
    while reasks <= MAX_REASKS:
        context.budget.check()
        response: ModelResponse = await send(model, dataclasses.replace(request, max_tokens=max_tokens), context)
        calls += 1
        usage = usage + response.usage
        context.budget.used += response.usage.input + response.usage.output
        if response.refusal:
            raise _spent(ModelError(f"the model refused: {response.refusal[:300]}"), calls, usage)
        if response.finish_reason == "length":
            if truncated_once:
                raise _spent(ModelError("the answer was truncated twice (finish_reason=length), even with "
                                        f"max_tokens={max_tokens}"), calls, usage)
            truncated_once = True
            max_tokens = 2 * (max_tokens or DEFAULT_MAX_TOKENS)
            context.say(f"answer truncated; retrying once with max_tokens={max_tokens}")
            continue
        error = response.parsing_error
        if error is None and response.parsed is None:
            error = "the answer contained no structured output"
        if error is None:
            try:
                value = _validate(schema, response.parsed)
            except ValidationError as exc:
                error = str(exc)[:1500]
            else:
                error = check(value) if check is not None else None
            if error is None:
                context.say(f"{schema.__name__} [{request.mode}]: {calls} call(s), {usage.input}+{usage.output} "
                            "tokens" + (f" ({usage.cached_input} cached)" if usage.cached_input else ""))
                return ChainResult(value, calls, usage.input, usage.output, reasks, False,
                                   usage.cached_input), response.provenance
        last_error = error
        context.say(f"invalid output ({last_error[:120]}); re-asking")
        reask = Message("human", prompts.load("reask", request.prompt.lang).format(
            error=prompts.DELIMITER_LIKE.sub("＜", last_error)))  # the error quotes the model's answer
        request = dataclasses.replace(request, extra=(*request.extra, reask))
        reasks += 1
    raise _spent(ModelError(f"the model gave invalid output {MAX_REASKS + 1} times: {last_error[:500]}"), calls, usage)


def _spent(error: ModelError, calls: int, usage: TokenUsage) -> ModelError:
    """Keep what a failed chain cost on its error (`spent` = calls, usage), so the ledger can count it."""
    error.spent = (calls, usage)  # type: ignore[attr-defined]
    return error


def _validate(schema: type[T], parsed: Any) -> T:
    if isinstance(parsed, schema):
        return parsed
    if isinstance(parsed, BaseModel):
        parsed = parsed.model_dump(mode="json")
    return schema.model_validate(parsed)

