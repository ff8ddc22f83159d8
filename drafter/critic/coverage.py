"""Coverage: required sections present and non-empty, every fact used somewhere, open placeholders counted."""

from __future__ import annotations

import re
from collections.abc import Sequence

from drafter.critic.document import FAILED_RE, PLACEHOLDER_RE, Document, strip_placeholders
from drafter.critic.grounding import figure_pool
from drafter.draft.model import Finding
from drafter.facts.catalog import CATALOG, spec
from drafter.facts.model import Fact
from drafter.messages import message
from drafter.text.figures import Figure, FigureIndex, extract_figures, is_supported

_STOP = frozenset("的了和与及在对为是将把从到至等中上下其".split() + list("的了和与及在对为是将把从到至等中其"))
_EN_STOP = frozenset("the a an and or of to in on for by with from at is are was were be this that its per "
                     "our we will than into over under".split())


def required_keys(selected: Sequence[str] | None) -> list[str]:
    """Keys that must be present: the facts file's `sections:` override, else the catalog's required ones."""
    if selected:
        return list(selected)
    return [s.key for s in CATALOG if s.required]


def check_sections(doc: Document, required: Sequence[str]) -> list[Finding]:
    """An error for each required section that is missing or empty."""
    findings = []
    for key in required:
        title = spec(key).title(doc.lang)
        section = doc.section(key)
        code = ("coverage.missing-section" if section is None
                else "coverage.empty-section" if not FAILED_RE.sub("", strip_placeholders(section.text)).strip()
                else None)
        if code is not None:
            findings.append(Finding(check="coverage", code=code, severity="error", section=key,
                                    message=message(code, doc.lang, title=title), evidence=title))
    return findings


def key_terms(text: str) -> list[str]:
    """Content terms of a fact: CJK 2-grams (figures and stop characters removed) or English content words."""
    bare = text
    for fig in sorted(extract_figures(text), key=lambda f: -f.start):
        bare = bare[:fig.start] + " " + bare[fig.end:]
    terms: list[str] = []
    for run in re.findall(r"[\u4e00-\u9fff]+", bare):
        terms += [run[i:i + 2] for i in range(len(run) - 1) if not set(run[i:i + 2]) & _STOP]
    terms += [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z\-]{2,}", bare) if w.lower() not in _EN_STOP]
    return terms


def fact_is_used(fact_text: str, doc_text: str, doc_figures: Sequence[Figure] | FigureIndex | None = None,
                 lookup: TermLookup | None = None) -> bool:
    """A fact counts as used when all its figures and at least half of its key terms appear in the text
    (`doc_figures` and `lookup`, built once from the text, are given when many facts are asked about one text)."""
    figs = extract_figures(fact_text)
    doc_figs = doc_figures if doc_figures is not None else FigureIndex(figure_pool([doc_text]))
    if not _figures_present(fact_text, doc_figs):
        return False
    terms = key_terms(fact_text)
    if not terms:
        return bool(figs) or fact_text.strip() in doc_text
    found = lookup if lookup is not None else TermLookup(doc_text)
    hits = sum(1 for t in terms if found(t))
    return hits * 2 >= len(terms) if figs else hits * 3 >= len(terms) * 2


class TermLookup:
    """`term in text` for the many terms of many facts against one text: a CJK 2-gram through a set of the text's
    2-grams, any other term searched once and remembered (n facts cost the text's length about once, not n times)."""

    def __init__(self, text: str) -> None:
        self.text = text.lower()
        self.pairs = {self.text[i:i + 2] for i in range(len(self.text) - 1)}
        self.seen: dict[str, bool] = {}

    def __call__(self, term: str) -> bool:
        if len(term) == 2:
            return term in self.pairs
        hit = self.seen.get(term)
        if hit is None:
            hit = self.seen[term] = term in self.text
        return hit


def check_facts_used(doc: Document, facts: Sequence[Fact]) -> list[Finding]:
    """An error for each fact that no part of the overview uses (cited by id, or its figures and terms appear)."""
    cited: set[str] = set(doc.opening_fact_ids or set())
    for s in doc.sections:
        cited |= s.fact_ids or set()
    text = strip_placeholders(doc.body_text())
    doc_figs = FigureIndex(figure_pool([text]))
    lookup = TermLookup(text)
    findings = []
    for fact in facts:
        if fact.id in cited and _figures_present(fact.text, doc_figs) \
                or fact_is_used(fact.text, text, doc_figs, lookup):
            continue
        section = fact.section if fact.section != "summary" else None
        findings.append(Finding(check="coverage", code="coverage.fact-unused", severity="error", section=section,
                                message=message("coverage.fact-unused", doc.lang, fact_id=fact.id),
                                evidence=f"{fact.id}: {fact.text}"))
    return findings


def check_placeholders(doc: Document) -> list[Finding]:
    """An info finding per section with 【待补充】 / [TO FILL] placeholders awaiting the user."""
    findings = []
    for s in doc.sections:
        count = len(PLACEHOLDER_RE.findall(s.text))
        if count:
            findings.append(Finding(check="coverage", code="coverage.placeholders-open", severity="info",
                                    section=s.key or s.heading,
                                    message=message("coverage.placeholders-open", doc.lang, count=count)))
    return findings


def _figures_present(fact_text: str, doc_figs: Sequence[Figure] | FigureIndex) -> bool:
    """A cited fact is used only if its figures really appear (an id alone proves nothing)."""
    return all(is_supported(f, doc_figs, strict=False) for f in extract_figures(fact_text))
