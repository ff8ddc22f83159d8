"""The openai path end to end over HTTP, mocked with respx: request shape, parsing, usage, no leaked key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from drafter.facts import load_facts
from drafter.models import ModelSettings
from drafter.offline import draft
from drafter.pipeline import write_overview
from drafter.prompts import extract_data
from drafter.render.markdown import render

BASE = "https://llm.example.test/v1"
CANARY = "sk-canary-DO-NOT-LEAK-1234567890"


def completion(name: str, args: dict[str, Any], finish: str = "tool_calls", usage: tuple[int, int] = (120, 80)
               ) -> dict[str, Any]:
    """A chat.completions response carrying one tool call."""
    return {
        "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": "test-model",
        "choices": [{"index": 0, "finish_reason": finish, "message": {
            "role": "assistant", "content": None,
            "tool_calls": [{"id": "call_1", "type": "function",
                            "function": {"name": name, "arguments": json.dumps(args, ensure_ascii=False)}}]}}],
        "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)},
    }


class FakeServer:
    """Answers each request like a model would: the offline drafter's content for the requested schema."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.headers: list[httpx.Headers] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.requests.append(body)
        self.headers.append(request.headers)
        name = body["tools"][0]["function"]["name"]
        payload = extract_data(body["messages"][-1]["content"])
        assert payload is not None
        return httpx.Response(200, json=completion(name, draft(payload, name)))


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("OPENAI_API_KEY", CANARY)
    fake = FakeServer()
    with respx.mock(assert_all_called=True) as router:
        router.post(f"{BASE}/chat/completions").mock(side_effect=fake)
        yield fake


def test_structured_request_parsed_and_usage_recorded(server: FakeServer, coffee: Path) -> None:
    facts = load_facts(coffee)
    settings = ModelSettings("openai:test-model", base_url=BASE, max_retries=0)
    overview = write_overview(facts, settings)
    assert len(server.requests) == len(overview.sections) + 1
    first = server.requests[0]
    assert first["model"] == "test-model"
    tool = first["tools"][0]["function"]
    assert tool["name"] in {"ProseSection", "GoalsSection", "RisksSection"}
    assert "paragraphs" in tool["parameters"]["properties"], "the schema is sent with the request"
    assert first["tool_choice"]["function"]["name"] == tool["name"]
    assert first["messages"][0]["role"] == "system" and "<data>" in first["messages"][-1]["content"]
    assert server.headers[0]["authorization"] == f"Bearer {CANARY}"
    assert all(s.state == "ok" for s in overview.sections)
    assert overview.usage.calls == len(server.requests)
    assert overview.usage.tokens == 200 * len(server.requests)
    assert overview.usage.estimated is False
    assert "华东地区42家门店" in render(overview) or "42" in render(overview)


def test_canary_key_is_never_written(server: FakeServer, coffee: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from drafter.cli import app

    result = CliRunner().invoke(app, ["write", str(coffee), "-o", str(tmp_path / "d"), "-m", "openai:test-model",
                                      "--base-url", BASE])
    assert result.exit_code == 0, result.output
    assert CANARY not in result.output
    for path in (tmp_path / "d").rglob("*"):
        if path.is_file():
            assert CANARY not in path.read_text(encoding="utf-8", errors="replace"), path


def test_missing_key_is_a_clear_error(coffee: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from drafter.cli import app

    result = CliRunner().invoke(app, ["write", str(coffee), "-o", str(tmp_path / "d"), "-m", "openai:gpt-4o-mini"])
    assert result.exit_code == 2
    assert "OPENAI_API_KEY is not set" in result.output
    assert not (tmp_path / "d" / "overview.md").exists()
