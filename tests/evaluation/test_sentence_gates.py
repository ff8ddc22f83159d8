"""The sentence gates: boilerplate ratio, fact-bearing share, repeats within a draft and across cases, claims."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafter.critic import registry
from drafter.critic.document import Document, from_markdown
from drafter.critic.registry import CheckContext, FunctionCheck
from drafter.draft.model import Finding, Opening, Overview, ProseSection, RisksSection
from drafter.draft.render_markdown import render
from drafter.evaluation.metrics import (
    GATE_BY_LANGUAGE,
    boilerplate_ratio,
    cross_case_scores,
    gate_passed,
    gate_scores,
    gate_threshold,
    unsupported_claims,
)
from drafter.evaluation.prose import (
    CONTENT_SHARE,
    document_units,
    mask,
    masked_sentences,
    overview_units,
    repeated_within,
)
from drafter.facts.load import load_facts
from drafter.facts.model import Facts
from drafter.pipeline import new_overview, set_version

FACTS = """\
company: 麦穗坊烘焙
period: 2025年第四季度
processes:
  - 门店订货由人工下单改为按销量预测自动补货
  - 新品上市周期从45天缩短到30天
risks:
  - 奶油、黄油采购价格同比上涨9%
  - 门店店长流失率上升
"""


@pytest.fixture
def facts(tmp_path: Path) -> Facts:
    (tmp_path / "facts.yaml").write_text(FACTS, encoding="utf-8")
    return load_facts(tmp_path / "facts.yaml")


def _overview(facts: Facts, processes: dict[str, object], risks: dict[str, object] | None = None) -> Overview:
    overview = new_overview(facts, "test")
    for section in overview.sections:
        if section.key == "processes":
            set_version(section, ProseSection.model_validate(processes), "test", "draft")
        elif section.key == "risks" and risks is not None:
            set_version(section, RisksSection.model_validate(risks), "test", "draft")
    overview.opening = Opening()
    return overview


def _kinds(overview: Overview, facts: Facts, where: str) -> list[tuple[str, str]]:
    return [(u.kind, u.text) for u in overview_units(overview, facts) if u.where == where]


def test_typed_statements_keep_their_kind_and_a_claim_without_ids_is_boilerplate(facts: Facts) -> None:
    statements = [
        {"text": "门店订货由人工下单改为按销量预测自动补货。", "kind": "fact", "fact_ids": ["F1"]},
        {"text": "新品上市周期缩短了15天。", "kind": "derived", "fact_ids": ["F2"],
         "derivation": {"op": "difference", "inputs": ["45天", "30天"], "result": "15天"}},
        {"text": "建议把自动补货规则固化为标准流程。", "kind": "advice", "fact_ids": []},
        {"text": "【待补充：流程优化的效果】", "kind": "placeholder", "fact_ids": [], "question": "效果如何？"},
        {"text": "流程更加标准化，减少了人为差错。", "kind": "fact", "fact_ids": []},
        {"text": "下一步将持续优化流程。", "kind": "outlook", "fact_ids": []},
    ]
    overview = _overview(facts, {"paragraphs": [{"statements": statements}]})
    assert [k for k, _ in _kinds(overview, facts, "processes")] == [
        "fact", "derived", "advice", "placeholder", "boilerplate", "boilerplate"]
    score = boilerplate_ratio(overview_units(overview, facts))
    assert score.value == pytest.approx(2 / 6) and "2/6" in score.details


def test_text_sentences_bear_a_fact_only_when_their_paragraph_cites_it_and_shares_its_content(facts: Facts) -> None:
    cited = "从实际情况看，门店订货由人工下单改为按销量预测自动补货。另外，上市周期缩短到30天。" \
            "这些做法使流程更加标准化，减少了人为差错。"
    uncited = "门店订货由人工下单改为按销量预测自动补货。"
    overview = _overview(facts, {"paragraphs": [{"text": cited, "fact_ids": ["F1", "F2"]},
                                                {"text": uncited, "fact_ids": []},
                                                {"text": "流程效果【待补充：流程优化的效果】。", "fact_ids": []}]})
    assert _kinds(overview, facts, "processes") == [
        ("fact", "从实际情况看，门店订货由人工下单改为按销量预测自动补货。"),  # content shared
        ("fact", "另外，上市周期缩短到30天。"),  # a figure shared
        ("boilerplate", "这些做法使流程更加标准化，减少了人为差错。"),
        ("boilerplate", uncited),  # the same words, but the paragraph cites nothing
        ("placeholder", "流程效果【待补充：流程优化的效果】。"),
    ]
    assert 0 < CONTENT_SHARE < 1


def test_risk_responses_count_by_their_kind_and_the_label_is_not_a_sentence(facts: Facts) -> None:
    risks = {"paragraphs": [], "risks": [
        {"description": "奶油、黄油采购价格同比上涨9%", "response": "建议分批锁定采购价格。", "response_kind": "advice",
         "fact_ids": ["F3"]},
        {"description": "门店店长流失率上升", "response": None, "fact_ids": ["F4"]},
        {"description": "奶油、黄油采购价格同比上涨9%", "response": "通过多元化采购渠道来降低影响。",
         "fact_ids": ["F3"]},
    ]}
    overview = _overview(facts, {"paragraphs": []}, risks)
    assert _kinds(overview, facts, "risks") == [
        ("fact", "奶油、黄油采购价格同比上涨9%"), ("advice", "建议分批锁定采购价格。"),
        ("fact", "门店店长流失率上升"), ("placeholder", "【待补充：应对措施与负责人】"),
        ("fact", "奶油、黄油采购价格同比上涨9%"), ("boilerplate", "通过多元化采购渠道来降低影响。")]
    markdown = render(overview)
    assert "应对：" in markdown
    units = document_units(from_markdown(markdown, "zh"), facts)
    assert not any(u.text.startswith("应对") for u in units)


def test_the_boilerplate_ceiling_depends_on_the_language() -> None:
    assert GATE_BY_LANGUAGE["boilerplate_ratio"] == {"zh": 0.15, "en": 0.25}
    assert gate_threshold("boilerplate_ratio", "en") == 0.25 and gate_threshold("boilerplate_ratio") == 0.15
    assert gate_passed("boilerplate_ratio", 0.2, "zh") is False
    assert gate_passed("boilerplate_ratio", 0.2, "en") is True
    assert gate_passed("cross_case_repeats", None) is None


def test_masking_hides_company_period_digits_and_chinese_numerals() -> None:
    a = mask("麦穗坊烘焙2025年第四季度新开门店12家，其中三家在成都。", "麦穗坊烘焙", "2025年第四季度")
    b = mask("星河咖啡2025年第三季度新开门店7家，其中两家在成都。", "星河咖啡", "2025年第三季度")
    assert a == b
    assert mask("Harborline Hotels's H1 2025 review", "Harborline Hotels", "H1 2025") == "cspreview"
    assert mask("By December 31, 2025, up from 34%", "X", "Q3") == "bydecember00upfrom0"


def test_cross_case_repeats_count_shared_sentences_but_not_placeholders_or_verbatim_facts(tmp_path: Path) -> None:
    drafts = {
        "a": ("甲公司", "门店12家", ["数据分析是运营工作中不可或缺的工具。", "甲公司本期新开门店12家。",
                                   "本期门店12家。"]),
        "b": ("乙公司", "门店30家", ["数据分析是运营工作中不可或缺的工具。", "乙公司本期新开门店3家。",
                                   "本期门店30家。"]),
        "c": ("丙公司", "员工80人", ["丙公司的员工为80人，分布在两座城市。"]),
    }
    masked = []
    for name, (company, fact, sentences) in drafts.items():
        folder = tmp_path / name
        folder.mkdir()
        (folder / "facts.yaml").write_text(f"company: {company}\nperiod: 2025年第三季度\nfacts:\n  - {fact}\n",
                                           encoding="utf-8")
        case_facts = load_facts(folder / "facts.yaml")
        overview = new_overview(case_facts, "test")
        overview.opening = Opening(statements=[{"text": s, "kind": "fact", "fact_ids": ["F1"]}  # type: ignore[misc]
                                               for s in sentences])
        masked.append(masked_sentences(name, overview_units(overview, case_facts), case_facts))
    scores = cross_case_scores(masked)
    # the maxim and the company sentence recur; "本期门店12家" is the fact itself, in the facts' own words
    assert (scores["a"].value, scores["b"].value, scores["c"].value) == (2, 2, 0)
    assert "also in b" in scores["a"].details
    assert cross_case_scores(masked[:1])["a"].value is None


def test_repeated_sentences_within_one_draft(facts: Facts) -> None:
    text = "门店订货由人工下单改为按销量预测自动补货。"
    overview = _overview(facts, {"paragraphs": [{"text": text, "fact_ids": ["F1"]}, {"text": text, "fact_ids": ["F1"]},
                                                {"text": "【待补充：效果】", "fact_ids": []},
                                                {"text": "【待补充：效果】", "fact_ids": []}]})
    repeats = repeated_within(overview_units(overview, facts))
    assert [u.text for u in repeats] == [text]  # placeholders are labels, not repeats


def test_unsupported_claims_counts_error_findings_of_the_claims_check(facts: Facts,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    claim = Finding.model_construct(check="claims", code="claims.unsupported-assertion", severity="error",
                                    section="processes", message="unsupported", evidence="建立了闭环。")
    other = Finding(check="grounding", severity="error", section="processes", message="figure")
    warning = Finding.model_construct(check="claims", severity="warning", section="processes", message="w",
                                      evidence="")
    assert unsupported_claims([claim, other, warning]).value == 1

    def fake(doc: Document, ctx: CheckContext) -> list[Finding]:
        return [claim] if doc.section("processes") is not None and doc.section("processes").blocks else []

    monkeypatch.setattr(registry, "REGISTRY", [FunctionCheck("fake-claims", fake)])  # alone: no real claims check
    overview = _overview(facts, {"paragraphs": [{"text": "公司建立了闭环。", "fact_ids": []}]})
    typed = gate_scores(render(overview), facts, overview=overview)["unsupported_claims"]
    assert typed.value == 1  # read from the typed draft (blocks exist only there)
    assert gate_scores(render(overview), facts)["unsupported_claims"].value == 0  # the Markdown has no blocks
