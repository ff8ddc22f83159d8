"""Run every registered deterministic check over a Document; the `check --json` shape."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from drafter.critic.claims import check_claims
from drafter.critic.coverage import check_facts_used, check_placeholders, check_sections
from drafter.critic.document import PLACEHOLDER_RE, Document, GoalItem, from_overview
from drafter.critic.grounding import check_grounding
from drafter.critic.markup import check_markup
from drafter.critic.registry import CheckContext, register, registered
from drafter.critic.smart import SmartMarks, field_disagreements, judge_goal, judge_typed_goal
from drafter.critic.style import check_language, check_repetition
from drafter.draft.model import Finding, Overview
from drafter.facts.catalog import CATALOG, spec
from drafter.facts.model import Fact, Facts
from drafter.messages import message
from drafter.text.time_expressions import period_year

_DIMENSIONS = {"specific": "smart.not-specific", "measurable": "smart.not-measurable",
               "time_bound": "smart.not-time-bound"}


@dataclass
class CheckReport:
    """Findings plus the per-section and per-goal view `check` prints."""

    lang: str
    sections: list[dict[str, Any]]
    goals: list[dict[str, Any]]
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        """Number of error findings."""
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        """Number of warning findings."""
        return sum(1 for f in self.findings if f.severity == "warning")

    def to_json(self) -> dict[str, Any]:
        """The `check --json` contract."""
        return {
            "sections": self.sections,
            "goals": self.goals,
            "findings": [f.model_dump() for f in self.findings],
            "summary": {"errors": self.errors, "warnings": self.warnings},
        }


def goal_marks(doc: Document, ctx: CheckContext) -> list[tuple[GoalItem, SmartMarks]]:
    """Each goal with its SMART marks (typed fields decide for drafter's goals); judged once per run."""
    if "smart" not in ctx.memo:
        section = doc.section("goals")
        ctx.memo["smart"] = [
            (g, judge_typed_goal(g.structured, doc.lang, ctx.strategy, ctx.as_of) if g.structured is not None
             else judge_goal(g.text, doc.lang, ctx.strategy, ctx.as_of))
            for g in (section.goals if section else [])]
    marks: list[tuple[GoalItem, SmartMarks]] = ctx.memo["smart"]
    return marks


def smart_findings(goal: GoalItem, marks: SmartMarks, lang: str) -> list[Finding]:
    """Findings for one goal: an error per failed S/M/T dimension (a warning when a placeholder awaits input)."""
    waiting = bool(PLACEHOLDER_RE.search(goal.text))
    evidence = goal.text[:200]
    out = []
    for dim, code in _DIMENSIONS.items():
        if not getattr(marks, dim):
            text = message(code, lang) + (message("smart.awaiting-input", lang) if waiting else "")
            out.append(Finding(check="smart", code=code, severity="warning" if waiting else "error",
                               section="goals", message=text, evidence=evidence))
    if marks.achievable is False:
        out.append(Finding(check="smart", code="smart.out-of-reach", severity="warning", section="goals",
                           message=message("smart.out-of-reach", lang), evidence=evidence))
    structured = goal.structured
    if structured is not None:
        contradicted = set()
        for name, value, stated in field_disagreements(structured):
            contradicted.add(name)
            out.append(Finding(check="smart", code="smart.field-contradicted", severity="error", section="goals",
                               evidence=evidence, message=message("smart.field-contradicted", lang, field=name,
                                                                  value=value, stated=stated)))
        for name in ("target", "deadline", "owner"):
            value = getattr(structured, name)
            if value and value not in goal.text and name not in contradicted:
                out.append(Finding(check="smart", code="smart.field-not-in-statement", severity="warning",
                                   section="goals", evidence=evidence,
                                   message=message("smart.field-not-in-statement", lang, field=name, value=value)))
    return out


# The built-in checks, in the order their findings are reported.

@register("sections")
def _sections(doc: Document, ctx: CheckContext) -> Iterable[Finding]:
    return check_sections(doc, ctx.required)


@register("smart")
def _smart(doc: Document, ctx: CheckContext) -> Iterable[Finding]:
    findings: list[Finding] = []
    section = doc.section("goals")
    if section is not None and not section.goals and not PLACEHOLDER_RE.search(section.text):
        findings.append(Finding(check="smart", code="smart.no-goals", severity="error", section="goals",
                                message=message("smart.no-goals", doc.lang), evidence=section.text[:120]))
    for goal, marks in goal_marks(doc, ctx):
        findings += smart_findings(goal, marks, doc.lang)
    return findings


@register("grounding")
def _grounding(doc: Document, ctx: CheckContext) -> Iterable[Finding]:
    return check_grounding(doc, ctx.source_texts) if ctx.source_texts is not None else []


@register("facts-used")
def _facts_used(doc: Document, ctx: CheckContext) -> Iterable[Finding]:
    return check_facts_used(doc, ctx.facts) if ctx.facts is not None else []


@register("language")
def _language(doc: Document, ctx: CheckContext) -> Iterable[Finding]:
    return check_language(doc, ctx.names)


@register("repetition")
def _repetition(doc: Document, ctx: CheckContext) -> Iterable[Finding]:
    return check_repetition(doc)


@register("placeholders")
def _placeholders(doc: Document, ctx: CheckContext) -> Iterable[Finding]:
    return check_placeholders(doc)


@register("claims")
def _claims(doc: Document, ctx: CheckContext) -> Iterable[Finding]:
    if ctx.facts is None or ctx.source_texts is None:
        return []
    return check_claims(doc, ctx.facts, ctx.source_texts, ctx.as_of)


@register("markup")
def _markup(doc: Document, ctx: CheckContext) -> Iterable[Finding]:
    return check_markup(doc, ctx.facts)


def check_document(doc: Document, facts: Sequence[Fact] | None = None,
                   source_texts: Sequence[str] | None = None, strategy: Sequence[str] = (),
                   selected: Sequence[str] | None = None, names: Sequence[str] = (),
                   period: str | None = None) -> CheckReport:
    """Every registered check, in order; grounding and fact coverage need the facts.

    `period` is the period the document covers (the facts file's); without it, the year in the title.
    """
    ctx = CheckContext(doc.lang, facts, source_texts, strategy, selected, names,
                       period_year(period or "") or period_year(doc.title))
    findings: list[Finding] = []
    for check in registered():
        findings += check.run(doc, ctx)
    goals = [{"text": g.text, "section": "goals", "smart": {
        "specific": m.specific, "measurable": m.measurable, "achievable": m.achievable, "relevant": m.relevant,
        "time_bound": m.time_bound}} for g, m in goal_marks(doc, ctx)]
    return CheckReport(doc.lang, _section_rows(doc, ctx.required), goals, findings)


def _section_rows(doc: Document, required: Sequence[str]) -> list[dict[str, Any]]:
    rows = []
    present = {s.key for s in doc.sections if s.key}
    for s in doc.sections:
        rows.append({"key": s.key, "title": s.heading, "present": True})
    for c in CATALOG:
        if c.key in required and c.key not in present:
            rows.append({"key": c.key, "title": spec(c.key).title(doc.lang), "present": False})
    return rows


def check_against(doc: Document, facts: Facts) -> CheckReport:
    """Every deterministic check of `doc` against a loaded facts file."""
    return check_document(doc, facts.items, facts.source_texts(), facts.file.strategy, facts.file.sections,
                          [facts.file.company, *(f.text for f in facts.items)], facts.file.period)


def review(overview: Overview, facts: Facts) -> list[Finding]:
    """The critic's findings for a drafter overview against its facts."""
    return check_against(from_overview(overview), facts).findings


def score(findings: Sequence[Finding]) -> int:
    """Lower is better: errors weigh ten times a warning."""
    return sum(10 if f.severity == "error" else 1 if f.severity == "warning" else 0 for f in findings)
