"""Language drift and repetition across sections."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence

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
    grams_of = [[_bigrams(p) if len(_norm(p)) >= 30 else None for p in s.paragraphs] for s in doc.sections]
    paragraphs = _NearDuplicates(_PARAGRAPH_SIMILARITY, Counter(g for section in grams_of for grams in section
                                                                if grams for g in grams))
    for s, section_grams in zip(doc.sections, grams_of, strict=True):
        where = s.key or s.heading
        for sentence in sentences(s.text):
            norm = _norm(sentence)
            if len(norm) < 12:
                continue
            first = seen.setdefault(norm, where)
            if first != where:
                findings.append(_repeated("repetition.repeated-sentence", doc.lang, where, first, sentence))
        for para, grams in zip(s.paragraphs, section_grams, strict=True):
            if grams is not None:
                for other_where in paragraphs.similar(grams, where):
                    if not any(f.section == where and f.evidence in para for f in findings):
                        findings.append(_repeated("repetition.repeated-paragraph", doc.lang, where, other_where, para))
                    break
                paragraphs.add(grams, where)
    return findings


_PARAGRAPH_SIMILARITY = 0.8  # Jaccard similarity of two paragraphs' 2-grams from which they count as repeated


class _NearDuplicates:
    """Sets seen so far, indexed so that finding those with Jaccard similarity ≥ t to a new set needs no scan of
    them all (prefix filtering: two sets that similar share one of the first |s| − ⌈t·|s|⌉ + 1 elements of each,
    in any one fixed order). The order is rarest first (`frequency` counts each element over every set), so a
    prefix holds rare elements and few earlier sets share one."""

    def __init__(self, threshold: float, frequency: Counter[str]) -> None:
        self.threshold = threshold
        self.frequency = frequency
        self.items: list[tuple[set[str], str]] = []
        self.index: dict[str, list[int]] = {}

    def _prefix(self, grams: set[str]) -> list[str]:
        keep = len(grams) - math.ceil(self.threshold * len(grams) - 1e-9) + 1  # the float error must not shorten it
        return sorted(grams, key=lambda g: (self.frequency[g], g))[:max(keep, 1)]

    def similar(self, grams: set[str], where: str) -> Iterator[str]:
        """The sections of earlier sets, in the order they were added, similar to `grams` and not from `where`."""
        candidates = sorted({i for g in self._prefix(grams) for i in self.index.get(g, ())})
        for i in candidates:
            other, other_where = self.items[i]
            if other_where != where and _jaccard(grams, other) >= self.threshold:
                yield other_where

    def add(self, grams: set[str], where: str) -> None:
        """Remember a set and the section it came from."""
        for g in self._prefix(grams):
            self.index.setdefault(g, []).append(len(self.items))
        self.items.append((grams, where))


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _repeated(code: str, lang: str, where: str, other: str, evidence: str) -> Finding:
    return Finding(check="repetition", code=code, severity="warning", section=where,
                   message=message(code, lang, other=other), evidence=evidence[:200])
