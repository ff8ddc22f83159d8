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
        self.suffix = ""  # appended to the first paragraph, to make an answer differ from the offline one

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.requests.append(body)
        self.headers.append(request.headers)
        name = body["tools"][0]["function"]["name"]
        payload = extract_data(body["messages"][-1]["content"])
        assert payload is not None
        args = draft(payload, name)
        if self.suffix and "paragraphs" in args:
            args["paragraphs"][0]["text"] += self.suffix
        return httpx.Response(200, json=completion(name, args))


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


def test_revise_through_openai_changes_only_the_target(server: FakeServer, coffee: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from drafter.cli import app

    out = tmp_path / "d"
    assert CliRunner().invoke(app, ["write", str(coffee), "-o", str(out)]).exit_code == 0
    before = json.loads((out / "overview.json").read_text(encoding="utf-8"))["sections"]
    server.suffix = "各项风险的应对由对应部门负责人牵头。"
    result = CliRunner().invoke(app, ["revise", str(out), "risks", "-i", "补充应对责任人", "-m", "openai:test-model",
                                      "--base-url", BASE, "--yes"])
    assert result.exit_code == 0, result.output
    assert len(server.requests) == 1, "one model call for one section"
    sent = server.requests[0]["messages"][-1]["content"]
    assert "补充应对责任人" in sent and '"previous"' in sent
    after = json.loads((out / "overview.json").read_text(encoding="utf-8"))["sections"]
    changed = [a["key"] for a, b in zip(after, before, strict=True) if a != b]
    assert changed == ["risks"]
    assert after[5]["history"][-1]["model"] == "openai:test-model"
