"""Markup in content: a fact, the title or a drafted sentence that carries Markdown structure, HTML, a link or an
image, or reads like an instruction to the model.

The renderers write all such text as plain text, so this never breaks a document; it is reported (as a warning)
because it is how an injection attempt looks. A sentence whose markup its facts already carry is reported once,
on the fact.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from drafter.critic.document import _ITEM_RE, Document
from drafter.draft.model import Finding
from drafter.facts.model import Fact
from drafter.messages import message

# (kind, pattern, also looked for in Markdown written by hand). A hand-written overview has its own headings,
# lists, quotes, tables and links; in its text only what no author writes there counts.
_PATTERNS: tuple[tuple[str, re.Pattern[str], bool], ...] = (
    ("heading", re.compile(r"(?:^|\s)#{1,6}[ \t]+\S|\n[ \t]*(?:[一二三四五六七八九十]{1,3}|\d{1,2})、\S"), True),
    ("list", re.compile(r"\n[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\S"), False),
    ("quote", re.compile(r"(?:^|\n)[ \t]*>[ \t]+[^\d\s]"), False),
    ("code", re.compile(r"```|~~~"), False),
    ("table", re.compile(r"(?:^|\n)[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*\|"), False),
    ("html", re.compile(r"<[ \t]*/?[ \t]*[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|<!--|<(?:https?|mailto):", re.I),
     True),
    ("image", re.compile(r"!\[[^\]\n]*\]\s*[(\[]"), True),
    ("link", re.compile(r"\[[^\]\n]*\]\([^)\s]*|(?:^|\n)[ \t]*\[[^\]\n]+\]:[ \t]*\S"), False),
    ("script-link", re.compile(r"\b(?:javascript|vbscript):|\bdata:[a-z]+/[a-z]", re.I), True),
    ("instruction", re.compile(
        r"\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+|the\s+)?(?:previous|prior|above|earlier)\s+"
        r"(?:instructions?|rules|prompts?)|\bsystem\s+prompt\b|"
        r"(?:忽略|无视|忘记)(?:之前|以上|上述|前面|先前|所有|全部)的?(?:所有|全部)?(?:指令|规则|要求|指示|提示词)|"
        r"系统提示词", re.I), True),
)


def markup_in(text: str, own: bool = True) -> list[tuple[str, str]]:
    """(kind, matched text) for each kind of markup in `text`; `own` False: text of Markdown written by hand."""
    found = []
    for kind, pattern, anywhere in _PATTERNS:
        match = pattern.search(text)
        if match is not None and (own or anywhere):
            found.append((kind, match.group(0).strip()))
    return found


def _kinds(found: list[tuple[str, str]], lang: str) -> str:
    return message("smart.reason.list-separator", lang).join(
        dict.fromkeys(message(f"content.kind.{kind}", lang) for kind, _ in found))


def _evidence(text: str, snippet: str) -> str:
    at = max(text.find(snippet), 0)
    return " ".join(text[max(at - 30, 0):at + len(snippet) + 60].split())


def _texts(doc: Document) -> list[tuple[str | None, str, bool]]:
    """(section, text, drafter's own) for the title, the opening and every paragraph and list item."""
    own = any(s.blocks for s in doc.sections) or doc.opening_block is not None
    out: list[tuple[str | None, str, bool]] = [(None, doc.title, True)]
    if doc.opening_block is not None:
        out.append(("opening", doc.opening_block.text, True))
    elif doc.opening:
        out += [("opening", _ITEM_RE.sub("", line), False) for line in doc.opening.splitlines()]
    for section in doc.sections:
        where = section.key or section.heading
        if own:
            out += [(where, b.text, True) for b in section.blocks if not b.literal]
        else:
            out += [(where, _ITEM_RE.sub("", line), False) for line in section.text.splitlines()]
    return out


def check_markup(doc: Document, facts: Sequence[Fact] | None = None) -> list[Finding]:
    """A warning for each fact, and each sentence not quoting such a fact, that carries markup or an instruction."""
    findings: list[Finding] = []
    sources = [f.text for f in facts or ()]
    for fact in facts or ():
        found = markup_in(fact.text)
        if found:
            findings.append(Finding(
                check="content", code="content.markup-in-fact", severity="warning", section=None,
                message=message("content.markup-in-fact", doc.lang, fact_id=fact.id, kinds=_kinds(found, doc.lang)),
                evidence=_evidence(fact.text, found[0][1])))
    for where, text, own in _texts(doc):
        found = [(k, s) for k, s in markup_in(text, own) if not any(s in source for source in sources)]
        if found:
            findings.append(Finding(
                check="content", code="content.markup", severity="warning", section=where,
                message=message("content.markup", doc.lang, kinds=_kinds(found, doc.lang)),
                evidence=_evidence(text, found[0][1])))
    return findings
