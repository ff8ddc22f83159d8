"""Routing and reading facts: no one-character keywords, profile facts to the opening, results and plans are not goals,
fused goals are split, controls and good results are not risks, a baseline given as a fact joins its goal, and a fact
outside the period keeps its own period."""

from __future__ import annotations

import re
from pathlib import Path

from drafter.facts.catalog import OPENING, route_fact
from drafter.facts.load import load_facts

from .helpers import draft, section_text

BANK = """company: 青禾农商银行城东支行
period: 2025年第三季度
facts:
  - 支行员工18人，其中客户经理6人
  - 第三季度末个人存款余额4.6亿元，较年初增长8.5%
  - 本季度新增个人客户1260户
  - 受理客户投诉9件，均在5个工作日内办结
"""


def _section_of(path: Path, text: str) -> str:
    return next(f.section for f in load_facts(path).items if f.text == text)


def test_personal_deposits_do_not_go_to_the_team(tmp_path: Path) -> None:
    # today's fault: 个人存款余额 contains 人, a one-character team keyword
    assert route_fact("第三季度末个人存款余额4.6亿元，较年初增长8.5%") != "team"
    path = tmp_path / "bank.yaml"
    path.write_text(BANK, encoding="utf-8")
    assert _section_of(path, "第三季度末个人存款余额4.6亿元，较年初增长8.5%") in (OPENING, "data")
    assert _section_of(path, "支行员工18人，其中客户经理6人") == "team"
    assert _section_of(path, "受理客户投诉9件，均在5个工作日内办结") == "customers", "complaints handled are not a risk"


def test_profile_facts_go_to_the_opening(tmp_path: Path) -> None:
    facts, overview, md = draft(tmp_path, "company: 麦穗坊烘焙\nperiod: 2025年第四季度\nindustry: 连锁烘焙零售\n"
                                          "facts: [西南地区门店36家，员工410人]\n"
                                          "team: [店长每周参加区域例会]\n")
    assert facts.items[0].section == OPENING
    assert overview.opening is not None and "西南地区门店36家，员工410人" in overview.opening.text
    assert "西南地区门店36家" not in section_text(overview, "team")


def test_a_result_is_not_a_goal(tmp_path: Path) -> None:
    # today's fault: 注册用户达到72万人 became a goal, and the user was asked for its deadline
    facts, overview, md = draft(tmp_path, "company: 极光快充\nperiod: 2025年第二季度\n"
                                          "facts: [注册用户达到72万人, 手机银行活跃用户占比提升至62%]\n")
    assert all(f.section != "goals" for f in facts.items)
    goals = overview.section("goals").content
    assert goals is not None and goals.goals == []  # [] : no goal invented from a result
    asked = " ".join(q.text for q in overview.questions)
    assert "注册用户" not in asked and "72万" not in asked
    assert "注册用户达到72万人" in md


def test_a_planned_item_is_a_plan_not_a_goal(tmp_path: Path) -> None:
    facts, overview, md = draft(tmp_path, "company: 星河咖啡\nperiod: 2025年第四季度\n"
                                          "goals:\n  - 计划于2026年第一季度上线会员小程序\n"
                                          "  - 2025年12月31日前会员复购率从28%提升到35%，由会员运营部负责\n")
    plan = facts.items[0]
    assert plan.section != "goals"
    goals = overview.section("goals").content
    assert goals is not None and [g.metric for g in goals.goals] == ["会员复购率"]
    assert not any("会员小程序" in q.text for q in overview.questions), "a plan gets no deadline question"
    kinds = {s.kind for key, st in _statements_with(overview, "会员小程序") for s in [st]}
    assert kinds and kinds <= {"outlook"}


def _statements_with(overview: object, needle: str) -> list[tuple[str, object]]:
    from .helpers import statements

    return [(k, s) for k, s in statements(overview) if needle in s.text]  # type: ignore[arg-type]


def test_two_goals_fused_in_one_string_are_split(tmp_path: Path) -> None:
    facts, overview, md = draft(tmp_path, "company: 星河咖啡\nperiod: 2025年第四季度\ngoals:\n"
                                          "  - 2025年12月31日前会员复购率从28%提升到35%、外卖订单占比从22%提升到30%，"
                                          "由会员运营部负责\n")
    goals = overview.section("goals").content
    assert goals is not None
    assert [(g.metric, g.baseline, g.target, g.deadline, g.owner) for g in goals.goals] == [
        ("会员复购率", "28%", "35%", "2025年12月31日", "会员运营部"),
        ("外卖订单占比", "22%", "30%", "2025年12月31日", "会员运营部")]
    assert all(g.fact_ids == [facts.items[0].id] for g in goals.goals)


def test_english_fused_goals_are_split(tmp_path: Path) -> None:
    facts, overview, md = draft(tmp_path, "company: Bluewater Freight\nperiod: Q4 2025\nlanguage: en\ngoals:\n"
                                          "  - Raise on-time delivery from 91% to 96% and cut empty running from 18% "
                                          "to 12% by December 31, 2025, owned by fleet planning\n")
    goals = overview.section("goals").content
    assert goals is not None and [g.metric for g in goals.goals] == ["on-time delivery", "empty running"]
    assert {g.owner for g in goals.goals} == {"fleet planning"}


def test_controls_and_good_results_are_not_risks(tmp_path: Path) -> None:
    # today's fault: "食品安全检查全部门店合格" got a canned risk response; 资金监管 is a control, not a risk
    facts, overview, md = draft(tmp_path, "company: 星河咖啡\nperiod: 2025年第四季度\nrisks:\n"
                                          "  - 阿拉比卡生豆采购价格同比上涨23%\n"
                                          "  - 第四季度食品安全检查全部门店合格\n"
                                          "  - 预收学费全部纳入银行资金监管账户，监管金额5200万元\n"
                                          "  - 退货率由8.2%降至6.9%\n")
    by_text = {f.text: f.section for f in facts.items}
    assert by_text["阿拉比卡生豆采购价格同比上涨23%"] == "risks"
    assert by_text["第四季度食品安全检查全部门店合格"] != "risks"
    assert by_text["预收学费全部纳入银行资金监管账户，监管金额5200万元"] != "risks"
    assert by_text["退货率由8.2%降至6.9%"] != "risks", "a good result among the risks"
    risks = overview.section("risks").content
    assert risks is not None and [r.description for r in risks.risks] == ["阿拉比卡生豆采购价格同比上涨23%"]
    assert "第四季度食品安全检查全部门店合格" in md and "退货率由8.2%降至6.9%" in md


def test_a_baseline_given_as_a_fact_joins_its_goal(tmp_path: Path) -> None:
    facts, overview, md = draft(tmp_path, "company: 康禾医院\nperiod: 2025年度\n"
                                          "facts: [药占比31%]\n"
                                          "goals:\n  - {metric: 药占比, target: 28%, deadline: 2025年12月31日, "
                                          "owner: 医务部}\n")
    assert facts.items[0].section == "goals"
    goals = overview.section("goals").content
    assert goals is not None and goals.goals[0].baseline == "31%"
    assert set(goals.goals[0].fact_ids) == {facts.items[0].id, facts.items[1].id}
    assert "由31%降至28%" in goals.goals[0].statement


def test_a_fact_outside_the_period_keeps_its_own_period(tmp_path: Path) -> None:
    # a 2025 figure in a 2026 overview is not "本期": no period lead, not an achievement of the period
    facts, overview, md = draft(tmp_path, "company: 星河咖啡\nperiod: 2026年上半年\n"
                                          "data: [2025年营业收入8亿元, 小程序点单占比由45%提升到58%]\n")
    data = section_text(overview, "data")
    assert "2025年营业收入8亿元" in data
    assert not re.search(r"(?:本期|上半年|本季度|本年度)[，,]?(?:从\w+看，)?2025年营业收入", md)
    summary = section_text(overview, "summary")
    assert "小程序点单占比提升到58%" in summary, "a result of the period is named in the summary"
    assert "2025年营业收入8亿元" not in summary, "a figure of another period is not"
