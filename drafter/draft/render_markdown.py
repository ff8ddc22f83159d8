"""Markdown rendering of an overview in the seed's shape."""

from __future__ import annotations

from drafter.draft.blocks import failed_notice, section_blocks, to_markdown
from drafter.draft.model import Overview, SectionContent
from drafter.facts.catalog import numbered_title


def title_for(company: str, period: str, lang: str) -> str:
    """`{company}{period}运营工作概述` / `{company} {period} Operations Overview`."""
    return f"{company} {period} Operations Overview" if lang == "en" else f"{company}{period}运营工作概述"


def section_body(content: SectionContent, lang: str) -> str:
    """The Markdown body of one section (no heading)."""
    return to_markdown(section_blocks(content, lang))


def render(overview: Overview) -> str:
    """The whole document: title, opening, numbered sections, 总结与展望 last."""
    lang = overview.language
    parts = [f"# {overview.title}"]
    if overview.opening is not None:
        parts.append(overview.opening.text.strip())
    for i, section in enumerate(overview.sections):
        parts.append(f"## {numbered_title(i, section.key, lang)}")
        parts.append(failed_notice(lang) if section.content is None else section_body(section.content, lang))
    return "\n\n".join(parts).rstrip() + "\n"
