"""Run every deterministic check over a Document; the `check --json` shape."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from drafter.critic.coverage import check_facts_used, check_sections, required_keys
from drafter.critic.document import PLACEHOLDER_RE, Document, GoalItem, from_overview
from drafter.critic.grounding import check_grounding
from drafter.critic.smart import SmartMarks, judge_goal
from drafter.critic.style import check_language, check_repetition
from drafter.draft.model import Finding, Overview
from drafter.facts.catalog import CATALOG, spec
from drafter.facts.model import Fact, Facts

_DIMENSIONS = ("specific", "measurable", "time_bound")
_ZH_DIM = {"specific": "不够具体（没有明确的指标或交付物）", "measurable": "不可衡量（没有量化的目标值）",
           "time_bound": "没有时限（缺少截止时间或周期）"}
_EN_DIM = {"specific": "is not specific (no concrete metric or deliverable)",
           "measurable": "is not measurable (no quantified target)",
           "time_bound": "is not time-bound (no deadline or period)"}


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


def smart_findings(goal: GoalItem, marks: SmartMarks, lang: str) -> list[Finding]:
    """Findings for one goal: an error per failed S/M/T dimension (a warning when a placeholder awaits input)."""
    waiting = bool(PLACEHOLDER_RE.search(goal.text))
    out = []
    for dim in _DIMENSIONS:
        if not getattr(marks, dim):
            text = (f"goal {_EN_DIM[dim]}" if lang == "en" else f"目标{_ZH_DIM[dim]}")
            if waiting:
                text += " — awaiting the user's input" if lang == "en" else "——待用户补充"
            out.append(Finding(check="smart", severity="warning" if waiting else "error", section="goals",
                               message=text, evidence=goal.text[:200]))
    if marks.achievable is False:
        out.append(Finding(check="smart", severity="warning", section="goals",
                           message="target looks out of reach" if lang == "en" else "目标幅度可能难以实现",
                           evidence=goal.text[:200]))
    structured = goal.structured
    if structured is not None:
        for name in ("target", "deadline", "owner"):
            value = getattr(structured, name)
            if value and value not in goal.text:
                msg = (f"the goal's {name} '{value}' does not appear in its statement" if lang == "en"
                       else f"目标的 {name}“{value}”与目标表述不一致")
                out.append(Finding(check="smart", severity="warning", section="goals", message=msg,
                                   evidence=goal.text[:200]))
    return out


def check_document(doc: Document, facts: Sequence[Fact] | None = None,
                   source_texts: Sequence[str] | None = None, strategy: Sequence[str] = (),
                   selected: Sequence[str] | None = None, names: Sequence[str] = ()) -> CheckReport:
    """Every deterministic check; grounding and fact coverage need the facts."""
    findings: list[Finding] = []
    required = required_keys(selected)
    findings += check_sections(doc, required)
    goals_json = []
    goals_section = doc.section("goals")
    if goals_section is not None and not goals_section.goals and not PLACEHOLDER_RE.search(goals_section.text):
        findings.append(Finding(check="smart", severity="error", section="goals",
                                message="no goals are stated" if doc.lang == "en" else "运营目标一节没有列出具体目标",
                                evidence=goals_section.text[:120]))
    for goal in goals_section.goals if goals_section else []:
        marks = judge_goal(goal.text, doc.lang, strategy)
        goals_json.append({"text": goal.text, "section": "goals", "smart": {
            "specific": marks.specific, "measurable": marks.measurable, "achievable": marks.achievable,
            "relevant": marks.relevant, "time_bound": marks.time_bound}})
        findings += smart_findings(goal, marks, doc.lang)
    if source_texts is not None:
        findings += check_grounding(doc, source_texts)
    if facts is not None:
        findings += check_facts_used(doc, facts)
    findings += check_language(doc, names)
    findings += check_repetition(doc)
    for s in doc.sections:
        count = len(PLACEHOLDER_RE.findall(s.text))
        if count:
            msg = (f"{count} placeholder(s) await the user's input" if doc.lang == "en"
                   else f"有 {count} 处【待补充】等待用户补充")
            findings.append(Finding(check="coverage", severity="info", section=s.key or s.heading, message=msg))
    return CheckReport(doc.lang, _section_rows(doc, required), goals_json, findings)


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
                          [facts.file.company, *(f.text for f in facts.items)])


def review(overview: Overview, facts: Facts) -> list[Finding]:
    """The critic's findings for a drafter overview against its facts."""
    return check_against(from_overview(overview), facts).findings


def score(findings: Sequence[Finding]) -> int:
    """Lower is better: errors weigh ten times a warning."""
    return sum(10 if f.severity == "error" else 1 if f.severity == "warning" else 0 for f in findings)
