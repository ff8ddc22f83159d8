"""write end to end with the offline and mock models: shape, grounding, coverage, chains, failures."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from drafter.critic.checks import check_document
from drafter.critic.document import from_markdown
from drafter.draft.model import ProseSection
from drafter.draft.render_markdown import render
from drafter.errors import ModelError
from drafter.facts.catalog import CATALOG
from drafter.facts.load import load_facts
from drafter.llm import chains
from drafter.llm.fakes import CallInfo, FunctionModel, TestModel
from drafter.llm.loop import CallContext, ChainResult, run_structured
from drafter.llm.offline import OfflineModel
from drafter.llm.prompts import ChatPrompt
from drafter.llm.protocol import ModelRequest, ModelResponse
from drafter.pipeline import WriteOptions, write_overview
from drafter.settings import ModelSettings

from .conftest import DATA, EXAMPLES

FACT_FILES = sorted(EXAMPLES.glob("*.yaml")) + sorted((DATA / "unseen").glob("*.yaml"))
ZH_NUM = "一二三四五六七八九十"


@pytest.mark.parametrize("path", FACT_FILES, ids=lambda p: p.name)
def test_offline_draft_has_the_seed_shape_and_invents_nothing(path: Path) -> None:
    facts = load_facts(path)
    overview = write_overview(facts, ModelSettings("offline"))
    md = render(overview)
    lang = facts.language
    lines = md.splitlines()
    assert lines[0] == f"# {overview.title}"
    assert ("运营工作概述" in lines[0]) if lang == "zh" else ("Operations Overview" in lines[0])
    headings = [ln for ln in lines if ln.startswith("## ")]
    opening = md.split("\n## ", 1)[0].split("\n", 1)[1].strip()
    # an opening precedes the sections: for sparse facts it is the profile facts alone (皓齿口腔: 20 characters)
    assert len(opening) > (15 if lang == "zh" else 150), "an opening paragraph precedes the sections"
    pattern = rf"^## [{ZH_NUM}]+、" if lang == "zh" else r"^## \d+\. "
    assert all(re.match(pattern, h) for h in headings)
    assert headings[-1].endswith("总结与展望" if lang == "zh" else "Summary and outlook")
    expected = facts.file.sections or [s.key for s in CATALOG if s.required or s.key in facts.sections_with_facts()]
    assert [s.key for s in overview.sections] == [k for k in expected if k != "summary"] + ["summary"]
    # An independent read of the Markdown: grounded, every fact used, no error findings at all.
    doc = from_markdown(md, lang)
    report = check_document(doc, facts.items,
                            facts.source_texts(), facts.file.strategy, facts.file.sections, [facts.file.company])
    errors = [f for f in report.findings if f.severity == "error"]
    assert errors == []
    assert [k for k in (s.key for s in doc.sections)] == [s.key for s in overview.sections]


def test_offline_is_deterministic_and_varied(coffee: Path) -> None:
    facts = load_facts(coffee)
    a = render(write_overview(facts, ModelSettings("offline")))
    b = render(write_overview(facts, ModelSettings("offline")))
    assert a == b
    sentences = [s for s in re.split(r"[。\n]", a) if len(s) > 12]
    assert len(sentences) == len(set(sentences)), "no sentence is repeated across sections"


def test_missing_goal_fields_become_placeholders_and_questions(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("company: 某公司\nperiod: 2025年第四季度\ngoals:\n  - {metric: 外卖订单占比, baseline: 22%}\n"
                    "  - 进一步提升客户满意度\n", encoding="utf-8")
    overview = write_overview(load_facts(path), ModelSettings("offline"))
    md = render(overview)
    for what in ("外卖订单占比的目标值", "外卖订单占比目标的截止时间", "外卖订单占比目标的负责人",
                 "客户满意度的目标值", "客户满意度目标的截止时间", "客户满意度目标的负责人"):
        assert f"【待补充：{what}】" in md  # one placeholder, named, for each missing target, deadline and owner
    texts = " ".join(q.text for q in overview.questions)
    assert "外卖订单占比" in texts and "客户满意度" in texts
    assert len(overview.questions) >= 6
    assert not re.search(r"\d", md.replace("22%", "").replace("2025", "")), "no figure beyond the facts"


def test_sparse_flat_facts_only(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("company: 皓月书店\nperiod: 2025年上半年\nfacts: [门店8家, 会员2.3万人, 线上订单占比18%]\n",
                    encoding="utf-8")
    overview = write_overview(load_facts(path), ModelSettings("offline"))
    md = render(overview)
    for needle in ("门店8家", "会员2.3万人", "线上订单占比18%"):
        assert needle in md
    assert [s.key for s in overview.sections][:4] == ["goals", "processes", "team", "data"]
    assert any(q.section == "goals" for q in overview.questions)


def _prompt(coffee: Path) -> ChatPrompt:
    facts = load_facts(coffee)
    return chains.section_prompt(facts, "team", ["goals", "team", "summary"])


def _run(model: TestModel, coffee: Path) -> ChainResult[ProseSection]:
    return asyncio.run(run_structured(model, _prompt(coffee), ProseSection, CallContext()))


def test_chain_reasks_with_the_validation_error(coffee: Path) -> None:
    model = TestModel().enqueue({"paragraphs": "not a list"})
    result = _run(model, coffee)
    assert result.calls == 2 and result.reasks == 1
    assert isinstance(result.value, ProseSection) and result.value.paragraphs
    assert result.input_tokens > 0
    reask = model.history[1].extra[-1].content
    assert "paragraphs" in reask and "结构校验" in reask  # the validation error is fed back


def test_chain_gives_up_after_two_reasks(coffee: Path) -> None:
    model = TestModel().enqueue({"bad": 1}, {"bad": 2}, {"bad": 3})
    with pytest.raises(ModelError, match="invalid output 3 times"):
        _run(model, coffee)
    assert len(model.history) == 3


def test_a_failing_section_is_saved_as_failed_and_the_rest_kept(coffee: Path) -> None:
    facts = load_facts(coffee)
    offline = OfflineModel()

    async def fail_team(request: ModelRequest, info: CallInfo) -> ModelResponse:
        if request.payload.get("section", {}).get("key") == "team":
            raise ModelError("simulated failure")
        return await offline.respond(request)

    overview = write_overview(facts, ModelSettings("offline"), model=FunctionModel(fail_team))
    states = {s.key: s.state for s in overview.sections}
    assert states["team"] == "failed" and all(v == "ok" for k, v in states.items() if k != "team")
    assert "simulated failure" in (overview.section("team").error or "")
    assert "本节生成失败" in render(overview)


def test_usage_ledger_counts_every_call(coffee: Path) -> None:
    overview = write_overview(load_facts(coffee), ModelSettings("offline"), WriteOptions(concurrency=2))
    stages = {(e.section, e.stage) for e in overview.usage.entries}
    assert ("opening", "draft") in stages and ("summary", "draft") in stages
    assert overview.usage.calls == len(overview.sections) + 1
    assert overview.usage.estimated is True and overview.usage.tokens > 0


def test_mock_model_goes_through_the_same_chain(coffee: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRAFTER_RECORDINGS", str(tmp_path))
    facts = load_facts(coffee)
    offline = render(write_overview(facts, ModelSettings("offline")))
    mock = render(write_overview(facts, ModelSettings("mock")))
    assert mock == offline  # no recordings: the mock falls back to the offline drafter
