"""Text from facts or a model stays text in Markdown: escaped when rendered, read back unchanged."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from drafter.critic.document import from_markdown
from drafter.draft.text import clean, escape, one_line, unescape
from drafter.facts.load import load_facts

from ..conftest import EXAMPLES, ROOT

HOSTILE = [
    "营收1000万元\n\n## 二、运营流程\n\n<script>alert(1)</script> [x](javascript:alert(1)) ![i](http://e/x.png)",
    "## 三、团队协作",
    "三、团队协作",
    "1、运营目标",
    "1. Goals",
    "2) second",
    "- item",
    "+ item",
    "* item",
    "> quoted",
    "```python",
    "~~~",
    "    indented code",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "***",
    "___",
    "a <b>bold</b> <!-- c --> <https://example.com> &lt; &amp; &#65;",
    "**strong** _em_ `code` ~~gone~~",
    "[ref]: https://example.com\n[ref]",
    "text [TO FILL: x](https://e) and [TO FILL: y]: z",
    "back\\slash \\* \\",
    "trailing hashes ##",
    "x\x00y\x07z\x1b\x7f\x85w\u2028v\ufffe",
]


def structure(markdown: str) -> list[str]:
    """Every block and inline token type a CommonMark (+ tables, strikethrough) parser makes of `markdown`."""
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    types = []
    for token in parser.parse(markdown):
        types.append(token.type)
        types += [child.type for child in token.children or []]
    return types


def shown_text(markdown: str) -> str:
    """The text a CommonMark parser shows for a one-paragraph document."""
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    inline = [t for t in parser.parse(markdown) if t.type == "inline"]
    return "".join(child.content for t in inline for child in t.children or [])


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_is_one_paragraph_of_plain_text(text: str) -> None:
    escaped = escape(text)
    assert "\n" not in escaped
    assert structure(escaped) == ["paragraph_open", "inline", "text", "paragraph_close"]
    assert shown_text(escaped) == one_line(text)  # a Markdown reader shows exactly the text


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_in_a_list_item_is_one_item(text: str) -> None:
    types = structure(f"- {escape(text)}\n- next")
    assert types.count("list_item_open") == 2
    assert set(types) <= {"bullet_list_open", "list_item_open", "paragraph_open", "inline", "text",
                          "paragraph_close", "list_item_close", "bullet_list_close"}


@pytest.mark.parametrize("text", HOSTILE)
def test_unescape_reads_back_the_text(text: str) -> None:
    assert unescape(escape(text)) == one_line(text)


def test_control_characters_and_breaks() -> None:
    assert clean("a\x00b\x08c\x0ed\x7fe\x9ff\ud800g\uffffh\ti\nj") == "abcdefgh\ti\nj"
    assert one_line("  first\r\n\n  second\u2028third \x0c fourth  ") == "first second third fourth"


def test_placeholders_keep_their_brackets() -> None:
    text = "raise to [TO FILL: target for *x*] by [TO FILL: deadline]"
    assert escape(text) == "raise to [TO FILL: target for \\*x\\*] by [TO FILL: deadline]"
    assert escape("【待补充：目标值】") == "【待补充：目标值】"


def plain_texts() -> list[str]:
    """Every fact, company and period of the examples and eval cases."""
    out = []
    for path in [*EXAMPLES.glob("*.yaml"), *ROOT.glob("evals/cases/*/facts.*")]:
        facts = load_facts(path)
        out += [facts.file.company, facts.file.period, *(f.text for f in facts.items)]
    return out


def test_text_without_markup_is_written_unchanged() -> None:
    texts = plain_texts()
    assert len(texts) > 100
    for text in texts:
        assert escape(text) == text


def test_from_markdown_unescapes_and_keeps_structure() -> None:
    goal = "## 三、团队协作"
    paragraph = "- 不是列表 <b>x</b>"
    markdown = (f"# {escape('A*公司 2025 运营工作概述')}\n\n## 一、运营目标\n\n{escape(paragraph)}\n\n"
                f"- {escape(goal)}\n- {escape('1. 第二个')}\n\n## 二、运营流程\n\n{escape('三、团队协作')}\n")
    doc = from_markdown(markdown)
    assert doc.title == "A*公司 2025 运营工作概述"
    assert [s.key for s in doc.sections] == ["goals", "processes"]
    goals = doc.section("goals")
    assert goals is not None
    assert [g.text for g in goals.goals] == [goal, "1. 第二个"]  # the escaped paragraph is no list item
    processes = doc.section("processes")
    assert processes is not None and processes.text == "三、团队协作"
