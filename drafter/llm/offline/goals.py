"""Goals: one bullet per goal (metric, baseline → target, deadline, owner) and a placeholder with a question for each
missing target, deadline or owner; a fact reporting a goal metric's current value is tied to its goal."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from drafter.llm.offline import derive, english
from drafter.llm.offline.common import (
    Ctx,
    Payload,
    Stmt,
    advice,
    derived,
    empty_paragraph,
    fact,
    paragraph,
    placeholder,
)
from drafter.text.fact_kinds import is_goal_like, polarity
from drafter.text.goal_fields import metric_value, read_goal, shared_terms, split_goals

FIELDS = ("target", "deadline", "owner")


@dataclass
class GoalView:
    """One goal as the draft shows it, with where each of its values comes from."""

    fact_id: str
    metric: str
    baseline: str | None = None
    target: str | None = None
    deadline: str | None = None
    owner: str | None = None
    direction: int = 0
    target_is_change: bool = False
    extra_ids: list[str] = field(default_factory=list)  # a fact that gave the baseline
    values: list[tuple[str, str, str]] = field(default_factory=list)  # (fact id, figure, fact text): current values

    @property
    def ids(self) -> list[str]:
        """The goal's own fact and any fact that gave one of its values."""
        return [self.fact_id, *self.extra_ids]

    @property
    def missing(self) -> list[str]:
        """Which of target, deadline and owner the facts do not give."""
        return [name for name in FIELDS if not getattr(self, name)]

    def shown(self, lang: str) -> str:
        """The metric as a sentence shows it (English keeps acronyms and inner capitals: RevPAR)."""
        return english.lower_first(self.metric) if lang == "en" else self.metric


def _goal_facts(ctx: Ctx) -> list[Payload]:
    """Facts that state a goal: typed goals, goal sentences listed as goals, flat facts that read as goals."""
    out = []
    for f in ctx.in_section("goals"):
        if f.get("goal") or f.get("source") == "goals" or is_goal_like(f["text"]):
            out.append(f)
    return out


def goal_views(ctx: Ctx) -> list[GoalView]:
    """Every goal of the run, fused goals split, values tied from facts that report a goal metric."""
    views: list[GoalView] = []
    for f in _goal_facts(ctx):
        spec = f.get("goal")
        if spec:
            metric = str(spec.get("metric") or "")
            baseline, target = spec.get("baseline"), spec.get("target")
            direction = _direction(baseline, target, metric)
            views.append(GoalView(f["id"], metric, baseline, target, spec.get("deadline"), spec.get("owner"),
                                  direction))
            continue
        for part in split_goals(f["text"]):
            slots = read_goal(part)
            metric = slots.metric or re.sub(r"^(?:提升|提高|降低|减少|改善|优化|加强)", "", f["text"]).strip()
            direction = slots.direction or _direction(slots.baseline, slots.target, metric)
            views.append(GoalView(f["id"], metric, slots.baseline, slots.target, slots.deadline, slots.owner,
                                  direction, slots.target_is_change))
    goal_ids = {v.fact_id for v in views}
    # A fact can only name a metric whose first two characters it contains: index the goals by them, so that each
    # fact is compared with the few goals it could name, not with all of them (views keep their order).
    by_start: dict[str, list[int]] = {}
    short: list[int] = []
    for i, view in enumerate(views):
        metric = view.metric.lower()
        if len(metric) >= 2:
            by_start.setdefault(metric[:2], []).append(i)
        elif metric:
            short.append(i)
    for f in ctx.facts:
        if f["id"] in goal_ids or f.get("source") == "strategy":
            continue
        lowered = f["text"].lower()
        pairs = {lowered[i:i + 2] for i in range(len(lowered) - 1)}
        candidates = sorted({*short, *(i for pair in pairs & by_start.keys() for i in by_start[pair])})
        for view in (views[i] for i in candidates):
            if view.metric.lower() not in lowered:
                continue
            figure = metric_value(f["text"], view.metric)
            if figure is None:
                continue
            if f.get("section") == "goals" and not view.baseline:
                view.baseline, view.extra_ids = figure.text, [f["id"]]
            else:
                view.values.append((f["id"], figure.text, f["text"]))
            break
    return views


def _direction(baseline: str | None, target: str | None, metric: str) -> int:
    found = derive.change(baseline or "", target or "", "")
    if found is not None:
        return found.sign
    return polarity(metric)


def bullet(view: GoalView, ctx: Ctx) -> tuple[str, list[str]]:
    """The goal's bullet and the questions its missing fields raise."""
    g = ctx.bank["goals"]
    metric = view.shown(ctx.lang)
    fills = {name: ctx.placeholder(g["missing"][name].format(metric=metric)) for name in view.missing}
    target = view.target or fills.get("target", "")
    if view.target_is_change and view.target:
        change = g["as_stated"].format(target=target)
    elif view.baseline:
        key = "change_up" if view.direction > 0 else "change_down" if view.direction < 0 else "change_keep"
        change = g[key].format(baseline=view.baseline, target=target)
    elif view.target:
        cap = view.direction < 0 and polarity(view.metric) < 0
        key = "level_cap" if cap and not re.search(r"降|减|缩|reduce|cut|lower", view.metric) else \
            "level_up" if view.direction > 0 else "level_down" if view.direction < 0 else "level_reach"
        change = g[key].format(target=target)
    else:
        key = "level_up" if view.direction > 0 else "level_down" if view.direction < 0 else "level_reach"
        change = g[key].format(target=target)
    if view.deadline:
        when = g["when"].format(deadline=view.deadline)
    else:
        when = g["when_missing"].format(placeholder=fills["deadline"])
    who = g["who"].format(owner=view.owner) if view.owner else g["who_missing"].format(placeholder=fills["owner"])
    if ctx.lang == "zh" and not view.deadline:  # 截止时间为【…】，由…负责 reads after the change
        text = f"{metric}：{change}，{when}{who}。"
    elif ctx.lang == "zh":
        text = g["bullet"].format(metric=metric, when=when, change=change, who=who)
    else:
        text = g["bullet"].format(metric=english.upper_first(view.metric), when=when, change=change, who=who)
    questions = [g["question"][name].format(metric=metric) for name in view.missing]
    return text, questions


def _gap_statement(view: GoalView, ctx: Ctx) -> Stmt | None:
    if not (view.baseline and view.target) or view.target_is_change:
        return None
    found = derive.gap(view.baseline, view.target, ctx.bank["derived"]["pp_unit"])
    if found is None:
        return None
    key = "gap_up" if found.sign > 0 else "gap_down"
    owner = ctx.t("goals.gap_owner", owner=view.owner) if view.owner else ""
    text = ctx.t(f"goals.{key}", metric=view.shown(ctx.lang), result=found.text, owner=owner)
    return derived(ctx.sentence(text), view.ids, found.op, found.inputs, found.text)


def _value_statement(view: GoalView, fact_id: str, figure: str, fact_text: str, ctx: Ctx) -> Stmt:
    found = derive.gap(figure, view.target, ctx.bank["derived"]["pp_unit"]) if view.target else None
    if found is not None:
        text = ctx.t("goals.value", metric=view.shown(ctx.lang), value=figure, target=view.target, result=found.text)
        return derived(ctx.sentence(text), [*view.ids, fact_id], found.op, found.inputs, found.text)
    body = ctx.fact_sentence({"text": fact_text}).rstrip("。.")
    return fact(ctx.sentence(ctx.t("goals.value_plain", fact=body, metric=view.shown(ctx.lang))),
                [*view.ids, fact_id])


def _strategy_statements(views: list[GoalView], ctx: Ctx) -> list[Stmt]:
    out = []
    for s in ctx.strategy:
        linked = [v for v in views if shared_terms(v.metric, s["text"])]
        if not linked:
            continue
        metrics = ctx.join([v.shown(ctx.lang) for v in linked])
        strategy = english.lower_first(s["text"].strip().rstrip(".")) if ctx.lang == "en" else ctx.quote(s["text"])
        text = ctx.t("goals.strategy", metrics=metrics, strategy=strategy)
        statement = fact(ctx.sentence(text), [s["id"], *(i for v in linked for i in v.ids)])
        if ctx.grounded(statement["text"], statement["fact_ids"]):
            out.append(statement)
    return out


def _baseline_statement(view: GoalView, ctx: Ctx) -> Stmt | None:
    """A goal with a target but no baseline: ask for the current level, so the gap can be worked out."""
    if view.baseline or not view.target or view.target_is_change or view.values:
        return None
    return advice(ctx.sentence(ctx.t("goals.baseline", metric=view.shown(ctx.lang))), view.ids)


def _fill_statement(view: GoalView, ctx: Ctx) -> Stmt | None:
    if not view.missing:
        return _baseline_statement(view, ctx)
    names = {"zh": {"target": "目标值", "deadline": "截止时间", "owner": "负责人"},
             "en": {"target": "target", "deadline": "deadline", "owner": "owner"}}[ctx.lang]
    fields = ctx.join([names[m] for m in view.missing])
    key = "goals.fill_vague" if not view.baseline and not view.target else "goals.fill"
    return advice(ctx.sentence(ctx.t(key, metric=view.shown(ctx.lang), fields=fields)), view.ids)


def _track_statement(views: list[GoalView], ctx: Ctx) -> Stmt | None:
    """Advice to the goals' owners to check progress against the targets (names from the facts)."""
    owned = [v for v in views if v.owner and v.deadline and v.target]
    if not owned:
        return None
    names = list(dict.fromkeys(v.owner for v in owned if v.owner))
    owners = ctx.join([english.lower_first(n) for n in names] if ctx.lang == "en" else names, plain=True)
    metrics = ctx.join([v.shown(ctx.lang) for v in owned], plain=True)
    deadlines = list(dict.fromkeys(v.deadline for v in owned if v.deadline))
    key = "goals.track_by" if len(deadlines) == 1 else "goals.track"
    return advice(ctx.sentence(ctx.t(key, owners=owners, metrics=metrics, deadline=deadlines[0])),
                  [i for v in owned for i in v.ids])


def goals_section(ctx: Ctx) -> dict[str, Any]:
    """The goals section: the goal bullets, then gaps, current values, links to the strategy and what to fill."""
    views = goal_views(ctx)
    if not views:
        what = ctx.t("goals.empty")
        text = ctx.sentence(ctx.t("goals.empty_sentence", placeholder=ctx.placeholder(what)))
        question = ctx.t("goals.empty_question")
        return {"kind": "goals", "paragraphs": [paragraph([placeholder(text, question)], ctx.lang)], "goals": [],
                "questions": [question]}
    goals, questions = [], []
    for view in views:
        text, asked = bullet(view, ctx)
        questions += asked
        goals.append({"statement": text, "metric": view.metric, "baseline": view.baseline, "target": view.target,
                      "deadline": view.deadline, "owner": view.owner, "fact_ids": view.ids})
    figures: list[Stmt] = []
    for view in views:
        gap = _gap_statement(view, ctx)
        figures += [gap] if gap else []
        figures += [_value_statement(view, i, fig, text, ctx) for i, fig, text in view.values]
    paragraphs = [empty_paragraph()]
    track = _track_statement(views, ctx)
    for group in (figures, _strategy_statements(views, ctx),
                  [s for s in (track, *(_fill_statement(v, ctx) for v in views)) if s]):
        if group:
            paragraphs.append(paragraph(group, ctx.lang))
    return {"kind": "goals", "paragraphs": paragraphs, "goals": goals, "questions": list(dict.fromkeys(questions))}
