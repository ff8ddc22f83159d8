"""The model seam: `offline` (deterministic drafter), `mock` (record/replay) and `openai:<name>` chat models."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drafter.errors import InputError, ModelError
from drafter.llm import offline
from drafter.llm.prompts import extract_data

if TYPE_CHECKING:
    from collections.abc import Sequence

    from langchain_core.language_models.chat_models import BaseChatModel

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
    api_key: str | None = field(default=None, repr=False, compare=False)  # from --api-key; never serialised

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


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def request_key(model: str, messages: Sequence[Any], schema: dict[str, Any]) -> str:
    """Hash of model, prompt and schema: the key of recordings and the cache."""
    blob = json.dumps({"model": model, "messages": [[m.type, str(m.content)] for m in messages], "schema": schema},
                      ensure_ascii=False, sort_keys=True)
    return _digest(blob)[:32]


def recordings_dir() -> Path:
    """Where recordings live: DRAFTER_RECORDINGS, else `evals/recordings` in the working directory."""
    return Path(os.environ.get("DRAFTER_RECORDINGS") or Path("evals") / "recordings")


class OfflineModel:
    """The deterministic offline drafter behind the model seam, without LangChain (fast start, no network)."""

    label = "offline"

    def answer(self, messages: Sequence[Any], schema_name: str) -> dict[str, Any]:
        """Structured-output arguments for `schema_name`, drafted from the prompt's <data> block."""
        payload = next((p for p in (extract_data(str(m.content)) for m in reversed(messages)) if p), None)
        if payload is None:
            raise ModelError("the offline drafter found no <data> block in the prompt")
        return offline.draft(payload, schema_name)


def make_model(settings: ModelSettings, api_key: str | None = None) -> OfflineModel | BaseChatModel:
    """Build the model for `settings`; secrets are read here, when used, and never stored."""
    if settings.kind == "offline":
        return OfflineModel()
    if settings.kind == "mock":
        from drafter.llm.fakes import MockChatModel

        latency = float(os.environ.get("DRAFTER_MOCK_LATENCY") or 0)
        return MockChatModel(latency=latency, replay_as=settings.name.partition(":")[2] or "mock")
    return _openai(settings, api_key)


def _openai(settings: ModelSettings, api_key: str | None) -> BaseChatModel:
    from langchain_openai import ChatOpenAI  # imported lazily: the offline path never pays for it

    from drafter.settings import config_api_key

    base_url = settings.base_url or os.environ.get("OPENAI_BASE_URL") or None
    key = api_key or settings.api_key or os.environ.get("OPENAI_API_KEY") or config_api_key()
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


def __getattr__(name: str) -> Any:
    """LangChain-based fakes load on first use, so the offline path never imports LangChain."""
    if name in ("FakeToolChatModel", "MockChatModel", "Recorder"):
        from drafter.llm import fakes

        return getattr(fakes, name)
    raise AttributeError(name)
