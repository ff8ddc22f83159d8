"""The document as typed blocks (title, heading, paragraph, bullet): what overview.md and overview.docx both show."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from drafter.draft.model import GoalsSection, Opening, ProseSection, Risk, RisksSection, SectionContent, Statement
from drafter.draft.text import escape, one_line
from drafter.facts.catalog import numbered_title

if TYPE_CHECKING:
    from drafter.draft.model import Overview

PLACEHOLDER_RE = re.compile(r"【待补充[:：][^】]*】|\[TO FILL:[^\]]*\]")
FAILED_RE = re.compile(r"【本节生成失败[^】]*】|\[Section failed to draft[^\]]*\]")

BlockKind = Literal["title", "heading", "paragraph", "bullet"]


@dataclass(frozen=True)
class Block:
    """One paragraph of the document: its kind, its text and the facts it cites."""

    kind: BlockKind
    text: str
    fact_ids: tuple[str, ...] = ()
    statements: tuple[Statement, ...] = ()  # the text sentence by sentence with kinds; empty for unlabelled text
    literal: bool = False  # the renderer's own text (headings, notices): written as is, never escaped


def failed_notice(lang: str) -> str:
    """The text shown in place of a section that failed to draft."""
    if lang == "en":
        return "[Section failed to draft: run `drafter write --resume`]"
    return "【本节生成失败：请运行 drafter write --resume 重新生成】"


def risk_text(risk: Risk, lang: str) -> str:
    """One risk as a list item: description, owner, then the response."""
    label, end = ("Response: ", ". ") if lang == "en" else ("应对：", "。")
    owner = (f" ({risk.owner})" if lang == "en" else f"（{risk.owner}）") if risk.owner else ""
    response = (risk.response or "").strip() or missing_response(lang)
    return f"{risk.description.strip().rstrip('。.')}{owner}{end}{label}{response}"


def missing_response(lang: str) -> str:
    """The placeholder for a risk whose facts give no response."""
    return "[TO FILL: response and owner]" if lang == "en" else "【待补充：应对措施与负责人】"


def risk_statements(risk: Risk, lang: str) -> tuple[Statement, ...]:
    """A risk as statements: its description (a fact) and its response (a fact, advice, or a placeholder)."""
    ids = list(risk.fact_ids)
    description = Statement(text=risk.description, kind="fact", fact_ids=ids)
    if risk.response is None:
        return description, Statement(text=missing_response(lang), kind="placeholder", fact_ids=[])
    if risk.response_kind is None:  # a response of unknown standing: read as text
        return ()
    return description, Statement(text=risk.response, kind=risk.response_kind,
                                  fact_ids=ids if risk.response_kind == "fact" else [])


def section_blocks(content: SectionContent, lang: str) -> list[Block]:
    """The blocks of one section body: lead paragraph, its goals or risks, the other paragraphs, then bullets."""
    paragraphs = [Block("paragraph", p.text.strip(), tuple(p.fact_ids), tuple(p.statements)) if p.text.strip()
                  else None for p in content.paragraphs]
    out = [b for b in paragraphs[:1] if b is not None]
    if isinstance(content, GoalsSection):
        out += [Block("bullet", g.statement.strip(), tuple(g.fact_ids)) for g in content.goals]
    elif isinstance(content, RisksSection):
        out += [Block("bullet", risk_text(r, lang), tuple(r.fact_ids), risk_statements(r, lang))
                for r in content.risks]
    out += [b for b in paragraphs[1:] if b is not None]
    if isinstance(content, ProseSection):
        out += [Block("bullet", b.text.strip(), tuple(b.fact_ids), tuple(b.statements)) for b in content.bullets]
    return out


def opening_block(opening: Opening) -> Block:
    """The opening paragraph as a block."""
    return Block("paragraph", opening.text.strip(), tuple(opening.fact_ids), tuple(opening.statements))


def overview_blocks(overview: Overview) -> list[Block]:
    """The whole document as blocks: title, opening, then each numbered heading and its body."""
    lang = overview.language
    out = [Block("title", overview.title)]
    if overview.opening is not None and overview.opening.text.strip():
        out.append(opening_block(overview.opening))
    for i, section in enumerate(overview.sections):
        out.append(Block("heading", numbered_title(i, section.key, lang), literal=True))
        if section.content is None:
            out.append(Block("paragraph", failed_notice(lang), literal=True))
        else:
            out += section_blocks(section.content, lang)
    return out


def block_text(block: Block, markdown: bool = True) -> str:
    """A block's text as one line: Markdown-escaped when `markdown` (the renderer's own text never is)."""
    if block.literal:
        return block.text
    return escape(block.text) if markdown else one_line(block.text)


def to_markdown(blocks: Sequence[Block], markdown: bool = True) -> str:
    """Blocks as Markdown: paragraphs apart by a blank line, a run of bullets as one list.

    Each block is one line. With `markdown`, text from facts or a model is escaped so that it stays text
    (drafter.draft.text.escape); without it the text is the same line unescaped, as the critic reads it.
    """
    chunks: list[str] = []
    previous: BlockKind | None = None
    for block in blocks:
        text = block_text(block, markdown)
        if block.kind == "bullet":
            line = f"- {text}"
            if previous == "bullet":
                chunks[-1] += "\n" + line
            else:
                chunks.append(line)
        else:
            prefix = {"title": "# ", "heading": "## "}.get(block.kind, "")
            chunks.append(prefix + text)
        previous = block.kind
    return "\n\n".join(chunks)
