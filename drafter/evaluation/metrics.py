"""Eval metrics: deterministic gates over a draft's Markdown, and overlap signals against a reference.

Every metric returns a `Score` (a number and a reason). Gates use the critic's own logic (coverage, grounding,
SMART, claims) on the Markdown a reader sees or on the typed draft; the sentence gates (boilerplate, repeats) read
the draft sentence by sentence (`evaluation.prose`); cross_case_repeats is computed over every case of a run.
Overlap metrics (ROUGE-L over characters, chrF, length ratio) only detect
regressions against a baseline, because they reward a draft with wrong figures over a faithful paraphrase.
rouge-score and sacrebleu are imported inside the functions that use them, so `drafter --help` stays fast.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from drafter.critic.checks import CheckReport, check_against, review
from drafter.critic.coverage import check_facts_used, check_sections, required_keys
from drafter.critic.document import PLACEHOLDER_RE, Document, from_markdown
from drafter.critic.grounding import figure_pool, unsupported_figures
from drafter.critic.registry import registered
from drafter.critic.smart import judge_goal
from drafter.evaluation.prose import Masked, Unit, cross_case, document_units, overview_units, repeated_within, share
from drafter.text.time_expressions import period_year

if TYPE_CHECKING:
    from drafter.draft.model import Finding, Overview
    from drafter.facts.model import Facts

# The gates: metric → (comparison, threshold). The one place thresholds live (`GATE_BY_LANGUAGE` overrides a
# threshold per draft language).
# smart_pass_rate is 1.0 because drafter's contract is that a goal either states metric, target and deadline or
# carries a 【待补充】 placeholder (those are excluded from the rate), and with 2–4 gradable goals per case any
# lower threshold would admit a whole vague goal.
# boilerplate_ratio: the ceilings of the first draft worth handing up (a hand-written reference of the same facts
# is almost all fact-bearing; English drafts need a few more framing sentences, hence the higher ceiling).
GATES: dict[str, tuple[Literal[">=", "<="], float]] = {
    "section_coverage": (">=", 1.0),
    "fact_recall": (">=", 1.0),
    "unsupported_figures": ("<=", 0.0),
    "unsupported_claims": ("<=", 0.0),
    "smart_pass_rate": (">=", 1.0),
    "critic_errors": ("<=", 0.0),
    "boilerplate_ratio": ("<=", 0.15),
    "repeated_sentences": ("<=", 0.0),
    "cross_case_repeats": ("<=", 0.0),
}
GATE_BY_LANGUAGE: dict[str, dict[str, float]] = {
    "boilerplate_ratio": {"zh": 0.15, "en": 0.25},
}
CLAIMS_CHECK = "claims"  # the critic check whose error findings unsupported_claims counts


def gate_threshold(metric: str, lang: str | None = None) -> float:
    """The gate's threshold for a draft in `lang` (the language override, else the one threshold)."""
    by_language = GATE_BY_LANGUAGE.get(metric, {})
    return by_language.get(lang or "", GATES[metric][1])


Direction = Literal["higher", "lower", "one"]


@dataclass(frozen=True)
class MetricSpec:
    """What a metric means, which way is better, and how far it may move from the baseline."""

    name: str
    direction: Direction  # "one": closer to 1.0 is better (length_ratio)
    tolerance: float  # allowed worsening against the baseline, in the metric's own units
    overlap: bool  # needs reference.md
    description: str
    count: bool = False  # an integer count rather than a 0–1 ratio
    run_level: bool = False  # computed over every case of a run (its value depends on the other cases)

    def format(self, value: float | None, digits: int = 3) -> str:
        """The value as shown in tables: a count as an integer, a ratio with `digits` decimals, n/a as –."""
        if value is None:
            return "–"
        return str(round(value)) if self.count else f"{value:.{digits}f}"

    def json_value(self, value: float | None) -> float | int | None:
        """The value as stored in results.json (counts as integers, ratios rounded to 6 decimals)."""
        if value is None:
            return None
        return round(value) if self.count else round(value, 6)


METRICS: dict[str, MetricSpec] = {m.name: m for m in (
    MetricSpec("section_coverage", "higher", 0.0, False, "fraction of required sections present and non-empty"),
    MetricSpec("fact_recall", "higher", 0.0, False, "fraction of facts the draft uses (critic coverage logic)"),
    MetricSpec("unsupported_figures", "lower", 0.0, False, "figures in the draft that no fact supports",
               count=True),
    MetricSpec("unsupported_claims", "lower", 0.0, False,
               "error findings of the critic's claims check on the typed draft", count=True),
    MetricSpec("smart_pass_rate", "higher", 0.0, False,
               "goals passing S, M and T; goals with a placeholder are excluded"),
    MetricSpec("critic_errors", "lower", 0.0, False, "error findings of the deterministic critic",
               count=True),
    MetricSpec("boilerplate_ratio", "lower", 0.0, False,
               "sentences with no fact, placeholder or labelled advice / all sentences of the body"),
    MetricSpec("repeated_sentences", "lower", 0.0, False,
               "sentences the same draft says twice or more (each repeat counted)", count=True),
    MetricSpec("cross_case_repeats", "lower", 0.0, False,
               "sentences that recur in another case's draft (company, period, numerals masked)", count=True,
               run_level=True),
    MetricSpec("fact_bearing_share", "higher", 0.05, False, "fact or derived sentences / all sentences (measured)"),
    MetricSpec("revision_rounds", "lower", 1.0, False, "critique→revise rounds the draft used (measured)",
               count=True),
    MetricSpec("failed_sections", "lower", 0.0, False, "sections the model failed to draft (measured)", count=True),
    MetricSpec("rouge_l_char", "higher", 0.02, True, "ROUGE-L F1 over Han characters and Latin words"),
    MetricSpec("chrf", "higher", 0.02, True, "sacrebleu chrF, scaled to 0–1"),
    MetricSpec("length_ratio", "one", 0.10, True, "draft characters / reference characters (no whitespace)"),
)}


@dataclass(frozen=True)
class Score:
    """A metric value (None: not applicable) and the reason behind it."""

    value: float | None
    details: str = ""


def gate_passed(metric: str, value: float | None, lang: str | None = None) -> bool | None:
    """True/False for a gated metric, None when the metric is not a gate or not applicable."""
    if metric not in GATES or value is None:
        return None
    op, threshold = GATES[metric][0], gate_threshold(metric, lang)
    return value >= threshold - 1e-9 if op == ">=" else value <= threshold + 1e-9


class HanTokenizer:
    """rouge-score tokenizer: each Han character is a token; Latin words and numbers stay whole (lower-cased)."""

    _TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[A-Za-z]+(?:['’][A-Za-z]+)?|\d+(?:\.\d+)?")

    def tokenize(self, text: str) -> list[str]:
        """Tokens of `text`; punctuation and whitespace are dropped."""
        return [t.lower() for t in self._TOKEN.findall(text)]


@cache
def _rouge_scorer() -> Any:
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False, tokenizer=HanTokenizer())


@cache
def _chrf_metric() -> Any:
    from sacrebleu.metrics.chrf import CHRF

    return CHRF()


def rouge_l_char(draft: str, reference: str) -> float:
    """ROUGE-L F1 of draft against reference with `HanTokenizer` tokens."""
    return float(_rouge_scorer().score(reference, draft)["rougeL"].fmeasure)


def chrf(draft: str, reference: str) -> float:
    """sacrebleu chrF (character 6-grams, β=2) divided by 100, so 1.0 is identical text."""
    return float(_chrf_metric().sentence_score(draft, [reference]).score) / 100.0


def chrf_signature() -> str:
    """The sacrebleu signature of the chrF configuration used (reported in summary.json)."""
    metric = _chrf_metric()
    try:
        return str(metric.get_signature())
    except ValueError:  # the signature needs one scored sentence to know the number of references
        metric.sentence_score("a", ["a"])
        return str(metric.get_signature())


def char_count(text: str) -> int:
    """Characters excluding whitespace."""
    return len(re.sub(r"\s+", "", text))


def length_ratio(draft: str, reference: str) -> float:
    """Draft characters / reference characters, whitespace excluded."""
    return char_count(draft) / max(1, char_count(reference))


def _listing(items: Sequence[str], limit: int = 5) -> str:
    shown = "; ".join(items[:limit])
    return shown + (f"; … (+{len(items) - limit})" if len(items) > limit else "")


def section_coverage(doc: Document, facts: Facts, failed: Sequence[str] = ()) -> Score:
    """Fraction of required sections present and non-empty (placeholders alone, or a failed draft, count as empty)."""
    required = required_keys(facts.file.sections)
    if not required:
        return Score(None, "no required sections")
    missing = [f.section or "?" for f in check_sections(doc, required)]
    missing += [k for k in required if k in failed and k not in missing]
    ok = len(required) - len(missing)
    return Score(ok / len(required), f"{ok}/{len(required)} required sections"
                 + (f"; missing or empty: {', '.join(missing)}" if missing else ""))


def fact_recall(doc: Document, facts: Facts) -> Score:
    """Fraction of facts the document uses (their figures and most key terms appear, or cited with figures)."""
    if not facts.items:
        return Score(None, "the facts file has no facts")
    unused = [f.evidence for f in check_facts_used(doc, facts.items)]
    used = len(facts.items) - len(unused)
    return Score(used / len(facts.items), f"{used}/{len(facts.items)} facts used"
                 + (f"; unused: {_listing(unused)}" if unused else ""))


def unsupported_figure_count(doc: Document, facts: Facts) -> Score:
    """Number of figures in the opening and sections that no fact (or company/period metadata) supports."""
    pool = figure_pool(facts.source_texts())
    found: list[str] = []
    for text in (doc.opening, *(s.text for s in doc.sections)):
        found += [f"“{fig.text}” in “{sentence[:60]}”" for fig, sentence in unsupported_figures(text, pool)]
    return Score(float(len(found)), _listing(found) if found else "every figure is in the facts")


def smart_pass_rate(doc: Document, facts: Facts) -> Score:
    """Share of goals passing Specific, Measurable and Time-bound; goals awaiting a placeholder are excluded."""
    section = doc.section("goals")
    goals = section.goals if section is not None else []
    waiting = [g.text for g in goals if PLACEHOLDER_RE.search(g.text)]
    judged = [g.text for g in goals if not PLACEHOLDER_RE.search(g.text)]
    failing = []
    for text in judged:
        marks = judge_goal(text, doc.lang, facts.file.strategy, period_year(facts.file.period))
        lacks = "".join(d for d, ok in (("S", marks.specific), ("M", marks.measurable), ("T", marks.time_bound))
                        if not ok)
        if lacks:
            failing.append(f"[{lacks}] {text[:80]}")
    note = f"; {len(waiting)} goal(s) with a placeholder excluded" if waiting else ""
    if not judged:
        return Score(None, f"no goal without a placeholder to judge{note}")
    passed = len(judged) - len(failing)
    return Score(passed / len(judged), f"{passed}/{len(judged)} goals pass S·M·T{note}"
                 + (f"; failing: {_listing(failing)}" if failing else ""))


def critic_errors(report: CheckReport) -> Score:
    """Number of error findings of the deterministic critic (the same checks `drafter check --facts` runs)."""
    errors = [f"[{f.check}] {f.section or '-'}: {f.message}" for f in report.findings if f.severity == "error"]
    return Score(float(len(errors)), _listing(errors) if errors else f"no errors ({report.warnings} warning(s))")


def unsupported_claims(findings: Sequence[Finding]) -> Score:
    """Number of error findings of the critic's `claims` check (0 while no such check is registered)."""
    found = [f"{f.section or '-'}: {f.evidence or f.message}"[:160] for f in findings
             if str(f.check) == CLAIMS_CHECK and f.severity == "error"]
    if not any(c.name == CLAIMS_CHECK for c in registered()):
        return Score(float(len(found)), "no claims check is registered in the critic yet")
    return Score(float(len(found)), _listing(found, 3) if found else "no unsupported claim")


def _quoted(units: Sequence[Unit], limit: int = 3) -> str:
    return _listing([f"“{u.text[:50]}” ({u.where})" for u in units], limit)


def boilerplate_ratio(units: Sequence[Unit]) -> Score:
    """Sentences with no fact, placeholder or labelled advice ÷ all sentences of the body (opening and sections)."""
    if not units:
        return Score(None, "the draft has no sentences")
    empty = [u for u in units if u.kind == "boilerplate"]
    return Score(len(empty) / len(units), f"{len(empty)}/{len(units)} sentences carry no fact, placeholder or "
                 "labelled advice" + (f"; e.g. {_quoted(empty)}" if empty else ""))


def fact_bearing_share(units: Sequence[Unit]) -> Score:
    """Fact and derived sentences ÷ all sentences of the body (a measurement, not a gate)."""
    value = share(units, ("fact", "derived"))
    if value is None:
        return Score(None, "the draft has no sentences")
    kinds = Counter(u.kind for u in units)
    return Score(value, ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) + f" of {len(units)} sentences")


def repeated_sentences(units: Sequence[Unit]) -> Score:
    """Sentences of the draft's own wording that the same draft already said (each repeat counted once)."""
    repeats = repeated_within(units)
    return Score(float(len(repeats)), f"repeated: {_quoted(repeats)}" if repeats else "no sentence said twice")


def cross_case_scores(cases: Sequence[Masked]) -> dict[str, Score]:
    """cross_case_repeats for every case of a run: its sentences that also occur in another case's draft."""
    if len(cases) < 2:
        return {c.case: Score(None, "needs two or more cases in the run") for c in cases}
    found = cross_case(cases)
    out = {}
    for c in cases:
        shared = found[c.case]
        listing = _listing([f"“{text[:50]}” (also in {', '.join(others[:2])}"
                            + (f" +{len(others) - 2}" if len(others) > 2 else "") + ")" for text, others in shared],
                           3)
        out[c.case] = Score(float(len(shared)), listing if shared
                            else f"none of its {len(c.sentences)} sentences recurs in another case")
    return out


def body_units(markdown: str, facts: Facts, overview: Overview | None = None) -> list[Unit]:
    """The sentences of the draft: from the typed overview when there is one, else from the Markdown."""
    if overview is not None:
        return overview_units(overview, facts)
    return document_units(from_markdown(markdown, facts.language), facts)


def gate_scores(markdown: str, facts: Facts, failed: Sequence[str] = (), overview: Overview | None = None,
                units: Sequence[Unit] | None = None) -> dict[str, Score]:
    """The gated metrics of one draft and its sentence measurements (`failed`: keys of sections that failed).

    Coverage, recall, figures, SMART and critic errors score the Markdown a reader sees; unsupported claims and the
    sentence metrics read the typed overview when it is given (its statements carry their kinds), else the
    Markdown. cross_case_repeats needs the other cases of the run: here it is not applicable.
    """
    doc = from_markdown(markdown, facts.language)
    report = check_against(doc, facts)
    claims = review(overview, facts) if overview is not None else report.findings
    units = list(units) if units is not None else body_units(markdown, facts, overview)
    return {
        "section_coverage": section_coverage(doc, facts, failed),
        "fact_recall": fact_recall(doc, facts),
        "unsupported_figures": unsupported_figure_count(doc, facts),
        "unsupported_claims": unsupported_claims(claims),
        "smart_pass_rate": smart_pass_rate(doc, facts),
        "critic_errors": critic_errors(report),
        "boilerplate_ratio": boilerplate_ratio(units),
        "repeated_sentences": repeated_sentences(units),
        "cross_case_repeats": Score(None, "computed over the cases of a run"),
        "fact_bearing_share": fact_bearing_share(units),
    }


def run_scores(overview: Overview | None, failed: Sequence[str] = ()) -> dict[str, Score]:
    """How the draft was made: revision rounds used (not applicable without the typed draft) and failed sections."""
    rounds = Score(None, "no typed draft") if overview is None else Score(
        float(overview.rounds), f"{overview.rounds} round(s) of critique→revise")
    return {"revision_rounds": rounds,
            "failed_sections": Score(float(len(failed)), f"failed: {', '.join(failed)}" if failed else "none failed")}


def overlap_scores(markdown: str, reference: str | None) -> dict[str, Score]:
    """Regression signals against the reference; not applicable (None) without one."""
    names = [m.name for m in METRICS.values() if m.overlap]
    if reference is None:
        return {name: Score(None, "skipped: the case has no reference.md") for name in names}
    ratio = length_ratio(markdown, reference)
    return {
        "rouge_l_char": Score(rouge_l_char(markdown, reference), "ROUGE-L F1, Han characters as tokens"),
        "chrf": Score(chrf(markdown, reference), "chrF/100"),
        "length_ratio": Score(ratio, f"{char_count(markdown)} / {char_count(reference)} characters"),
    }


def score_markdown(markdown: str, facts: Facts, reference: str | None = None, failed: Sequence[str] = (),
                   overview: Overview | None = None, units: Sequence[Unit] | None = None,
                   overlap: bool = True) -> dict[str, Score]:
    """Every metric, in `METRICS` order (`overlap=False` skips the overlap signals, which are slow to compute)."""
    signals = overlap_scores(markdown, reference) if overlap else {
        m.name: Score(None, "skipped: overlap signals were not computed") for m in METRICS.values() if m.overlap}
    scores = {**gate_scores(markdown, facts, failed, overview, units), **run_scores(overview, failed), **signals}
    return {name: scores[name] for name in METRICS}
