"""Tests for drafter.critic.smart: rule-based SMART marks, time expressions and quantified targets."""

from __future__ import annotations

import pytest

from drafter.critic.smart import SmartMarks, find_time_expressions, has_quantified_target, judge_goal
from drafter.draft.model import Goal

# (text, lang, specific, measurable, time_bound)
GOALS: list[tuple[str, str, bool, bool, bool]] = [
    ("2025年12月31日前会员复购率从28%提升到35%", "zh", True, True, True),
    # comparators against last year, daily clock-time standards, openings, first-week windows, risks, other parties
    ("营业收入不低于上年", "zh", True, True, False),
    ("Revenue no lower than last year", "en", True, True, False),
    ("每日16:00前揽收的订单当日发出", "zh", True, True, False),
    ("Have fresh produce on shelves by 7:30 every morning.", "en", True, True, False),
    ("年底前5号线全线开通试运营", "zh", True, True, True),
    ("夏季新品上市首周销量突破100万杯", "zh", True, True, True),
    ("Sell a million cups of the summer launch drink in its first week.", "en", True, True, True),
    ("油价若持续高位，全年燃油成本将超预算约8%", "zh", False, False, False),
    ("厂家计划下半年下调返利比例", "zh", False, False, False),
    ("New US tariffs could raise landed costs by 5-8%.", "en", False, False, False),
    ("Hold year-to-date on-time delivery above 95%.", "en", True, True, False),
    ("No more than three elevator entrapments all year.", "en", True, True, True),
    ("Put a banking service point in every administrative village by end-2026.", "en", True, True, True),
    ("Monthly active users above five million", "en", True, True, False),
    ("Handle 4.5m TEU in 2026", "en", True, True, True),
    ("Acquire 120,000 new funded accounts in 2026, at least 75% via mobile.", "en", True, True, True),
    ("Deliver a premium community living experience.", "en", False, False, False),
    ("Build a brand young people love.", "en", False, False, False),
    ("Achieve BREEAM Excellent on the new headquarters building.", "en", True, True, False),
    # progress reports, other bodies' targets, risks; counted routines and additions; standards per case
    ("前三季度原保险保费收入完成全年计划的78%", "zh", False, False, False),
    ("国资委提出，到2027年中央企业研发投入强度整体达到3%以上。", "zh", False, False, False),
    ("若油价上涨超过10%，运输成本将增加约1800万元", "zh", False, False, False),
    ("门店周末排班增加一名花艺师", "zh", True, True, False),
    ("冬季保供期间确保居民用气不停供、不限供", "zh", True, True, True),
    ("航班平均过站时间压缩5分钟", "zh", True, True, False),
    ("Make the brewing team 30% more innovative.", "en", False, False, False),
    ("Publishers are raising list prices next quarter.", "en", False, False, False),
    ("Assumptions: volumes grow 5% and wage inflation stays at 3.5%.", "en", False, False, False),
    ("Owner: Tom (ops). Train all weekend staff on the new allergen labels before the Easter weekend.", "en",
     True, True, True),
    ("Patch critical vulnerabilities within 7 days of disclosure.", "en", True, True, False),
    ("Present the revised price list to shareholders at the AGM.", "en", True, True, True),
    ("Grow deposit balances by R12bn in FY26.", "en", True, True, True),
    # a metric only mentioned, sections' descriptions and contingencies; headline and comparative forms
    ("我们按周跟踪GMV、转化率、客单价三项核心指标。", "zh", False, False, False),
    ("若单店日均客流低于300人，将启动闭店评估。", "zh", False, False, False),
    ("Regional ops managers report to the COO.", "en", False, False, False),
    ("Stores: +8 (FY26)", "en", True, True, True),
    ("Spend a fifth less on cloud this fiscal year than last", "en", True, True, True),
    ("每年618和双11期间，仓库订单48小时发货率保持在99%以上", "zh", True, True, False),
    ("2025年第三季度线上渠道销售额达到1200万元", "zh", True, True, True),
    ("截至6月30日，新注册会员突破两万人", "zh", True, True, True),
    ("2025年Q3小程序订单占比提升5个百分点", "zh", True, True, True),
    ("第四季度客单价提升三成", "zh", True, True, True),
    ("2025年全年营销费用控制在八百万元以内", "zh", True, True, True),
    ("下半年将仓储人效比提升到1:8", "zh", True, True, True),
    ("全年退货率控制在百分之三以内", "zh", True, True, True),
    ("到2025年底，私域社群用户规模扩大一倍", "zh", True, True, True),
    ("三个月内上线3个新功能", "zh", True, True, True),
    ("上半年新开两家门店", "zh", True, True, True),
    ("三个月内将客服首次响应时长控制在30秒以内", "zh", True, True, True),
    ("2025年10月至12月，外卖订单占比从22%提升至30%", "zh", True, True, True),
    ("2026年上半年实现年度经常性收入翻一番", "zh", True, True, True),
    ("人效比达到1:8", "zh", True, True, False),
    ("新开一家门店", "zh", True, True, False),
    ("继续保持95%的好评率", "zh", True, True, False),
    ("外卖平台区域销量排名进入前三", "zh", True, True, False),
    ("每月新增会员5000人", "zh", True, True, False),  # a cadence alone is not a period
    ("2025年每月新增会员5000人", "zh", True, True, True),
    ("尽快把差评率降到1%以下", "zh", True, True, False),
    ("线上销售额同比增长20%", "zh", True, True, False),
    ("上线会员小程序", "zh", True, True, False),  # a verifiable go-live is measurable
    ("2025年9月底前上线新版会员小程序", "zh", True, True, True),  # a verifiable go-live is measurable
    ("三个月内完成仓库布局调整", "zh", True, True, True),  # 三个月 is the period; the adjustment is verifiable
    ("升级到CRM 3.0版本", "zh", True, True, False),  # a verifiable upgrade is measurable
    ("推动ISO 9001质量体系认证", "zh", True, False, False),
    ("由3人小组负责优化配送路线", "zh", True, False, False),
    ("提升外卖订单的准时率", "zh", True, False, False),
    ("复购率目前为28%，需要提升", "zh", True, False, False),
    ("团队目前有12人，要继续保持高效", "zh", False, False, False),
    ("目前门店数量为42家，下一步要加强门店管理", "zh", False, False, False),
    ("上季度销售额为960万元，本季度要争取更好的成绩", "zh", False, False, True),
    # The labelled dev set treats 客户满意度 without a measure as a general quality, not a metric.
    ("进一步提升客户满意度", "zh", True, False, False),  # a named metric with a direction, no level
    ("进一步提升客户满意度至90%", "zh", True, True, False),
    ("大幅提升整体运营水平", "zh", False, False, False),
    ("尽快改善服务质量", "zh", False, False, False),
    ("下半年进一步提升客户满意度", "zh", True, False, True),
    ("Raise the repeat purchase rate from 28% to 35% by December 31, 2025", "en", True, True, True),
    ("Open 5 stores in Q3 2025", "en", True, True, True),
    ("Open three new stores in H1 2026", "en", True, True, True),
    ("Reduce warehouse picking errors by 40% within 90 days", "en", True, True, True),
    ("Cut average ticket resolution time to under 4 hours by the end of Q3 2025", "en", True, True, True),
    ("Reduce customer acquisition cost by fifteen percent by the end of FY2025", "en", True, True, True),
    ("Cut the refund rate by a third this year", "en", True, True, True),
    ("Reach a staffing ratio of 1:8 across stores", "en", True, True, False),
    ("Halve the number of failed deliveries", "en", True, True, False),
    ("Maintain 99.9% uptime", "en", True, True, False),
    ("Launch the loyalty app within 90 days", "en", True, True, True),  # a go-live is measurable
    ("Roll out the new ticketing system by March 31", "en", True, True, True),  # a go-live is measurable
    ("Achieve SOC 2 Type II compliance by Q2 2026", "en", True, True, True),  # a go-live is measurable
    ("A team of 4 will own the pricing page redesign", "en", True, False, False),
    ("Churn is 4.2% at the moment and needs to come down", "en", True, False, False),
    ("Improve customer satisfaction significantly", "en", True, False, False),  # a named metric with a direction
    ("Improve significantly as soon as possible", "en", False, False, False),
    ("Cut costs where possible going forward", "en", True, False, False),  # costs: a named metric
    ("We have 45 support agents today and want to keep morale high", "en", False, False, False),
    ("Make the onboarding experience much better this quarter", "en", False, False, True),
    ("Set up a weekly KPI review with regional managers", "en", True, True, False),  # set up or not: verifiable
    # a result already achieved, or a value as it stands, is not an aim, whatever aim words it contains
    ("2025年12月，新版客服系统已正式上线", "zh", False, False, False),
    ("2025年的目标是新开20家门店，实际完成17家", "zh", False, False, False),
    ("我们在上半年完成了ERP系统升级", "zh", False, False, False),
    ("2026年6月30日前完成ERP系统升级", "zh", True, True, True),
    ("截至2025年底，平台累计注册商户达到1.2万家", "zh", False, False, False),
    ("As of September, on-time shipment rate stands at 93.5%.", "en", False, False, False),
    ("Same-store sales grew 3.1% in FY2025.", "en", False, False, False),
    ("Grow same-store sales 3.1% in FY2026.", "en", True, True, True),
    ("例如，可以把“提升客户满意度”改写为“年底前将客户满意度提升至90分以上”", "zh", False, False, False),
    # questions, lead-ins, advice and descriptions are not goals
    ("今年的门店人效目标该怎么定？", "zh", False, False, False),
    ("以下是仓储部2027年的重点工作：", "zh", False, False, False),
    ("制定指标时要兼顾结果和过程", "zh", False, False, False),
    ("仓库实行三班倒，每班8小时", "zh", False, False, False),
    ("Is a 55 NPS target realistic for next year?", "en", False, False, False),
    ("We launched the new returns portal in March.", "en", False, False, False),
    # a service standard is not a deadline; an event or a season is
    ("门店报修2小时内响应、24小时内修复", "zh", True, True, False),
    ("暑运来临前，把中转场日处理能力提升到40万件", "zh", True, True, True),
    ("Answer 90% of chats within 2 minutes", "en", True, True, False),
    ("Cut packaging cost per order by 10% versus 2025", "en", True, True, False),
    ("Open two pop-up stores ahead of the Christmas market", "en", True, True, True),
    # a named metric with a direction is specific whatever the intensifier; a system of work to improve is vague
    ("会员复购率稳步提升", "zh", True, False, False),
    ("健全供应商考核制度体系", "zh", False, False, False),
    ("Reduce forklift idle time", "en", True, False, False),
    # a verb of completion with a concrete object is a verifiable deliverable
    ("印发《门店食品安全管理办法》", "zh", True, True, False),
    ("年内完成与财务系统的数据对接", "zh", True, True, True),
    # forecasts, captions, progress reports and past results are not goals, whatever aim words they carry
    ("预计明年物流成本将上涨3%左右", "zh", False, False, False),
    ("表2 各门店2027年销售目标分解", "zh", False, False, False),
    ("1-10月累计完成营收3.1亿元，完成全年预算的86%", "zh", False, False, False),
    ("上半年外卖订单占比达到35%，超额完成年度目标", "zh", False, False, False),
    ("Vendor estimates suggest the new billing system could be live by May.", "en", False, False, False),
    ("Figure 3: churn by cohort, 2025-2026", "en", False, False, False),
    ("The regional board approved the capital plan on 3 October.", "en", False, False, False),
    ("Last quarter we hit 99.9% uptime.", "en", False, False, False),
    # an aim after a report of the past is still a goal; a commitment beats a report marker
    ("去年客单价只有52元，今年力争提高到60元", "zh", True, True, True),
    ("Churn was 6% last year; we need to bring it below 4% by December.", "en", True, True, True),
    # ratings, rankings, end states and headline KPIs are targets
    ("年内通过国家4A级旅游景区评定", "zh", True, True, True),
    ("Reach cash-flow break-even by the end of FY2027", "en", True, True, True),
    ("On-time dispatch: 98%+ by Q3", "en", True, True, True),
    # structural deadlines, and a deadline inside a cadence that bounds nothing
    ("新仓投用之前，完成全部货架安装", "zh", True, True, True),
    ("每周五前提交门店周报", "zh", True, True, False),
    ("Send the board pack five working days before each meeting", "en", True, True, False),
    ("For example, instead of 'grow sales', write 'grow online sales 15% by June 30'.", "en", False, False, False),
    # definitions, formulas, risks and process descriptions are not aims
    ("人效指门店月营业额除以在岗员工人数", "zh", False, False, False),
    ("风险：如果供应商交付延期，新店开业时间可能推迟", "zh", False, False, False),
    ("退货审核由区域经理确定，财务部复核", "zh", False, False, False),
    ("Fill rate is defined as the share of order lines shipped complete", "en", False, False, False),
    ("There is a risk that the cutover slips into Q3", "en", False, False, False),
    # a change of a vague quality names no metric and checks nothing; the level it is brought to does
    ("年内整体运营效率提升两成", "zh", False, False, True),
    ("旺季前将分拣中心日处理能力提升到60万件", "zh", True, True, True),
    ("Make the front desk 15% more efficient by June", "en", False, False, True),
    ("Handle 20% more tickets per agent by Q4", "en", True, True, True),
    # a date that recurs bounds nothing; a metric named after a verb is no deliverable
    ("每年3月按区域发布价格调整方案", "zh", True, True, False),
    ("Before year-end, bring down the average time to hire for nurses", "en", True, False, True),
    # "happy" holds no app; a named metric before a vague word is still named
    ("Make our guests happy", "en", False, False, False),
    ("Cut staff turnover across the estate in H2", "en", True, False, True),
    # another party's plan, a routine as it is run, a ticked item and a table row of actuals are not aims
    ("物流供应商计划下季度起上调运费6%", "zh", False, False, False),
    ("The council will resurface the car park in August", "en", False, False, False),
    ("质控组每月对门店开展一次神秘顾客检查", "zh", False, False, False),
    ("- [x] 4月底前完成消防演练", "zh", False, False, False),
    ("| Waste rate | 3.4% | 2025 actual |", "en", False, False, False),
    # full coverage, closing sites, events and windows that bound a goal; a time after 较 is the baseline
    ("年内关闭4家亏损门店", "zh", True, True, True),
    ("所有门店使用电子发票", "zh", True, True, False),
    ("博览会期间，展位日均接待不少于300人次", "zh", True, True, True),
    ("营收较去年9月增长8%", "zh", True, True, False),
    ("By the time the new terminal opens, have every gate agent certified", "en", True, True, True),
]


@pytest.mark.parametrize(("text", "lang", "specific", "measurable", "time_bound"), GOALS)
def test_judge_goal_smt(text: str, lang: str, specific: bool, measurable: bool, time_bound: bool) -> None:
    marks = judge_goal(text, lang)
    assert (marks.specific, marks.measurable, marks.time_bound) == (specific, measurable, time_bound), marks


TIME_EXPRESSIONS: list[tuple[str, list[str]]] = [
    ("2025年12月31日前完成", ["2025年12月31日前"]),
    ("2025年Q3完成", ["2025年Q3"]),
    ("Q3 2025 launch", ["Q3 2025"]),
    ("第四季度完成", ["第四季度"]),
    ("上半年新开3家门店", ["上半年"]),
    ("下半年提升", ["下半年"]),
    ("年底前完成", ["年底前"]),
    ("年末前完成", ["年末前"]),
    ("月底前完成", ["月底前"]),
    ("季度末完成", ["季度末"]),
    ("截至6月30日，会员两万", ["截至6月30日"]),
    ("三个月内上线", ["三个月内"]),
    ("90天内上线", ["90天内"]),
    ("本季度上线", ["本季度"]),
    ("本月完成", ["本月"]),
    ("本年度完成", ["本年度"]),
    ("年内完成", ["年内"]),
    ("今年完成", ["今年"]),
    ("2025年10月至12月，占比提升", ["2025年10月至12月"]),
    ("618大促期间GMV突破500万元", ["618大促期间"]),
    ("by March 31 the app", ["by March 31"]),
    ("by end of Q3", ["by end of Q3"]),
    ("in Q3 2025", ["in Q3 2025"]),
    ("within 90 days", ["within 90 days"]),
    ("by year-end", ["by year-end"]),
    ("H1 2026: add methods", ["H1 2026"]),
    ("this quarter", ["this quarter"]),
    ("by 2026", ["by 2026"]),
    ("In 2026, take quality up", ["In 2026"]),
]


@pytest.mark.parametrize(("text", "surfaces"), TIME_EXPRESSIONS)
def test_find_time_expressions(text: str, surfaces: list[str]) -> None:
    found = find_time_expressions(text)
    assert [surface for _, _, surface in found] == surfaces
    for start, end, surface in found:
        assert text[start:end] == surface


@pytest.mark.parametrize(
    "text",
    ["尽快完成", "下一步要加强管理", "持续优化", "近期推进", "每月召开例会", "每周发布3篇推文",
     "同比增长20%", "as soon as possible", "going forward", "weekly review", "grow 20% year over year",
     "团队12人", "5G门店"],
)
def test_not_time_expressions(text: str) -> None:
    assert find_time_expressions(text) == []


def test_time_expression_offsets_survive_full_width_text() -> None:
    text = "力争２０２５年１２月３１日前完成"
    [(start, end, surface)] = find_time_expressions(text)
    assert surface == "２０２５年１２月３１日前" and text[start:end] == surface


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("复购率提升到35%", True),
        ("客单价提高到百分之十五", True),
        ("毛利率提高两个百分点", True),
        ("会员数量翻番", True),
        ("新增会员两万人", True),
        ("费用不超过八百万元", True),
        ("确保全年安全事故为零", True),
        ("launch two self-service features", True),
        ("increase average order value to $48", True),
        ("团队目前有12人，要继续保持高效", False),
        ("复购率目前为28%，需要提升", False),
        ("2025年12月31日前完成", False),
        ("三个月内完成", False),
        ("Our average order value is $42", False),
        ("Last quarter we shipped 18,000 orders", False),
    ],
)
def test_has_quantified_target(text: str, expected: bool) -> None:
    assert has_quantified_target(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("会员复购率从28%提升到35%", True),
        ("复购率从28%提升5个百分点", True),
        ("Reduce churn from 8% to 5%", True),
        ("复购率提升到120%", False),
        ("复购率从5%提升到60%", False),
        ("门店数量从42家增加到500家", False),
        ("销售额增长15%", None),
        ("上线会员小程序", None),
    ],
)
def test_achievable(text: str, expected: bool | None) -> None:
    assert judge_goal(text).achievable is expected


def test_relevant_needs_strategy_terms() -> None:
    goal = "2025年12月31日前会员复购率从28%提升到35%"
    assert judge_goal(goal).relevant is None
    assert judge_goal(goal, strategy_terms=["以会员体系驱动复购"]).relevant is True
    assert judge_goal(goal, strategy_terms=["提升品牌影响力"]).relevant is False
    assert judge_goal("Cut churn to 5% by Q3", "en", ["Reduce churn and grow loyalty"]).relevant is True
    assert judge_goal("Open 5 stores by Q3", "en", ["Improve customer retention"]).relevant is False


def test_reasons_follow_language_and_false_marks() -> None:
    zh = judge_goal("大幅提升整体运营水平", "zh", ["会员复购"])
    assert zh == SmartMarks(False, False, None, False, False, zh.reasons)
    assert len(zh.reasons) == 4 and "大幅" in zh.reasons[0] and "缺少完成时限" in zh.reasons
    en = judge_goal("Improve significantly as soon as possible", "en")
    assert all(reason.isascii() for reason in en.reasons) and len(en.reasons) == 3
    assert judge_goal("2025年12月31日前会员复购率从28%提升到35%").reasons == ()
    assert "只有现状数值，缺少目标值" in judge_goal("复购率目前为28%，需要提升").reasons


@pytest.mark.parametrize("goal, strategy, relevant", [
    ("2025年12月31日前O2O订单占比从20%提升到30%", "发展O2O即时配送", True),
    ("2025年12月31日前会员复购率从20%提升到30%", "发展O2O即时配送", False),
    ("Raise B2B GMV to $5M by Q4", "Grow B2B sales", True),
    ("Cut P2P transfer fees to 0.5% by June", "Grow B2B sales", False),
])
def test_relevance_keeps_mixed_tokens(goal: str, strategy: str, relevant: bool) -> None:
    lang = "en" if goal.isascii() else "zh"
    assert judge_goal(goal, lang, [strategy]).relevant is relevant


def _goal(statement: str, **fields: str) -> Goal:
    return Goal(statement=statement, fact_ids=["F1"], **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("statement", "fields", "expected"), [
    ("2025年12月31日前准点率从90%提升到95%。", {"metric": "准点率", "baseline": "90%", "target": "97%",
                                      "deadline": "2025年12月31日"}, [("target", "97%", "95%")]),
    ("2025年9月30日前准点率从90%提升到97%。", {"metric": "准点率", "baseline": "90%", "target": "97%",
                                     "deadline": "2025年12月31日"}, [("deadline", "2025年12月31日", "2025年9月30日")]),
    ("Raise on-time delivery from 90% to 95% by December 31, 2025.", {"metric": "on-time delivery",
                                                                       "baseline": "90%", "target": "97%"},
     [("target", "97%", "95%")]),
    # agreeing, or silent about a field, is no contradiction
    ("2025年12月31日前准点率从90%提升到97%。", {"metric": "准点率", "baseline": "90%", "target": "97%",
                                      "deadline": "2025年12月31日"}, []),
    ("准点率从90%提升，截止时间为【待补充：截止时间】。", {"metric": "准点率", "baseline": "90%", "target": "97%"}, []),
    ("第四季度末前把投诉处理时长压到24小时。", {"metric": "投诉处理时长", "target": "24小时",
                                    "deadline": "第四季度末"}, []),
])
def test_a_goal_sentence_that_contradicts_its_fields_is_found(statement: str, fields: dict[str, str],
                                                              expected: list[tuple[str, str, str]]) -> None:
    from drafter.critic.smart import field_disagreements

    assert field_disagreements(_goal(statement, **fields)) == expected


def test_a_contradicted_field_is_an_error_finding_in_a_draft() -> None:
    from drafter.critic.checks import smart_findings
    from drafter.critic.document import GoalItem

    goal = _goal("2025年12月31日前准点率从90%提升到95%。", metric="准点率", baseline="90%", target="97%",
                 deadline="2025年12月31日")
    item = GoalItem(text=goal.statement, structured=goal)
    findings = smart_findings(item, judge_goal(goal.statement, "zh"), "zh")
    codes = {(f.code, f.severity) for f in findings}
    assert ("smart.field-contradicted", "error") in codes
    assert not any(f.code == "smart.field-not-in-statement" and "97%" in f.message for f in findings)


@pytest.mark.parametrize(("text", "lang"), [
    ("2025年公司实现营业收入3.4亿元，净利润2100万元", "zh"),
    ("2025年全年实现安全生产零事故", "zh"),
    ("2023至2025年，会员数从12万增长到35万", "zh"),
    ("2025年第四季度，仓储成本较上年同期下降5%", "zh"),
    ("2025 target: repeat rate 35%; actual: 32%", "en"),
])
def test_a_statement_about_a_year_before_the_documents_is_a_result(text: str, lang: str) -> None:
    marks = judge_goal(text, lang, as_of=2026)
    assert (marks.specific, marks.measurable, marks.time_bound) == (False, False, False)
    assert any("2026" in r for r in marks.reasons), marks.reasons
    # in a document for 2025 the same year is the period itself, not the past
    assert "2026" not in " ".join(judge_goal(text, lang, as_of=2025).reasons)


@pytest.mark.parametrize(("text", "lang"), [
    ("吨纱综合电耗较2025年下降5%，2026年底前实现", "zh"),  # 2025 is the baseline, 2026 the deadline
    ("2024—2026年累计新开门店30家", "zh"),  # a span that reaches the document's year
    ("FY25/26: GMV $150m, up 25%", "en"),  # a split financial year ending in 2026
    ("年底前门店数从42家增加到50家", "zh"),  # a time with no year
])
def test_a_time_that_reaches_the_documents_year_keeps_a_goal(text: str, lang: str) -> None:
    assert judge_goal(text, lang, as_of=2026).measurable is True


def test_check_judges_goals_as_of_the_facts_period_or_the_title() -> None:
    from drafter.critic.checks import check_document
    from drafter.critic.document import from_markdown

    markdown = ("# {title}\n\n开篇。\n\n## 一、运营目标\n\n"
                "- 2025年全年实现营收3.4亿元\n- 2026年底前会员复购率从28%提升到35%\n")
    for title, period, past in (("2026年运营工作概述", None, True), ("运营工作概述", "2026年第一季度", True),
                                ("运营工作概述", None, False), ("2025年运营工作概述", None, False)):
        report = check_document(from_markdown(markdown.format(title=title), "zh"), period=period)
        first, second = report.goals
        assert first["smart"]["measurable"] is not past, (title, period)
        assert second["smart"]["measurable"] is True
