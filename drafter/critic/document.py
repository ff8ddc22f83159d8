"""What the critic reads: drafter's own Overview as typed sections, or any Markdown overview parsed by its text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from drafter import i18n
from drafter.draft.blocks import FAILED_RE, PLACEHOLDER_RE, Block, opening_block, section_blocks, to_markdown
from drafter.draft.model import Goal, GoalsSection, Overview, fact_ids_of
from drafter.draft.text import one_line, unescape
from drafter.errors import InputError
from drafter.facts.catalog import match_heading, spec
from drafter.facts.load import decode

__all__ = ["FAILED_RE", "PLACEHOLDER_RE", "DocSection", "Document", "GoalItem", "from_markdown", "from_overview",
           "load_document", "sentences", "strip_placeholders"]
_ITEM_RE = re.compile(r"^\s*(?:[-*+•]|\d+[.)、]|[（(]\d+[)）]|[①-⑳])\s+|^\s*(?:[（(]\d+[)）]|[①-⑳])\s*")
_HEADING_RE = re.compile(
    r"^(?:#{1,6}\s+.+|(?:[一二三四五六七八九十]{1,3})、\s*\S.{0,40}|\d{1,2}[.、]\s*[A-Za-z\u4e00-\u9fff].{0,60})$"
)
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=\.)\s+(?=\S)")


@dataclass
class GoalItem:
    """One goal: its statement, and the typed Goal (metric, target, deadline, …) when drafter wrote it."""

    text: str
    structured: Goal | None = None


@dataclass
class DocSection:
    """One section: catalog key (None when unrecognised), heading, body text, goals, and the facts it cites.

    For drafter's own sections `blocks` holds the typed paragraphs and list items with their fact ids, and `text`
    is the body exactly as overview.md shows it; for foreign Markdown `blocks` is empty and `fact_ids` is None.
    """

    key: str | None
    heading: str
    text: str
    goals: list[GoalItem] = field(default_factory=list)
    fact_ids: set[str] | None = None
    blocks: list[Block] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        """Blank-line separated blocks of the body."""
        return [p.strip() for p in re.split(r"\n\s*\n", self.text) if p.strip()]


@dataclass
class Document:
    """What the critic reads."""

    lang: str
    title: str
    opening: str
    sections: list[DocSection]
    opening_fact_ids: set[str] | None = None
    opening_block: Block | None = None  # drafter's own opening, typed

    def section(self, key: str) -> DocSection | None:
        """The first section mapped to `key`."""
        return next((s for s in self.sections if s.key == key), None)

    def body_text(self) -> str:
        """Opening plus every section body (no headings)."""
        return "\n\n".join([self.opening, *(s.text for s in self.sections)])


def sentences(text: str) -> list[str]:
    """Split into sentences (zh and en punctuation); list markers removed."""
    out = []
    for line in text.splitlines():
        line = _ITEM_RE.sub("", line).strip()
        if not line:
            continue
        out += [s.strip() for s in _SENTENCE_END.split(line) if s.strip()]
    return out


def from_overview(overview: Overview) -> Document:
    """The Document for a drafter overview, built from its typed sections (no Markdown is parsed)."""
    lang = overview.language
    sections = []
    for s in overview.sections:
        if s.content is None:
            sections.append(DocSection(s.key, s.title, "", fact_ids=set()))
            continue
        blocks = section_blocks(s.content, lang)
        goals = [GoalItem(g.statement, g) for g in s.content.goals] if isinstance(s.content, GoalsSection) else []
        sections.append(DocSection(s.key, s.title, to_markdown(blocks, markdown=False), goals,
                                   fact_ids_of(s.content), blocks))
    opening = one_line(overview.opening.text) if overview.opening else ""
    ids = set(overview.opening.fact_ids) if overview.opening else set()
    block = opening_block(overview.opening) if overview.opening else None
    return Document(lang, overview.title, opening, sections, ids, block)


def detect_language(text: str) -> str:
    """zh when Han characters outnumber Latin words, else en."""
    han = len(re.findall(r"[\u4e00-\u9fff]", text))
    words = len(re.findall(r"[A-Za-z]{2,}", text))
    return "zh" if han >= words else "en"


def from_markdown(text: str, lang: str | None = None) -> Document:
    """Parse a Markdown (or plain-text) overview: headings map to catalog keys by aliases, goals are read from text.

    Structure (headings, list items) is read from the lines as written; the text is then unescaped
    (`\\#` → `#`, `&lt;` → `<`), so an overview drafter rendered reads back to the text its facts and model gave.
    """
    title = ""
    opening: list[str] = []
    sections: list[DocSection] = []
    bodies: list[list[str]] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if _is_heading(line):
            bare = unescape(line.lstrip("#").strip())
            is_title = line.startswith("# ") or re.search(r"概述|overview", bare, re.I)
            if not title and not sections and not "".join(opening).strip() and is_title \
                    and match_heading(bare) is None:
                title = bare
                continue
            sections.append(DocSection(match_heading(bare), bare, ""))
            bodies.append([])
            continue
        (bodies[-1] if bodies else opening).append(_unescape_line(raw))
    for section, body in zip(sections, bodies, strict=True):
        section.text = "\n".join(body).strip()
    doc = Document(lang or detect_language(text), title, "\n".join(opening).strip(), sections)
    goals = doc.section("goals")
    if goals is not None:
        goals.goals = _goal_items(goals.text)
    return doc


def _unescape_line(raw: str) -> str:
    """A body line unescaped; an escaped leading list marker stays escaped, so text never turns into a list item."""
    text = unescape(raw)
    return unescape(raw, keep_first=True) if _ITEM_RE.match(text) and not _ITEM_RE.match(raw) else text


def _is_heading(line: str) -> bool:
    if not line or len(line) > 80:
        return False
    if line.startswith("#"):
        return True
    return bool(_HEADING_RE.match(line)) and not re.search(r"[。；;，,]\s*\S", line[:-1] if line else line) \
        and match_heading(line) is not None


_GOAL_CUE = re.compile(
    r"力争|争取|确保|计划|要|将|需|拟|提升|提高|降低|减少|增加|达到|实现|完成|上线|新增|控制在|"
    r"\b(?:aim|plan|target|will|reach|increase|reduce|cut|raise|grow|achieve|complete|launch|deliver|improve)",
    re.I,
)
_GENERAL = re.compile(r"应该?|通常|一般|往往|有助于|\b(?:should|usually|typically|generally|helps?)\b", re.I)
# Sentences about goals in general (how to set them, what SMART means), not a statement of this company's aim.
_ABOUT_GOALS = re.compile(
    r"SMART|原则|是指|意味着|要求目标|目标(?:的制定|的设定|必须|需要|应当|可以|能够)|制定目标|设定目标|明确的目标|"
    r"具体性|可衡量性|可测量性|可实现性|相关性|时限性|例如|比如|如果|只有|是非常|的重要性|"
    r"\b(?:for\s+example|e\.g\.|such\s+as|if\s+the\s+goal|goals?\s+(?:should|must|need|ought)|means\s+that)\b",
    re.I,
)


def _goal_items(text: str) -> list[GoalItem]:
    """List items are goals; without a list, the sentences that state an aim (not general practice)."""
    items = [_ITEM_RE.sub("", ln).strip() for ln in text.splitlines() if _ITEM_RE.match(ln)]
    items = [i for i in items if i]
    if items:
        return [GoalItem(i) for i in items]
    goals = []
    for sentence in sentences(text):
        aim = _GOAL_CUE.search(sentence) and not _GENERAL.search(sentence) and not _ABOUT_GOALS.search(sentence)
        if PLACEHOLDER_RE.search(sentence) or (aim and _concrete(sentence)):
            goals.append(GoalItem(sentence))
    return goals


def _concrete(sentence: str) -> bool:
    """A goal in prose names a figure or a time: without either it is talk about goals, not one."""
    from drafter.text.figures import extract_figures, normalize_text
    from drafter.text.time_expressions import find_time_spans

    return bool(extract_figures(sentence) or find_time_spans(normalize_text(sentence)))


def load_document(path: Path, lang: str | None = None) -> tuple[Document, Overview | None]:
    """Read overview.json (or a draft dir) or a Markdown file."""
    if path.is_dir():
        path = path / "overview.json"
    if not path.is_file():
        raise InputError(i18n._("{path}: no such file.").format(path=path))
    if path.suffix.lower() == ".json":
        from drafter.draft.store import load

        overview = load(path)
        return from_overview(overview), overview
    text = decode(path.read_bytes(), path)
    if not text.strip():
        raise InputError(i18n._("{path}: the file is empty.").format(path=path))
    doc = from_markdown(text, lang)
    if not doc.sections:
        raise InputError(i18n._(
            "{path}: found no section headings; expected headings such as '## 一、运营目标' or '# 1. Goals'."
        ).format(path=path))
    return doc, None


def strip_placeholders(text: str) -> str:
    """Text with 【待补充：…】 / [TO FILL: …] removed (their words are not claims)."""
    return PLACEHOLDER_RE.sub("", text)


def title_of(key: str, lang: str) -> str:
    """Catalog title for messages."""
    return spec(key).title(lang)
