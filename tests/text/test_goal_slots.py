"""The goal slot parser: one case per slot, taken from the classes the critic used to misjudge."""

from __future__ import annotations

import pytest

from drafter.critic.smart import judge_goal
from drafter.text.goal_slots import parse_goal


@pytest.mark.parametrize("text, lang, slot", [
    ("客服首次响应时长压到30秒以内", "zh", "comparator"),
    ("投诉率控制在0.5%以下", "zh", "comparator"),
    ("培训覆盖率不少于九成员工", "zh", "comparator"),
    ("Keep uptime at or above 99.9%", "en", "comparator"),
    ("订单处理时长缩短一半", "zh", "fraction"),
    ("线上订单占比过半", "zh", "fraction"),
    ("会员人数翻一番", "zh", "fraction"),
    ("Halve the refund backlog", "en", "fraction"),
    ("上线供应商门户", "zh", "deliverable"),
    ("完成ERP与WMS的数据打通", "zh", "deliverable"),
    ("Launch the partner portal", "en", "deliverable"),
    ("全年不发生重大安全事故", "zh", "avoidance"),
    ("Zero lost-time incidents at every plant", "en", "avoidance"),
    ("春节前完成门店陈列更新", "zh", "deadline"),
    ("Open two pop-up stores before Black Friday", "en", "deadline"),
    ("降低平均住院日", "zh", "metric_direction"),
])
def test_each_slot_is_read(text: str, lang: str, slot: str) -> None:
    assert getattr(parse_goal(text, lang), slot)


@pytest.mark.parametrize("text, lang", [
    ("2024年营收为3.2亿元", "zh"),
    ("本季度客户流失率为3.8%", "zh"),
    ("Q2 churn was 4%.", "en"),
    ("目标要具体、可衡量、可实现、相关且有时限，这是SMART原则的核心", "zh"),
])
def test_reports_and_talk_about_goals_are_not_goals(text: str, lang: str) -> None:
    assert parse_goal(text, lang).is_goal is False
    marks = judge_goal(text, lang)
    assert (marks.specific, marks.measurable, marks.time_bound) == (False, False, False)


@pytest.mark.parametrize("text, lang", [("持续优化服务体验", "zh"), ("不断完善管理", "zh"),
                                        ("Make customers happier this year", "en")])
def test_vague_aims_are_not_specific(text: str, lang: str) -> None:
    assert judge_goal(text, lang).specific is False


def test_a_cadence_is_not_a_deadline() -> None:
    assert judge_goal("每周召开一次客诉复盘会", "zh").time_bound is False
    assert judge_goal("Publish the service report every week", "en").time_bound is False
