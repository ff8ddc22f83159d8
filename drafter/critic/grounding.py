"""Grounding: every figure in the text must match a figure in the facts."""

from __future__ import annotations

from collections.abc import Sequence

from drafter.critic.document import Document, sentences, strip_placeholders
from drafter.draft.model import Finding
from drafter.messages import message
from drafter.text.figures import Figure, extract_figures, is_supported


def figure_pool(source_texts: Sequence[str]) -> list[Figure]:
    """Every figure the facts (and the company/period metadata) contain."""
    pool: list[Figure] = []
    for text in source_texts:
        pool += extract_figures(text)
    return pool


def unsupported_figures(text: str, pool: Sequence[Figure]) -> list[tuple[Figure, str]]:
    """(figure, sentence) for each figure in `text` that no fact supports."""
    out = []
    for sentence in sentences(strip_placeholders(text)):
        for fig in extract_figures(sentence):
            if not is_supported(fig, pool):
                out.append((fig, sentence))
    return out


def check_grounding(doc: Document, source_texts: Sequence[str]) -> list[Finding]:
    """One error per unsupported figure, with its sentence as evidence."""
    pool = figure_pool(source_texts)
    findings = []
    parts = [("opening", doc.opening), *((s.key or s.heading, s.text) for s in doc.sections)]
    for where, text in parts:
        for fig, sentence in unsupported_figures(text, pool):
            findings.append(Finding(check="grounding", code="grounding.unsupported-figure", severity="error",
                                    section=where, evidence=sentence[:200],
                                    message=message("grounding.unsupported-figure", doc.lang, figure=fig.text)))
    return findings
