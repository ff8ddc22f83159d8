"""The model seam: `offline` (deterministic drafter), `mock` (record/replay) and `openai:<name>` chat models."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import ConfigDict

from drafter import offline
from drafter.errors import InputError, ModelError
from drafter.prompts import extract_data

if TYPE_CHECKING:
    from collections.abc import Sequence

DEFAULT_MODEL = "offline"
STRUCTURED_MODES = ("auto", "json_schema", "tools", "json_mode")


@dataclass(frozen=True)
class ModelSettings:
    """Which model to use and how to reach it; the API key is not kept here (it is read when used)."""

    name: str = DEFAULT_MODEL
    base_url: str | None = None
    timeout: float = 120.0
    max_retries: int = 2
    structured_output: str = "auto"
    temperature: float = 0.2
    max_tokens: int = 4096

    @property
    def kind(self) -> str:
        """offline, mock or openai."""
        return self.name.split(":", 1)[0]

    @property
    def is_fake(self) -> bool:
        """True for models that never touch the network."""
        return self.kind in ("offline", "mock")


def parse_model_name(name: str | None) -> str:
    """Validate a --model value (default: DRAFTER_MODEL, else offline)."""
    name = (name or os.environ.get("DRAFTER_MODEL") or DEFAULT_MODEL).strip()
    kind, _, rest = name.partition(":")
    if kind in ("offline", "mock") and not rest:
        return name
    if kind == "openai" and rest:
        return name
    raise InputError(
        f"unknown model '{name}': use 'offline', 'mock' or 'openai:<model>' (e.g. openai:gpt-4o-mini, "
        "openai:deepseek-chat with --base-url)."
    )


def estimate_tokens(text: str) -> int:
    """Rough token count for models that report none (about one token per Han character or 4 Latin chars)."""
    han = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    return han + (len(text) - han + 3) // 4


class FakeToolChatModel(BaseChatModel):
    """Base for offline/mock: answers structured-output requests with a tool call, like a real model."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    label: str = "offline"
    latency: float = 0.0

    @property
    def _llm_type(self) -> str:
        return f"drafter-{self.label}"

    def bind_tools(self, tools: Sequence[Any], *, tool_choice: Any = None, **kwargs: Any) -> Any:
        """Bind schemas as tools so `with_structured_output` works through LangChain's own parsers."""
        return self.bind(tools=[convert_to_openai_tool(t) for t in tools], **kwargs)

    def answer(self, messages: list[BaseMessage], tool: dict[str, Any]) -> dict[str, Any]:
        """The tool-call arguments for this request."""
        payload = extract_data(str(messages[-1].content)) or _find_payload(messages)
        if payload is None:
            raise ModelError("the offline drafter found no <data> block in the prompt")
        return offline.draft(payload, tool["function"]["name"])

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: Any = None, **kwargs: Any) -> ChatResult:
        tools = kwargs.get("tools") or []
        if not tools:
            raise ModelError(f"the {self.label} model only answers structured-output requests")
        tool = tools[0]
        args = self.answer(messages, tool)
        prompt_text = "".join(str(m.content) for m in messages)
        out_tokens = estimate_tokens(json.dumps(args, ensure_ascii=False))
        in_tokens = estimate_tokens(prompt_text)
        message = AIMessage(
            content="",
            tool_calls=[{"name": tool["function"]["name"], "args": args, "id": "call_" + _digest(prompt_text)[:12]}],
            usage_metadata={"input_tokens": in_tokens, "output_tokens": out_tokens,
                            "total_tokens": in_tokens + out_tokens},
            response_metadata={"finish_reason": "tool_calls", "model_name": self.label},
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    async def _agenerate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                         run_manager: Any = None, **kwargs: Any) -> ChatResult:
        if self.latency:
            await asyncio.sleep(self.latency)
        return self._generate(messages, stop, None, **kwargs)


def _find_payload(messages: list[BaseMessage]) -> dict[str, Any] | None:
    for m in reversed(messages):
        found = extract_data(str(m.content))
        if found is not None:
            return found
    return None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def request_key(model: str, messages: list[BaseMessage], schema: dict[str, Any]) -> str:
    """Hash of model, prompt and schema: the key of recordings and the cache."""
    blob = json.dumps({"model": model, "messages": [[m.type, str(m.content)] for m in messages], "schema": schema},
                      ensure_ascii=False, sort_keys=True)
    return _digest(blob)[:32]


def recordings_dir() -> Path:
    """Where recordings live: DRAFTER_RECORDINGS, else `evals/recordings` in the working directory."""
    return Path(os.environ.get("DRAFTER_RECORDINGS") or Path("evals") / "recordings")


class MockChatModel(FakeToolChatModel):
    """Replays recorded responses keyed by (model, prompt, schema); a miss falls back to the offline drafter."""

    label: str = "mock"
    replay_as: str = "mock"
    directory: Path | None = None
    strict: bool = False
    hits: int = 0
    misses: int = 0

    def answer(self, messages: list[BaseMessage], tool: dict[str, Any]) -> dict[str, Any]:
        """A recorded answer, else the offline drafter's (or an error under strict replay)."""
        key = request_key(self.replay_as, messages, tool)
        path = (self.directory or recordings_dir()) / f"{key}.json"
        if path.is_file():
            self.hits += 1
            record = json.loads(path.read_text(encoding="utf-8"))
            args: dict[str, Any] = record["response"]
            return args
        self.misses += 1
        if self.strict:
            raise ModelError(f"no recording for this request (key {key}) and --strict replay is on")
        return super().answer(messages, tool)


def make_model(settings: ModelSettings, api_key: str | None = None) -> BaseChatModel:
    """Build the chat model for `settings`; secrets are read here, when used, and never stored."""
    if settings.kind == "offline":
        return FakeToolChatModel(label="offline")
    if settings.kind == "mock":
        latency = float(os.environ.get("DRAFTER_MOCK_LATENCY") or 0)
        return MockChatModel(latency=latency, replay_as=settings.name.partition(":")[2] or "mock")
    return _openai(settings, api_key)


def _openai(settings: ModelSettings, api_key: str | None) -> BaseChatModel:
    from langchain_openai import ChatOpenAI  # imported lazily: the offline path never pays for it

    from drafter.config import config_api_key

    base_url = settings.base_url or os.environ.get("OPENAI_BASE_URL") or None
    key = api_key or os.environ.get("OPENAI_API_KEY") or config_api_key()
    if not key and not base_url:
        raise InputError(
            "OPENAI_API_KEY is not set. Export it, or point --base-url/OPENAI_BASE_URL at an OpenAI-compatible "
            "server; use --model offline to draft without a model."
        )
    return ChatOpenAI(
        model=settings.name.split(":", 1)[1],
        api_key=key or "not-needed",  # local servers (Ollama, vLLM) accept any key
        base_url=base_url,
        timeout=settings.timeout,
        max_retries=settings.max_retries,
        temperature=settings.temperature,
        max_tokens=settings.max_tokens,
    )


class Recorder:
    """Stores each successful structured answer under `directory/<key>.json` for later replay (no secrets)."""

    def __init__(self, model: str, directory: Path | None = None) -> None:
        self.model = model
        self.directory = directory or recordings_dir()
        self.saved = 0

    def __call__(self, messages: list[BaseMessage], tool: dict[str, Any], value: Any) -> None:
        key = request_key(self.model, messages, tool)
        self.directory.mkdir(parents=True, exist_ok=True)
        record = {"model": self.model, "schema": tool["function"]["name"],
                  "response": value.model_dump(mode="json")}
        (self.directory / f"{key}.json").write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n",
                                                   encoding="utf-8")
        self.saved += 1
