"""What the offline drafter writes in each part: statements with kinds, connectors by relation, no maxim or praise,
words that fit the industry, goals with a placeholder and a question per missing field, risks with their own responses
or an honest gap, and a summary of results, open items and dated next steps."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from drafter.draft.model import GoalsSection, ProseSection, RisksSection
from drafter.text.arithmetic import check_derivation

from ..conftest import ROOT
from .helpers import claims_findings, draft, draft_file, errors, section_text, statements

CASES = ROOT / "evals" / "cases"
HOSPITAL = CASES / "private_hospital_2025" / "facts.yaml"
BANK = CASES / "community_bank_sparse" / "facts.yaml"
HOTEL = CASES / "hotel_group_en" / "facts.yaml"
ALL = sorted(CASES.glob("*/facts.yaml")) + sorted((ROOT / "examples").glob("*.yaml"))

# Maxims, praise and canned evaluations of today's phrase bank (none of these is in any facts file).
CANNED = ("不可或缺", "运营基础进一步夯实", "SMART 原则", "凝聚力", "闭环", "可持续发展", "有的放矢", "多劳多得",
          "在此基础上", "因此", "从而", "由此可见", "Key points this period", "is the key to", "closed loop")


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.parent.name if p.name == "facts.yaml" else p.stem)
def test_every_sentence_is_a_statement_that_passes_the_claims_check(path: Path) -> None:
    facts, overview, md = draft_file(path)
    found = statements(overview)
    assert found, "the draft is made of statements"
    for where, s in found:
        assert s.kind in ("fact", "derived", "advice", "outlook", "placeholder")
        if s.kind in ("fact", "derived", "outlook"):
            assert s.fact_ids, f"{where}: {s.text}"
        if s.kind == "derived":
            assert s.derivation is not None and check_derivation(s.derivation.op, s.derivation.inputs,
                                                                 s.derivation.result), s.text
        if s.kind == "placeholder":
            assert s.question and re.search(r"【待补充|\[TO FILL", s.text)
    assert claims_findings(facts, overview) == []
    assert errors(facts, overview) == []
    for phrase in CANNED:
        assert phrase not in md, phrase


def test_no_sentence_of_the_drafters_own_wording_repeats_across_companies(tmp_path: Path) -> None:
    # today's fault: seven sentences appeared in every Chinese draft
    drafts = [draft_file(p) for p in ALL if "language: en" not in p.read_text(encoding="utf-8")]
    seen: dict[str, str] = {}
    for facts, _overview, md in drafts:
        masked = md.replace(facts.file.company, "<C>").replace(facts.file.period, "<P>")
        masked = re.sub(r"\d+(?:[.,]\d+)*", "#", masked)
        fact_texts = [re.sub(r"\d+(?:[.,]\d+)*", "#", f.text) for f in facts.items]
        for sentence in re.split(r"(?<=[。！？])|\n", masked):
            sentence = sentence.strip().lstrip("- ")
            own = sentence
            for f in fact_texts:
                own = own.replace(f, "")
            own = re.sub(r"<C>|<P>|\W", "", own)
            if len(own) <= 3 or "【待补充" in sentence or sentence.startswith("#"):
                continue  # a fact in its own words, a placeholder or a heading
            assert seen.setdefault(sentence, facts.file.company) == facts.file.company, sentence


@pytest.mark.parametrize(("path", "foreign"), [(HOSPITAL, ("采购", "生产", "复购", "门店")),
                                               (BANK, ("采购", "生产", "复购", "门店"))])
def test_words_the_drafter_adds_fit_the_industry(path: Path, foreign: tuple[str, ...]) -> None:
    # today's fault: a bank's draft talked about 采购、生产; a hospital's about 复购
    facts, overview, md = draft_file(path)
    facts_text = " ".join(f.text for f in facts.items)
    for word in foreign:
        assert word not in md or word in facts_text, word


def test_staff_turnover_is_named_plainly_and_not_followed_by_praise(tmp_path: Path) -> None:
    facts, overview, md = draft(tmp_path, "company: Harborline Hotels\nperiod: H1 2025\nlanguage: en\n"
                                          "team:\n  - Monthly general manager forum on service standards\n"
                                          "  - Frontline staff turnover of 21%\n")
    team = overview.section("team").content
    assert isinstance(team, ProseSection)
    texts = [s.text for p in team.paragraphs for s in p.statements]
    turnover = next(i for i, t in enumerate(texts) if "turnover was 21%" in t)
    assert texts[turnover].startswith(("However", "At the same time", "On the other hand"))
    after = texts[turnover + 1:]
    assert after and all(s.kind == "advice" for p in team.paragraphs for s in p.statements if s.text in after)
    for praise in ("strong", "effective", "cohesion", "well", "improved", "successful"):
        assert praise not in " ".join(after).lower()


def test_connectors_only_by_relation(tmp_path: Path) -> None:
    # today's fault: "获客成本…。在此基础上，客户终身价值约为9万元" — unrelated facts chained causally
    facts, overview, md = draft(tmp_path, "company: 某公司\nperiod: 2025年第四季度\n"
                                          "data: [获客成本320元, 客户终身价值约为9万元, 退货率由6.9%上升到8.2%]\n")
    data = section_text(overview, "data")
    for link in ("在此基础上", "因此", "从而", "此外", "同时"):
        assert link not in data
    assert re.search(r"(不过，|但)退货率由6\.9%上升到8\.2%", data), "a figure moving the wrong way is a contrast"


def test_a_required_section_without_facts_is_one_placeholder_and_its_question(tmp_path: Path) -> None:
    facts, overview, md = draft(tmp_path, "company: 某公司\nperiod: 2025年第四季度\ndata: [客单价38元]\n")
    keys = [s.key for s in overview.sections]
    assert "risks" not in keys and "customers" not in keys, "optional sections without facts are left out"
    content = overview.section("processes").content
    assert isinstance(content, ProseSection)
    found = [s for p in content.paragraphs for s in p.statements]
    assert len(found) == 1 and found[0].kind == "placeholder" and found[0].question
    assert content.questions == [found[0].question]


def test_goals_one_bullet_each_with_a_placeholder_and_question_per_missing_field(tmp_path: Path) -> None:
    # today's fault: a plain-string goal without an owner got neither a placeholder nor a question
    facts, overview, md = draft(tmp_path, "company: 云帆物流\nperiod: 2025年第三季度\ngoals:\n"
                                          "  - 2025年9月30日前准点率从90%提升到95%\n"
                                          "  - {metric: 单票配送成本, baseline: 8.6元}\n")
    goals = overview.section("goals").content
    assert isinstance(goals, GoalsSection) and len(goals.goals) == 2
    first, second = goals.goals
    assert first.statement.startswith("准点率：") and "由90%提升至95%" in first.statement
    assert "2025年9月30日前" in first.statement and "【待补充：准点率目标的负责人】" in first.statement
    for what in ("单票配送成本的目标值", "单票配送成本目标的截止时间", "单票配送成本目标的负责人"):
        assert f"【待补充：{what}】" in second.statement
    assert len(goals.questions) == 4  # owner of the first; target, deadline and owner of the second
    gap = next(s for p in goals.paragraphs for s in p.statements if s.kind == "derived")
    assert "5个百分点" in gap.text and gap.derivation is not None and gap.derivation.op == "gap"


def test_a_current_value_of_a_goal_metric_is_tied_to_the_goal_with_the_gap(tmp_path: Path) -> None:
    facts, overview, md = draft(tmp_path, "company: 星河咖啡\nperiod: 2025年第四季度\n"
                                          "goals:\n  - {metric: 外卖订单占比, baseline: 22%, target: 30%, "
                                          "deadline: 2025年12月31日, owner: 外卖运营组}\n"
                                          "data: [外卖订单占比达到26%]\n")
    goals = overview.section("goals").content
    assert isinstance(goals, GoalsSection)
    tie = next(s for p in goals.paragraphs for s in p.statements if "26%" in s.text)
    assert tie.kind == "derived" and "4个百分点" in tie.text
    assert set(tie.fact_ids) == {facts.items[0].id, facts.items[1].id}


def test_risks_keep_their_own_responses_or_ask(tmp_path: Path) -> None:
    facts, overview, md = draft(tmp_path, "company: 海帆跨境电商\nperiod: 2025年第四季度\nrisks:\n"
                                          "  - 第四季度收到平台政策警告3次，均已完成整改\n"
                                          "  - 美元兑人民币汇率波动影响毛利\n")
    risks = overview.section("risks").content
    assert isinstance(risks, RisksSection)
    warned, currency = sorted(risks.risks, key=lambda r: "警告" not in r.description)
    assert warned.response == "均已完成整改。" and warned.response_kind == "fact"
    assert currency.response is None, "no response of the drafter's own (today: 多元化采购渠道、分批锁定采购价格…)"
    assert any("汇率" in q for q in risks.questions)
    assert "【待补充：应对措施与负责人】" in md
    assert "采购渠道" not in md and "锁定采购价格" not in md


def test_summary_results_open_items_and_dated_next_steps(tmp_path: Path) -> None:
    facts, overview, md = draft_file(ROOT / "examples" / "coffee.yaml")
    summary = overview.section("summary").content
    assert isinstance(summary, ProseSection)
    found = [s for p in summary.paragraphs for s in p.statements]
    kinds = [s.kind for s in found]
    assert kinds[0] == "fact" and "placeholder" in kinds and kinds[-1] == "outlook"
    results = found[0].text
    assert "新品上市周期缩短到28天" in results and "阿拉比卡" not in results, "bad news is not a result"
    assert "从40天" not in results, "the summary restates a result short; its section has the whole fact"
    open_items = next(s for s in found if s.kind == "placeholder").text
    assert "单杯原料成本目标的截止时间" in open_items and "阿拉比卡生豆采购价格同比上涨23%" in open_items
    assert "2025年12月31日前" in found[-1].text and "会员复购率由28%提升至35%" in found[-1].text
    assert "运营基础进一步夯实" not in md and "可持续发展" not in md
