"""DOCX rendering: styles, CJK fonts, Word lists, highlighted placeholders and core properties."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn
from typer.testing import CliRunner

from drafter.cli.app import app
from drafter.draft import store
from drafter.draft.blocks import PLACEHOLDER_RE, overview_blocks
from drafter.draft.model import Overview
from drafter.draft.render_docx import split_placeholders, write_docx
from drafter.facts.catalog import numbered_title

from .conftest import EXAMPLES

runner = CliRunner()


def draft(tmp_path: Path, facts: Path, name: str = "draft") -> Path:
    """Write an offline draft of `facts` with `drafter write --docx`; return the draft directory."""
    out = tmp_path / name
    result = runner.invoke(app, ["write", str(facts), "-o", str(out), "--docx", "--json"])
    assert result.exit_code == 0, result.output
    return out


def md_blocks(markdown: str) -> list[tuple[str, str]]:
    """(style, text) per non-blank line of overview.md, read independently of the renderer."""
    rows = []
    for line in markdown.splitlines():
        if not line.strip():
            continue
        if line.startswith("## "):
            rows.append(("Heading 1", line[3:]))
        elif line.startswith("# "):
            rows.append(("Title", line[2:]))
        elif line.startswith("- "):
            rows.append(("List Bullet", line[2:]))
        else:
            rows.append(("Normal", line))
    return rows


def east_asia(element: object) -> str | None:
    """The w:eastAsia font of a run or style element."""
    rpr = element.rPr  # type: ignore[attr-defined]
    return None if rpr is None or rpr.rFonts is None else rpr.rFonts.get(qn("w:eastAsia"))


@pytest.fixture
def coffee_draft(tmp_path: Path, coffee: Path) -> tuple[Overview, docx.document.Document, str]:
    out = draft(tmp_path, coffee)
    return store.load(out), docx.Document(str(out / "overview.docx")), (out / "overview.md").read_text("utf-8")


def test_paragraphs_follow_the_markdown(coffee_draft: tuple[Overview, docx.document.Document, str]) -> None:
    overview, document, markdown = coffee_draft
    got = [(p.style.name, p.text) for p in document.paragraphs]
    assert got == md_blocks(markdown)
    assert got[0] == ("Title", "星河咖啡2025年第四季度运营工作概述")
    headings = [text for style, text in got if style == "Heading 1"]
    assert headings == [numbered_title(i, s.key, "zh") for i, s in enumerate(overview.sections)]
    assert headings[0] == "一、运营目标" and headings[-1].endswith("、总结与展望")


def test_chinese_fonts_on_styles_and_runs(coffee_draft: tuple[Overview, docx.document.Document, str]) -> None:
    _, document, _ = coffee_draft
    styles = document.styles
    assert east_asia(styles["Title"].element) == "黑体"
    assert east_asia(styles["Heading 1"].element) == "黑体"
    assert east_asia(styles["Normal"].element) == "宋体"
    heading_fonts = styles["Heading 1"].element.rPr.rFonts
    assert heading_fonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would override the explicit one
    by_style: dict[str, set[str | None]] = {}
    for p in document.paragraphs:
        for run in p.runs:
            by_style.setdefault(p.style.name, set()).add(east_asia(run._element))
    assert by_style["Title"] == {"黑体"}
    assert by_style["Heading 1"] == {"黑体"}
    assert by_style["Normal"] == {"宋体"}
    assert by_style["List Bullet"] == {"宋体"}


def test_bullets_are_word_list_paragraphs(coffee_draft: tuple[Overview, docx.document.Document, str]) -> None:
    overview, document, markdown = coffee_draft
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets == [line[2:] for line in markdown.splitlines() if line.startswith("- ")]
    goals = overview.section("goals").content
    assert goals is not None and goals.kind == "goals"
    assert bullets[: len(goals.goals)] == [g.statement for g in goals.goals]
    assert any(b.startswith("阿拉比卡生豆采购价格同比上涨23%") and "应对：" in b for b in bullets)  # the risks list
    assert document.styles["List Bullet"].element.pPr.numPr is not None  # a numbered (bulleted) Word list


def test_placeholder_runs_are_highlighted(coffee_draft: tuple[Overview, docx.document.Document, str]) -> None:
    _, document, markdown = coffee_draft
    runs = [r for p in document.paragraphs for r in p.runs]
    marked = [r.text for r in runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]
    assert marked == PLACEHOLDER_RE.findall(markdown)
    wanted = "【待补充：单杯原料成本目标的截止时间】"
    assert wanted in marked
    for run in runs:
        if run.font.highlight_color is None:
            assert not PLACEHOLDER_RE.search(run.text)
    line = next(p for p in document.paragraphs if p.text.startswith("单杯原料成本：") and wanted in p.text)
    texts = [r.text for r in line.runs]
    assert wanted in texts and texts[0].startswith("单杯原料成本：")  # the placeholder is a run of its own


def test_core_properties(coffee_draft: tuple[Overview, docx.document.Document, str]) -> None:
    overview, document, _ = coffee_draft
    props = document.core_properties
    assert props.title == "星河咖啡2025年第四季度运营工作概述"
    assert props.subject == "2025年第四季度运营工作概述"
    assert props.author == ""  # no author setting: the document names no one (not the program)
    assert props.language == "zh-CN"
    assert "星河咖啡" in props.keywords
    created = datetime.fromisoformat(overview.created).astimezone(UTC)
    assert props.created is not None
    assert props.created.replace(tzinfo=UTC) == created.replace(microsecond=0)


def test_english_document(tmp_path: Path) -> None:
    out = draft(tmp_path, EXAMPLES / "logistics_en.yaml")
    overview = store.load(out)
    document = docx.Document(str(out / "overview.docx"))
    assert document.paragraphs[0].style.name == "Title"
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "1. Operating goals" and headings[-1].endswith(". Summary and outlook")
    assert document.core_properties.subject == f"{overview.period} Operations overview"
    assert document.core_properties.language == "en-US"
    heading_run = next(p for p in document.paragraphs if p.style.name == "Heading 1").runs[0]
    body_run = next(p for p in document.paragraphs if p.style.name == "Normal").runs[0]
    for run, cjk in ((heading_run, "黑体"), (body_run, "宋体")):
        fonts = run._element.rPr.rFonts
        assert fonts.get(qn("w:ascii")) == "Calibri"
        assert fonts.get(qn("w:eastAsia")) == cjk


def test_failed_section_notice_is_a_plain_paragraph(tmp_path: Path, coffee: Path) -> None:
    overview = store.load(draft(tmp_path, coffee))
    overview.sections[1].current = None
    overview.sections[1].state = "failed"
    path = tmp_path / "failed.docx"
    write_docx(overview, path)
    paragraphs = docx.Document(str(path)).paragraphs
    at = next(i for i, p in enumerate(paragraphs) if p.text == "二、运营流程")
    assert paragraphs[at + 1].style.name == "Normal"
    assert "drafter write --resume" in paragraphs[at + 1].text
    assert paragraphs[at + 2].text == "三、团队协作"


def test_blocks_keep_every_markdown_line(tmp_path: Path, coffee: Path) -> None:
    overview = store.load(draft(tmp_path, coffee))
    kinds = [b.kind for b in overview_blocks(overview)]
    assert kinds[0] == "title" and kinds.count("title") == 1
    assert kinds.count("heading") == len(overview.sections)


def test_split_placeholders() -> None:
    text = "Target [TO FILL: deadline] and owner [TO FILL: owner]."
    pieces = split_placeholders(text)
    assert "".join(p for p, _ in pieces) == text
    assert [p for p, marked in pieces if marked] == ["[TO FILL: deadline]", "[TO FILL: owner]"]
    assert split_placeholders("【待补充：目标值】") == [("【待补充：目标值】", True)]
    assert split_placeholders("没有占位") == [("没有占位", False)]


def test_write_docx_is_atomic_and_leaves_no_temp_files(tmp_path: Path, coffee: Path) -> None:
    overview = store.load(draft(tmp_path, coffee))
    target = tmp_path / "deep" / "x.docx"
    write_docx(overview, target)
    assert docx.Document(str(target)).paragraphs[0].text == overview.title
    assert [p.name for p in target.parent.iterdir()] == ["x.docx"]


def test_footer_has_a_page_field(coffee_draft: tuple[Overview, docx.document.Document, str]) -> None:
    _, document, _ = coffee_draft
    for section in document.sections:
        footer = section.footer._element
        instructions = [el.text.strip() for el in footer.iter(qn("w:instrText"))]
        assert instructions == ["PAGE"]
        kinds = [el.get(qn("w:fldCharType")) for el in footer.iter(qn("w:fldChar"))]
        assert kinds == ["begin", "separate", "end"]


def test_author_comes_from_the_settings(tmp_path: Path, coffee: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = draft(tmp_path, coffee)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "drafter.toml").write_text('author = "王经理"\n', encoding="utf-8")
    assert runner.invoke(app, ["export", str(out), "-o", "a.docx"]).exit_code == 0
    assert docx.Document(str(tmp_path / "a.docx")).core_properties.author == "王经理"
    monkeypatch.setenv("DRAFTER_AUTHOR", "Operations team")
    assert runner.invoke(app, ["export", str(out), "-o", "b.docx"]).exit_code == 0
    props = docx.Document(str(tmp_path / "b.docx")).core_properties
    assert props.author == "Operations team" and props.last_modified_by == "Operations team"
    result = runner.invoke(app, ["config", "--json"])
    assert '"author"' in result.output and "DRAFTER_AUTHOR" in result.output


def test_latin_text_is_set_in_the_font_the_readme_names(
        coffee_draft: tuple[Overview, docx.document.Document, str]) -> None:
    _, document, _ = coffee_draft
    readme = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    assert "(English in Calibri)" in readme
    for name in ("Normal", "Title", "Heading 1", "List Bullet"):
        fonts = document.styles[name].element.rPr.rFonts
        assert (fonts.get(qn("w:ascii")), fonts.get(qn("w:hAnsi"))) == ("Calibri", "Calibri"), name
    runs = [r for p in document.paragraphs for r in p.runs]
    assert runs and {(r._element.rPr.rFonts.get(qn("w:ascii")), r._element.rPr.rFonts.get(qn("w:hAnsi")))
                     for r in runs} == {("Calibri", "Calibri")}


def test_no_rule_under_the_title(coffee_draft: tuple[Overview, docx.document.Document, str]) -> None:
    _, document, _ = coffee_draft
    title = document.paragraphs[0]
    assert title.style.name == "Title"
    style = title.style
    while style is not None:  # the style and the styles it is based on
        assert style.element.find(f"{qn('w:pPr')}/{qn('w:pBdr')}") is None, style.name
        style = style.base_style
    assert title._element.find(f"{qn('w:pPr')}/{qn('w:pBdr')}") is None
