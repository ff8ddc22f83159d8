"""Prose sections: each fact in its own words, a derived figure where a change is exact, connectors chosen by how a
fact relates to the one before it, and advice (worded as advice) only where the fact gives it something to act on."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from drafter.llm.offline import derive, english
from drafter.llm.offline.common import (
    Ctx,
    Payload,
    Stmt,
    advice,
    clean,
    derived,
    fact,
    outlook,
    paragraph,
    pick,
    placeholder,
    topic,
)
from drafter.llm.offline.goals import GoalView, goal_views
from drafter.text.fact_kinds import from_to, is_control, is_plan, is_problem, is_process_change
from drafter.text.figures import extract_figures
from drafter.text.goal_fields import shared_terms

_PILOT_ZH = re.compile(r"试点(?:了)?(?P<obj>[^，。；,;]+)")
_PILOT_EN = re.compile(r"(?i)^(?:(?:pilot|trial)\s+of\s+(?P<obj1>.+?)(?:\s+(?:on|in|with|at|"
                       r"across)\s+(?P<scope1>\d[^,;.]*))?"
                       r"|(?P<obj2>.+?)\s+(?:was\s+|were\s+)?(?:piloted|trialled|trialed|tested)"
                       r"(?:\s+(?:on|in|with|at|across)\s+(?P<scope2>\d[^,;.]*))?)\s*$")
_SCOPE_ZH = re.compile(r"覆盖(?:了)?(?:\d+(?:\.\d+)?[家个所座辆条名位间]?(?P<a>[\u4e00-\u9fff]{1,6})|"
                       r"(?P<b>[\u4e00-\u9fff]{1,6}?)\d+[个家所座])"
                       r"|在\d+[个家所座](?P<c>[\u4e00-\u9fff]{1,4}?)试点")
_CHANGE_ZH = re.compile(r"(?:由|从)[^，。；]+?(?:改为|改成|转为)(?P<new>[^，。；]+)|(?:改为|改成|"
                        r"转为)(?P<new2>[^，。；]+)")
_CHANGE_EN = re.compile(r"(?i)\b(?:moved\s+to|switched\s+to|now)\s+(?P<new>[^,;.]+)")
_LAUNCH_ZH = re.compile(r"(?:上线|建成|安装|部署|开通|推出|启用)(?:了)?(?P<obj>[^，。；,;]+)"
                        r"|开设(?:了)?(?P<obj2>[^，。；,;]+?(?:服务|功能|系统|平台|渠道))")
_LAUNCH_EN = re.compile(r"(?i)^(?P<obj>.+?)\s+(?:was\s+|were\s+)?(?:released|installed|launched|deployed|introduced"
                        r"|went\s+live)\b")
_MEETING_ZH = re.compile(r"(?:例会|晨会|早会|视频会议|评审会|恳谈会|座谈会|会议)")
_MEETING_EN = re.compile(r"(?i)\b(?P<m>(?:monthly|weekly|daily|quarterly)\s+(?:[\w-]+\s+){0,3}?"
                         r"(?:forum|stand-up|review|meeting|call))\b")
_TIED_ZH = re.compile(r"^(?P<subj>[^，。；]+?)与(?P<what>[^，。；]+?)挂钩|"
                      r"^(?P<subj2>[^，。；]+?)将(?P<what2>[^，。；]+?)权重")
_TIED_EN = re.compile(r"(?i)^(?P<subj>.+?)\s+(?:(?:is|are|was|were)\s+)?(?:tied|linked)\s+to\s+(?P<what>[^,;.]+)")
_PRACTICE_ZH = re.compile(r"(?:实行|推行|执行|实施|采用)(?P<obj>[^，。；]+)")
_ON_TIME_ZH = re.compile(r"(?P<subj>[\u4e00-\u9fff]+?)\d+[宗件起单个次]?[，,](?P<window>\d+(?:个工作日|小时|天|"
                         r"日))内(?P<done>[\u4e00-\u9fff]*?)"
                         r"(?:率|比例)(?P<rate>\d+(?:\.\d+)?)%")
_CAPACITY = re.compile(r"^(?P<subj>[^，。；]*?产能)|(?i:^(?P<en>[\w\s-]*?capacity))")
_TRAINING_ZH = re.compile(r"(?:完成|开展|组织)(?P<obj>[\u4e00-\u9fffA-Za-z0-9]+(?:培训|认证))"
                          r"|^(?P<obj2>[\u4e00-\u9fffA-Za-z]+?(?:培训|认证))")
_TRAINING_AFTER_VERB = re.compile(r"(?:完成|开展|组织)(?P<obj>[\u4e00-\u9fffA-Za-z0-9]+(?:培训|认证))")
_BEFORE_DUTY_ZH = re.compile(r"^(?P<who>[\u4e00-\u9fff]{2,8}?)上岗前完成(?P<obj>[^，。；]+?(?:培训|认证))")
_STARTED_ZH = re.compile(r"^(?P<obj>[\u4e00-\u9fffA-Za-z]{2,12}?)(?:于[^，。；]+?)?(?:启动|开课|开业|开通)")
_TRAINING_EN = re.compile(r"(?i)\b(?P<obj>[\w\s-]*?(?:training|certification|onboarding\s+course))\b")
_SHARE_ZH = re.compile(r"(?P<whole_name>[\u4e00-\u9fffA-Za-z]+?)"
                       r"(?P<whole>\d+(?:\.\d+)?(?P<u>[\u4e00-\u9fff]{1,2}))[，,]"
                       r"(?:其中)?(?P<part_name>[\u4e00-\u9fffA-Za-z]+?)(?P<part>\d+(?:\.\d+)?(?P=u))(?![\d%])")
_SHARE_EN = re.compile(r"(?i)^(?P<whole_name>[a-z][\w\s-]*?)\s+(?:of|"
                       r"was)\s+(?P<whole>[\d,]+),\s+including\s+(?P<part>[\d,]+)"
                       r"\s+in\s+(?P<part_name>[\w\s-]+)$")
_COST = re.compile(r"^(?:本季度|本年度|全年|上半年|下半年|第[一二三四]季度)?"
                   r"(?P<zh>[\u4e00-\u9fff及和、]{2,12}?(?:费用|支出))\d"
                   r"|(?i:^(?P<en>[a-z][\w\s-]{2,40}?(?:costs?|spend|expenses?))\s+(?:of|was|were)\s)")
_UPTIME = re.compile(r"^(?P<zh>[\u4e00-\u9fffA-Za-z]{2,10}?)(?:本季度|本年度|全年|上半年)?(?:可用率|在线率)"
                     r"|(?i:^(?P<en>[\w\s-]{2,40}?)\s+(?:uptime|availability)\b)")
_PAIRED_ZH = re.compile(r"每(?:名|位|个)(?P<a>[\u4e00-\u9fff]{2,8}?)配备\d+(?:名|位|个)(?P<b>[\u4e00-\u9fff]{2,8})")
_ESCROW_ZH = re.compile(r"(?P<subj>[^，。；]*?(?:监管账户|资金监管|托管账户))")
_CONTROL_ZH = re.compile(r"^(?P<subj>[^，。；\d]*?(?:检查|抽检|巡检|检验))")
_INVEST_ZH = re.compile(r"(?:新增|新建|改造)(?P<obj>[\u4e00-\u9fffA-Za-z]+?)\d.*投资|"
                        r"投资(?:建设)?(?P<obj2>[\u4e00-\u9fff]+)")
_INVEST_EN = re.compile(r"(?i)^(?P<obj>.+?)\s+with\s+a\s+budget\s+of\b")
_DATA_METRIC = re.compile(r"占比|率|日均|平均|评分|天数|里程|人次|"
                          r"" + r"(?i:\b(?:rate|share|average|score|ratio|time)\b)")
_ALL = re.compile(r"全部|所有|100%|" + r"(?i:\ball\b|\bevery\b)")


def _meeting_zh(text: str) -> str | None:
    """The meeting a fact names: 店长每周参加区域例会 → 区域例会, 调度中心与仓储部实行每日早会 → 每日早会."""
    m = _MEETING_ZH.search(text)
    if not m:
        return None
    before = text[max(0, m.start() - 6):m.start()]
    cut = max((b.end() for b in re.finditer(r"参加|召开|实行|举行|开展|组织|[与和及、，的]", before)), default=0)
    name = before[cut:] + m.group()
    return name if len(name) >= 3 else None


def _goal_link(fact_text: str, views: list[GoalView]) -> GoalView | None:
    """The goal a fact shares content terms with (several shared terms, or one that names the metric's core)."""
    best, best_n = None, 0
    for view in views:
        n = len(shared_terms(fact_text, view.metric))
        if n > best_n:
            best, best_n = view, n
    return best if best_n >= 1 else None


@lru_cache(maxsize=16384)  # every fact is compared with every goal's metric
def _head(text: str, lang: str) -> str:
    if lang == "en":
        return text.split()[0].lower() if text.split() else ""
    run = re.match(r"[\u4e00-\u9fff]{2}", text)
    return run.group() if run else ""


def _same_head(subject: str, views: list[GoalView], lang: str) -> GoalView | None:
    """The goal whose metric starts like the fact's subject (会员总数 → 会员复购率; support … → support …)."""
    head = _head(subject, lang)
    if not head:
        return None
    return next((v for v in views if _head(v.metric, lang) == head and v.metric.lower() != subject.lower()), None)


def _metrics_list(views: list[GoalView], ctx: Ctx, limit: int = 2, plain: bool = False) -> str:
    return ctx.join([v.shown(ctx.lang) for v in views[:limit]], plain=plain)


def _advice(f: Payload, ctx: Ctx, views: list[GoalView]) -> Stmt | None:
    """Advice the fact itself gives a reason for, with the fact's own words in it (so it never repeats elsewhere)."""
    text, a, ids = clean(f["text"]), ctx.bank["advice"], [f["id"]]
    if ctx.lang == "zh":
        m = _PILOT_ZH.search(text)
        if m:
            obj = re.split(r"，|,", m.group("obj"))[0]
            found = _SCOPE_ZH.search(text)
            noun = next((g for g in found.groups() if g), None) if found else None
            key = "pilot_scope" if noun else "pilot"
            return advice(a[key].format(obj=obj, scope=noun), ids)
    else:
        pilot = _PILOT_EN.match(text)
        if pilot:
            obj = english.lower_first((pilot.group("obj1") or pilot.group("obj2") or "").strip())
            scope = pilot.group("scope1") or pilot.group("scope2")
            if scope:
                return advice(a["pilot_scope"].format(obj=obj, scope=scope.strip()), ids)
            return advice(a["pilot"].format(obj=obj), ids)
    if is_problem(text) and f.get("section") != "risks":
        subject = re.split(r"\s+of\s+\d|\d|\s+(?:was|were)\b", text)[0].strip(" ，,:：为达到") or text
        return advice(a["problem"].format(subject=english.lower_first(subject) if ctx.lang == "en" else subject), ids)
    if is_process_change(text):
        m = _CHANGE_ZH.search(text) if ctx.lang == "zh" else _CHANGE_EN.search(text)
        if m:
            new = (m.groupdict().get("new") or m.groupdict().get("new2") or "").strip()
            if ctx.lang == "en":
                new = english.lower_first(text[:m.start()].strip()) or new
            before = re.split(r"由|从|改为|改成|(?i:\s+(?:moved|switched|now)\b)", text)[0]
            link = _goal_link(before, views)
            if link is not None:
                return advice(a["change_goal"].format(metric=link.shown(ctx.lang), new=new), [*ids, *link.ids])
            return advice(a["change"].format(new=new), ids)
    m = _LAUNCH_ZH.search(text) if ctx.lang == "zh" else _LAUNCH_EN.match(text)
    if m and not re.search(r"改为|试点|pilot", text):
        obj = (m.groupdict().get("obj") or m.groupdict().get("obj2") or "").strip()
        obj = english.lower_first(obj) if ctx.lang == "en" else obj
        return advice(a["launch_all" if _ALL.search(text) else "launch"].format(obj=obj), ids)
    meeting = _meeting_zh(text) if ctx.lang == "zh" else (
        m.group("m") if (m := _MEETING_EN.search(text)) else None)
    if meeting and views:
        linked = [v for v in views if v.deadline] or views
        name = english.lower_first(meeting) if ctx.lang == "en" else meeting
        return advice(a["meeting"].format(meeting=name, metrics=_metrics_list(linked, ctx)),
                      [*ids, *(i for v in linked[:2] for i in v.ids)])
    m = _INVEST_ZH.search(text) if ctx.lang == "zh" else _INVEST_EN.match(text)
    if m:
        obj = (m.groupdict().get("obj") or m.groupdict().get("obj2") or "").strip()
        if obj:
            return advice(a["invest"].format(obj=english.lower_first(obj) if ctx.lang == "en" else obj), ids)
    m = _TIED_ZH.search(text) if ctx.lang == "zh" else _TIED_EN.match(text)
    if m:
        subj = (m.groupdict().get("subj") or m.groupdict().get("subj2") or "").strip()
        what = (m.groupdict().get("what") or m.groupdict().get("what2") or "").strip()
        if ctx.lang == "en":
            subj, what = english.lower_first(subj), english.lower_first(what)
        if ctx.lang == "zh" and not what.endswith(("结果", "成绩")):
            what += "的结果"
        return advice(a["tied"].format(subject=subj, what=what), ids)
    m = _ON_TIME_ZH.search(text) if ctx.lang == "zh" else None
    if m and float(m.group("rate")) < 100:
        return advice(a["on_time"].format(subject=m.group("subj"), window=m.group("window")), ids)
    m = _CAPACITY.search(text)
    if m and (m.group("subj") or m.group("en")):
        subj = (m.group("subj") or m.group("en") or "").strip()
        return advice(a["capacity"].format(subject=english.lower_first(subj) if ctx.lang == "en" else subj), ids)
    m = _CONTROL_ZH.search(re.sub(r"^(?:第[一二三四]季度|全年|本季度|上半年|下半年)", "", text)) \
        if ctx.lang == "zh" else None
    if m and is_control(text):
        return advice(a["control"].format(subject=m.group("subj")), ids)
    m = _BEFORE_DUTY_ZH.search(text) if ctx.lang == "zh" else None
    if m:
        return advice(a["training_before"].format(obj=m.group("obj"), who=m.group("who")), ids)
    m = (_TRAINING_AFTER_VERB.search(text) or _TRAINING_ZH.search(text)) if ctx.lang == "zh" \
        else _TRAINING_EN.search(text)
    obj = (m.groupdict().get("obj") or m.groupdict().get("obj2") or "").strip() if m else ""
    if obj:
        return advice(a["training"].format(obj=english.lower_first(obj) if ctx.lang == "en" else obj), ids)
    m = _STARTED_ZH.search(text) if ctx.lang == "zh" else None
    if m:
        return advice(a["started"].format(obj=m.group("obj")), ids)
    m = _ESCROW_ZH.search(text) if ctx.lang == "zh" else None
    if m:
        return advice(a["escrow"].format(subject=m.group("subj")), ids)
    m = _PRACTICE_ZH.search(text) if ctx.lang == "zh" and not re.search(r"\d", text) else None
    if m or (f.get("section") == "processes" and ctx.lang == "zh" and not re.search(r"\d", text)):
        return advice(a["practice"].format(fact=text), ids)
    m = _UPTIME.search(text)
    if m:
        subject = (m.group("zh") or m.group("en") or "").strip()
        return advice(a["uptime"].format(subject=english.lower_first(subject) if ctx.lang == "en" else subject), ids)
    m = _PAIRED_ZH.search(text) if ctx.lang == "zh" else None
    if m:
        return advice(a["paired"].format(a=m.group("a"), b=m.group("b")), ids)
    m = _COST.search(text)
    if m and extract_figures(text):
        subject = (m.group("zh") or m.group("en") or "").strip()
        if subject:
            return advice(a["cost"].format(subject=english.lower_first(subject) if ctx.lang == "en" else subject), ids)
    subject = topic(text, ctx.lang) or ""
    link = _same_head(subject, views, ctx.lang) if subject else None
    if link is not None:
        if subject != text:
            subject = english.lower_first(subject) if ctx.lang == "en" else subject
            owner = link.owner or ""
            if owner and ctx.lang == "en":
                owner = f" ({link.owner})"
            return advice(a["goal_link"].format(metric=link.shown(ctx.lang), subject=subject, owner=owner),
                          [*ids, *link.ids])
    return None


def _share(f: Payload, ctx: Ctx) -> Stmt | None:
    """A part's share of its whole when the fact gives both ("员工18人，其中客户经理6人" → 33%)."""
    text = clean(f["text"])
    m = _SHARE_ZH.search(text) if ctx.lang == "zh" else _SHARE_EN.match(text)
    if not m:
        return None
    found = derive.share(m.group("part"), m.group("whole"))
    if found is None:
        return None
    part, whole = m.group("part_name").strip(), m.group("whole_name").strip()
    if ctx.lang == "en":
        part, whole = english.upper_first(part), english.lower_first(whole)
    verb_part = ctx.lang == "zh" and re.match(r"采纳|实施|完成|办结|处理|通过|解决|上线|录用", part)
    text = ctx.t("derived.share_done" if verb_part else "derived.share", part=part, whole=whole, result=found.text)
    return derived(ctx.sentence(text), [f["id"]], found.op, found.inputs, found.text)


def _derived(f: Payload, ctx: Ctx) -> Stmt | None:
    """The size of a change the fact states from one figure to another, when the arithmetic is exact."""
    share = _share(f, ctx)
    if share is not None:
        return share
    change = from_to(f["text"])
    if change is None or not change.metric:
        return None
    pp = ctx.bank["derived"]["pp_unit"]
    found = derive.change(change.before, change.after, pp)
    if found is None or found.op == "difference":  # "45天 → 30天" needs no arithmetic spelled out
        return None
    metric = re.sub(r"^(?:推行|实施|通过)[^，,]*[，,]", "", change.metric).strip()
    metric = english.lower_first(metric) if ctx.lang == "en" else metric
    if found.op == "change":
        key = "pp_up" if found.sign > 0 else "pp_down"
    elif found.op == "percent_change":
        key = "pct_up" if found.sign > 0 else "pct_down"
    elif re.search(r"天|分钟|小时|周|月|day|minute|hour|week|month", found.text, re.I):
        key = "diff_up" if found.sign > 0 else "diff_down"
    else:
        key = "diff_up" if found.sign > 0 else "diff_less"
    text = ctx.t(f"derived.{key}", metric=metric, result=found.text)
    return derived(ctx.sentence(text), [f["id"]], found.op, found.inputs, found.text)


def _is_metric_only(f: Payload) -> bool:
    """A short fact that reports one metric's value ("小程序订单占比28%", "Average truck utilisation of 84%")."""
    text = clean(f["text"])
    if text.isascii():
        return bool(english.metric_of(text)) and len(text) <= 70 and not is_problem(text)
    return (len(text) <= 20 and bool(_DATA_METRIC.search(text)) and bool(re.search(r"\d", text))
            and not from_to(text) and not is_problem(text) and not is_plan(text) and "，" not in text)


def units(facts: list[Payload], ctx: Ctx, views: list[GoalView]) -> list[list[Stmt]]:
    """Each fact (or a run of short metric facts) as its statements: fact, derived figure, advice."""
    out: list[list[Stmt]] = []
    i = 0
    while i < len(facts):
        f = facts[i]
        run = [f]
        if ctx.lang == "zh" and _is_metric_only(f):
            while i + len(run) < len(facts) and len(run) < 3 and _is_metric_only(facts[i + len(run)]):
                run.append(facts[i + len(run)])
        first = not out
        problem = is_problem(f["text"])
        if len(run) > 1:
            body = ctx.bank["clause_sep"].join(clean(x["text"]) for x in run)
            text = ctx.fact_sentence({"text": body})
        else:
            text = ctx.fact_sentence(f)
        if problem and not first:
            connector = pick(ctx.bank["connect"]["contrast"], f["text"])
            text = connector + (english.lower_first(text) if ctx.lang == "en" else text)
        kind = outlook if is_plan(f["text"]) else fact
        unit = [kind(text, [x["id"] for x in run])]
        for x in run:
            extra = _derived(x, ctx)
            unit += [extra] if extra else []
        tip = _advice(f, ctx, views) if len(run) == 1 and not is_plan(f["text"]) else None
        unit += [tip] if tip else []
        out.append(unit)
        i += len(run)
    return out


def _data_advice(facts: list[Payload], ctx: Ctx, views: list[GoalView]) -> Stmt | None:
    """For the data section: report its metrics next to the goals' (names from the facts, so never generic)."""
    named = [f for f in facts if _is_metric_only(f)]
    if not named or not views:
        return None
    names = []
    for f in named[:3]:
        name = english.metric_of(clean(f["text"])) if ctx.lang == "en" else \
            re.split(r"\d|为|达到", clean(f["text"]))[0].strip()
        if name:
            names.append(english.lower_first(name) if ctx.lang == "en" else name)
    if not names:
        return None
    text = ctx.bank["advice"]["data_goals"].format(names=ctx.join(names, plain=True),
                                                   metrics=_metrics_list(views, ctx, plain=True))
    return advice(ctx.sentence(text), [f["id"] for f in named[:3]] + [i for v in views[:2] for i in v.ids])


def prose_section(ctx: Ctx) -> dict[str, Any]:
    """A prose section from its facts; a section without facts is one placeholder sentence and its question."""
    key = (ctx.payload.get("section") or {}).get("key", "improvement")
    title = (ctx.payload.get("section") or {}).get("title", key)
    facts = ctx.task_facts
    if not facts:
        bank = ctx.bank["sections"].get(key) or ctx.bank["sections"]["improvement"]
        text = ctx.sentence(ctx.t("sections.empty_sentence", title=title,
                                  placeholder=ctx.placeholder(bank["empty"])))
        return {"kind": "prose", "paragraphs": [paragraph([placeholder(text, bank["question"])], ctx.lang)],
                "bullets": [], "questions": [bank["question"]]}
    views = goal_views(ctx)
    tied = {i for v in views for i, _, _ in v.values}
    own = [f for f in facts if f["id"] not in tied] or facts
    ordered = [f for f in own if not is_problem(f["text"])] + [f for f in own if is_problem(f["text"])]
    groups = units(ordered, ctx, views)
    if key == "data":
        tip = _data_advice(ordered, ctx, views)
        if tip:
            groups.append([tip])
    tied_here = [f for f in facts if f["id"] in tied and f not in own]
    if tied_here:
        groups.append([fact(ctx.fact_sentence(f), [f["id"]]) for f in tied_here])
    paragraphs, current = [], []
    for unit in groups:
        current += unit
        if len(current) >= 4:
            paragraphs.append(paragraph(current, ctx.lang))
            current = []
    if current:
        paragraphs.append(paragraph(current, ctx.lang))
    return {"kind": "prose", "paragraphs": paragraphs, "bullets": [], "questions": []}
