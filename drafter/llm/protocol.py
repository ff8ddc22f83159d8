"""The model seam: one structured request in, one response out, for every kind of model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from pydantic import BaseModel

if TYPE_CHECKING:
    from drafter.llm.prompts import ChatPrompt, Message

# Structured-output modes: how a model is asked for the schema. `native` = the model returns the object itself.
NATIVE = "native"
API_MODES = ("json_schema", "tools", "json_mode")
# `json_object` = response_format {"type": "json_object", "schema": …}: the form llama.cpp servers constrain to.
JSON_OBJECT = "json_object"
ALL_API_MODES = ("json_schema", "tools", JSON_OBJECT, "json_mode")


@dataclass(frozen=True)
class ModelRequest:
    """One structured call: the typed payload and rendered prompt, the output schema and how to ask for it."""

    prompt: ChatPrompt
    schema: type[BaseModel]
    mode: str = NATIVE
    extra: tuple[Message, ...] = ()  # re-ask messages appended after the prompt
    max_tokens: int | None = None
    params: dict[str, Any] = field(default_factory=dict)  # sampling parameters of the run (temperature, …)
    # Called with the number of tokens received so far while an answer streams (not part of any cassette key).
    on_token: Callable[[int], None] | None = field(default=None, compare=False, repr=False)

    @property
    def payload(self) -> dict[str, Any]:
        """The typed task data the prompt was rendered from."""
        return self.prompt.payload

    def messages(self) -> list[Message]:
        """Every message this request sends, in order."""
        return [*self.prompt.messages(), *self.extra]


@dataclass
class TokenUsage:
    """Tokens of one call; `cached_input` is the part of the prompt the provider served from its prefix cache."""

    input: int = 0
    output: int = 0
    cached_input: int = 0

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(self.input + other.input, self.output + other.output, self.cached_input + other.cached_input)


@dataclass
class ModelResponse:
    """What a model answered: the parsed object (or why there is none), the raw text, usage and provenance."""

    parsed: BaseModel | dict[str, Any] | None
    raw_text: str = ""
    usage: TokenUsage = field(default_factory=TokenUsage)
    finish_reason: str | None = None
    refusal: str | None = None
    parsing_error: str | None = None
    provenance: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Model(Protocol):
    """Anything that answers structured requests: offline, function/test, replay, openai, or a plugin's model."""

    name: str
    modes: tuple[str, ...]  # the structured-output modes it can be asked in, in the order `auto` tries them
    estimated_usage: bool  # True when token counts are estimates (no provider reported them)

    async def respond(self, request: ModelRequest) -> ModelResponse:
        """Answer one request (raise on transport errors; report refusals and truncation in the response)."""
        ...


# A model may also define `unsupported_mode(exc) -> bool`: True when an error says the requested structured-output
# mode is not supported by its endpoint, so that `auto` tries the next mode; and
# `classify_failure(exc) -> drafter.llm.transport.Failure | None`: what a failed request means (unsupported mode,
# queued, transient, fatal), so that the loop falls back, waits, retries or gives up — and says which.


def estimate_tokens(text: str) -> int:
    """Rough token count for models that report none (about one token per Han character or 4 Latin chars)."""
    han = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    return han + (len(text) - han + 3) // 4


def estimated_usage(request: ModelRequest, answer: str) -> TokenUsage:
    """Estimated usage of a request and its answer."""
    return TokenUsage(estimate_tokens("".join(m.content for m in request.messages())), estimate_tokens(answer))
