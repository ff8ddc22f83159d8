"""The openai path against a loopback stub that behaves like llama.cpp's Python server (llama-cpp-python 0.3.36):

- `response_format: json_schema` is refused with HTTP 500 "Input should be 'text' or 'json_object'";
- one slot: a request waits for the one before it, and (interrupt mode, its default) a request that arrives while
  another streams cuts that stream short — `[DONE]` with no finish reason;
- streamed tool calls repeat the function name in every chunk; no usage is reported while streaming;
- tokens arrive one by one, slowly.

The stub is a real HTTP server on 127.0.0.1 (respx reads a streamed body whole before the client sees it, so it cannot
show timing); this module lets connections reach the loopback address only.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from drafter.cli.app import app
from drafter.facts.load import load_facts
from drafter.llm.chains import payload_from_blocks
from drafter.llm.offline import draft
from drafter.llm.prompts import extract_data
from drafter.pipeline import WriteOptions, write_overview
from drafter.settings import ModelSettings

from ..test_openai_respx import says_something

CANARY = "sk-canary-LOCAL-DO-NOT-LEAK-0987654321"
LITERAL_ERROR = ("1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
                 "'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema'}")


class LlamaLikeServer:
    """A one-slot HTTP server on 127.0.0.1 that answers like a model (the offline drafter's content), token by token.

    Like llama-cpp-python, it sends the stream's headers at once and then waits for its one slot; in interrupt mode
    (that server's default) a request that waits makes the one streaming end early."""

    def __init__(self, interrupt: bool = True, delay: float = 0.002, stall: dict[int, float] | None = None,
                 answer: Any = None) -> None:
        self.interrupt = interrupt  # llama-cpp-python's interrupt_requests (default True)
        self.delay = delay  # seconds between tokens
        self.stall = stall or {}  # request number -> seconds of silence after its 5th token
        self.answer = answer  # callable(name, args) -> args, to change what the model says
        self.slot = threading.Lock()
        self.count = threading.Lock()
        self.waiting = 0
        self.requests: list[dict[str, Any]] = []
        self.interrupted = 0
        self.completed = 0
        self.refuse: Any = None  # callable(headers) -> (status, body) to answer every request with an error

    def _content(self, body: dict[str, Any]) -> tuple[str, str]:
        """(schema name, JSON arguments) the model would write for this request."""
        if body.get("tools"):
            name = body["tools"][0]["function"]["name"]
        else:
            note = next(m["content"] for m in body["messages"] if "JSON Schema" in (m.get("content") or ""))
            name = json.loads(note.split("\n", 1)[1])["title"]
        context = extract_data(body["messages"][0]["content"]) or {}
        task = next(p for p in (extract_data(m.get("content") or "") for m in body["messages"][1:]) if p)
        payload = payload_from_blocks(context, task)
        args = says_something(payload, name, draft(payload, name, context.get("facts")), context)
        if self.answer is not None:
            args = self.answer(name, args)
        return name, json.dumps(args, ensure_ascii=False)

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        body = json.loads(handler.rfile.read(int(handler.headers["content-length"])))
        with self.count:
            n = len(self.requests)
            self.requests.append(body)
        if self.refuse is not None:
            status, error = self.refuse(handler.headers)
            return self._json(handler, status, error)
        fmt = body.get("response_format") or {}
        if fmt.get("type") not in (None, "text", "json_object"):
            return self._json(handler, 500, {"error": {"message": LITERAL_ERROR, "type": "internal_server_error"}})
        handler.send_response(200)
        handler.send_header("content-type", "text/event-stream")
        handler.end_headers()
        handler.wfile.flush()
        head = {"id": f"chatcmpl-{n}", "object": "chat.completion.chunk", "created": 0, "model": "local"}

        def send(delta: dict[str, Any] | None, finish: str | None = None) -> None:
            if delta is None:
                handler.wfile.write(b"data: [DONE]\n\n")
            else:
                data = {**head, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
                handler.wfile.write(f"data: {json.dumps(data, ensure_ascii=False)}\n\n".encode())
            handler.wfile.flush()

        with self.count:
            self.waiting += 1
        while not self.slot.acquire(timeout=0.1):  # like sse-starlette: a ping comment while the request waits
            try:
                handler.wfile.write(b": ping\n\n")
                handler.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                with self.count:
                    self.waiting -= 1
                return
        try:
            with self.count:
                self.waiting -= 1
            name, text = self._content(body)
            tools = bool(body.get("tools"))
            try:
                send({"role": "assistant", "content": None})
                for i, piece in enumerate(text[j:j + 8] for j in range(0, len(text), 8)):
                    time.sleep(self.delay)
                    if i == 5 and n in self.stall:
                        time.sleep(self.stall[n])
                    if tools:  # llama.cpp repeats the id and the name in every chunk
                        send({"tool_calls": [{"index": 0, "id": f"call_{n}", "type": "function",
                                              "function": {"name": name, "arguments": piece}}]})
                    else:
                        send({"content": piece})
                    if self.interrupt and self.waiting:
                        self.interrupted += 1
                        send(None)
                        return
                send({}, "tool_calls" if tools else "stop")
                send(None)
                self.completed += 1
            except (BrokenPipeError, ConnectionResetError):
                return  # the client gave up (a timeout): the slot is freed
        finally:
            self.slot.release()

    @staticmethod
    def _json(handler: BaseHTTPRequestHandler, status: int, data: dict[str, Any]) -> None:
        raw = json.dumps(data).encode()
        handler.send_response(status)
        handler.send_header("content-type", "application/json")
        handler.send_header("content-length", str(len(raw)))
        handler.end_headers()
        handler.wfile.write(raw)


@contextmanager
def serve(server: LlamaLikeServer) -> Iterator[str]:
    """Run the stub on a free port of 127.0.0.1; yields its base URL; stopped (and joined) at the end."""
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 - the http.server name
            server.handle(self)

        def log_message(self, *args: Any) -> None:
            return None

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the loopback stub may be reached (this replaces the suite's block on every connection)."""
    real_connect = socket.socket.connect

    def loopback_only(sock: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else str(address)
        if host not in ("127.0.0.1", "::1", "localhost"):
            raise RuntimeError(f"tests must not reach the network (attempted {address})")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", loopback_only)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def three_sections(tmp_path: Path, lang: str = "zh") -> Path:
    path = tmp_path / "facts.yaml"
    path.write_text("company: 云帆物流\nperiod: 2025年第三季度\nsections: [team, data, improvement, summary]\n"
                    "team: [调度中心员工56人, 每日早会同步运力]\ndata: [第三季度准点率92%]\n"
                    "improvement: [试点夜间配送]\n", encoding="utf-8")
    return path


def settings(base: str, **changes: Any) -> ModelSettings:
    return ModelSettings(**{"name": "openai:local", "base_url": base, "timeout": 5.0, "max_retries": 2,
                            "first_token_timeout": 5.0, **changes})


def options(**changes: Any) -> WriteOptions:
    return WriteOptions(**{"use_cache": False, "llm_critic": False, "max_rounds": 0, **changes})


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", CANARY)


def test_auto_falls_back_on_a_500_that_says_json_schema_is_unsupported(tmp_path: Path) -> None:
    server = LlamaLikeServer(interrupt=False)
    opts = options()
    with serve(server) as base:
        overview = write_overview(load_facts(three_sections(tmp_path)), settings(base), opts)
    assert all(s.state == "ok" for s in overview.sections), [s.error for s in overview.sections]
    kinds = [(b.get("response_format") or {}).get("type") or ("tools" if b.get("tools") else "?")
             for b in server.requests]
    probes = kinds.count("json_schema")
    assert 1 <= probes <= 3, "only the three sections drafted at once probe json_schema; later chains skip it"
    assert set(kinds) == {"json_schema", "tools"} and "json_schema" not in kinds[-2:], kinds
    assert opts.stats is not None and opts.stats.probes == probes and opts.stats.first_failure is None
    assert opts.stats.retried == 0, "a refused mode is not retried"


def test_json_object_with_its_schema_is_a_mode_of_its_own(tmp_path: Path) -> None:
    server = LlamaLikeServer(interrupt=False)
    with serve(server) as base:
        overview = write_overview(load_facts(three_sections(tmp_path)), settings(base, structured_output="json_object"),
                                  options())
    assert all(s.state == "ok" for s in overview.sections)
    fmt = server.requests[0]["response_format"]
    assert fmt["type"] == "json_object" and "paragraphs" in fmt["schema"]["properties"]
    assert overview.usage.estimated, "the server reported no usage while streaming: the counts are estimates"
    assert all(e.output_tokens > 0 for e in overview.usage.entries)


def test_concurrency_drops_to_one_when_the_server_cuts_streams_for_queued_requests(tmp_path: Path) -> None:
    server = LlamaLikeServer(interrupt=True)
    opts = options(concurrency=10)
    with serve(server) as base:
        overview = write_overview(load_facts(three_sections(tmp_path)), settings(base, structured_output="tools"), opts)
    assert all(s.state == "ok" for s in overview.sections), [s.error for s in overview.sections]
    assert server.interrupted >= 1, "the first requests arrive together and cut each other short"
    assert opts.stats is not None and opts.stats.lowered_to == 1
    assert server.interrupted <= 2, "after the limit drops, no stream is cut short again (no blind retries)"
    assert opts.stats.retried == server.interrupted


def test_a_queued_request_that_times_out_lowers_the_limit(tmp_path: Path) -> None:
    server = LlamaLikeServer(interrupt=False, delay=0.05)  # ~0.05 s a token: a section takes about 2 s
    opts = options(concurrency=10)
    with serve(server) as base:
        overview = write_overview(load_facts(three_sections(tmp_path)),
                                  settings(base, structured_output="tools", timeout=1.0, first_token_timeout=1.0), opts)
    assert all(s.state == "ok" for s in overview.sections), [s.error for s in overview.sections]
    assert opts.stats is not None and opts.stats.lowered_to == 1
    assert opts.stats.first_failure is not None and opts.stats.first_failure.timeout
    assert "first token" in opts.stats.first_failure.message


def test_the_timeout_counts_silence_not_the_length_of_an_answer(tmp_path: Path) -> None:
    server = LlamaLikeServer(interrupt=False, delay=0.03)  # each answer streams for well over the 0.5 s timeout
    opts = options(concurrency=1)
    with serve(server) as base:
        overview = write_overview(load_facts(three_sections(tmp_path)),
                                  settings(base, structured_output="tools", timeout=0.5, first_token_timeout=0.5), opts)
    assert all(s.state == "ok" for s in overview.sections)
    assert opts.stats is not None and opts.stats.failed == 0
    assert max(e.output_tokens for e in overview.usage.entries) * 0.03 > 2 * 0.5, "long answers, not cut off"


def test_a_stall_mid_answer_is_timed_out_and_retried(tmp_path: Path) -> None:
    server = LlamaLikeServer(interrupt=False, stall={0: 3.0})
    opts = options(concurrency=1)
    with serve(server) as base:
        overview = write_overview(load_facts(three_sections(tmp_path)),
                                  settings(base, structured_output="tools", timeout=0.5, first_token_timeout=5.0), opts)
    assert all(s.state == "ok" for s in overview.sections)
    assert opts.stats is not None and opts.stats.failed == 1 and opts.stats.retried == 1
    failure = opts.stats.first_failure
    assert failure is not None and failure.timeout and failure.kind == "transient", "alone in flight: a plain retry"
    assert failure.error_type in ("ReadTimeout", "InactivityTimeout"), "no byte (httpx) or no token (drafter's watch)"


def test_an_empty_answer_from_a_real_model_is_reasked_then_failed(tmp_path: Path) -> None:
    def empty_team(name: str, args: dict[str, Any]) -> dict[str, Any]:
        if name == "ProseSection" and any("调度中心" in json.dumps(p, ensure_ascii=False)
                                          for p in args.get("paragraphs", [])):
            return {"paragraphs": [], "bullets": [], "questions": []}
        return args

    server = LlamaLikeServer(interrupt=False, answer=empty_team)
    with serve(server) as base:
        overview = write_overview(load_facts(three_sections(tmp_path)), settings(base, structured_output="tools"),
                                  options(concurrency=1))
    team = overview.section("team")
    assert team.state == "failed" and "invalid output 3 times" in (team.error or "") and "空" in (team.error or "")
    assert overview.section("data").state == "ok"


def test_a_placeholder_only_answer_is_a_failure_when_the_section_has_facts(tmp_path: Path) -> None:
    def placeholders(name: str, args: dict[str, Any]) -> dict[str, Any]:
        if name == "ProseSection" and args.get("paragraphs"):
            text = "【待补充：本节内容】"
            return {"paragraphs": [{"text": text, "statements": [{"text": text, "kind": "placeholder"}]}]}
        return args

    server = LlamaLikeServer(interrupt=False, answer=placeholders)
    with serve(server) as base:
        overview = write_overview(load_facts(three_sections(tmp_path)), settings(base, structured_output="tools"),
                                  options(concurrency=1))
    assert overview.section("team").state == "failed" and "占位" in (overview.section("team").error or "")


def test_failures_are_visible_counted_redacted_and_explained_once(tmp_path: Path) -> None:
    def refuse(headers: Any) -> tuple[int, dict[str, Any]]:
        auth = headers["authorization"]
        return 401, {"error": {"message": f"Incorrect API key provided: {auth[7:]} ({auth})",
                               "type": "invalid_request_error"}}

    out = tmp_path / "d"
    server = LlamaLikeServer()
    server.refuse = refuse
    with serve(server) as base:
        result = CliRunner().invoke(app, ["write", str(three_sections(tmp_path)), "-o", str(out), "-m",
                                          "openai:local", "--base-url", base, "--verbose", "--no-cache",
                                          "--structured-output", "tools", "-j", "1"])
    text = result.output
    assert result.exit_code == 1
    assert CANARY not in text and CANARY[8:] not in text
    assert text.count("a request failed from") == 1 and base in text, "the first failure, once, with the URL"
    assert "hint:" in text and "OPENAI_API_KEY" in text
    assert text.count("request failed [") == text.count(": HTTP 401 ") - 1 == 6, \
        "--verbose logs every failed request: three sections, the opening, the summary, the LLM critic"
    assert "HTTP requests 6 · failed 6 · retried 0" in text, "a 401 is not retried"
    assert "failed sections" in text
    for path in out.rglob("*"):
        assert CANARY not in path.read_text(encoding="utf-8", errors="replace")


def test_ctrl_c_after_every_section_failed_still_saves_them_for_resume(tmp_path: Path) -> None:
    from drafter.errors import ModelError
    from drafter.llm.fakes import CallInfo, FunctionModel
    from drafter.llm.protocol import ModelRequest
    from drafter.llm.registry import override

    def fail_then_interrupt(request: ModelRequest, info: CallInfo) -> Any:
        if request.payload.get("task") == "section":
            raise ModelError("the server is down")
        raise KeyboardInterrupt

    out = tmp_path / "d"
    with override(FunctionModel(fail_then_interrupt)):
        result = CliRunner().invoke(app, ["write", str(three_sections(tmp_path)), "-o", str(out), "-j", "1"])
    assert result.exit_code == 130 and "--resume" in result.output
    state = json.loads((out / "overview.json").read_text(encoding="utf-8"))
    assert {s["key"]: s["state"] for s in state["sections"]} == {"team": "failed", "data": "failed",
                                                                 "improvement": "failed", "summary": "failed"}
    assert any("server is down" in (s["error"] or "") for s in state["sections"])
    resumed = CliRunner().invoke(app, ["write", str(three_sections(tmp_path)), "-o", str(out), "--resume"])
    assert resumed.exit_code == 0, resumed.output
