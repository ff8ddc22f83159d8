"""The claims check: typed statements by kind, unlabelled text by its assertions, risk responses, SMART claims."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafter.critic.claims import check_claims
from drafter.critic.document import from_markdown, from_overview
from drafter.draft.model import Derivation, Paragraph, ProseSection, Risk, RisksSection, Statement
from drafter.facts.load import load_facts
from drafter.facts.model import Facts
from drafter.pipeline import new_overview, set_version

from ..conftest import DATA, EXAMPLES


@pytest.fixture
def facts(tmp_path: Path) -> Facts:
    path = tmp_path / "f.yaml"
    path.write_text(
        "company: 星河咖啡\nperiod: 2025年第四季度\n"
        "facts: [华东地区42家门店，员工380人, 门店平均出杯时长从40秒缩短到32秒, 会员复购率70%, 会员复购率73%]\n"
        "processes: [门店咖啡豆改为按销量预测每周两次补货]\n"
        "risks: [咖啡豆进口价格波动, 设备故障风险：已与供应商签订4小时上门维修协议]\n", encoding="utf-8")
    return load_facts(path)


def _codes(facts: Facts, key: str, content: object) -> list[str]:
    overview = new_overview(facts, "test")
    if key not in [s.key for s in overview.sections]:
        raise AssertionError(key)
    set_version(overview.section(key), content, "test", "draft")  # type: ignore[arg-type]
    doc = from_overview(overview)
    return [f.code or "" for f in check_claims(doc, facts.items, facts.source_texts())
            if f.section == key]


def _prose(*statements: Statement) -> ProseSection:
    return ProseSection(paragraphs=[Paragraph(statements=list(statements))])


def _id(facts: Facts, needle: str) -> str:
    return next(f.id for f in facts.items if needle in f.text)


def test_a_fact_statement_that_says_what_its_fact_says_passes(facts: Facts) -> None:
    f = _id(facts, "补货")
    ok = Statement(text="门店咖啡豆改为按销量预测每周两次补货。", kind="fact", fact_ids=[f])
    assert _codes(facts, "processes", _prose(ok)) == []


@pytest.mark.parametrize("text, cite, code", [
    ("门店咖啡豆改为按销量预测每周两次补货。", None, "claims.fact-without-source"),
    ("公司建立了风险识别、评估、应对与监控的闭环，显著提升了运营效率。", "补货", "claims.unsupported-fact"),
    ("门店咖啡豆改为按销量预测每周三次补货，缺货率下降了20%。", "补货", "claims.unsupported-fact"),
])
def test_fact_statements_beyond_their_facts_are_errors(facts: Facts, text: str, cite: str | None, code: str) -> None:
    ids = [_id(facts, cite)] if cite else []
    assert _codes(facts, "processes", _prose(Statement(text=text, kind="fact", fact_ids=ids))) == [code]


@pytest.mark.parametrize("text, found", [
    ("建议根据补货数据优化门店排班。", []),
    ("可考虑在旺季前增加备货。", []),
    ("已优化门店排班，减少了等待。", ["claims.advice-as-done"]),
    ("门店排班更加合理。", ["claims.advice-as-done"]),
])
def test_advice_reads_as_advice(facts: Facts, text: str, found: list[str]) -> None:
    assert _codes(facts, "processes", _prose(Statement(text=text, kind="advice", fact_ids=[]))) == found


def test_an_outlook_needs_a_source_and_a_placeholder_its_marker(facts: Facts) -> None:
    content = _prose(Statement(text="下季度将在华南开设新门店。", kind="outlook", fact_ids=[]),
                     Statement(text="本期改进举措待补充。", kind="placeholder", fact_ids=[]))
    assert _codes(facts, "processes", content) == ["claims.outlook-unsourced", "claims.placeholder-without-marker"]


@pytest.mark.parametrize("inputs, result, text, found", [
    (["40秒", "32秒"], "8秒", "出杯时长从40秒缩短到32秒，缩短了8秒。", []),
    (["40秒", "32秒"], "9秒", "出杯时长从40秒缩短到32秒，缩短了9秒。", ["claims.derivation-wrong"]),
    (["40秒", "31秒"], "9秒", "出杯时长从40秒缩短到31秒，缩短了9秒。", ["claims.derivation-wrong"]),  # 31秒: no fact
])
def test_derived_figures_are_recomputed(facts: Facts, inputs: list[str], result: str, text: str,
                                        found: list[str]) -> None:
    f = _id(facts, "出杯")
    s = Statement(text=text, kind="derived", fact_ids=[f],
                  derivation=Derivation(op="difference", inputs=inputs, result=result))
    assert _codes(facts, "processes", _prose(s)) == found


def test_risk_responses_come_from_facts_or_are_asked_for(facts: Facts) -> None:
    price, repair = _id(facts, "价格波动"), _id(facts, "维修协议")
    content = RisksSection(paragraphs=[], risks=[
        Risk(description="咖啡豆进口价格波动", response=None, fact_ids=[price]),
        Risk(description="设备故障风险", response="已与供应商签订4小时上门维修协议", response_kind="fact",
             fact_ids=[repair]),
        Risk(description="咖啡豆进口价格波动", response="建议与两家以上供应商比价。", response_kind="advice",
             fact_ids=[price]),
    ])
    assert _codes(facts, "risks", content) == []
    canned = RisksSection(paragraphs=[], risks=[
        Risk(description="咖啡豆进口价格波动", response="已通过多元化采购渠道锁定采购价格。", response_kind="fact",
             fact_ids=[price])])
    assert _codes(facts, "risks", canned) == ["claims.unsupported-fact"]


MARKDOWN = """# 星河咖啡2025年第四季度运营工作概述

星河咖啡在华东地区有42家门店，员工380人。

## 一、运营流程

门店咖啡豆改为按销量预测每周两次补货。这些做法使流程更加标准化，减少了人为差错。

## 二、风险管理

- 咖啡豆进口价格波动。应对：通过多元化采购渠道、分批锁定采购价格并设置成本预警来降低影响。
- 设备故障风险。应对：已与供应商签订4小时上门维修协议。
- 咖啡豆进口价格波动。应对：建议与两家以上供应商比价。
"""


def test_foreign_markdown_invented_assertions_and_responses(facts: Facts) -> None:
    doc = from_markdown(MARKDOWN, "zh")
    found = [(f.code, f.evidence) for f in check_claims(doc, facts.items, facts.source_texts())]
    assert [c for c, _ in found] == ["claims.unsupported-assertion", "claims.invented-response"]
    assert "标准化" in found[0][1] and "多元化采购" in found[1][1]


def test_a_claim_that_every_goal_is_dated_above_undated_goals(facts: Facts) -> None:
    text = ("# 概述\n\n## 一、运营目标\n\n各项目标均按照 SMART 原则拟定，并有明确时限。\n\n"
            "- 会员复购率从70%提升到75%\n- 提升顾客满意度\n")
    doc = from_markdown(text, "zh")
    codes = [f.code for f in check_claims(doc, facts.items, facts.source_texts())]
    assert codes == ["claims.smart-claim-contradicted"]
    dated = text.replace("- 提升顾客满意度\n", "").replace("提升到75%", "提升到75%，2025年12月31日前完成")
    assert [f.code for f in check_claims(from_markdown(dated, "zh"), facts.items, facts.source_texts())] == []


@pytest.mark.parametrize("draft, facts_file, quotes", [
    ("coffee_offline_2026-12.md", "coffee.yaml",
     ["这些做法使流程更加标准化，减少了人为差错", "通过多元化采购渠道、分批锁定采购价格",
      "各项目标均按照 SMART 原则拟定"]),
    ("logistics_en_offline_2026-12.md", "logistics_en.yaml", ["Streamlined processes are where efficiency is won"]),
])
def test_the_former_offline_drafts_invented_claims_are_reported(draft: str, facts_file: str,
                                                                quotes: list[str]) -> None:
    facts = load_facts(EXAMPLES / facts_file)
    doc = from_markdown((DATA / "claims" / draft).read_text(encoding="utf-8"), facts.language)
    evidence = " | ".join(f.evidence for f in check_claims(doc, facts.items, facts.source_texts()))
    for quote in quotes:
        assert quote in evidence


SEED = DATA / "seed"


@pytest.mark.parametrize("answer", sorted(p.name for p in SEED.glob("answer_*.md")))
def test_the_seed_answers_state_no_goals_and_map_every_heading(answer: str) -> None:
    """The seed page's answers explain how to write goals; none states one, and their headings map to sections."""
    from drafter.critic.checks import check_document
    from drafter.facts.catalog import match_heading

    text = (SEED / answer).read_text(encoding="utf-8")
    doc = from_markdown(text, "zh")
    goals = doc.section("goals")
    assert goals is not None and goals.goals == []
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    unmapped = [h for h in headings if match_heading(h) is None and "重要性" not in h]
    assert unmapped == []
    report = check_document(doc)
    missing = {f.evidence or f.message for f in report.findings if f.code == "coverage.missing-section"}
    has_summary = any("总结" in h for h in headings)
    assert len(missing) == (0 if has_summary else 1)  # answer 2 has no 总结与展望, and is told so
    assert [f for f in report.findings if f.check == "smart" and f.code != "smart.no-goals"] == []
