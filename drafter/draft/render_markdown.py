"""Markdown rendering of an overview in the seed's shape."""

from __future__ import annotations

from drafter.draft.model import GoalsSection, Overview, ProseSection, RisksSection, SectionContent
from drafter.facts.catalog import numbered_title


def title_for(company: str, period: str, lang: str) -> str:
    """`{company}{period}运营工作概述` / `{company} {period} Operations Overview`."""
    return f"{company} {period} Operations Overview" if lang == "en" else f"{company}{period}运营工作概述"


def section_body(content: SectionContent, lang: str) -> str:
    """The Markdown body of one section (no heading)."""
    blocks: list[str] = []
    lead, rest = content.paragraphs[:1], content.paragraphs[1:]
    blocks += [p.text.strip() for p in lead if p.text.strip()]
    if isinstance(content, GoalsSection):
        # Lead paragraph, the goal list, then the tracking paragraph(s).
        if content.goals:
            blocks.append("\n".join(f"- {g.statement.strip()}" for g in content.goals))
    elif isinstance(content, RisksSection):
        if content.risks:
            label, end = ("Response: ", ". ") if lang == "en" else ("应对：", "。")
            items = []
            for r in content.risks:
                owner = (f" ({r.owner})" if lang == "en" else f"（{r.owner}）") if r.owner else ""
                items.append(f"- {r.description.strip().rstrip('。.')}{owner}{end}{label}{r.response.strip()}")
            blocks.append("\n".join(items))
    blocks += [p.text.strip() for p in rest if p.text.strip()]
    if isinstance(content, ProseSection) and content.bullets:
        blocks.append("\n".join(f"- {b.text.strip()}" for b in content.bullets))
    return "\n\n".join(blocks)


def render(overview: Overview) -> str:
    """The whole document: title, opening, numbered sections, 总结与展望 last."""
    lang = overview.language
    parts = [f"# {overview.title}"]
    if overview.opening is not None:
        parts.append(overview.opening.text.strip())
    for i, section in enumerate(overview.sections):
        parts.append(f"## {numbered_title(i, section.key, lang)}")
        if section.content is None:
            failed = "[Section failed to draft: run `drafter write --resume`]" if lang == "en" else \
                "【本节生成失败：请运行 drafter write --resume 重新生成】"
            parts.append(failed)
        else:
            parts.append(section_body(section.content, lang))
    return "\n\n".join(parts).rstrip() + "\n"
