"""Language drift and repetition across sections."""

from __future__ import annotations

import re
from collections.abc import Sequence

from drafter.critic.document import Document, sentences, strip_placeholders
from drafter.draft.model import Finding
from drafter.messages import message

_HAN = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")


def _allowed_words(names: Sequence[str]) -> set[str]:
    words: set[str] = set()
    for name in names:
        words |= {w.lower() for w in _WORD.findall(name)}
    return words


def drifted(sentence: str, lang: str, allowed: set[str], allowed_han: str) -> bool:
    """True when a sentence is written in the other language (names and metric abbreviations excepted)."""
    if lang == "zh":
        words = [w for w in _WORD.findall(sentence) if w.lower() not in allowed and not w.isupper()]
        han = len(_HAN.findall(sentence))
        return len(words) >= 5 and len(words) > han / 2
    han_chars = [c for c in _HAN.findall(sentence) if c not in allowed_han]
    latin = len(_WORD.findall(sentence))
    return len(han_chars) >= 4 and len(han_chars) > latin


def check_language(doc: Document, names: Sequence[str] = ()) -> list[Finding]:
    """An error for each sentence in the other language."""
    allowed = _allowed_words(names)
    allowed_han = "".join(names)
    findings = []
    parts = [("opening", doc.opening), *((s.key or s.heading, s.text) for s in doc.sections)]
    for where, text in parts:
        for sentence in sentences(strip_placeholders(text)):
            if drifted(sentence, doc.lang, allowed, allowed_han):
                findings.append(Finding(check="language", code="language.wrong-language", severity="error",
                                        section=where, message=message("language.wrong-language", doc.lang),
                                        evidence=sentence[:200]))
    return findings


def _norm(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", text.lower())


def _bigrams(text: str) -> set[str]:
    t = _norm(text)
    return {t[i:i + 2] for i in range(len(t) - 1)}


def check_repetition(doc: Document) -> list[Finding]:
    """A warning when two sections share a sentence or a near-identical paragraph."""
    findings: list[Finding] = []
    seen: dict[str, str] = {}
    paragraphs: list[tuple[str, str, set[str]]] = []
    for s in doc.sections:
        where = s.key or s.heading
        for sentence in sentences(s.text):
            norm = _norm(sentence)
            if len(norm) < 12:
                continue
            first = seen.setdefault(norm, where)
            if first != where:
                findings.append(_repeated("repetition.repeated-sentence", doc.lang, where, first, sentence))
        for para in s.paragraphs:
            if len(_norm(para)) >= 30:
                grams = _bigrams(para)
                for other_where, _, other_grams in paragraphs:
                    if other_where != where and _jaccard(grams, other_grams) >= 0.8 and not any(
                            f.section == where and f.evidence in para for f in findings):
                        findings.append(_repeated("repetition.repeated-paragraph", doc.lang, where, other_where, para))
                        break
                paragraphs.append((where, para, grams))
    return findings


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _repeated(code: str, lang: str, where: str, other: str, evidence: str) -> Finding:
    return Finding(check="repetition", code=code, severity="warning", section=where,
                   message=message(code, lang, other=other), evidence=evidence[:200])
