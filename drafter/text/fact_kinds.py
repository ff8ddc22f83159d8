"""What a short fact says, from its wording alone: a goal, a plan, a result, a problem, a control, a profile figure,
a change from one value to another, and whether it falls inside the overview's period (pure functions, zh + en).

Used by routing (facts/load.py) and by the offline drafter, so both read a fact the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drafter.text.figures import Figure, extract_figures
from drafter.text.time_expressions import find_time_spans


def _en(words: str) -> str:
    return rf"(?i:\b(?:{words})\b)"


# A goal: an explicit aim, or a deadline ("…前", "by <date>") next to a change or level cue.
_GOAL_WORDS = re.compile(r"目标|力争|争取|确保|务必|" + _en(r"target(?:s|ed)?|goal|goals|aim(?:s|ing)?\s+to|objective"))
_DEADLINE = re.compile(r"(?:日|月|年|季度|年底|年末|月底|月末|底)(?:之|以)?前|(?:年底|年末|月底|季度末)前|以内完成|"
                       r"内完成|"
                       + _en(r"by\s+(?:the\s+end\s+of\s+)?(?:Q[1-4]|H[12]|FY|end|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug"
                             r"|Sep|Oct|Nov|Dec)[a-z]*|20\d\d)|before\s+(?:Q[1-4]|20\d\d|(?:Jan|Feb|Mar|Apr|May|Jun"
                             r"|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*)|within\s+(?:the\s+)?(?:next|coming)"))
_CHANGE_CUE = re.compile(r"提升|提高|增长|增加|降低|下降|减少|压缩|缩短|控制在|达到|降至|降到|突破|超过|翻番|"
                         + _en(r"raise|increase|grow|lift|improve|reduce|cut|lower|bring|boost|decrease|shorten"
                               r"|reach|hit|double|halve|keep"))
_EN_IMPERATIVE = re.compile(r"(?i)^\s*(?:raise|increase|grow|lift|improve|reduce|cut|lower|bring|boost|decrease"
                            r"|shorten|reach|hit|double|halve|keep|launch|open|complete|deliver|achieve)\b")
# A plan: something the company intends to do (计划/拟/将于…; plan to, will, scheduled).
_PLAN = re.compile(r"计划|拟(?!定|合)|预计|准备|将于|将在|将要|将会|将(?=上线|启动|开业|推出|开设|建设|引入|实施)|"
                   + _en(r"plan(?:s|ned)?\s+to|will|scheduled\s+(?:to|for)|is\s+to\s+be|are\s+to\s+be|intends?\s+to"))
# A result stated as achieved.
_ACHIEVED = re.compile(r"已经?|达到|达|提升[到至]|提高[到至]|增长|增加[到至]?|降[低至到]|下降|缩短|减少|上线|建成|"
                       r"实现|突破|完成|"
                       r"开设|新增|新开|改为|覆盖|"
                       + _en(r"reached|rose|grew|fell|dropped|cut|launched|released|completed|went\s+live"
                             r"|achieved|moved|installed|piloted|opened|added|up|down|was|were"))
_PERFECTIVE = re.compile(r"已经?|了|累计|本期|本季度|本年度|本月|上半年|下半年|全年|第[一二三四1-4]季度|"
                         + _en(r"reached|rose|grew|fell|dropped|launched|released|completed|went\s+live|achieved"))

# Bad news: a problem reported, or a figure moving the wrong way (see `direction` and `polarity`).
_PROBLEM = re.compile(
    r"流失|离职|故障|事故|纠纷|警告|处罚|罚款|超限|缺口|空缺|短缺|缺员|延误|积压|隐患|告警|风险|波动|到期|违规|下滑|亏损|不合格|未达标|"
    r"集中度|依赖|断供|停产|召回|"
    + _en(r"turnover|attrition|vacanc(?:y|ies)|failed|failure|faults?|incidents?|outages?|warnings?|penalt(?:y|ies)"
          r"|fines?|at\s+risk|risks?|drought|shortages?|delays?|backlog|declin(?:e|ed)|losses|lost|breach(?:es)?"
          r"|churn(?:ed)?|expir(?:e|es|ing|y)|volatil\w*|concentrat\w*"))
# Controls and good results that sit in a risk list but are not risks.
_CONTROL = re.compile(r"合格|达标|零事故|未发生|无安全事故|监管账户|资金监管|纳入.{0,8}监管|检查|巡检|抽检|审核通过|"
                      r"通过.{0,6}(?:审核|认证|验收)|"
                      r"演练|" + _en(r"passed|no\s+incidents?|zero\s+incidents?|compliant|audit(?:ed)?\s+clean"
                                     r"|inspections?|drills?|escrow|ring-?fenced"))
_CONTROL_FAIL = re.compile(r"不合格|未通过|未达标|" + _en(r"failed|failure|not\s+pass"))
# A response stated by the fact itself ("…，均已完成整改", "… and fixed all issues within 10 days").
_RESPONSE = re.compile(
    r"[，,；;]\s*(?P<response>(?:均|全部|已|并|随即|当即|目前)?(?:已经?|在[^，。；]{1,10}内)?(?:完成整改|整改完毕|整改|调解结案|结案|办结|处理完毕"
    r"|修复|追回|赔付|关闭|解决)[^。；;]*)$"
    r"|\s+(?:and|;)\s+(?P<en>(?:has\s+|have\s+)?(?:fixed|resolved|closed|remediated|addressed|repaired|recovered)\b.*)$"
    r"|[；;]\s*(?:应对措施|应对|response)\s*[:：]\s*(?P<labelled>[^；;]+)$",
    re.I,
)

# Footprint and scale: what the company is (outlets, sites, assets, people with them, customers held, period totals).
_FOOTPRINT = re.compile(
    r"门店|店铺|分店|网点|基地|工厂|厂区|充电站|快充桩|充电桩|站点|床位|冷藏车|车辆|车队|冷库|仓库|海外仓|城市|SKU|项目|场馆|诊所|医院|校区|"
    r"酒店|客房|房间|座位|管理面积|面积|门诊部|"
    + _en(r"stores?|outlets?|branch(?:es)?|sites?|plants?|factories|warehouses?|hotels?|rooms?|trucks?|vehicles?"
          r"|fleet|cit(?:y|ies)|clinics?|beds?|farms?|hectares|locations?|stations?|depots?|venues?|seats?|SKUs?"))
_SCALE = re.compile(
    r"营业收入|销售收入|营收|营业额|课程收入|服务收入|业务收入|总收入|GMV|ARR|年度经常性收入|存款余额|余额|贷款余额|注册用户|在读学员|付费.{0,4}客户|"
    r"服务业主|门急诊量|出院患者|接诊|充电量|订单量|配送订单|交付|发货量|货运量|吞吐量|"
    + _en(r"revenue|paying\s+customers|customers\s+at\s+the\s+end|shipments|deliveries|tonnes\s+of|gmv|arr"
          r"|annual\s+recurring\s+revenue|bookings\s+of|members\s+at"))
_NOT_PROFILE = re.compile(r"产能|占比|率|新增.{0,6}客户|" + _en(r"capacity|rate|share|occupancy|churn|utili[sz]ation"))
_PROCESS_CHANGE = re.compile(r"改为|改由|改成|转为|" + _en(r"moved\s+to|switched\s+to|now|replaced"))
_FOOTPRINT_VERB = re.compile(r"(?:共?(?:开设|设有|拥有|运营|经营|在管|开放|自有|覆盖|在售))")

# Direction of a change, and which way is good for the metric it moves.
_UP = re.compile(r"提升|提高|增长|增加|上涨|上升|扩大|攀升|翻番|"
                 r"" + _en(r"up|rose|grew|increased|higher|rise|raised|gained"))
_DOWN = re.compile(r"下降|降低|降至|降到|减少|缩短|下滑|回落|压缩|"
                   r"" + _en(r"down|fell|dropped|decreased|lower|reduced|cut|shortened"))
_LOWER_BETTER = re.compile(
    r"成本|费用|价格|单价|支出|报损|损耗|故障|异常|流失|离职|差错|不良|缺陷|空驶|退货|投诉|客诉|PPM|周期|天数|时长|用时|耗时|住院日|周转天数|"
    r"ACoS|药占比|"
    + _en(r"costs?|prices?|spend|churn|turnover|attrition|complaints|defects?|errors?|lead\s+time|cycle\s+time"
          r"|time|days|losses|empty\s+running|vacanc(?:y|ies)|ACoS"))
_HIGHER_BETTER = re.compile(
    r"收入|营收|销售额|GMV|ARR|利润|用户|会员|客户数|满意度|评分|合格率|准时|利用率|覆盖|产能|续约|续费|到课|提交率|活跃|使用率|装载率|"
    r"复购|份额|订单|城市|收缴率|"
    + _en(r"revenue|occupancy|share|score|retention|on-time|utili[sz]ation|accuracy|members|customers"
          r"|satisfaction|RevPAR|bookings|margin|profit"))

_FROM_TO = re.compile(
    r"(?:从|由)\s*(?P<a>[^，,；;。从由]*?\d[^，,；;。从由]*?)\s*(?P<verb>提升|提高|增长|增加|降低|下降|减少|压缩|缩短|降|升|"
    r"扩大|改善)?\s*(?:到|至)\s*(?P<b>[^，,；;。]*?\d[^，,；;。]*?)(?=$|[，,；;。]|以内|以下|以上|，)"
    r"|(?i:\bfrom\s+(?P<ea>[^,;]*?\d[^,;]*?)\s+to\s+(?P<eb>[^,;]*?\d[^,;]*?)(?=$|[,;.]|\s+(?:by|in|with|within|for|over"
    r"|during|at)\b))"
)


@dataclass(frozen=True)
class Change:
    """A change from one figure to another that a fact states: "由85降至42", "from 4.1 to 2.5"."""

    metric: str  # the words before 从/由/from (may be empty)
    before: str  # the first figure as written
    after: str  # the second figure as written
    start: int  # offset of 从/由/from in the text


def from_to(text: str) -> Change | None:
    """The first "from A to B" change in a fact, when both ends are figures."""
    for m in _FROM_TO.finditer(text):
        a, b = (m.group("a"), m.group("b")) if m.group("a") is not None else (m.group("ea"), m.group("eb"))
        figs_a, figs_b = extract_figures(a), extract_figures(b)
        if len(figs_a) != 1 or len(figs_b) != 1 or figs_a[0].text != a.strip() or figs_b[0].text != b.strip():
            continue
        head = re.split(r"[，；;。]|,\s", text[:m.start()])[-1]
        return Change(head.strip(), a.strip(), b.strip(), m.start())
    return None


def is_goal_like(text: str) -> bool:
    """A fact that states an aim: goal words, or a deadline with a change cue, or an English imperative target."""
    if _GOAL_WORDS.search(text):
        return True
    if _DEADLINE.search(text) and _CHANGE_CUE.search(text):
        return True
    return bool(text.isascii() and _EN_IMPERATIVE.search(text) and _CHANGE_CUE.search(text)
                and re.search(r"\d", text))


def is_plan(text: str) -> bool:
    """A fact that states something planned (计划/拟/将于…; will, plan to), not done and not a measured target."""
    return bool(_PLAN.search(text))


def is_result(text: str) -> bool:
    """A fact stated as achieved: an achieved cue and no future or goal marker."""
    if is_plan(text) or is_goal_like(text):
        return False
    return bool(_ACHIEVED.search(text))


def is_stated_result(text: str) -> bool:
    """Stricter than `is_result`, for items listed as goals: achieved with a perfective cue (已、了、本期…)."""
    return is_result(text) and bool(_PERFECTIVE.search(text)) and not _DEADLINE.search(text)


def direction(text: str) -> int:
    """+1 when the fact reports a rise, -1 a fall, 0 when neither (or both)."""
    up, down = bool(_UP.search(text)), bool(_DOWN.search(text))
    change = from_to(text)
    if change is not None:
        a, b = extract_figures(change.before), extract_figures(change.after)
        if a and b and a[0].value is not None and b[0].value is not None and a[0].value != b[0].value:
            return 1 if b[0].value > a[0].value else -1
    return 1 if up and not down else -1 if down and not up else 0


def polarity(metric_text: str) -> int:
    """+1 when more of the metric is better, -1 when less is better, 0 when unknown (the longest cue decides)."""
    lower = max((len(m.group()) for m in _LOWER_BETTER.finditer(metric_text)), default=0)
    higher = max((len(m.group()) for m in _HIGHER_BETTER.finditer(metric_text)), default=0)
    if lower == higher:
        return -1 if lower else 0  # "客户投诉": a tie goes to the lower-better word
    return -1 if lower > higher else 1


def is_improvement(text: str) -> bool:
    """A figure moving the right way (a good result)."""
    d = direction(text)
    change = from_to(text)
    p = polarity(change.metric if change and change.metric else text)
    return d != 0 and p != 0 and d == p


def is_process_change(text: str) -> bool:
    """A change of how work is done (由A改为B, moved to, now …)."""
    return bool(_PROCESS_CHANGE.search(text))


def is_problem(text: str) -> bool:
    """Bad news: a problem word, or a figure moving the wrong way (a change of process is not a problem)."""
    if is_process_change(text):
        return False
    if _PROBLEM.search(text):
        return True
    d = direction(text)
    change = from_to(text)
    p = polarity(change.metric if change and change.metric else text)
    return d != 0 and p != 0 and d != p


def is_control(text: str) -> bool:
    """A control or a good result (检查全部合格, 资金监管, passed inspections) rather than a risk."""
    if _CONTROL_FAIL.search(text):
        return False
    if _CONTROL.search(text) and not (_PROBLEM.search(text) and not re.search(r"未发生|零|无", text)):
        return True
    return is_improvement(text) and not _PROBLEM.search(text)


def split_response(text: str) -> tuple[str, str | None]:
    """(risk, response) when the fact itself states what was done about it, else (text, None)."""
    m = _RESPONSE.search(text)
    if not m:
        return text, None
    response = (m.group("response") or m.group("en") or m.group("labelled") or "").strip()
    return text[:m.start()].strip(), response or None


def is_headline(text: str) -> bool:
    """A period total (revenue, GMV, volume) rather than the company's footprint."""
    return bool(_SCALE.search(text)) and not _FOOTPRINT_COUNT.search(text)


_FOOTPRINT_COUNT = re.compile(r"门店\d|\d+家门店|\d+个(?:生产)?基地|床位|冷藏车|SKU|站点|充电站|"
                              r"(?i:\b\d[\d,]*\s+(?:hotels|stores|trucks))")


def is_profile(text: str) -> bool:
    """Who the company is: footprint or scale with a figure (门店42家, 27 hotels, 营业收入…, ARR…)."""
    if not extract_figures(text) or is_goal_like(text) or is_plan(text) or is_problem(text):
        return False
    if _SCALE.search(text) and not re.search(r"产能|capacity", text, re.I):
        return True
    counted = any(_FOOTPRINT.search(text[max(0, f.start - 8):f.end + 12]) for f in extract_figures(text))
    return counted and not re.search(r"产能|capacity|试点|pilot|trial|投资|budget|租用|租赁|新增|added", text, re.I)


# --- periods ------------------------------------------------------------------------------------------------------

_QUARTER_MONTHS = {1: (1, 3), 2: (4, 6), 3: (7, 9), 4: (10, 12)}
_ZH_Q = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True)
class Period:
    """The span an overview covers: its year and months (None when the period does not say)."""

    year: int | None
    months: tuple[int, int] | None
    unit: str  # quarter | half | year | month | other


def parse_period(period: str) -> Period:
    """`2025年第四季度`, `2025年上半年`, `2025年度`, `Q3 2025`, `H1 2025`, `FY2025`, `2025 harvest season`."""
    year_m = re.search(r"(20\d\d|19\d\d)", period)
    year = int(year_m.group(1)) if year_m else None
    q = re.search(r"第([一二三四1-4])季度|\bQ([1-4])\b|([一二三四1-4])季度", period)
    if q:
        n = _ZH_Q[next(g for g in q.groups() if g)]
        return Period(year, _QUARTER_MONTHS[n], "quarter")
    if re.search(r"上半年|\bH1\b|first\s+half", period, re.I):
        return Period(year, (1, 6), "half")
    if re.search(r"下半年|\bH2\b|second\s+half", period, re.I):
        return Period(year, (7, 12), "half")
    month = re.search(r"(?:20\d\d)年(\d{1,2})月", period)
    if month:
        m = int(month.group(1))
        return Period(year, (m, m), "month")
    if re.search(r"年度|全年|^\s*(?:FY\s*)?20\d\d\s*(?:年)?\s*$|\bfull\s+year\b|\bFY", period, re.I):
        return Period(year, (1, 12), "year")
    return Period(year, None, "other")


def fact_dates(text: str) -> list[Figure]:
    """The dates, years and quarters a fact mentions."""
    return [f for f in extract_figures(text) if f.kind in ("date", "year", "quarter")]


def has_time(text: str) -> bool:
    """True when the fact states its own time (a date, a quarter, 全年, 上半年, this season…)."""
    return bool(fact_dates(text) or find_time_spans(text) or re.search(
        r"全年|本期|本季度|本年度|上半年|下半年|季度|年初|年末|年底|月底|"
        r"" + _en(r"in\s+the\s+(?:quarter|half|year|period|season)"
                                                          r"|this\s+(?:quarter|season|year|period)|year\s+over\s+year"),
        text))


def outside_period(text: str, period: Period) -> bool:
    """True when the fact dates itself outside the period (a 2025 figure in a 2026 overview)."""
    if period.year is None:
        return False
    for fig in fact_dates(text):
        year, month = (fig.date or (None, None, None))[:2]
        if fig.kind == "quarter" and year is None:
            continue
        if year is not None and year != period.year:
            return True
        if year is not None and month is not None and period.months is not None \
                and not period.months[0] <= month <= period.months[1]:
            return True
    return False
