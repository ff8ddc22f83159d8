"""The opening (who the company is, the period's thread, what the overview covers) and 总结与展望 (what was achieved,
what is still open, what comes next with its dates) — both from the facts, nothing of the drafter's own."""

from __future__ import annotations

import re
from typing import Any

from drafter.facts.catalog import OPENING
from drafter.llm.offline import english
from drafter.llm.offline.common import Ctx, Payload, Stmt, clean, fact, outlook, paragraph, placeholder, topic
from drafter.llm.offline.goals import GoalView, goal_views
from drafter.text.fact_kinds import (
    from_to,
    is_improvement,
    is_plan,
    is_problem,
    is_result,
    outside_period,
    polarity,
    split_response,
)
from drafter.text.figures import extract_figures

_ENTITY = re.compile(r"(?:医院|银行|支行|分行|学校|机构|公司|集团|合作社|协会|中心|诊所|酒店|门店|企业)$")


def topics_of(ctx: Ctx, keys: list[str]) -> bool:
    """Whether the sections name enough topics for a sentence on what the overview covers."""
    return bool(_topics(ctx, keys)[0])


def _topics(ctx: Ctx, keys: list[str]) -> tuple[str, list[str]]:
    """One topic per section in document order, from the section's first fact that names one."""
    names, ids = [], []
    for key in keys:
        if key in ("goals", "summary"):
            continue
        taken = 0
        for f in ctx.in_section(key):
            name = topic(f["text"], ctx.lang)
            if name and name not in names and "、" not in name and taken < 2:
                names.append(name)
                ids.append(f["id"])
                taken += 1
    if len(ids) < 3:  # one or two topics say little, and the sentence would be mostly the drafter's own words
        return "", []
    return ctx.join(names), ids


def _strategy_text(ctx: Ctx) -> str:
    if ctx.lang == "en":
        items = [english.lower_first(clean(s["text"])) for s in ctx.strategy]
        return ctx.join([f"to {i}" if not i.startswith("to ") else i for i in items])
    return ctx.join([ctx.quote(s["text"]) for s in ctx.strategy])


def opening(ctx: Ctx) -> dict[str, Any]:
    """Profile facts, then the strategy and goals, then what the overview covers."""
    o = ctx.bank["opening"]
    profile = ctx.in_section(OPENING)
    statements: list[Stmt] = []
    company, industry = ctx.subject, ctx.industry
    if ctx.lang == "en":
        clauses = [english.profile_clause(clean(f["text"]), company) for f in profile]
        if clauses:
            first = clauses[0]
            if industry and first.startswith(company + " ") and not extract_figures(industry):
                flat = re.sub(r"\s*\(([^)]*)\)", r", \1", english.lower_first(industry))
                who = o["who_industry"].format(company=company, industry=flat)
                first = who + first[len(company):]
            statements.append(fact(ctx.sentence(first), [profile[0]["id"]]))
            statements += [fact(ctx.sentence(c), [f["id"]]) for c, f in zip(clauses[1:], profile[1:], strict=True)]
    elif profile:
        body = ctx.bank["item_sep"].join(clean(f["text"]) for f in profile)
        if industry and not extract_figures(industry):  # an industry that reads as a figure (零部件) is left out
            suffix = "" if _ENTITY.search(industry) else o["entity_suffix"]
            who = o["who_industry"].format(company=company, industry=industry, suffix=suffix) + "，"
        else:
            who = o["who"].format(company=company)
        statements.append(fact(ctx.sentence(who + body), [f["id"] for f in profile]))
    views = goal_views(ctx)
    keys = [s["key"] for s in ctx.payload.get("sections") or []]
    statements += _thread(ctx, views, keys)
    return {"kind": "opening", **paragraph(statements, ctx.lang)}


def _count(ctx: Ctx, n: int) -> str:
    return str(ctx.bank["opening"]["count"].get(n, "")) if ctx.lang == "zh" else ""


def _thread(ctx: Ctx, views: list[GoalView], keys: list[str]) -> list[Stmt]:
    o = ctx.bank["opening"]
    metrics = ctx.join(list(dict.fromkeys(v.shown(ctx.lang) for v in views)))
    lead = ctx.lead
    possessive = english.possessive(ctx.subject) if ctx.lang == "en" else ""
    n = len(dict.fromkeys(v.metric for v in views))
    strategy_ids = [s["id"] for s in ctx.strategy]
    goal_ids = [i for v in views for i in v.ids]
    values = {"lead": lead, "strategy": _strategy_text(ctx), "metrics": metrics, "count": _count(ctx, n),
              "possessive": possessive}
    key = "thread_both" if ctx.strategy and views else "thread_strategy" if ctx.strategy else \
        "thread_goals" if views and not topics_of(ctx, keys) else ""
    candidates = []
    if key:  # the fullest wording that stays grounded in its facts (a short strategy takes the terse one)
        variants = o[key] if isinstance(o[key], list) else [o[key]]
        ids = strategy_ids or goal_ids
        for variant in variants:
            thread = fact(ctx.sentence(english.upper_first(variant.format(**values))), ids)
            if ctx.grounded(thread["text"], ids):
                candidates.append(thread)
                break
    topics, topic_ids = _topics(ctx, keys)
    if views and topics:
        candidates.append(fact(ctx.sentence(o["covers_goals"].format(metrics=metrics, topics=topics,
                                                                     count=_count(ctx, n))), goal_ids + topic_ids))
    elif topics:
        candidates.append(fact(ctx.sentence(o["covers"].format(topics=topics)), topic_ids))
    return [s for s in candidates if ctx.grounded(s["text"], s["fact_ids"])]


# --- summary ------------------------------------------------------------------------------------------------------

_LEADING_TIME = re.compile(r"^(?:第[一二三四1-4]季度末?|20\d\d年(?:\d{1,2}月)?|(?i:in\s+)?(?:Q[1-4]|"
                           r"H[12])\s+20\d\d,?\s*)")


_DATED = re.compile(r"于20\d\d年\d{1,2}月(?:\d{1,2}日)?|(?i:\s+in\s+(?:January|February|March|April|May|June|July|"
                    r"August"
                    r"|September|October|November|December)\s+20\d\d)")


def brief(text: str) -> str | None:
    """A result restated short for the summary, one figure left to its section ("从45天缩短到30天" → "缩短到30天").

    The summary never restates a section's fact in full: it names the result and its point, and the section keeps the
    whole fact (so a fact left out of its section is missed, not hidden by the summary).
    """
    text = clean(text)
    change = from_to(text)
    if change is not None:
        short = re.sub(rf"(?:从|由|(?i:from))\s*{re.escape(change.before)}\s*", "", text, count=1)
    elif _LEADING_TIME.match(text):
        short = _LEADING_TIME.sub("", text).lstrip("，, ")
    elif _DATED.search(text):  # "… released in August 2025" → "… released"
        short = _DATED.sub("", text).strip()
    else:
        clauses = re.split(r"[，,]\s*", text)
        with_figures = [c for c in clauses if extract_figures(c)]
        head = english.metric_of(text) if text.isascii() else None
        if head and len(clauses) > 1 and re.match(r"(?i)(?:up|down)\b", clauses[1]):
            short = f"{head} was {clauses[1]}"  # "RevPAR of RMB 312, up 6% year over year" → "RevPAR was up 6% …"
        else:
            short = clauses[0] if len(with_figures) > 1 and extract_figures(clauses[0]) else text
    if len(extract_figures(short)) >= len(extract_figures(text)):
        return None
    return short


def _results(ctx: Ctx, goal_ids: set[str]) -> list[tuple[Payload, str]]:
    """Facts stated as achieved and moving the right way, inside the period (the best few), each restated short."""
    found: list[tuple[int, int, Payload, str]] = []
    for n, f in enumerate(ctx.facts):
        text = f["text"]
        if f["id"] in goal_ids or f.get("source") in ("strategy", "goals") or f.get("section") == "risks":
            continue
        if is_problem(text) or is_plan(text) or outside_period(text, ctx.span) or not re.search(r"\d", text) \
                or re.search(r"试点|(?i:pilot|trial)", text):
            continue
        short = brief(text)
        if short is None:
            continue
        if is_improvement(text):
            found.append((0 if from_to(text) else 1, n, f, short))
        elif f.get("section") == OPENING:  # the company's footprint is not a result of the period
            continue
        elif is_result(text) and re.search(r"增长|提升|新增|上线|建成|达到|覆盖|(?i:\bup\b|reached|launched|released)",
                                           text):
            found.append((2, n, f, short))
    return [(f, short) for _, _, f, short in sorted(found, key=lambda x: (x[0], x[1]))[:5]]


def _open_items(ctx: Ctx, views: list[GoalView], digests: list[Payload]) -> list[str]:
    g, s = ctx.bank["goals"], ctx.bank["summary"]
    items = []
    if not views and any(d.get("key") == "goals" for d in digests):
        items.append(s["goals_item"])
    for view in views:
        items += [g["missing"][name].format(metric=view.shown(ctx.lang)) for name in view.missing]
    for d in digests:
        key = d.get("key")
        if key in ("goals", "summary") or d.get("fact_ids"):
            continue
        items.append(s["section_item"].format(title=english.lower_first(d["title"]) if ctx.lang == "en"
                                               else d["title"]))
    for f in ctx.in_section("risks"):
        if split_response(clean(f["text"]))[1] is None:
            items.append(ctx.t("risks.open_item", risk=clean(f["text"])))
    return items


def _next(ctx: Ctx, views: list[GoalView]) -> list[Stmt]:
    s = ctx.bank["summary"]
    by_deadline: dict[str, list[GoalView]] = {}
    for view in views:
        if view.deadline and view.target:
            by_deadline.setdefault(view.deadline, []).append(view)
    out = []
    for deadline, group in by_deadline.items():
        parts = []
        for v in group:
            key = "next_goal_change" if v.target_is_change else "next_goal_up" if v.direction > 0 else \
                "next_goal_down" if v.direction < 0 else "next_goal_reach"
            if key == "next_goal_down" and not v.baseline and polarity(v.metric) < 0:
                key = "next_goal_cap"
            if v.baseline and key in ("next_goal_up", "next_goal_down"):
                key = key.replace("next_goal_", "next_goal_from_")
            parts.append(s[key].format(metric=v.shown(ctx.lang), target=v.target, baseline=v.baseline))
        text = s["next"].format(deadline=deadline, goals=ctx.bank["clause_sep"].join(parts) if ctx.lang == "zh"
                                else ctx.join(parts))
        statement = outlook(ctx.sentence(text), [i for v in group for i in v.ids])
        if ctx.grounded(statement["text"], statement["fact_ids"]):
            out.append(statement)
    for f in ctx.facts:
        if is_plan(f["text"]) and f.get("source") != "strategy" and f.get("section") != "risks":
            body = clean(f["text"]) if ctx.lang == "zh" else english.lower_first(english.clause(clean(f["text"]),
                                                                                                ctx.subject))
            out.append(outlook(ctx.sentence(s["plan"].format(fact=body)), [f["id"]]))
    return out


def summary(ctx: Ctx) -> dict[str, Any]:
    """What was achieved (facts), what is still open (the placeholders by name), the goals with their deadlines."""
    s = ctx.bank["summary"]
    views = goal_views(ctx)
    goal_ids = {i for v in views for i in v.ids}
    digests = list(ctx.payload.get("section_digests") or [])
    paragraphs = []
    results = _results(ctx, goal_ids)
    if results:
        statements: list[Stmt] = []
        # two results to a sentence (a lone last one joins the sentence before), so that no sentence of the summary
        # repeats a sentence of its section word for word
        groups = [results[n:n + 2] for n in range(0, len(results), 2)]
        if len(groups) > 1 and len(groups[-1]) == 1:
            groups[-2:] = [groups[-2] + groups[-1]]
        for n, group in enumerate(groups):
            if ctx.lang == "zh":
                body = ctx.bank["clause_sep"].join(short for _, short in group)
                text = s["results"].format(lead=ctx.lead, company=ctx.subject, results=body) if n == 0 else \
                    s["results_more"].format(results=body)
            else:
                clauses = [english.clause(short, ctx.subject) for _, short in group]
                text = ", ".join(clauses[:-1]) + (", and " if len(clauses) > 2 else " and ") \
                    + english.lower_first(clauses[-1]) if len(clauses) > 1 else clauses[0]
                if n == 0:
                    text = f"{ctx.lead}, {english.lower_first(text)}"
                else:
                    text = s["results_more"].format(results=english.lower_first(text))
            ids = [f["id"] for f, _ in group]
            statement = fact(ctx.sentence(text), ids)
            if not ctx.grounded(statement["text"], ids):  # short results: the lead alone would outweigh them
                bare = ctx.bank["clause_sep"].join(short for _, short in group) if ctx.lang == "zh" else text.split(
                    ", ", 1)[-1]
                statement = fact(ctx.sentence(bare), ids)
            statements.append(statement)
        statements = [st for st in statements if ctx.grounded(st["text"], st["fact_ids"])]
        if statements:
            paragraphs.append(paragraph(statements, ctx.lang))
    items = _open_items(ctx, views, digests)
    if items:
        listed = ctx.bank["list_sep"].join(items)
        text = ctx.sentence(s["open"].format(placeholder=ctx.placeholder(listed)))
        paragraphs.append(paragraph([placeholder(text, s["open_question"].format(items=listed))], ctx.lang))
    ahead = _next(ctx, views)
    if ahead:
        paragraphs.append(paragraph(ahead, ctx.lang))
    questions = []
    if not paragraphs:  # nothing achieved, open or dated to report: ask for the next priorities
        bank = ctx.bank["sections"]["summary"]
        title = (ctx.payload.get("section") or {}).get("title") or ("总结与展望" if ctx.lang == "zh" else
                                                                     "Summary and outlook")
        text = ctx.sentence(ctx.t("sections.empty_sentence", title=title, placeholder=ctx.placeholder(bank["empty"])))
        paragraphs.append(paragraph([placeholder(text, bank["question"])], ctx.lang))
        questions.append(bank["question"])
    return {"kind": "prose", "paragraphs": paragraphs, "bullets": [], "questions": questions}
