"""Word (.docx) rendering: the typed blocks of overview.md, with real styles, CJK fonts and highlighted placeholders.

As in overview.md, only the renderer makes structure: each block is one paragraph in the style of its kind, so a
heading style only ever holds the title or a catalog heading. The text of every run is one line with the control
characters dropped (`drafter.draft.text.one_line`): C0 other than tab, C1, lone surrogates and U+FFFE/U+FFFF,
which XML rejects or which are invisible; a line break inside a sentence becomes a space.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drafter.draft.blocks import PLACEHOLDER_RE, BlockKind, overview_blocks
from drafter.draft.text import clean, one_line

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.styles.style import ParagraphStyle
    from docx.text.paragraph import Paragraph as DocxParagraph

    from drafter.draft.model import Overview

STYLE_OF: dict[BlockKind, str] = {"title": "Title", "heading": "Heading 1", "paragraph": "Normal",
                                  "bullet": "List Bullet"}

# (Latin font, East-Asian font) per language and role: 黑体 for headings and 宋体 for body text, Calibri for Latin
# text (English documents keep the CJK fonts for any Chinese characters they contain).
FONTS: dict[str, dict[str, tuple[str, str]]] = {
    "zh": {"heading": ("Calibri", "黑体"), "body": ("Calibri", "宋体")},
    "en": {"heading": ("Calibri", "黑体"), "body": ("Calibri", "宋体")},
}
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def split_placeholders(text: str) -> list[tuple[str, bool]]:
    """`text` cut into (piece, is_placeholder) runs around 【待补充：…】 / [TO FILL: …]."""
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for match in PLACEHOLDER_RE.finditer(text):
        if match.start() > pos:
            pieces.append((text[pos:match.start()], False))
        pieces.append((match.group(0), True))
        pos = match.end()
    if pos < len(text):
        pieces.append((text[pos:], False))
    return pieces


def set_fonts(element: Any, latin: str, east_asia: str) -> None:
    """Set Latin and East-Asian fonts on a run or style element (`w:rFonts`), dropping theme fonts that win."""
    from docx.oxml.ns import qn

    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def build(overview: Overview, author: str | None = None) -> DocxDocument:
    """A python-docx Document for `overview`; `author` defaults to the `author` setting."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    lang = overview.language if overview.language in FONTS else "zh"
    _setup_page(document)
    _setup_styles(document, lang)
    _add_page_numbers(document, FONTS[lang]["body"])
    for block in overview_blocks(overview):
        paragraph = document.add_paragraph(style=STYLE_OF[block.kind])
        if block.kind == "paragraph" and lang == "zh":
            paragraph.paragraph_format.first_line_indent = Pt(24)  # 首行缩进两字符 at 12 pt
        role = "heading" if block.kind in ("title", "heading") else "body"
        _add_runs(paragraph, one_line(block.text), FONTS[lang][role])
    if author is None:
        from drafter.settings import document_author

        author = document_author()
    _set_properties(document, overview, author)
    return document


def to_bytes(overview: Overview, author: str | None = None) -> bytes:
    """The .docx file for `overview` as bytes."""
    buffer = io.BytesIO()
    build(overview, author).save(buffer)
    return buffer.getvalue()


def write_docx(overview: Overview, path: Path, author: str | None = None) -> None:
    """Write `overview` as a .docx file at `path`, atomically."""
    from drafter.draft.store import atomic_write

    atomic_write(path, to_bytes(overview, author))


def _add_runs(paragraph: DocxParagraph, text: str, fonts: tuple[str, str]) -> None:
    from docx.enum.text import WD_COLOR_INDEX

    for piece, is_placeholder in split_placeholders(text):
        run = paragraph.add_run(piece)
        set_fonts(run._element, *fonts)
        if is_placeholder:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _setup_page(document: DocxDocument) -> None:
    from docx.shared import Cm, Mm

    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)  # A4
        section.top_margin = section.bottom_margin = Cm(2.54)
        section.left_margin = section.right_margin = Cm(3.17)


def _add_page_numbers(document: DocxDocument, fonts: tuple[str, str]) -> None:
    """A centred PAGE field in every section's footer (Word shows the page number there)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for section in document.sections:
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for part in ("begin", "instr", "separate", "1", "end"):
            run = paragraph.add_run()
            set_fonts(run._element, *fonts)
            if part == "instr":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = " PAGE "
                run._element.append(instr)
            elif part == "1":
                run.text = "1"  # shown until Word updates the field
            else:
                field = OxmlElement("w:fldChar")
                field.set(qn("w:fldCharType"), part)
                run._element.append(field)


def _setup_styles(document: DocxDocument, lang: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    defaults = document.styles.element.find(qn("w:docDefaults"))
    default_rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}") if defaults is not None else None
    if default_rpr is not None:
        fonts = default_rpr.find(qn("w:rFonts"))
        if fonts is not None:
            for attr in _THEME_ATTRS:
                fonts.attrib.pop(qn(attr), None)
            fonts.set(qn("w:ascii"), FONTS[lang]["body"][0])
            fonts.set(qn("w:hAnsi"), FONTS[lang]["body"][0])
            fonts.set(qn("w:eastAsia"), FONTS[lang]["body"][1])
        lang_el = default_rpr.find(qn("w:lang"))
        if lang_el is not None:
            lang_el.set(qn("w:eastAsia"), "zh-CN")
            lang_el.set(qn("w:val"), "zh-CN" if lang == "zh" else "en-US")

    normal: ParagraphStyle = document.styles["Normal"]
    set_fonts(normal.element, *FONTS[lang]["body"])
    normal.font.size = Pt(12)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.5
    bullet: ParagraphStyle = document.styles["List Bullet"]
    set_fonts(bullet.element, *FONTS[lang]["body"])

    for name, size in (("Title", 22), ("Heading 1", 16)):
        style: ParagraphStyle = document.styles[name]
        set_fonts(style.element, *FONTS[lang]["heading"])
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(12)
        style.paragraph_format.space_after = Pt(12 if name == "Title" else 6)
    title: ParagraphStyle = document.styles["Title"]
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    borders = title.element.pPr.find(qn("w:pBdr")) if title.element.pPr is not None else None
    if borders is not None:  # the default template's Title draws a theme-coloured rule under the title
        title.element.pPr.remove(borders)


def _set_properties(document: DocxDocument, overview: Overview, author: str) -> None:
    props = document.core_properties
    company, period = one_line(overview.company), one_line(overview.period)
    props.title = one_line(overview.title)
    props.subject = f"{period} Operations overview" if overview.language == "en" else f"{period}运营工作概述"
    props.author = one_line(author)
    props.last_modified_by = one_line(author)
    props.keywords = f"{company}, {period}"
    props.comments = clean(f"Drafted by drafter for {company} (model {overview.model}).")
    props.language = "en-US" if overview.language == "en" else "zh-CN"
    props.revision = 1
    props.created = _utc(overview.created)
    props.modified = _utc(overview.updated)


def _utc(stamp: str) -> datetime:
    """An ISO timestamp as a naive UTC datetime (python-docx writes it with a `Z`); now when unparseable."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        moment = datetime.now(UTC)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
