"""Markdown rendering of an overview in the seed's shape.

Only the renderer makes structure: the `#` title line, the `##` numbered catalog headings, its `- ` list items
and the blank lines between blocks. Everything that comes from the facts or a model — the company and period in
the title, the opening, every paragraph, goal, risk and list item, the placeholders and the text quoted in them —
is text, written by `drafter.draft.text.escape`:

- a sentence is one line: line breaks (and the whitespace around them) become one space, and control
  characters are dropped;
- `\\` `` ` `` `*` `_` `[` `]` `|` `#` `~` (and a `(` right after `]`) are backslash-escaped wherever they
  appear; `<` `>` are written `&lt;` `&gt;`, and an `&` that starts an entity reference `&amp;`. So no heading,
  block quote, code, table, emphasis, link, image, raw HTML or autolink can start inside the text;
- at the start of a block a leading `-` or `+` and the `.`/`)` after leading digits are escaped (no list item),
  and the `、` after a leading numeral is written `&#12289;` (no plain-text heading such as `三、团队协作`);
- a placeholder `[TO FILL: …]` keeps its brackets (there is no link definition it could refer to).

`drafter.critic.document.from_markdown` reads such a file back to the original text (`unescape`), so `check
overview.md` sees the same sections and sentences as overview.json. Text without those characters is written
unchanged.
"""

from __future__ import annotations

from drafter.draft.blocks import failed_notice, section_blocks, to_markdown
from drafter.draft.model import Overview, SectionContent
from drafter.draft.text import escape
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
    parts = [f"# {escape(overview.title)}"]
    if overview.opening is not None:
        parts.append(escape(overview.opening.text))
    for i, section in enumerate(overview.sections):
        parts.append(f"## {numbered_title(i, section.key, lang)}")
        parts.append(failed_notice(lang) if section.content is None else section_body(section.content, lang))
    return "\n\n".join(parts).rstrip() + "\n"
