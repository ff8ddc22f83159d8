"""LangChain chat-model fakes shipped with the package: the mocked model (record/replay) and its base."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import ConfigDict

from drafter.errors import ModelError
from drafter.llm import offline
from drafter.llm.prompts import extract_data
from drafter.llm.registry import _digest, estimate_tokens, recordings_dir, request_key


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


class Recorder:
    """Stores each successful structured answer under `directory/<key>.json` for later replay (no secrets)."""

    def __init__(self, model: str, directory: Path | None = None) -> None:
        self.model = model
        self.directory = directory or recordings_dir()
        self.saved = 0

    def __call__(self, messages: Sequence[Any], tool: dict[str, Any], value: Any) -> None:
        key = request_key(self.model, messages, tool)
        self.directory.mkdir(parents=True, exist_ok=True)
        record = {"model": self.model, "schema": tool["function"]["name"],
                  "response": value.model_dump(mode="json")}
        (self.directory / f"{key}.json").write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n",
                                                   encoding="utf-8")
        self.saved += 1
