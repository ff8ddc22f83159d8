"""The model seam: every registered model is a Model and goes through the one structured loop; one cassette store."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from drafter.draft.model import ProseSection
from drafter.draft.render_markdown import render
from drafter.errors import InputError, ModelError
from drafter.facts.load import load_facts
from drafter.llm import chains, registry
from drafter.llm.cassettes import CassetteStore
from drafter.llm.fakes import CallInfo, FunctionModel, ReplayModel, TestModel
from drafter.llm.loop import CallContext, run_structured
from drafter.llm.protocol import Model, ModelRequest, ModelResponse
from drafter.pipeline import WriteOptions, write_overview
from drafter.settings import ModelSettings

NETWORK_FREE = ["offline", "test", "mock"]  # replay:<name> is strict: a re-ask is a request it has no cassette for


def _prompt(coffee: Path) -> Any:
    return chains.section_prompt(load_facts(coffee), "team", ["goals", "team", "summary"])


class FirstAnswerInvalid:
    """Wraps a model: its first answer is schema-invalid, then it answers as the wrapped model does."""

    def __init__(self, inner: Model) -> None:
        self.inner = inner
        self.name, self.modes, self.estimated_usage = inner.name, inner.modes, inner.estimated_usage
        self.requests: list[ModelRequest] = []

    async def respond(self, request: ModelRequest) -> ModelResponse:
        self.requests.append(request)
        if len(self.requests) == 1:
            return ModelResponse({"paragraphs": "not a list"}, '{"paragraphs": "not a list"}')
        return await self.inner.respond(request)


@pytest.fixture
def recorded(coffee: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Cassettes of the offline model for the coffee example, recorded through the loop."""
    store = CassetteStore(tmp_path / "cassettes")
    write_overview(load_facts(coffee), ModelSettings("offline"), WriteOptions(recorder=store, use_cache=False))
    context = CallContext(model_name="offline", recorder=store, params=ModelSettings().params)
    asyncio.run(run_structured(registry.get_model(ModelSettings()), _prompt(coffee), ProseSection, context))
    monkeypatch.setenv("DRAFTER_RECORDINGS", str(store.directory))
    return store.directory


@pytest.mark.parametrize("name", NETWORK_FREE)
def test_every_registered_model_is_a_model_and_shares_the_loop(name: str, coffee: Path, recorded: Path) -> None:
    model = registry.get_model(ModelSettings(name))
    assert isinstance(model, Model)
    wrapped = FirstAnswerInvalid(model)
    context = CallContext(model_name=name, params=ModelSettings().params)
    result = asyncio.run(run_structured(wrapped, _prompt(coffee), ProseSection, context))
    assert isinstance(result.value, ProseSection) and result.value.paragraphs
    assert result.calls == 2 and result.reasks == 1
    second = wrapped.requests[1]
    assert second.extra and "paragraphs" in second.extra[-1].content  # the validation error was fed back
    assert second.mode == wrapped.requests[0].mode


def test_openai_is_registered_and_needs_a_key_or_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    assert "openai" in registry.kinds()
    with pytest.raises(InputError, match="OPENAI_API_KEY"):
        registry.get_model(ModelSettings("openai:gpt-4o-mini"))


def test_unknown_kind_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="unknown model kind 'nope'"):
        registry.get_model(ModelSettings("nope"))


def test_a_registered_plugin_kind_is_used(coffee: Path) -> None:
    model = TestModel(name="plugin")
    registry.register("plugin-test")(lambda settings: model)
    try:
        got = registry.get_model(ModelSettings("plugin-test"))
    finally:
        registry._FACTORIES.pop("plugin-test")
    assert got is model


def test_offline_reads_the_typed_payload_not_the_prompt_text(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("company: 星河<data>{\"x\":1}</data>咖啡\nperiod: 2025年<data>Q4\n"
                    "facts: ['门店42家 <data>{}</data>']\n", encoding="utf-8")
    overview = write_overview(load_facts(path), ModelSettings("offline"))
    assert all(s.state == "ok" for s in overview.sections)
    assert "门店42家" in render(overview)


def test_delimiters_inside_data_are_escaped(coffee: Path) -> None:
    from drafter.llm.prompts import data_block

    block = data_block({"text": "a</data>b<data>c"})
    assert "</data>" not in block and "<data>" not in block
    assert json.loads(block) == {"text": "a</data>b<data>c"}


def test_rendered_messages_equal_the_langchain_template(coffee: Path) -> None:
    prompt = _prompt(coffee)
    rendered = prompt.template().format_messages(**prompt.variables, extra=[])
    assert [m.content for m in rendered] == [m.content for m in prompt.messages()]
    assert [m.type for m in rendered] == [m.role for m in prompt.messages()]


def test_function_model_sees_history_and_can_fail(coffee: Path) -> None:
    def reply(request: ModelRequest, info: CallInfo) -> dict[str, Any]:
        if info.n == 0:
            raise ModelError("first call fails")
        return {"paragraphs": [{"text": f"call {info.n}", "fact_ids": []}]}

    model = FunctionModel(reply)
    with pytest.raises(ModelError, match="first call fails"):
        asyncio.run(run_structured(model, _prompt(coffee), ProseSection, CallContext()))
    result = asyncio.run(run_structured(model, _prompt(coffee), ProseSection, CallContext()))
    assert result.value.paragraphs[0].text == "call 1" and len(model.history) == 2


def test_record_then_strict_replay_gives_the_same_draft(coffee: Path, recorded: Path) -> None:
    facts = load_facts(coffee)
    files = sorted(recorded.glob("*.json"))  # the write's cassettes and the fixture's one extra request
    entry = json.loads(files[0].read_text(encoding="utf-8"))
    assert entry["model"] == "offline" and entry["recorded"] and entry["prompt_version"]
    replay = ReplayModel(CassetteStore(recorded), replay_as="offline", strict=True)
    replayed = write_overview(facts, ModelSettings("replay:offline"), model=replay)
    assert replay.misses == 0 and replay.hits == len(files) - 1
    assert render(replayed) == render(write_overview(facts, ModelSettings("offline")))


def test_cache_hits_are_recorded_too(coffee: Path, tmp_path: Path) -> None:
    cache, recorder = CassetteStore(tmp_path / "cache"), CassetteStore(tmp_path / "rec")
    model = TestModel()
    asyncio.run(run_structured(model, _prompt(coffee), ProseSection, CallContext(model_name="x", cache=cache)))
    result = asyncio.run(run_structured(model, _prompt(coffee), ProseSection,
                                        CallContext(model_name="x", cache=cache, recorder=recorder)))
    assert result.cached and len(model.history) == 1
    assert recorder.saved == 1


def test_auto_mode_is_remembered_per_run_not_per_process(coffee: Path) -> None:
    class NoSchema(TestModel):
        def unsupported_mode(self, exc: BaseException) -> bool:
            return "unsupported" in str(exc)

    model = NoSchema()

    def reply(request: ModelRequest, info: CallInfo) -> Any:
        if request.mode == "json_schema":
            raise ModelError("response_format json_schema unsupported")
        return {"paragraphs": [{"text": "ok", "fact_ids": []}]}

    model.fn = reply
    first = CallContext(model_name="m")
    asyncio.run(run_structured(model, _prompt(coffee), ProseSection, first))
    assert [r.mode for r in model.history] == ["json_schema", "tools"] and first.working_mode == "tools"
    asyncio.run(run_structured(model, _prompt(coffee), ProseSection, first))
    assert model.history[-1].mode == "tools"  # remembered within the run
    asyncio.run(run_structured(model, _prompt(coffee), ProseSection, CallContext(model_name="m")))
    assert model.history[-2].mode == "json_schema"  # a new run probes again


def test_shared_prefix_is_most_of_each_prompt(coffee: Path) -> None:
    from drafter.llm.prompts import shared_prefix_share

    facts = load_facts(coffee)
    keys = [s for s in ("goals", "processes", "team", "data", "improvement")]
    prompts = [chains.section_prompt(facts, k, keys) for k in keys]
    assert shared_prefix_share(prompts) >= 0.6


def test_settings_knows_exactly_the_registered_built_in_kinds() -> None:
    from drafter.settings import BUILTIN_KINDS

    assert set(BUILTIN_KINDS) == set(registry._FACTORIES)


def test_text_answers_are_parsed_or_reasked(coffee: Path) -> None:
    model = TestModel().enqueue("not json", "[1, 2]", '{"paragraphs": [{"text": "ok", "fact_ids": []}]}')
    result = asyncio.run(run_structured(model, _prompt(coffee), ProseSection, CallContext()))
    assert result.reasks == 2 and result.value.paragraphs[0].text == "ok"
    assert "not JSON" in model.history[1].extra[-1].content
    assert "not a JSON object" in model.history[2].extra[-1].content
