"""The body of a draft as sentences with their standing: what the boilerplate and repetition gates count.

A sentence is `fact`, `derived`, `advice`, `outlook`, `placeholder` or `boilerplate`. Drafter's typed statements
keep their kind: fact, derived and outlook statements count only with at least one fact id (without one they are
boilerplate), advice and placeholders count as they are labelled. Text without statements (older drafts, models
that ignore the claim contract, any Markdown) is split into sentences, and a sentence is fact-bearing only when its
paragraph cites facts and the sentence shares a figure or at least half of its content terms with one of them
(`CONTENT_SHARE`). A sentence holding a 【待补充：…】 / [TO FILL: …] placeholder and no fact is a placeholder.
Headings are not sentences, and fixed labels ("应对：" / "Response:") are not part of any sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from drafter.critic.coverage import key_terms
from drafter.critic.document import PLACEHOLDER_RE, Document, sentences, strip_placeholders
from drafter.critic.grounding import figure_pool
from drafter.draft.blocks import missing_response
from drafter.text.figures import Figure, extract_figures, is_supported

if TYPE_CHECKING:
    from drafter.draft.model import Overview, Risk, Statement
    from drafter.facts.model import Facts

UnitKind = Literal["fact", "derived", "advice", "outlook", "placeholder", "boilerplate"]

# A text sentence is fact-bearing when at least this share of its content terms (CJK character bigrams without
# stop characters, English words of three or more letters outside a stop list: `critic.coverage.key_terms`) occur
# in one cited fact. Measured on the eval cases: the offline drafter's fact sentences with a connector in front
# ("从实际情况看，门店订货由人工下单改为…") share 0.7–1.0 of their terms with their fact, its stock sentences
# ("这些做法使流程更加标准化，减少了人为差错") 0–0.2 with any fact.
CONTENT_SHARE = 0.5
# Sentences shorter than this (characters, after normalising) are too short to call a repeat.
MIN_REPEAT_CHARS = 8

_FACT_BEARING = frozenset({"fact", "derived"})


@dataclass(frozen=True)
class Unit:
    """One sentence of the body: its text (labels removed), its standing, where it is, and whether it was typed."""

    text: str
    kind: UnitKind
    where: str  # "opening" or the section key
    typed: bool  # the kind came from a typed statement, not from the text


@dataclass(frozen=True)
class _Source:
    """What a text sentence is compared with: the cited facts' figures and terms, and figures that do not count."""

    facts: tuple[tuple[list[Figure], set[str]], ...]
    meta: list[Figure]


def _source(texts: Iterable[str], meta: list[Figure]) -> _Source:
    return _Source(tuple((extract_figures(t), set(key_terms(t))) for t in texts), meta)


def classify_text(sentence: str, source: _Source) -> UnitKind:
    """fact when the sentence shares a figure or enough content with a cited fact; else placeholder or boilerplate."""
    bare = strip_placeholders(sentence)
    figures = [f for f in extract_figures(bare) if not is_supported(f, source.meta)]
    terms = set(key_terms(bare))
    for fact_figures, fact_terms in source.facts:
        if any(is_supported(f, fact_figures) for f in figures):
            return "fact"
        if terms and len(terms & fact_terms) >= CONTENT_SHARE * len(terms):
            return "fact"
    return "placeholder" if PLACEHOLDER_RE.search(sentence) else "boilerplate"


def _text_units(text: str, where: str, source: _Source) -> list[Unit]:
    return [Unit(s, classify_text(s, source), where, False) for s in sentences(text)]


def _statement_units(statements: Sequence[Statement], where: str) -> list[Unit]:
    units = []
    for st in statements:
        kind: UnitKind = st.kind
        if kind in ("fact", "derived", "outlook") and not st.fact_ids:
            kind = "boilerplate"  # a claim that cites nothing
        units += [Unit(s, kind, where, True) for s in sentences(st.text)]
    return units


class _Units:
    """Builds the units of one overview against its facts."""

    def __init__(self, facts: Facts) -> None:
        self.by_id = {f.id: f.text for f in facts.items}
        self.meta = figure_pool([facts.file.company, facts.file.period])
        self.units: list[Unit] = []

    def source(self, ids: Iterable[str]) -> _Source:
        return _source([self.by_id[i] for i in dict.fromkeys(ids) if i in self.by_id], self.meta)

    def cited(self, text: str, ids: Sequence[str], statements: Sequence[Statement], where: str) -> None:
        if statements:
            self.units += _statement_units(statements, where)
        elif text.strip():
            self.units += _text_units(text, where, self.source(ids))

    def risk(self, risk: Risk, where: str, lang: str) -> None:
        owner = (f" ({risk.owner})" if lang == "en" else f"（{risk.owner}）") if risk.owner else ""
        description = risk.description.strip().rstrip("。.") + owner
        source = self.source(risk.fact_ids)
        self.units += _text_units(description, where, source)
        response = (risk.response or "").strip()
        if not response:
            self.units.append(Unit(missing_response(lang), "placeholder", where, True))
        elif risk.response_kind == "advice":
            self.units += [Unit(s, "advice", where, True) for s in sentences(response)]
        elif risk.response_kind == "fact" and risk.fact_ids:
            self.units += [Unit(s, "fact", where, True) for s in sentences(response)]
        elif risk.response_kind == "fact":
            self.units += [Unit(s, "boilerplate", where, True) for s in sentences(response)]
        else:  # a response of unknown standing: read as text against the risk's facts
            self.units += _text_units(response, where, source)


def overview_units(overview: Overview, facts: Facts) -> list[Unit]:
    """Every sentence of the opening and the section bodies, in document order."""
    from drafter.draft.model import GoalsSection, ProseSection, RisksSection

    b = _Units(facts)
    lang = overview.language
    if overview.opening is not None:
        b.cited(overview.opening.text, overview.opening.fact_ids, overview.opening.statements, "opening")
    for section in overview.sections:
        content = section.content
        if content is None:
            continue
        where = section.key
        paragraphs = list(content.paragraphs)
        for p in paragraphs[:1]:
            b.cited(p.text, p.fact_ids, p.statements, where)
        if isinstance(content, GoalsSection):
            for g in content.goals:
                b.cited(g.statement, g.fact_ids, (), where)
        elif isinstance(content, RisksSection):
            for r in content.risks:
                b.risk(r, where, lang)
        for p in paragraphs[1:]:
            b.cited(p.text, p.fact_ids, p.statements, where)
        if isinstance(content, ProseSection):
            for bullet in content.bullets:
                b.cited(bullet.text, bullet.fact_ids, bullet.statements, where)
    return b.units


_RESPONSE_LABEL = re.compile(r"^\s*(?:应对[:：]|Response:\s*)", re.I)


def document_units(doc: Document, facts: Facts) -> list[Unit]:
    """The same for Markdown (no typed statements, no citations): every sentence is compared with every fact."""
    meta = figure_pool([facts.file.company, facts.file.period])
    source = _source([f.text for f in facts.items], meta)
    units = _text_units(doc.opening, "opening", source)
    for s in doc.sections:
        where = s.key or s.heading
        for sentence in sentences(s.text):
            bare = _RESPONSE_LABEL.sub("", sentence)
            if bare.strip():
                units.append(Unit(bare, classify_text(bare, source), where, False))
    return units


def share(units: Sequence[Unit], kinds: Iterable[str]) -> float | None:
    """The share of units whose kind is in `kinds` (None without units)."""
    wanted = set(kinds)
    return sum(1 for u in units if u.kind in wanted) / len(units) if units else None


def is_fact_bearing(unit: Unit) -> bool:
    """fact or derived."""
    return unit.kind in _FACT_BEARING


# --- repetition -------------------------------------------------------------------------------------------------

_ZH_NUMERAL = re.compile(r"[零〇一二三四五六七八九十百千万亿两]+")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_NON_WORD = re.compile(r"[\s\W_]+")


def normalise(text: str) -> str:
    """Lower-case, without whitespace and punctuation."""
    return _NON_WORD.sub("", text.lower())


def mask(text: str, company: str, period: str) -> str:
    """The sentence with company name, period, every digit run and every Chinese numeral masked, normalised."""
    out = strip_placeholders(text)
    for name, token in sorted(((company, "\x01"), (period, "\x02")), key=lambda p: -len(p[0])):
        if name.strip():
            out = out.replace(name, token)
    out = _DIGITS.sub("\x03", out)
    out = _ZH_NUMERAL.sub("\x03", out)
    return _NON_WORD.sub("", out.lower().replace("\x01", "c").replace("\x02", "p").replace("\x03", "0"))


def own_wording(units: Sequence[Unit]) -> list[Unit]:
    """Units that are the drafter's own wording: placeholders and too-short remains left out."""
    return [u for u in units if u.kind != "placeholder"
            and len(normalise(strip_placeholders(u.text))) >= MIN_REPEAT_CHARS]


def repeated_within(units: Sequence[Unit]) -> list[Unit]:
    """Every occurrence after the first of a sentence the same draft already said (normalised text)."""
    seen: set[str] = set()
    repeats = []
    for unit in own_wording(units):
        key = normalise(strip_placeholders(unit.text))
        if key in seen:
            repeats.append(unit)
        seen.add(key)
    return repeats


@dataclass(frozen=True)
class Masked:
    """A case's sentences of its own wording, masked, for comparison with the other cases of a run."""

    case: str
    sentences: list[tuple[str, str]]  # (masked, original)


def masked_sentences(case: str, units: Sequence[Unit], facts: Facts) -> Masked:
    """The case's own-wording sentences, masked; a sentence that is one of its facts verbatim is the facts' wording."""
    company, period = facts.file.company, facts.file.period
    fact_forms = [mask(f.text, company, period) for f in facts.items]
    out = []
    for unit in own_wording(units):
        form = mask(unit.text, company, period)
        if len(form) < MIN_REPEAT_CHARS or any(form in f for f in fact_forms):
            continue
        out.append((form, unit.text))
    return Masked(case, out)


def cross_case(cases: Sequence[Masked]) -> dict[str, list[tuple[str, list[str]]]]:
    """Per case: each of its sentences whose masked form also occurs in another case, with those cases' names."""
    where: dict[str, set[str]] = {}
    for c in cases:
        for form, _ in c.sentences:
            where.setdefault(form, set()).add(c.case)
    return {c.case: [(text, sorted(where[form] - {c.case})) for form, text in c.sentences
                     if where[form] - {c.case}] for c in cases}
