"""Grounding: every figure in the text must match a figure in the facts, or be derived from two of them.

A figure matches only in its own unit: % and 个百分点 (percentage points) are different units, so a fact "占比55%"
does not support "提升了55个百分点", nor "增长15%" a "十五个百分点". A figure no fact states is still grounded when
the arithmetic checks: a difference, gap, percent change, share or ratio of two fact figures of the same unit,
rounded as written (`drafter.text.arithmetic`): "缩短了8天" for 40 → 32 days, "up 3 percentage points" for
70% → 73%.
"""

from __future__ import annotations

from collections.abc import Sequence

from drafter.critic.document import Document, sentences, strip_placeholders
from drafter.draft.model import Finding
from drafter.messages import message
from drafter.text.arithmetic import SourceFigures, derived_from_sources
from drafter.text.figures import Figure, extract_figures, is_supported


def figure_pool(source_texts: Sequence[str]) -> list[Figure]:
    """Every figure the facts (and the company/period metadata) contain."""
    pool: list[Figure] = []
    for text in source_texts:
        pool += extract_figures(text)
    return pool


def source_figures(source_texts: Sequence[str]) -> SourceFigures:
    """The facts' figures extracted once and indexed for derivations: build one per facts file."""
    return SourceFigures.from_texts(source_texts)


def is_grounded(fig: Figure, sources: SourceFigures) -> bool:
    """A figure some source states in the same unit, or derives from two source figures of one unit."""
    return is_supported(fig, sources.index) or derived_from_sources(fig, sources)


def unsupported_figures(text: str, pool: Sequence[Figure] | SourceFigures) -> list[tuple[Figure, str]]:
    """(figure, sentence) for each figure in `text` that no fact supports and no two facts derive.

    `pool` is best a SourceFigures (built once); a plain list of figures is indexed on each call.
    """
    sources = pool if isinstance(pool, SourceFigures) else SourceFigures(pool)
    out = []
    for sentence in sentences(strip_placeholders(text)):
        for fig in extract_figures(sentence):
            if not is_grounded(fig, sources):
                out.append((fig, sentence))
    return out


def check_grounding(doc: Document, source_texts: Sequence[str]) -> list[Finding]:
    """One error per unsupported figure, with its sentence as evidence."""
    sources = source_figures(source_texts)
    findings = []
    parts = [("opening", doc.opening), *((s.key or s.heading, s.text) for s in doc.sections)]
    for where, text in parts:
        for fig, sentence in unsupported_figures(text, sources):
            findings.append(Finding(check="grounding", code="grounding.unsupported-figure", severity="error",
                                    section=where, evidence=sentence[:200],
                                    message=message("grounding.unsupported-figure", doc.lang, figure=fig.text)))
    return findings
