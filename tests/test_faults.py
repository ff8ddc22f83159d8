"""The real-model path under faults (respx): mode fallback, 429/5xx/timeout, bad output, truncation, refusal,
resume, cache, budget — and a canary key found nowhere."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from typer.testing import CliRunner

from drafter.cli.app import app
from drafter.facts.load import load_facts
from drafter.pipeline import WriteOptions, write_overview
from drafter.settings import ModelSettings

from .test_openai_respx import BASE, CANARY, FakeServer, completion

runner = CliRunner()
FAST_RETRY = {"retry-after-ms": "1"}


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    monkeypatch.setenv("OPENAI_API_KEY", CANARY)
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "cache"))
    fake = FakeServer()
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{BASE}/chat/completions").mock(side_effect=fake)
        yield fake


def settings(mode: str = "auto", retries: int = 2) -> ModelSettings:
    return ModelSettings("openai:test-model", base_url=BASE, max_retries=retries, structured_output=mode)


def team_only(tmp_path: Path) -> Path:
    path = tmp_path / "facts.yaml"
    path.write_text("company: 云帆物流\nperiod: 2025年第三季度\nsections: [team, summary]\n"
                    "team: [调度中心员工56人, 每日早会同步运力]\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("unsupported", "expected"), [(set(), "json_schema"), ({"json_schema"}, "tools"),
                                                       ({"json_schema", "tools"}, "json_object"),
                                                       ({"json_schema", "tools", "json_object"}, "json_mode")])
def test_auto_mode_falls_back_and_remembers(server: FakeServer, tmp_path: Path, unsupported: set[str],
                                            expected: str) -> None:
    server.unsupported = unsupported
    overview = write_overview(load_facts(team_only(tmp_path)), settings(), WriteOptions(use_cache=False))
    assert all(s.state == "ok" for s in overview.sections)
    probes = len(unsupported)
    from .test_openai_respx import request_mode

    modes = [request_mode(b)[0] for b in server.requests]
    assert modes[probes:] == [expected] * (len(modes) - probes), "after the first fallback every call uses it"


@pytest.mark.parametrize("mode", ["json_schema", "tools", "json_mode"])
def test_each_explicit_mode_round_trips(server: FakeServer, tmp_path: Path, mode: str) -> None:
    overview = write_overview(load_facts(team_only(tmp_path)), settings(mode), WriteOptions(use_cache=False))
    assert overview.section("team").content is not None
    from .test_openai_respx import request_mode

    assert {request_mode(b)[0] for b in server.requests} == {mode}


@pytest.mark.parametrize("status", [429, 500, 503])
def test_transient_http_errors_are_retried_by_the_sdk(server: FakeServer, tmp_path: Path, status: int) -> None:
    server.script = [lambda body, mode, name: httpx.Response(status, headers=FAST_RETRY,
                                                              json={"error": {"message": "busy"}})]
    overview = write_overview(load_facts(team_only(tmp_path)), settings(), WriteOptions(use_cache=False))
    assert overview.section("team").state == "ok"
    assert len(server.requests) == 5  # the failed attempt, its retry, the opening, the summary, the critic


def test_timeout_retried_then_saved_as_failed(server: FakeServer, tmp_path: Path) -> None:
    def timeout(body: dict[str, Any], mode: str, name: str) -> httpx.Response:
        raise httpx.ReadTimeout("timed out")

    server.script = [timeout, timeout, timeout]
    overview = write_overview(load_facts(team_only(tmp_path)), settings(retries=1), WriteOptions(use_cache=False))
    failed = [s for s in overview.sections if s.state == "failed"]
    assert failed and "timed out" in (failed[0].error or "").lower()
    assert any(s.state == "ok" for s in overview.sections), "the other sections are kept"


@pytest.mark.parametrize("bad", ["{not json", json.dumps({"paragraphs": "should be a list"})])
def test_invalid_output_is_reasked_with_the_error(server: FakeServer, tmp_path: Path, bad: str) -> None:
    server.script = [lambda body, mode, name: httpx.Response(200, json=completion(name, bad, mode))]
    overview = write_overview(load_facts(team_only(tmp_path)), settings("tools"), WriteOptions(use_cache=False))
    assert overview.section("team").state == "ok"
    reask = server.requests[1]["messages"]
    assert len(reask) == len(server.requests[0]["messages"]) + 1, "only the error is added, not a history"
    assert "校验" in reask[-1]["content"]
    entry = next(e for e in overview.usage.entries if e.section == "team")
    assert entry.calls == 2 and entry.input_tokens == 240, "usage counts every attempt"


def test_truncation_is_retried_once_with_more_room(server: FakeServer, tmp_path: Path) -> None:
    server.script = [lambda body, mode, name: httpx.Response(200, json=completion(name, '{"paragraphs": [', mode,
                                                                                  finish="length"))]
    overview = write_overview(load_facts(team_only(tmp_path)), settings("tools"), WriteOptions(use_cache=False))
    assert overview.section("team").state == "ok"
    def limit(body: dict[str, Any]) -> int:
        return int(body.get("max_completion_tokens") or body["max_tokens"])

    assert limit(server.requests[1]) == 2 * limit(server.requests[0]) == 8192


def test_refusal_is_reported_not_reasked(server: FakeServer, tmp_path: Path) -> None:
    server.script = [lambda body, mode, name: httpx.Response(200, json=completion(name, "", mode,
                                                                                  refusal="I can't help with that"))]
    overview = write_overview(load_facts(team_only(tmp_path)), settings("tools"), WriteOptions(use_cache=False))
    team = overview.section("team")
    assert team.state == "failed" and "refused" in (team.error or "")
    assert len(server.requests) == 4, "no re-ask after a refusal (team, opening, summary, critic)"


def test_failed_section_exit_code_then_resume_redrafts_only_it(server: FakeServer, tmp_path: Path,
                                                               coffee: Path) -> None:
    out = tmp_path / "d"

    def fail(body: dict[str, Any], mode: str, name: str) -> httpx.Response:
        return httpx.Response(400, json={"error": {"message": "bad request: context length"}})

    server.script = [fail]
    args = ["write", str(coffee), "-o", str(out), "-m", "openai:test-model", "--base-url", BASE, "-j", "1",
            "--structured-output", "tools", "--no-cache"]
    first = runner.invoke(app, args)
    assert first.exit_code == 1 and "failed sections" in first.output
    state = json.loads((out / "overview.json").read_text(encoding="utf-8"))
    failed = [s["key"] for s in state["sections"] if s["state"] == "failed"]
    assert failed == ["goals"]
    n = len(server.requests)
    second = runner.invoke(app, [*args, "--resume"])
    assert second.exit_code == 0, second.output
    redrafted = [json.loads(r["messages"][-1]["content"].split("<data>")[1].split("</data>")[0]).get("section")
                 for r in server.requests[n:]]
    assert [r["key"] for r in redrafted if r] == ["goals"], "only the failed section is redrafted"


def test_unchanged_rerun_makes_no_calls(server: FakeServer, tmp_path: Path, coffee: Path) -> None:
    args = ["write", str(coffee), "-m", "openai:test-model", "--base-url", BASE, "--json"]
    first = runner.invoke(app, [*args, "-o", str(tmp_path / "a")])
    assert first.exit_code == 0
    calls = len(server.requests)
    second = runner.invoke(app, [*args, "-o", str(tmp_path / "b")])
    assert second.exit_code == 0 and len(server.requests) == calls
    assert json.loads(second.stdout)["usage"]["calls"] == 0
    assert (tmp_path / "a" / "overview.md").read_text() == (tmp_path / "b" / "overview.md").read_text()
    third = runner.invoke(app, [*args, "-o", str(tmp_path / "c"), "--no-cache"])
    assert third.exit_code == 0 and len(server.requests) == 2 * calls


def test_budget_stops_cleanly_keeping_what_is_done(server: FakeServer, tmp_path: Path, coffee: Path) -> None:
    out = tmp_path / "d"
    result = runner.invoke(app, ["write", str(coffee), "-o", str(out), "-m", "openai:test-model", "--base-url",
                                 BASE, "-j", "1", "--budget-tokens", "600", "--no-cache"])
    assert result.exit_code == 1
    state = json.loads((out / "overview.json").read_text(encoding="utf-8"))
    done = [s for s in state["sections"] if s["state"] == "ok"]
    assert len(done) == 3 and len(server.requests) == 3, "200 tokens per call: three calls fit in 600"
    assert any("budget" in (s["error"] or "") for s in state["sections"])


def test_canary_key_appears_nowhere(server: FakeServer, tmp_path: Path, coffee: Path) -> None:
    out = tmp_path / "d"
    result = runner.invoke(app, ["write", str(coffee), "-o", str(out), "-m", "openai:test-model", "--base-url",
                                 BASE, "--verbose", "--docx"])
    assert result.exit_code == 0
    revise = runner.invoke(app, ["revise", str(out), "team", "--yes", "-m", "openai:test-model", "--base-url", BASE])
    shown = runner.invoke(app, ["config"])
    for text in (result.output, revise.output, shown.output):
        assert CANARY not in text
    for path in [*out.rglob("*"), *(tmp_path / "cache").rglob("*")]:
        if path.is_file():
            assert CANARY.encode() not in path.read_bytes(), path


def critique(items: list[dict[str, Any]], goals: list[dict[str, Any]]) -> Any:
    def answer(body: dict[str, Any], mode: str, name: str) -> httpx.Response:
        assert name == "Critique"
        return httpx.Response(200, json=completion(name, {"items": items, "goals": goals}, mode))
    return answer


def test_llm_critic_is_advisory_and_judges_achievable_relevant(server: FakeServer, tmp_path: Path) -> None:
    facts = tmp_path / "f.yaml"
    facts.write_text("company: 云帆物流\nperiod: 2025年第三季度\nsections: [goals, summary]\n"
                     "goals: [2025年9月30日前准点率从90%提升到95%]\n", encoding="utf-8")
    out = tmp_path / "d"
    assert runner.invoke(app, ["write", str(facts), "-o", str(out), "--max-rounds", "0"]).exit_code == 0
    goal = "2025年9月30日前准点率从90%提升到95%。"
    server.script = [critique([{"section": "goals", "criterion": "achievable", "severity": "error",
                                "evidence": goal, "suggestion": "说明支撑提升的资源"}],
                              [{"goal": goal, "achievable": False, "relevant": True, "reason": "幅度偏大"}])]
    result = runner.invoke(app, ["check", str(out), "--json", "-m", "openai:test-model", "--base-url", BASE])
    data = json.loads(result.stdout)
    assert result.exit_code == 0, "an LLM finding never makes the verdict an error"
    llm = [f for f in data["findings"] if f["check"] == "llm"]
    assert llm and llm[0]["severity"] == "warning" and "说明支撑提升的资源" in llm[0]["message"]
    smart = data["goals"][0]["smart"]
    assert smart["relevant"] is True  # filled by the LLM where the text rules had no strategy to judge against
    assert smart["achievable"] is True, "a deterministic judgement is never overwritten"
    offline = json.loads(runner.invoke(app, ["check", str(out), "--json"]).stdout)
    assert offline["goals"][0]["smart"]["relevant"] is None


def test_llm_critic_failure_is_reported_not_fatal(server: FakeServer, tmp_path: Path) -> None:
    server.script = [None, None, None, lambda body, mode, name: httpx.Response(400, json={"error": {"message": "no"}})]
    overview = write_overview(load_facts(team_only(tmp_path)), settings("tools"), WriteOptions(use_cache=False))
    assert all(s.state == "ok" for s in overview.sections)
    assert any(f.check == "llm" and "unavailable" in f.message for f in overview.findings)


def test_ctrl_c_keeps_finished_sections_for_resume(tmp_path: Path, coffee: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from drafter.llm.fakes import CallInfo, FunctionModel
    from drafter.llm.offline import OfflineModel
    from drafter.llm.protocol import ModelRequest, ModelResponse
    from drafter.llm.registry import override

    async def interrupt_at_data(request: ModelRequest, info: CallInfo) -> ModelResponse:
        if request.payload.get("section", {}).get("key") == "data":
            raise KeyboardInterrupt
        return await OfflineModel().respond(request)

    out = tmp_path / "d"
    with override(FunctionModel(interrupt_at_data)):
        result = runner.invoke(app, ["write", str(coffee), "-o", str(out), "-j", "1"])
    assert result.exit_code == 130 and "--resume" in result.output
    state = json.loads((out / "overview.json").read_text(encoding="utf-8"))
    done = [s["key"] for s in state["sections"] if s["state"] == "ok"]
    assert done[:3] == ["goals", "processes", "team"] and "data" not in done
    assert {s["error"] for s in state["sections"] if s["state"] == "failed"} == {"interrupted"}
    assert not (out / ".drafter.lock").exists()
    resumed = runner.invoke(app, ["write", str(coffee), "-o", str(out), "--resume"])
    assert resumed.exit_code == 0, resumed.output
    final = json.loads((out / "overview.json").read_text(encoding="utf-8"))
    assert all(s["state"] == "ok" for s in final["sections"])
    goals = next(s for s in final["sections"] if s["key"] == "goals")
    assert len(goals["history"]) == 1, "finished sections are not redrafted on resume"


def test_api_key_option_is_used_and_never_written(tmp_path: Path, coffee: Path, monkeypatch: pytest.MonkeyPatch
                                                  ) -> None:
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "cache"))
    fake = FakeServer()
    with respx.mock() as router:
        router.post(f"{BASE}/chat/completions").mock(side_effect=fake)
        out = tmp_path / "d"
        result = runner.invoke(app, ["write", str(coffee), "-o", str(out), "-m", "openai:test-model", "--base-url",
                                     BASE, "--api-key", CANARY, "-v"])
    assert result.exit_code == 0, result.output
    assert fake.headers[0]["authorization"] == f"Bearer {CANARY}"
    assert CANARY not in result.output
    for path in [*out.rglob("*"), *(tmp_path / "cache").rglob("*")]:
        if path.is_file():
            assert CANARY.encode() not in path.read_bytes(), path
