"""`openai:<name>`: any OpenAI-compatible chat endpoint through langchain-openai (the only module importing it).

The chain is `prompt | model.with_structured_output(schema)`: the prompt files as a `ChatPromptTemplate`, the model's
structured output in the requested mode, with the raw message kept for usage, finish reason and refusals.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

from drafter.errors import InputError
from drafter.llm.protocol import API_MODES, ModelRequest, ModelResponse, TokenUsage

if TYPE_CHECKING:
    from drafter.settings import ModelSettings

_METHOD = {"json_schema": "json_schema", "tools": "function_calling", "json_mode": "json_mode"}


class OpenAIModel:
    """A chat model behind an OpenAI-compatible API; the key is read when the model is made, and kept only there."""

    modes: tuple[str, ...] = API_MODES
    estimated_usage = False

    def __init__(self, settings: ModelSettings, api_key: str | None = None) -> None:
        from langchain_openai import ChatOpenAI  # imported here: the offline path never pays for it

        from drafter.settings import config_api_key

        self.name = settings.name
        self.base_url = settings.base_url or os.environ.get("OPENAI_BASE_URL") or None
        key = api_key or settings.api_key or os.environ.get("OPENAI_API_KEY") or config_api_key()
        if not key and not self.base_url:
            raise InputError(
                "OPENAI_API_KEY is not set. Export it, or point --base-url/OPENAI_BASE_URL at an OpenAI-compatible "
                "server; use --model offline to draft without a model."
            )
        self.chat = ChatOpenAI(
            model=settings.name.split(":", 1)[1],
            api_key=key or "not-needed",  # local servers (Ollama, vLLM, llama.cpp) accept any key
            base_url=self.base_url,
            timeout=settings.timeout,
            max_retries=settings.max_retries,
            temperature=settings.temperature,
            max_tokens=settings.max_tokens,
        )

    def unsupported_mode(self, exc: BaseException) -> bool:
        """Whether `exc` says this endpoint does not support the structured-output mode (so `auto` moves on)."""
        return unsupported_mode(exc)

    async def respond(self, request: ModelRequest) -> ModelResponse:
        """Run `prompt | model.with_structured_output(schema)` in the request's mode."""
        from langchain_core.messages import HumanMessage, SystemMessage

        chat: Any = self.chat
        if request.max_tokens is not None:
            chat = chat.model_copy(update={"max_tokens": request.max_tokens})
        structured = chat.with_structured_output(request.schema, include_raw=True, method=_METHOD[request.mode])
        extra: list[Any] = [HumanMessage(m.content) if m.role == "human" else SystemMessage(m.content)
                            for m in request.extra]
        if request.mode == "json_mode":  # the server gets no schema in this mode: say it in the prompt
            schema = json.dumps(request.schema.model_json_schema(), ensure_ascii=False)
            extra.append(SystemMessage(f"Reply with one JSON object that matches this JSON Schema:\n{schema}"))
        chain = request.prompt.template() | structured
        out = await chain.ainvoke({**request.prompt.variables, "extra": extra})
        raw = out.get("raw")
        usage = getattr(raw, "usage_metadata", None) or {}
        details = usage.get("input_token_details") or {}
        meta = getattr(raw, "response_metadata", None) or {}
        error = out.get("parsing_error")
        refusal = (getattr(raw, "additional_kwargs", None) or {}).get("refusal")
        if refusal is None and error is not None and type(error).__name__ == "OpenAIRefusalError":
            refusal = _describe(error)
        parsed = out.get("parsed") if error is None else None
        return ModelResponse(
            parsed=parsed,
            raw_text=str(getattr(raw, "content", "") or ""),
            usage=TokenUsage(int(usage.get("input_tokens", 0)), int(usage.get("output_tokens", 0)),
                             int(details.get("cache_read", 0) or 0)),
            finish_reason=meta.get("finish_reason"),
            refusal=str(refusal) if refusal else None,
            parsing_error=None if error is None else _describe(error),
            provenance={"model": self.name, "served_by": meta.get("model_name"), "mode": request.mode},
        )


def _describe(error: BaseException) -> str:
    from pydantic import ValidationError

    cause = error
    while cause.__cause__ is not None and not isinstance(cause, ValidationError):
        cause = cause.__cause__
    return str(cause)[:1500]


def unsupported_mode(exc: BaseException) -> bool:
    """A 400/422 from the endpoint about the structured-output mode itself (not a network fault)."""
    status = getattr(exc, "status_code", None)
    if status not in (400, 404, 422, 501):
        return False
    text = str(exc).lower()
    return any(w in text for w in ("response_format", "json_schema", "tool", "function", "not supported",
                                   "unsupported", "json_object"))
