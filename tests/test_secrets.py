"""The key never leaks: every command that can reach a model runs against a loopback server that echoes the
request's headers (and the bare key) in its error bodies, and no output, file, cache entry or finding holds any
part of the key.

Some gateways and proxies answer a bad request with the headers they received; an SDK error's text then carries the
`Authorization` header. The key here is not `sk-`-shaped, so only drafter's own redaction of the key it was given
can remove it (the token patterns alone would not).
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from drafter.cli.app import app
from drafter.secrets import error_text, redact, remember

from .llm.test_local_server import _no_network, serve  # noqa: F401 - the loopback-only guard applies here too

CANARY = "canary7Hq2LEAKdoNotPrint91xZ"
runner = CliRunner()


class EchoServer:
    """Answers every request with `status` and a body that repeats the request's headers and the bare key."""

    def __init__(self, status: int, html: bool = False) -> None:
        self.status = status
        self.html = html
        self.requests = 0

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        handler.rfile.read(int(handler.headers["content-length"]))
        self.requests += 1
        headers = dict(handler.headers.items())
        key = headers.get("Authorization", "")[7:]
        if self.html:
            raw = f"<html><body><h1>Gateway</h1><pre>{headers}</pre></body></html>".encode()
            kind = "text/html"
        else:
            raw = json.dumps({"error": {"message": f"Incorrect API key provided: {key}. Request headers: {headers}",
                                        "type": "invalid_request_error", "headers": headers}}).encode()
            kind = "application/json"
        handler.send_response(self.status)
        handler.send_header("content-type", kind)
        handler.send_header("retry-after-ms", "1")
        handler.send_header("content-length", str(len(raw)))
        handler.end_headers()
        handler.wfile.write(raw)


def fragments(secret: str, size: int = 8) -> list[str]:
    """Every `size`-character piece of the secret: a prefix or a cut-off tail is a leak too."""
    return [secret[i:i + size] for i in range(len(secret) - size + 1)]


def leaks(text: str) -> list[str]:
    return [f for f in fragments(CANARY) if f in text]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("OPENAI_API_KEY", CANARY)
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def facts_file(tmp_path: Path) -> Path:
    path = tmp_path / "facts.yaml"
    path.write_text("company: 云帆物流\nperiod: 2025年第三季度\nsections: [team, data, summary]\n"
                    "team: [调度中心员工56人]\ndata: [第三季度准点率92%]\n", encoding="utf-8")
    return path


def offline_draft(tmp_path: Path) -> Path:
    out = tmp_path / "draft"
    result = runner.invoke(app, ["write", str(facts_file(tmp_path)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize(("status", "html"), [(400, False), (401, False), (403, False), (429, False), (500, False),
                                              (200, True), (502, True)])
def test_no_command_leaks_the_key_from_an_echoing_server(env: Path, status: int, html: bool) -> None:
    server = EchoServer(status, html)
    draft = offline_draft(env)
    eval_case = env / "case"
    eval_case.mkdir()
    facts_file(eval_case)
    with serve(server) as base:  # type: ignore[arg-type]
        model = ["-m", "openai:gateway", "--base-url", base]
        runs = {
            "write": runner.invoke(app, ["write", str(facts_file(env)), "-o", str(env / "w"), *model, "--verbose",
                                         "--max-retries", "1", "-j", "1"]),
            "revise": runner.invoke(app, ["revise", str(draft), "team", "--yes", *model]),
            "refresh": runner.invoke(app, ["revise", str(draft), "--refresh-summary", *model]),
            "check": runner.invoke(app, ["check", str(draft / "overview.md"), "--facts", str(facts_file(env)),
                                         "--json", *model]),
            "eval": runner.invoke(app, ["eval", str(eval_case), "--model", "openai:gateway", "--base-url", base,
                                        "--no-overlap", "--out", str(env / "e")]),
        }
    assert server.requests >= 5, "every command reached the echoing server"
    for name, result in runs.items():
        assert result.exception is None or isinstance(result.exception, SystemExit), (name, result.exception)
        assert not leaks(result.output), (name, result.output)
        assert "Traceback" not in result.output
    assert runs["write"].exit_code == 1 and "failed" in runs["write"].output
    assert runs["revise"].exit_code == 1 and runs["refresh"].exit_code == 1
    for path in env.rglob("*"):
        if path.is_file():
            data = path.read_bytes().decode("utf-8", errors="replace")
            assert not leaks(data), path


def test_a_failed_refresh_exits_non_zero_and_keeps_the_stale_flag(env: Path) -> None:
    draft = offline_draft(env)
    state = json.loads((draft / "overview.json").read_text(encoding="utf-8"))
    state["opening_stale"] = True
    next(s for s in state["sections"] if s["key"] == "summary")["state"] = "stale"
    (draft / "overview.json").write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    with serve(EchoServer(500)) as base:  # type: ignore[arg-type]
        result = runner.invoke(app, ["revise", str(draft), "--refresh-summary", "-m", "openai:gateway",
                                     "--base-url", base])
    assert result.exit_code == 1
    assert "refreshed" not in result.output and "could not refresh" in result.output
    after = json.loads((draft / "overview.json").read_text(encoding="utf-8"))
    assert after["opening_stale"] is True
    assert next(s for s in after["sections"] if s["key"] == "summary")["state"] == "stale"


def test_redaction_comes_before_the_cut() -> None:
    """A message cut in the middle of the key would otherwise keep the key's first characters."""
    remember(CANARY)
    text = "x" * 490 + f" key={CANARY}"
    assert not leaks(error_text(text, 500))
    assert not leaks(redact(f"Authorization: Bearer {CANARY}"))
    assert redact("api_key='abcdefgh12345'") == "api_key='***'"
    assert "ordinary words" in redact("ordinary words"), "short or absent secrets replace nothing"


def test_a_non_json_200_fails_its_sections_and_is_kept_for_resume(env: Path) -> None:
    out = env / "w"
    with serve(EchoServer(200, html=True)) as base:  # type: ignore[arg-type]
        result = runner.invoke(app, ["write", str(facts_file(env)), "-o", str(out), "-m", "openai:gateway",
                                     "--base-url", base, "--max-retries", "0"])
    assert result.exit_code == 1, result.output
    assert "JSONDecodeError" not in result.output and "Traceback" not in result.output
    state = json.loads((out / "overview.json").read_text(encoding="utf-8"))
    assert {s["state"] for s in state["sections"]} == {"failed"}
    assert all("not a chat completion" in (s["error"] or "") for s in state["sections"]), \
        [s["error"] for s in state["sections"]]
    resumed = runner.invoke(app, ["write", str(facts_file(env)), "-o", str(out), "--resume", "-m", "offline"])
    assert resumed.exit_code == 0, resumed.output
    assert all(s["state"] == "ok" for s in json.loads((out / "overview.json").read_text(encoding="utf-8"))["sections"])


def test_the_last_resort_handler_redacts(env: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    import drafter.cli.app as cli

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError(f"unexpected: server said Authorization={CANARY}")

    monkeypatch.setattr(cli, "app", boom)
    with pytest.raises(SystemExit) as stop:
        cli.main()
    assert stop.value.code == 1
    assert not leaks(capsys.readouterr().err)
