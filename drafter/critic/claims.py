"""Claims: nothing is invented, sentence by sentence.

drafter's own drafts carry statements with kinds; each is checked by its kind (a fact says what its cited facts say,
a derived figure's arithmetic is redone, advice reads as advice, an outlook has a source, a placeholder is one).
Text without statements — any Markdown, or a draft from a model that ignored the contract — is read sentence by
sentence: a sentence that asserts an action, mechanism, effect, cause or judgement of the company must share enough
with the facts; a risk response must be in the facts or worded as a suggestion; a claim that every goal is SMART must
hold for the goals below it. The thresholds are measured (bench/claims_accuracy.py), not guessed.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from drafter.critic.document import DocSection, Document, sentences, strip_placeholders
from drafter.critic.smart import judge_goal, judge_typed_goal
from drafter.draft.blocks import PLACEHOLDER_RE, Block
from drafter.draft.model import Finding, Statement
from drafter.facts.catalog import CATALOG
from drafter.facts.model import Fact
from drafter.messages import message
from drafter.text.arithmetic import check_derivation
from drafter.text.figures import FigureIndex, extract_figures, is_supported

# Share of a sentence's content tokens that must be found in the facts (see the module docstring).
FACT_SUPPORT = 0.5  # a typed fact statement, against its cited facts
ASSERTION_SUPPORT = 0.6  # an unlabelled sentence that asserts something, against every fact
CLAUSE_SUPPORT = 0.2  # any clause of an unlabelled sentence about the company, against every fact
CLAUSE_MIN_TOKENS = 6  # shorter clauses (connectors such as 从本期情况看, 在此基础上) are not judged alone
_CLAUSE = re.compile(r"[，,；;：:]|(?<=[a-z])\s+(?:and|but|which|while|so)\s+")

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'-]+|[0-9]+[A-Za-z]+[A-Za-z0-9]*")
_EN_STOP = frozenset(
    "the a an and or of to in on for with by at from as is are was were be been this that these those its it our "
    "we their they has have had will would can could should may per than then also into over under about more "
    "most less each every all any which who whose while during".split())


@dataclass(frozen=True)
class Words:
    """The claims check's word lists for one language (drafter/critic/data/claims.toml)."""

    assertion: tuple[str, ...]
    advice: tuple[str, ...]
    done: tuple[str, ...]
    response_label: tuple[str, ...]
    smart_claim: tuple[str, ...]
    all_goals: tuple[str, ...]


@cache
def words(lang: str) -> Words:
    """The word lists of `lang` (zh for anything but en)."""
    data = tomllib.loads((resources.files("drafter") / "critic" / "data" / "claims.toml").read_text("utf-8"))
    table = data["en" if lang == "en" else "zh"]
    return Words(**{k: tuple(v) for k, v in table.items()})


def tokens(text: str) -> set[str]:
    """Content tokens: Han character bigrams (a lone Han character as itself) and Latin words, lower-cased."""
    text = strip_placeholders(text)
    out: set[str] = set()
    for run in _CJK_RUN.findall(text):
        out |= {run[i:i + 2] for i in range(len(run) - 1)} if len(run) > 1 else {run}
    out |= {w.lower() for w in _WORD.findall(text) if w.lower() not in _EN_STOP}
    return out


def support(text: str, pool: set[str]) -> float:
    """Share of `text`'s content tokens found in `pool` (1.0 for text with none)."""
    own = tokens(text)
    return len(own & pool) / len(own) if own else 1.0


def _has(text: str, cues: Iterable[str]) -> list[str]:
    low = text.lower()
    return [c for c in cues if c.lower() in low]


@dataclass
class _Facts:
    """The facts as the check reads them: by id, their token pool, their figures."""

    by_id: dict[str, Fact]
    meta: str
    pool: set[str]
    figures: FigureIndex

    @classmethod
    def of(cls, facts: Sequence[Fact], source_texts: Sequence[str]) -> _Facts:
        fact_texts = {f.text for f in facts}
        meta = " ".join(t for t in source_texts if t not in fact_texts)
        titles = [s.title(lang) for s in CATALOG for lang in ("zh", "en")]  # "this overview covers …" names them
        texts = [*source_texts, *titles]
        return cls({f.id: f for f in facts}, meta, set().union(*(tokens(t) for t in texts)) if texts else set(),
                   FigureIndex(fig for t in texts for fig in extract_figures(t)))

    def mentions_company(self, sentence: str) -> bool:
        """Whether a sentence is about this company's operations: it shares a figure or some words with a fact."""
        return support(sentence, self.pool) >= 0.2 or any(is_supported(f, self.figures)
                                                           for f in extract_figures(sentence))

    def novel(self, cues: Sequence[str]) -> list[str]:
        """The cues no fact itself contains (a sentence quoting a fact's own words asserts nothing new)."""
        return [c for c in cues if not any(c.lower() in f.text.lower() for f in self.by_id.values())]

    def cited(self, ids: Sequence[str]) -> list[Fact]:
        return [self.by_id[i] for i in ids if i in self.by_id]


def check_claims(doc: Document, facts: Sequence[Fact], source_texts: Sequence[str], as_of: int | None = None
                 ) -> list[Finding]:
    """Every claims finding of `doc` against the facts; `as_of` is the year of the document's period."""
    known = _Facts.of(facts, source_texts)
    lang = doc.lang
    out: list[Finding] = []
    parts: list[tuple[str, list[Block], str]] = [
        ("opening", [doc.opening_block] if doc.opening_block else [], doc.opening)]
    parts += [(s.key or s.heading, s.blocks, s.text) for s in doc.sections]
    own = any(s.blocks for s in doc.sections)  # drafter's own draft: unlabelled text in it is an error too
    heuristic = "error" if own else "warning"  # on a hand-written overview the text rules advise
    for where, blocks, text in parts:
        if blocks:
            for block in blocks:
                if block.statements:
                    out += _typed(block.statements, where, lang, known)
                elif block.kind == "paragraph" or where != "goals":
                    out += _unlabelled(block.text, where, lang, known, where == "risks", heuristic)
        elif text:
            out += _unlabelled(text, where, lang, known, where == "risks", heuristic)
    out += _smart_claims(doc, lang, as_of)
    return out


def _finding(code: str, where: str, lang: str, evidence: str, severity: str = "error", **values: str) -> Finding:
    return Finding(check="claims", code=code, severity=severity, section=where,
                   evidence=evidence[:200], message=message(code, lang, **values))


def _typed(statements: Sequence[Statement], where: str, lang: str, known: _Facts) -> list[Finding]:
    """Each statement checked by its kind."""
    w = words(lang)
    out = []
    for s in statements:
        text = s.text.strip()
        cited = known.cited(s.fact_ids)
        if s.kind == "placeholder":
            if not PLACEHOLDER_RE.search(text):
                out.append(_finding("claims.placeholder-without-marker", where, lang, text))
            continue
        if s.kind == "advice":
            if not _has(text, w.advice) or _has(text, w.done):
                out.append(_finding("claims.advice-as-done", where, lang, text))
            continue
        if s.kind in ("fact", "outlook") and not cited:
            out.append(_finding("claims.fact-without-source" if s.kind == "fact" else "claims.outlook-unsourced",
                                where, lang, text))
            continue
        if s.kind == "derived":
            d = s.derivation
            if d is None or not cited or not check_derivation(d.op, d.inputs, d.result) \
                    or d.result.replace(" ", "") not in text.replace(" ", "") \
                    or not all(_in_any(i, cited) for i in d.inputs):
                out.append(_finding("claims.derivation-wrong", where, lang, text))
            continue
        pool = set().union(*(tokens(f.text) for f in cited), tokens(known.meta))
        figures = [fig for f in cited for fig in extract_figures(f.text)]
        stray = [fig.text for fig in extract_figures(strip_placeholders(text)) if not is_supported(fig, figures)]
        novel = [c for c in _has(text, w.assertion) if not any(c.lower() in f.text.lower() for f in cited)]
        if stray or support(text, pool) < FACT_SUPPORT or (novel and support(text, pool) < 0.8):
            out.append(_finding("claims.unsupported-fact", where, lang, text, ids=", ".join(s.fact_ids)))
    return out


def _in_any(figure: str, facts: Sequence[Fact]) -> bool:
    wanted = extract_figures(figure)
    pool = [fig for f in facts for fig in extract_figures(f.text)]
    return bool(wanted) and all(is_supported(fig, pool) for fig in wanted)


def _unlabelled(text: str, where: str, lang: str, known: _Facts, risks: bool, severity: str) -> list[Finding]:
    """Sentences of text with no statements: assertions and risk responses must be backed by the facts."""
    w = words(lang)
    out = []
    for sentence in sentences(text):
        bare = strip_placeholders(sentence).strip()
        if not bare or bare != sentence.strip():  # a sentence that asks for input asserts nothing
            continue
        response = _response_part(bare, w) if risks else None
        if response is not None:
            if not _has(response, w.advice) and support(response, known.pool) < ASSERTION_SUPPORT:
                out.append(_finding("claims.invented-response", where, lang, sentence, severity))
            continue
        if _has(bare, w.advice):
            continue
        asserted = known.novel(_has(bare, w.assertion)) and support(bare, known.pool) < ASSERTION_SUPPORT
        if asserted or (known.mentions_company(bare) and _novel_clause(bare, known.pool)):
            out.append(_finding("claims.unsupported-assertion", where, lang, sentence, severity))
    return out


def _novel_clause(sentence: str, pool: set[str]) -> bool:
    """True when one clause of the sentence, long enough to judge, shares almost nothing with the facts."""
    for clause in _CLAUSE.split(sentence):
        if len(tokens(clause)) >= CLAUSE_MIN_TOKENS and support(clause, pool) < CLAUSE_SUPPORT:
            return True
    return False


def _response_part(sentence: str, w: Words) -> str | None:
    for label in w.response_label:
        if label in sentence:
            return sentence.split(label, 1)[1].strip() or None
    return None


def _smart_claims(doc: Document, lang: str, as_of: int | None) -> list[Finding]:
    """A sentence saying every goal is SMART or dated, above goals that are not."""
    goals_section: DocSection | None = doc.section("goals")
    if goals_section is None or not goals_section.goals:
        return []
    marks = [judge_typed_goal(g.structured, lang, as_of=as_of) if g.structured
             else judge_goal(g.text, lang, as_of=as_of) for g in goals_section.goals]
    if all(m.specific and m.measurable and m.time_bound for m in marks):
        return []
    w = words(lang)
    out = []
    for where, text in (("opening", doc.opening), ("goals", "\n".join(
            b.text for b in goals_section.blocks if b.kind == "paragraph") or goals_section.text)):
        for sentence in sentences(text):
            if _has(sentence, w.smart_claim) and (_has(sentence, w.all_goals) or "SMART" in sentence) \
                    and not _has(sentence, w.advice):
                out.append(_finding("claims.smart-claim-contradicted", where, lang, sentence))
    return out
