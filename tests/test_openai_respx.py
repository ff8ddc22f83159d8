"""The openai path end to end over HTTP, mocked with respx: request shape, parsing, usage, no leaked key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from drafter.draft.render_markdown import render
from drafter.facts.load import load_facts
from drafter.llm.chains import payload_from_blocks
from drafter.llm.offline import draft
from drafter.llm.prompts import extract_data
from drafter.pipeline import write_overview
from drafter.settings import ModelSettings

BASE = "https://llm.example.test/v1"
CANARY = "sk-canary-DO-NOT-LEAK-1234567890"


def completion(name: str, args: dict[str, Any] | str, mode: str = "tools", finish: str | None = None,
               usage: tuple[int, int] = (120, 80), refusal: str | None = None) -> dict[str, Any]:
    """A chat.completions response: a tool call (tools) or JSON content (json_schema / json_mode)."""
    arguments = args if isinstance(args, str) else json.dumps(args, ensure_ascii=False)
    message: dict[str, Any] = {"role": "assistant", "content": None}
    if refusal:
        message["refusal"] = refusal
    elif mode == "tools":
        message["tool_calls"] = [{"id": "call_1", "type": "function",
                                  "function": {"name": name, "arguments": arguments}}]
    else:
        message["content"] = arguments
    return {
        "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": "test-model",
        "choices": [{"index": 0, "message": message,
                     "finish_reason": finish or ("tool_calls" if mode == "tools" and not refusal else "stop")}],
        "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)},
    }


def streamed(data: dict[str, Any], usage: bool = True) -> httpx.Response:
    """A chat.completions response as the server-sent events of a streamed answer, a few characters a chunk."""
    choice = data["choices"][0]
    message = choice["message"]
    head = {"id": data["id"], "object": "chat.completion.chunk", "created": 0, "model": data["model"]}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**head, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    events = [chunk({"role": "assistant", "content": ""})]
    if message.get("refusal"):
        events.append(chunk({"refusal": message["refusal"]}))
    for call in message.get("tool_calls") or []:
        arguments = call["function"]["arguments"]
        events.append(chunk({"tool_calls": [{"index": 0, "id": call["id"], "type": "function",
                                             "function": {"name": call["function"]["name"], "arguments": ""}}]}))
        events += [chunk({"tool_calls": [{"index": 0, "function": {"arguments": arguments[i:i + 40]}}]})
                   for i in range(0, len(arguments), 40)]
    content = message.get("content") or ""
    events += [chunk({"content": content[i:i + 40]}) for i in range(0, len(content), 40)]
    events.append(chunk({}, choice["finish_reason"]))
    if usage and data.get("usage"):
        events.append({**head, "choices": [], "usage": data["usage"]})
    text = "".join(f"data: {json.dumps(e, ensure_ascii=False)}\n\n" for e in events) + "data: [DONE]\n\n"
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=text.encode())


def as_requested(body: dict[str, Any], response: httpx.Response) -> httpx.Response:
    """A 200 JSON completion streamed when the request asked for a stream (errors stay as they are)."""
    if not body.get("stream") or response.status_code != 200:
        return response
    if "text/event-stream" in response.headers.get("content-type", ""):
        return response
    return streamed(json.loads(response.content))


def request_mode(body: dict[str, Any]) -> tuple[str, str]:
    """(mode, schema name) of a structured-output request."""
    if body.get("tools"):
        return "tools", body["tools"][0]["function"]["name"]
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        return "json_schema", fmt["json_schema"]["name"]
    note = next(m["content"] for m in body["messages"] if m["role"] == "system" and "JSON Schema" in m["content"])
    mode = "json_object" if fmt.get("type") == "json_object" and fmt.get("schema") else "json_mode"
    return mode, json.loads(note.split("\n", 1)[1])["title"]


def says_something(payload: dict[str, Any], name: str, args: dict[str, Any], context: dict[str, Any]
                   ) -> dict[str, Any]:
    """The offline drafter's answer, with a sentence from the facts where it has none (an empty opening, or a
    summary of placeholders alone): from a real model such an answer is refused as empty."""
    facts = {f["id"]: f["text"] for f in context.get("facts", []) if isinstance(f, dict)}
    cited = [i for d in payload.get("section_digests") or [] for i in d.get("fact_ids", [])] or list(facts)
    if not cited:
        return args
    statement = {"text": facts[cited[0]].rstrip("。.") + "。", "kind": "fact", "fact_ids": [cited[0]]}
    if name == "Opening" and not (args.get("text") or args.get("statements")):
        return {**args, "statements": [statement]}
    if payload.get("task") == "summary":
        said = [s for p in args.get("paragraphs", []) for s in p.get("statements") or [] if s["kind"] != "placeholder"]
        if not said:
            return {**args, "paragraphs": [{"statements": [statement]}, *args.get("paragraphs", [])]}
    return args


class FakeServer:
    """Answers like a model would (the offline drafter's content for the requested schema), or as scripted."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.headers: list[httpx.Headers] = []
        self.suffix = ""  # appended to the first paragraph, to make an answer differ from the offline one
        self.script: list[Any] = []  # per request: None = answer normally, or a callable(body) -> Response
        self.unsupported: set[str] = set()  # modes this server rejects with a 400

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.requests.append(body)
        self.headers.append(request.headers)
        mode, name = request_mode(body)
        if mode in self.unsupported:
            return httpx.Response(400, json={"error": {"message": f"{mode}: response_format/tools not supported",
                                                       "type": "invalid_request_error"}})
        step = self.script.pop(0) if self.script else None
        if callable(step):
            response: httpx.Response = step(body, mode, name)
            return as_requested(body, response)
        context = extract_data(body["messages"][0]["content"]) or {}
        task = next(p for p in (extract_data(m["content"] or "") for m in body["messages"][1:]) if p)
        payload = payload_from_blocks(context, task)
        args = says_something(payload, name, draft(payload, name, context.get("facts")), context)
        if self.suffix and "paragraphs" in args:
            args["paragraphs"][0]["text"] += self.suffix
        return as_requested(body, httpx.Response(200, json=completion(name, args, mode)))


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
    assert len(server.requests) == len(overview.sections) + 2  # + the opening and the LLM critic
    first = server.requests[0]
    assert first["model"] == "test-model"
    schema = first["response_format"]["json_schema"]  # auto tries json_schema first
    assert schema["name"] in {"ProseSection", "GoalsSection", "RisksSection"}
    assert "paragraphs" in schema["schema"]["properties"], "the schema is sent with the request"
    assert first["messages"][0]["role"] == "system" and "<data>" in first["messages"][-1]["content"]
    assert server.headers[0]["authorization"] == f"Bearer {CANARY}"
    assert all(s.state == "ok" for s in overview.sections)
    assert overview.usage.calls == len(server.requests)
    assert overview.usage.tokens == 200 * len(server.requests)
    assert overview.usage.estimated is False
    assert "华东地区42家门店" in render(overview) or "42" in render(overview)


def test_canary_key_is_never_written(server: FakeServer, coffee: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from drafter.cli.app import app

    result = CliRunner().invoke(app, ["write", str(coffee), "-o", str(tmp_path / "d"), "-m", "openai:test-model",
                                      "--base-url", BASE])
    assert result.exit_code == 0, result.output
    assert CANARY not in result.output
    for path in (tmp_path / "d").rglob("*"):
        if path.is_file():
            assert CANARY not in path.read_text(encoding="utf-8", errors="replace"), path


def test_missing_key_is_a_clear_error(coffee: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from drafter.cli.app import app

    result = CliRunner().invoke(app, ["write", str(coffee), "-o", str(tmp_path / "d"), "-m", "openai:gpt-4o-mini"])
    assert result.exit_code == 2
    assert "OPENAI_API_KEY is not set" in result.output
    assert not (tmp_path / "d" / "overview.md").exists()


def test_revise_through_openai_changes_only_the_target(server: FakeServer, coffee: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from drafter.cli.app import app

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
