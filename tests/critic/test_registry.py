"""Registered checks: each finding carries a catalog code; drafter's own goals are judged from their typed fields."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drafter.cli.app import app
from drafter.critic import document
from drafter.critic.checks import check_against, review
from drafter.critic.document import Document, from_markdown, from_overview
from drafter.critic.registry import CheckContext, register, registered
from drafter.critic.smart import judge_goal, judge_typed_goal
from drafter.draft.model import Goal, GoalsSection, Overview, Paragraph
from drafter.facts.load import load_facts
from drafter.facts.model import Facts
from drafter.messages import catalog
from drafter.pipeline import set_version, write_overview
from drafter.settings import ModelSettings

from ..conftest import DATA, EXAMPLES

BUILT_IN = ["sections", "smart", "grounding", "facts-used", "language", "repetition", "placeholders", "claims",
            "markup"]
# Every kind of defect at once: a missing (数据分析) and an empty section, a vague goal, a goal awaiting input,
# an invented figure, an English sentence, a repeated sentence and unused facts.
DEFECTS = """# 星河咖啡2025年第四季度运营工作概述

本概述介绍运营目标、流程、团队、数据和持续改进。

## 一、运营目标

- 大幅提升整体运营水平
- 外卖订单占比提升到【待补充：目标值】

## 二、运营流程

本季度门店营业收入9999万元。The team rolled out a brand new scheduling process across all of the stores.
门店之间每周召开一次协调会议，共同复盘经营情况。

## 三、团队协作

门店之间每周召开一次协调会议，共同复盘经营情况。

## 四、持续改进与创新

## 五、总结与展望

下一季度继续推进各项工作。
"""


@pytest.fixture(scope="module")
def coffee_overview() -> Overview:
    return write_overview(load_facts(EXAMPLES / "coffee.yaml"), ModelSettings("offline"))


def context(doc: Document, facts: Facts) -> CheckContext:
    return CheckContext(doc.lang, facts.items, facts.source_texts(), facts.file.strategy, facts.file.sections,
                        [facts.file.company])


def corpus() -> list[tuple[Document, CheckContext]]:
    coffee = load_facts(EXAMPLES / "coffee.yaml")
    defects = from_markdown(DEFECTS, "zh")
    injected = from_markdown(DEFECTS.replace("共同复盘经营情况。\n", "共同复盘经营情况。<script>x</script>\n", 1), "zh")
    out = [(defects, context(defects, coffee)), (injected, context(injected, coffee))]
    for folder in sorted(p for d in ("overviews", "overviews_holdout") for p in (DATA / d).iterdir()):
        facts = load_facts(folder / "facts.yaml")
        doc = from_markdown((folder / "overview.md").read_text(encoding="utf-8"), facts.language)
        out.append((doc, context(doc, facts)))
    return out


def test_built_in_checks_run_in_order() -> None:
    assert [c.name for c in registered()] == BUILT_IN


def test_every_finding_of_every_check_has_a_catalog_code_in_both_languages() -> None:
    fired: set[str] = set()
    for doc, ctx in corpus():
        for check in registered():
            for f in check.run(doc, ctx):
                assert f.code is not None, f"{check.name}: finding without a code: {f.message}"
                assert f.code.startswith(f"{f.check}."), f"{f.code} is not a {f.check} code"
                assert set(catalog().get(f.code, {})) == {"zh", "en"}, f"{f.code} is not in the catalog"
                fired.add(check.name)
    assert fired == set(BUILT_IN), "the corpus exercises every check"
    codes = {f.code for doc, ctx in corpus()[:1] for c in registered() for f in c.run(doc, ctx)}
    assert {"coverage.missing-section", "coverage.empty-section", "coverage.fact-unused", "smart.not-measurable",
            "smart.not-time-bound", "grounding.unsupported-figure", "language.wrong-language",
            "repetition.repeated-sentence", "coverage.placeholders-open"} <= codes


def test_register_rejects_a_second_check_with_the_same_name() -> None:
    with pytest.raises(ValueError, match="already registered"):
        register("smart")(lambda doc, ctx: [])


def typed_goal(coffee_overview: Overview, goal: Goal) -> Overview:
    overview = coffee_overview.model_copy(deep=True)
    set_version(overview.section("goals"), GoalsSection(paragraphs=[Paragraph(text="本期目标如下。", fact_ids=[])],
                                                        goals=[goal]), "test", "edit")
    return overview


def test_from_overview_reads_typed_goals_without_parsing_markdown(coffee_overview: Overview,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("from_overview parsed Markdown")

    for name in ("from_markdown", "_goal_items", "_is_heading", "detect_language"):
        monkeypatch.setattr(document, name, no_parsing)
    statement = "会员复购率从28%提升到35%"
    assert judge_goal(statement).time_bound is False, "the text alone has no deadline"
    goal = Goal(statement=statement, metric="会员复购率", baseline="28%", target="35%", deadline="2025年12月31日",
                fact_ids=["F4"])
    overview = typed_goal(coffee_overview, goal)
    doc = from_overview(overview)
    section = doc.section("goals")
    assert section is not None and section.goals[0].structured == goal
    assert [b.fact_ids for b in section.blocks if b.kind == "bullet"] == [("F4",)]
    report = check_against(doc, load_facts(EXAMPLES / "coffee.yaml"))
    assert report.goals[0]["smart"]["time_bound"] is True
    assert not [f for f in report.findings if f.code == "smart.not-time-bound"]
    assert any(f.code == "smart.field-not-in-statement" for f in report.findings), "the deadline is not written"


def test_typed_fields_count_only_when_they_hold_a_value(coffee_overview: Overview) -> None:
    vague = Goal(statement="会员复购率从28%提升到35%", target="【待补充：目标值】", deadline="尽快", fact_ids=[])
    marks = judge_typed_goal(vague)
    assert marks == judge_goal(vague.statement), "a placeholder or a deadline without a date proves nothing"
    assert "no deadline or time frame" in judge_typed_goal(vague, "en").reasons
    findings = review(typed_goal(coffee_overview, vague), load_facts(EXAMPLES / "coffee.yaml"))
    assert any(f.code == "smart.not-time-bound" for f in findings)
    measured = Goal(statement="提升会员复购率", metric="会员复购率", target="35%", deadline="2025年12月31日",
                    fact_ids=[])
    marks = judge_typed_goal(measured)
    assert (marks.specific, marks.measurable, marks.time_bound) == (True, True, True) and marks.reasons == ()


def test_check_json_reports_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    path = tmp_path / "overview.md"
    path.write_text(DEFECTS, encoding="utf-8")
    result = runner.invoke(app, ["check", str(path), "--facts", str(EXAMPLES / "coffee.yaml"), "--json"])
    assert result.exit_code == 1, result.output
    findings = json.loads(result.stdout)["findings"]
    assert all(f["code"] in catalog() for f in findings)
    figure = next(f for f in findings if f["code"] == "grounding.unsupported-figure")
    assert figure["check"] == "grounding" and "9999万元" in figure["message"]
