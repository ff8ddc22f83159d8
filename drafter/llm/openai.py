"""`openai:<name>`: any OpenAI-compatible chat endpoint through langchain-openai (the only module importing it).

The chain is `prompt | model.with_structured_output(schema)`: the prompt files as a `ChatPromptTemplate`, the model's
structured output in the requested mode, with the raw message kept for usage, finish reason and refusals.

Answers stream by default: the timeout then counts silence (no token for `timeout` seconds), not the length of an
answer, so a slow local model is not cut off mid-answer, and each token feeds the request's `on_token` (progress).
The SDK does not retry: the structured loop does, so that every request is counted and a queueing server is
recognised (drafter/llm/transport.py).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from drafter import i18n
from drafter.errors import InputError, ModelError
from drafter.llm.protocol import ALL_API_MODES, JSON_OBJECT, ModelRequest, ModelResponse, TokenUsage, estimate_tokens
from drafter.llm.transport import Failure
from drafter.secrets import redact, remember

if TYPE_CHECKING:
    from drafter.settings import ModelSettings

_METHOD = {"json_schema": "json_schema", "tools": "function_calling", "json_mode": "json_mode",
           JSON_OBJECT: "json_mode"}
# Words of an error about the structured-output request itself, and words that say it is not accepted.
_FORMAT_WORDS = ("response_format", "json_schema", "json_object", "tool_choice", "tools", "tool ", "function",
                 "grammar", "structured output")
_REJECT_WORDS = ("not supported", "unsupported", "not support", "does not support", "input should be",
                 "not implemented", "unknown", "invalid", "not allowed", "extra inputs", "unrecognized",
                 "must be one of", "no such", "cannot", "can't")


class StreamInterrupted(ModelError):  # noqa: N818 - reads as what happened
    """The stream ended without a finish reason: the server cut the answer short (llama.cpp's server does so when
    another request arrives while it streams)."""


class NotAnAnswer(ModelError):  # noqa: N818 - reads as what happened
    """The server answered (often with HTTP 200) but not with a chat completion: an HTML page from a proxy, a
    wrong --base-url, a body that is not JSON, or a stream with no answer in it."""

    def __init__(self, what: str) -> None:
        super().__init__(f"the server's answer is not a chat completion ({what}); is --base-url the API's "
                         "address (ending in /v1), not a web page or a proxy's?")


class OpenAIModel:
    """A chat model behind an OpenAI-compatible API; the key is read when the model is made, and kept only there."""

    modes: tuple[str, ...] = ALL_API_MODES

    def __init__(self, settings: ModelSettings, api_key: str | None = None) -> None:
        import httpx

        from drafter.settings import PROVENANCE_ENV, config_api_key

        self.name = settings.name
        self.base_url = settings.base_url or os.environ.get("OPENAI_BASE_URL") or None
        key = api_key or settings.api_key or os.environ.get("OPENAI_API_KEY") or config_api_key()
        if not key and not self.base_url:
            raise InputError(i18n._(
                "OPENAI_API_KEY is not set. Export it, or point --base-url/OPENAI_BASE_URL at an OpenAI-compatible "
                "server; use --model offline to draft without a model.")
            )
        self._secret = key
        remember(key)
        self.stream = settings.stream
        self.timeout = settings.timeout
        self.first_token_timeout = max(settings.timeout, settings.first_token_timeout)
        self.estimated_usage = False  # becomes True once a server answers without usage (many local ones do)
        self.extra_provenance = _extra_provenance(os.environ.get(PROVENANCE_ENV))
        # The timeout is for silence: connecting, and each read (while streaming: the gap between tokens).
        self._http_timeout = httpx.Timeout(settings.timeout, connect=min(settings.timeout, 30.0))
        self._chat_options: dict[str, Any] = dict(
            model=settings.name.split(":", 1)[1],
            api_key=key or "not-needed",  # local servers (Ollama, vLLM, llama.cpp) accept any key
            base_url=self.base_url,
            timeout=self._http_timeout,
            max_retries=0,  # the structured loop retries, counts and adapts (see drafter/llm/transport.py)
            temperature=settings.temperature,
            max_tokens=settings.max_tokens,
            streaming=settings.stream,
            stream_usage=settings.stream,
            stream_chunk_timeout=None,  # drafter's own watch (_Watch) tells the first token from the later ones
        )
        self.chat = _chat_class()(**self._chat_options)

    def unsupported_mode(self, exc: BaseException) -> bool:
        """Whether `exc` says this endpoint does not support the structured-output mode (so `auto` moves on)."""
        return unsupported_mode(exc)

    def classify_failure(self, exc: BaseException) -> Failure | None:
        """What a failed request means, redacted (None: not a request failure, e.g. a bug)."""
        return classify(exc, self.base_url, self._secret)

    async def aclose(self) -> None:
        """Close the HTTP clients (the SDK keeps connections open until then)."""
        for name in ("root_async_client", "root_client"):
            client = getattr(self.chat, name, None)
            close = getattr(client, "close", None)
            if close is not None:
                result = close()
                if hasattr(result, "__await__"):
                    await result

    async def respond(self, request: ModelRequest) -> ModelResponse:
        """Send the prompt, asking for the schema in the request's mode, and parse the answer."""
        import httpx

        # One HTTP client per request, closed before the request's event loop ends (a shared one would be closed
        # by garbage collection after `asyncio.run` returned, on a loop that no longer runs).
        async with httpx.AsyncClient(timeout=self._http_timeout) as client:
            return await self._respond(request, client)

    async def _respond(self, request: ModelRequest, client: Any) -> ModelResponse:
        from langchain_core.callbacks import AsyncCallbackHandler
        from langchain_core.messages import HumanMessage, SystemMessage

        options = {**self._chat_options, "http_async_client": client}
        if request.max_tokens is not None:
            options["max_tokens"] = request.max_tokens
        chat: Any = _chat_class()(**options)
        extra: list[Any] = [HumanMessage(m.content) if m.role == "human" else SystemMessage(m.content)
                            for m in request.extra]
        if request.mode in ("json_mode", JSON_OBJECT):  # say the schema in the prompt too
            schema = json.dumps(request.schema.model_json_schema(), ensure_ascii=False)
            extra.append(SystemMessage(f"Reply with one JSON object that matches this JSON Schema:\n{schema}"))
        watch = _Watch(self.timeout, self.first_token_timeout)

        class _Tokens(AsyncCallbackHandler):
            async def on_llm_new_token(self, token: Any, **kwargs: Any) -> None:
                watch.heard()
                if request.on_token is not None:
                    request.on_token(1)

        variables = {**request.prompt.variables, "extra": extra}
        config: Any = {"callbacks": [_Tokens()]} if self.stream else None
        if request.mode == "tools":
            # The tool call is read here, not by LangChain's tools parser: when a server repeats the function name
            # in every streamed chunk (llama.cpp's does), the merged name no longer matches. One tool is forced.
            bound = chat.bind_tools([request.schema], tool_choice=request.schema.__name__, parallel_tool_calls=False)
        else:
            # The response format goes in the body as is (not through the SDK's parse helpers, which would stream
            # through its beta API and re-serialise the answer): the content is parsed here, then validated.
            bound = chat.bind(extra_body={"response_format": response_format(request)})
        chain = request.prompt.template() | bound
        try:
            message = await (watch.run(chain.ainvoke(variables, config=config)) if self.stream
                             else chain.ainvoke(variables, config=config))
        except json.JSONDecodeError:
            raise NotAnAnswer("its body is not JSON") from None
        except ValueError as exc:
            if "no generations" in str(exc).lower():  # LangChain's word for a stream that held no answer
                raise NotAnAnswer("the stream held no answer") from None
            raise
        chunks = watch.tokens
        out = {"raw": message, **(_parse_tool_call(message) if request.mode == "tools"
                                  else _parse_json(str(message.content or "")))}
        raw = out.get("raw")
        meta = getattr(raw, "response_metadata", None) or {}
        finish = meta.get("finish_reason")
        if self.stream and finish is None:
            raise StreamInterrupted(f"the stream ended after {chunks} chunk(s) without a finish reason")
        usage = getattr(raw, "usage_metadata", None) or {}
        details = usage.get("input_token_details") or {}
        error = out.get("parsing_error")
        refusal = (getattr(raw, "additional_kwargs", None) or {}).get("refusal")
        if refusal is None and error is not None and type(error).__name__ == "OpenAIRefusalError":
            refusal = _describe(error)
        parsed = out.get("parsed") if error is None else None
        raw_text = str(getattr(raw, "content", "") or "")
        tokens = TokenUsage(int(usage.get("input_tokens", 0)), int(usage.get("output_tokens", 0)),
                            int(details.get("cache_read", 0) or 0))
        provenance: dict[str, Any] = {"model": self.name, "served_by": meta.get("model_name"), "mode": request.mode,
                                      "server": self.base_url or "api.openai.com",
                                      "date": datetime.now(UTC).isoformat(timespec="seconds"),
                                      **self.extra_provenance}
        if not tokens.input and not tokens.output:  # the server reported none: count what streamed, estimate input
            self.estimated_usage = True
            tokens = TokenUsage(estimate_tokens("".join(m.content for m in request.messages())),
                                chunks or estimate_tokens(raw_text))
            provenance["usage"] = "estimated"
        return ModelResponse(
            parsed=parsed,
            raw_text=raw_text,
            usage=tokens,
            finish_reason=finish,
            refusal=str(refusal) if refusal else None,
            parsing_error=None if error is None else _describe(error),
            provenance=provenance,
        )


@cache
def _chat_class() -> Any:
    """ChatOpenAI, keeping a refusal that arrives in a streamed delta (LangChain keeps it only when not streaming)."""
    from langchain_openai import ChatOpenAI  # imported here: the offline path never pays for it

    class Chat(ChatOpenAI):
        def _convert_chunk_to_generation_chunk(self, chunk: Any, *args: Any, **kwargs: Any) -> Any:
            generation = super()._convert_chunk_to_generation_chunk(chunk, *args, **kwargs)
            choices = chunk.get("choices") or [] if isinstance(chunk, dict) else []
            refusal = (choices[0].get("delta") or {}).get("refusal") if choices else None
            if generation is not None and refusal:
                generation.message.additional_kwargs["refusal"] = refusal
            return generation

    return Chat


def response_format(request: ModelRequest) -> dict[str, Any]:
    """The `response_format` of a content mode: strict-less json_schema, json_object with its schema, or bare."""
    if request.mode == "json_mode":
        return {"type": "json_object"}
    from langchain_core.utils.function_calling import convert_to_openai_function

    function = convert_to_openai_function(request.schema)
    if request.mode == JSON_OBJECT:
        return {"type": "json_object", "schema": function["parameters"]}
    return {"type": "json_schema", "json_schema": {"name": function["name"], "description": function.get(
        "description", ""), "schema": function["parameters"]}}


class InactivityTimeout(ModelError):
    """No token for the timeout's length while an answer streamed (or none at all within the first-token wait)."""

    def __init__(self, waited: float, tokens: int) -> None:
        self.tokens = tokens
        what = f"no token for {waited:.0f} s after {tokens} token(s)" if tokens else \
            f"no first token within {waited:.0f} s"
        super().__init__(what)


class _Watch:
    """Times a streamed answer by its silences: `timeout` between tokens, `first` for the first one (the prompt is
    processed, or the request waits on a busy server, meanwhile). HTTP reads are timed by httpx as well (`timeout`
    without a byte), so a server that sends nothing at all is given up sooner."""

    def __init__(self, timeout: float, first: float) -> None:
        self.timeout = timeout
        self.first = first
        self.tokens = 0
        self.last = 0.0

    def heard(self) -> None:
        import time

        self.tokens += 1
        self.last = time.monotonic()

    async def run(self, work: Any) -> Any:
        import asyncio
        import time

        task = asyncio.ensure_future(work)
        start = time.monotonic()
        try:
            while True:
                limit, since = (self.timeout, self.last) if self.tokens else (self.first, start)
                left = since + limit - time.monotonic()
                if left <= 0:
                    task.cancel()
                    raise InactivityTimeout(limit, self.tokens)
                done, _ = await asyncio.wait({task}, timeout=left)
                if done:
                    return task.result()
        finally:
            if not task.done():
                task.cancel()


def _parse_tool_call(message: Any) -> dict[str, Any]:
    """`parsed` (the first tool call's arguments) or `parsing_error`."""
    calls = getattr(message, "tool_calls", None) or []
    if calls:
        args = calls[0].get("args")
        if isinstance(args, dict):
            return {"parsed": args, "parsing_error": None}
    invalid = getattr(message, "invalid_tool_calls", None) or []
    if invalid:
        return _parse_json(str(invalid[0].get("args") or ""))
    return {"parsed": None, "parsing_error": ValueError("the answer has no tool call")}


def _parse_json(text: str) -> dict[str, Any]:
    """`parsed` (a dict) or `parsing_error` for a content answer (a fenced ```json block is accepted)."""
    from langchain_core.utils.json import parse_json_markdown

    try:
        value = parse_json_markdown(text)
    except Exception as exc:  # noqa: BLE001 - any parse failure is the model's, and is re-asked
        return {"parsed": None, "parsing_error": ValueError(f"not JSON: {exc}"[:600])}
    if not isinstance(value, dict):
        return {"parsed": None, "parsing_error": ValueError("the answer is JSON but not an object")}
    return {"parsed": value, "parsing_error": None}


def _extra_provenance(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise InputError("DRAFTER_PROVENANCE must be a JSON object, e.g. '{\"weights_sha256\": \"…\"}'.") from None
    if not isinstance(value, dict):
        raise InputError("DRAFTER_PROVENANCE must be a JSON object, e.g. '{\"weights_sha256\": \"…\"}'.")
    return value


def _describe(error: BaseException) -> str:
    from pydantic import ValidationError

    cause = error
    while cause.__cause__ is not None and not isinstance(cause, ValidationError):
        cause = cause.__cause__
    return str(cause)[:1500]


def _error_text(exc: BaseException) -> str:
    """The error's message and, for an HTTP error, the body the server sent (when the message lacks it)."""
    text = str(exc)
    response = getattr(exc, "response", None)
    if response is not None and "Error code:" not in text:
        try:
            body = response.text
        except Exception:  # noqa: BLE001 - a streamed body that was not read
            body = ""
        if body and body not in text:
            text = f"{text} {body}"
    return text


def summarise_error(exc: BaseException) -> str:
    """The server's own message for an HTTP error (`error.message`, `message` or `detail` of a JSON body), else the
    start of what it sent, on one line. A body is never dumped whole: some servers echo the request's headers."""
    body = getattr(exc, "body", None)
    found: Any = None
    if isinstance(body, dict):
        inner = body.get("error")
        found = (inner.get("message") if isinstance(inner, dict) else inner) or body.get("message") \
            or body.get("detail")
    if found is None:
        found = _error_text(exc)
    elif not isinstance(found, str):
        found = json.dumps(found, ensure_ascii=False, default=str)
    text = " ".join(str(found).split())
    if text.lstrip().startswith("<"):  # an HTML page (a proxy's error page): its text says little; name it
        text = "the server sent an HTML page instead of JSON"
    return text[:600]


def unsupported_mode(exc: BaseException) -> bool:
    """An answer that says the structured-output request itself is not accepted, whatever its status code
    (llama.cpp's Python server answers `json_schema` with HTTP 500 "Input should be 'text' or 'json_object'")."""
    status = getattr(exc, "status_code", None)
    if not isinstance(status, int) or status < 400 or status in (401, 403, 408, 429):
        return False
    text = _error_text(exc).lower()
    if "context" in text and ("length" in text or "window" in text):
        return False
    return any(w in text for w in _FORMAT_WORDS) and any(w in text for w in _REJECT_WORDS)


def retry_after(exc: BaseException) -> float | None:
    """Seconds the server asks to wait (Retry-After / retry-after-ms), if it says."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    try:
        if headers.get("retry-after-ms"):
            return float(headers["retry-after-ms"]) / 1000
        if headers.get("retry-after"):
            return float(headers["retry-after"])
    except ValueError:
        return None
    return None


def classify(exc: BaseException, base_url: str | None = None, secret: str | None = None) -> Failure | None:
    """A failed request as a Failure: unsupported mode, queued (stream cut short), transient or fatal."""
    import httpx
    import openai

    status = getattr(exc, "status_code", None)
    status = status if isinstance(status, int) else None
    message = redact(summarise_error(exc), secret)[:600] or "no answer within the timeout"
    name = type(exc).__name__
    if isinstance(exc, StreamInterrupted):
        kind = "queued"
    elif isinstance(exc, NotAnAnswer):
        kind = "transient"
    elif isinstance(exc, InactivityTimeout | TimeoutError | openai.APIConnectionError | httpx.TransportError):
        kind = "transient"
    elif isinstance(exc, openai.APIStatusError) or status is not None:
        if unsupported_mode(exc):
            kind = "unsupported"
        elif status is not None and (status in (408, 409, 429) or status >= 500):
            kind = "transient"
        else:
            kind = "fatal"
    elif type(exc).__module__.split(".")[0] in ("httpx", "httpcore", "openai"):
        kind = "transient"
    else:
        return None
    return Failure(kind=kind, error_type=name, message=message, status=status, base_url=base_url,  # type: ignore[arg-type]
                   timeout=isinstance(exc, InactivityTimeout | TimeoutError | openai.APITimeoutError
                                      | httpx.TimeoutException),
                   retry_after=retry_after(exc))
