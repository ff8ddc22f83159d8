"""Rule-based SMART judgement of one goal statement (zh + en)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from drafter.draft.blocks import PLACEHOLDER_RE
from drafter.draft.model import Goal
from drafter.messages import message
from drafter.text.figures import Figure, extract_figures, is_supported, normalize_with_offsets
from drafter.text.goal_slots import benchmark_year, parse_goal, time_spans
from drafter.text.goals import (
    _QUANTITY_KINDS,
    _SPECIAL_TARGET,
    _VAGUE,
    _achievable,
    _is_specific,
    _targets,
    _terms,
    find_time_expressions,
    has_quantified_target,
    vague_quality_only,
)
from drafter.text.time_expressions import find_time_spans, period_year

__all__ = ["SmartMarks", "field_disagreements", "find_time_expressions", "has_quantified_target", "judge_goal",
           "judge_typed_goal"]


@dataclass(frozen=True)
class SmartMarks:
    """SMART marks for one goal; None means not judged."""

    specific: bool
    measurable: bool
    achievable: bool | None
    relevant: bool | None
    time_bound: bool
    reasons: tuple[str, ...]


def judge_goal(text: str, lang: str = "zh", strategy_terms: Sequence[str] = (), as_of: int | None = None
               ) -> SmartMarks:
    """Judge one goal statement against the SMART rules.

    `as_of` is the year of the document the statement is in (its period's year): a statement whose every time
    names an earlier year tells what happened, not what to reach. Without it no year counts as past.
    """
    return _judge(text, lang, strategy_terms, frozenset(), as_of)


def judge_typed_goal(goal: Goal, lang: str = "zh", strategy_terms: Sequence[str] = (), as_of: int | None = None
                     ) -> SmartMarks:
    """Judge drafter's own goal: its metric, target and deadline fields first, the statement's text where absent."""
    # A field counts only when it holds a value: a target with a figure, a deadline with a time expression.
    given = {dim for dim, ok in (("specific", _filled(goal.metric)),
                                 ("measurable", _filled(goal.target) and _quantified(goal.target or "")),
                                 ("time_bound", _filled(goal.deadline) and _dated(goal.deadline or ""))) if ok}
    return _judge(goal.statement, lang, strategy_terms, frozenset(given), as_of)


def field_disagreements(goal: Goal) -> list[tuple[str, str, str]]:
    """Fields the goal's own sentence contradicts: (field, the field's value, what the sentence says instead).

    The SMART marks of drafter's goals come from their fields, so a sentence that states another target or
    deadline than its fields would pass SMART while telling the reader something else. A sentence that leaves a
    field out is not a contradiction (`smart.field-not-in-statement` warns about that).
    """
    stated = extract_figures(PLACEHOLDER_RE.sub("", goal.statement))
    out = []
    if _filled(goal.target):
        wanted = [f for f in extract_figures(goal.target or "") if f.kind in _QUANTITY_KINDS]
        baseline = extract_figures(goal.baseline or "") if _filled(goal.baseline) else []
        if wanted and not any(is_supported(w, stated) for w in wanted):
            other = [f for f in stated if f.kind == wanted[0].kind and f.unit == wanted[0].unit
                     and not is_supported(f, baseline)]
            if other:
                out.append(("target", goal.target or "", other[-1].text))
    if _filled(goal.deadline):
        wanted = [f for f in extract_figures(goal.deadline or "") if f.kind in ("date", "quarter")]
        if wanted and not any(is_supported(w, stated, strict=False) for w in wanted):
            other = [f for f in stated if f.kind in ("date", "quarter") and not _same_date(f, wanted)]
            if other:
                out.append(("deadline", goal.deadline or "", other[-1].text))
    return out


def _before(norm: str, deadlines: Sequence[tuple[int, int]], as_of: int, lang: str) -> bool:
    """Every time the statement names lies in a year before `as_of` (2025年全年…, "Revenue was $12m in 2025"),
    leaving out a year it measures against (超过2024年峰值)."""
    years = [period_year(norm[a:b]) for a, b in deadlines if not benchmark_year(norm, a, b, lang)]
    return bool(years) and all(y is not None and y < as_of for y in years)


def _same_date(fig: Figure, wanted: Sequence[Figure]) -> bool:
    return is_supported(fig, wanted, strict=False)


def _filled(value: str | None) -> bool:
    return bool(value and value.strip() and not PLACEHOLDER_RE.search(value))


def _quantified(target: str) -> bool:
    norm = normalize_with_offsets(target)[0]
    return any(f.kind in _QUANTITY_KINDS for f in extract_figures(target)) or bool(_SPECIAL_TARGET.search(norm))


def _dated(deadline: str) -> bool:
    return bool(find_time_spans(normalize_with_offsets(deadline)[0]))


def _judge(text: str, lang: str, strategy_terms: Sequence[str], given: frozenset[str], as_of: int | None
           ) -> SmartMarks:
    """The text rules, with the dimensions in `given` already known to pass from the goal's typed fields."""
    text = PLACEHOLDER_RE.sub("", text)  # a placeholder is not a value: 【待补充：截止时间】前 sets no deadline
    norm = normalize_with_offsets(text)[0]
    deadlines, standards = time_spans(norm, lang)
    slots = parse_goal(text, lang, as_of)
    # an order about an earlier year sets it as the bar ("Beat 2025's record", 力争超过2024年峰值), a report does not
    if as_of is not None and not slots.committed and _before(norm, deadlines, as_of, lang):
        return SmartMarks(False, False, None, None, False, (message("smart.reason.past-period", lang, year=as_of),))
    if not slots.is_goal and not given:
        return SmartMarks(False, False, None, None, False, (message("smart.reason.not-a-goal", lang),))
    targets = _targets(text)
    # a thing done or avoided is checkable; a figure is, unless all it measures is a vague quality (服务水平提高两成)
    special = bool(_SPECIAL_TARGET.search(norm))  # an end state (碳中和, certified), or a multiple (翻一番, by a third)
    figure = bool(targets or standards) or (special and slots.fraction) \
        or ((slots.fraction or slots.comparator) and not slots.vague_only)
    thing = (special and not slots.fraction) or (bool(slots.deliverable or slots.avoidance) and not slots.vague_only)
    measurable = "measurable" in given or thing or (figure and not vague_quality_only(norm))
    specific = "specific" in given or slots.metric_direction or slots.avoidance or bool(slots.deliverable) \
        or bool(standards) \
        or (_is_specific(norm, measurable) and not slots.vague_only)
    time_bound = "time_bound" in given or bool(deadlines) or slots.deadline
    achievable, why = _achievable(text, targets)
    relevant: bool | None = None
    if strategy_terms:
        pool: set[str] = set()
        for term in strategy_terms:
            pool |= _terms(normalize_with_offsets(term)[0])
        relevant = bool(_terms(norm) & pool)
    reasons: list[str] = []
    vague = message("smart.reason.list-separator", lang).join(dict.fromkeys(m.group() for m in _VAGUE.finditer(text)))
    if not specific:
        reasons.append(message("smart.reason.not-specific-vague", lang, vague=vague) if vague
                       else message("smart.reason.not-specific", lang))
    if not measurable:
        has_numbers = any(f.kind in _QUANTITY_KINDS - {"duration"} for f in extract_figures(text))
        key = "vague-figure" if figure else "baseline-only" if has_numbers else "not-measurable"
        reasons.append(message(f"smart.reason.{key}", lang))
    if achievable is False:
        reasons.append(message("smart.reason.unrealistic", lang, why=why))
    if relevant is False:
        reasons.append(message("smart.reason.not-relevant", lang))
    if not time_bound:
        reasons.append(message("smart.reason.not-time-bound", lang))
    return SmartMarks(specific, measurable, achievable, relevant, time_bound, tuple(reasons))
