"""Grounding: every figure in the text must match a figure in the facts."""

from __future__ import annotations

from collections.abc import Sequence

from drafter.critic.document import Document, sentences, strip_placeholders
from drafter.draft.model import Finding
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
            msg = (f"figure '{fig.text}' is not in the facts" if doc.lang == "en"
                   else f"数字“{fig.text}”在事实中找不到来源")
            findings.append(Finding(check="grounding", severity="error", section=where, message=msg,
                                    evidence=sentence[:200]))
    return findings
