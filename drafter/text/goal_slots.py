"""Goal statements read into slots: is it an aim at all, a deliverable, an avoidance, a fraction or multiple, a
comparator target, a season or term deadline, a metric with a direction, or only a vague aim.

The SMART rules read these slots alongside the figure and time-expression readers; the word lists live in
drafter/text/data/goal_words.toml, not in code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from drafter.text.figures import extract_figures, normalize_text
from drafter.text.goals import _METRIC, _VAGUE, _VAGUE_OBJECT, LIST_LABEL, vague_en_object
from drafter.text.time_expressions import find_time_spans


@dataclass(frozen=True)
class GoalSlots:
    """What a goal statement says, slot by slot (each a bool, or the matched text)."""

    is_goal: bool  # False for a report of a value, a sentence about goals in general, a lead-in
    deliverable: str | None  # 上线X / 完成X的对接 / launch the portal …
    avoidance: bool  # 不发生重大事故 / zero lost-time incidents
    fraction: bool  # 缩短一半, 翻一番, 提升三成, halve, double
    comparator: bool  # 不低于90%, 压到4分钟以内, at least 3.5%
    deadline: bool  # a season, term or festival deadline (旺季前, 本学期, before Black Friday)
    metric_direction: bool  # a named metric with a direction, with or without a number
    vague_only: bool  # only a vague aim: no figure, deliverable, avoidance or named metric
    committed: bool = False  # an aim word or an order (力争, 确保, will, Beat …) and no report of how it went


@dataclass(frozen=True)
class _Patterns:
    strong_aim: re.Pattern[str]
    report: re.Pattern[str]
    year_report: re.Pattern[str]
    past: re.Pattern[str]
    question: re.Pattern[str]
    lead_in: re.Pattern[str]
    achieved: re.Pattern[str]
    meta: re.Pattern[str]
    deliverable_verb: re.Pattern[str]
    deliverable_object: re.Pattern[str]
    avoidance: re.Pattern[str]
    fraction: re.Pattern[str]
    comparator: re.Pattern[str]
    deadline: re.Pattern[str]
    direction: re.Pattern[str]
    metric_extra: re.Pattern[str]
    vague: re.Pattern[str]
    vague_end: re.Pattern[str]
    cadence: re.Pattern[str]
    standard_unit: re.Pattern[str]
    standard_span: re.Pattern[str]
    standard_before: re.Pattern[str]
    standard_after: re.Pattern[str]
    baseline_year: re.Pattern[str]
    baseline_year_after: re.Pattern[str]
    baseline_span: re.Pattern[str]
    benchmark_year_before: re.Pattern[str]
    benchmark_year_after: re.Pattern[str]


@cache
def _words() -> dict[str, dict[str, list[str]]]:
    data: dict[str, dict[str, list[str]]] = tomllib.loads(
        (resources.files("drafter") / "text" / "data" / "goal_words.toml").read_text("utf-8"))
    return data


@cache
def _patterns(lang: str) -> _Patterns:
    en = lang == "en"
    table = _words()["en" if en else "zh"]

    def compile_(words: list[str]) -> re.Pattern[str]:
        body = "|".join(f"(?:{w})" for w in sorted(words, key=len, reverse=True))
        return re.compile(rf"(?i)(?<![A-Za-z])(?:{body})(?![A-Za-z])" if en else body)

    never = re.compile(r"(?!)")  # a list a language leaves out or empty matches nothing
    return _Patterns(**{name: compile_(table[name]) if table.get(name) else never
                        for name in _Patterns.__dataclass_fields__})


def time_spans(norm: str, lang: str = "zh") -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The deadlines and the service standards among the time expressions of normalised text.

    A duration in minutes, hours or working days, one counted from an event (入职30天内, within 48 hours of receipt)
    or the level a metric is brought to (压缩至7天以内) is a service standard: a target, not a deadline. A year after
    versus/较/同比 is a baseline, neither.
    """
    p = _patterns("en" if lang == "en" or norm.isascii() else "zh")
    deadlines, standards = [], []
    for a, b in find_time_spans(norm):
        span = norm[a:b].strip()
        tail = norm[:a].rstrip()[-8:]
        if any(m.end() == len(tail) for m in p.cadence.finditer(tail)) or tail.endswith("每") \
                or re.search(r"(?:每年|每逢|每个)[^，,。；;]{0,10}$", norm[:a]):  # 每年618和双11期间 recurs
            continue  # a date that recurs bounds nothing (每年6月公布)
        # "95% of calls answered within 20 seconds" is a standard; "6% of paid claims within 18 months" a window
        share_before = p.standard_before.search(norm[:a]) and not (lang == "en" and _LONG_UNIT.search(span))
        if _DURATION.search(span) and (p.standard_unit.search(span) or share_before
                                       or p.standard_after.search(norm[b:])):
            standards.append((a, b))
        elif not (re.fullmatch(r"(?:在|于)?\s*(?:19|20)[0-9]{2}\s*年?", span)
                  and (p.baseline_year.search(norm[:a]) or p.baseline_year_after.search(norm[b:]))) \
                and not p.baseline_span.search(norm[:a]):
            deadlines.append((a, b))
    for m in p.standard_span.finditer(norm):
        if not any(a <= m.start() < b for a, b in standards):
            standards.append((m.start(), m.end()))
    return deadlines, standards


def benchmark_year(norm: str, a: int, b: int, lang: str = "zh") -> bool:
    """The time at norm[a:b] is a bar the statement measures against (超过2024年峰值, "Beat 2025's record")."""
    p = _patterns("en" if lang == "en" or norm.isascii() else "zh")
    return bool(p.benchmark_year_before.search(norm[:a]) or p.benchmark_year_after.search(norm[b:]))


_LONG_UNIT = re.compile(r"(?i)\b(?:months?|quarters?|years?)\b")
_DURATION = re.compile(r"(?i)(?:[0-9]|[一二两三四五六七八九十百半]).*(?:内|以内|之内)$"
                       r"|^(?:within|in)\s.*\b(?:minutes?|hours?|days?|weeks?|months?)$")


def parse_goal(text: str, lang: str = "zh", as_of: int | None = None) -> GoalSlots:
    """The slots of one goal statement; `as_of` is the year of its document, when known."""
    en = lang == "en" or (text.isascii() and lang != "zh")
    p = _patterns("en" if en else "zh")
    norm = normalize_text(text)
    figures = [f for f in extract_figures(text) if f.kind != "date"]
    past = bool(p.past.search(norm))
    # "Claims backlog fell …" opens with a noun, not a verb: a sentence in the past is imperative only when it opens
    # with a verb of aim ("Cut …").
    strong = bool(p.strong_aim.search(norm)) or (en and _imperative(norm, strict=past))
    # A report of a value, a result of the past or a description outweighs the aim words reports share (完成, 达到),
    # not a commitment (力争, 需, will, an imperative).
    reported = bool(p.report.search(norm)) or past or (en and not strong and _declarative_past(norm)) \
        or (as_of is None and bool(p.year_report.search(norm)))
    achieved = bool(p.achieved.search(norm))
    aside = bool(p.meta.search(norm) or p.question.search(norm) or p.lead_in.search(norm))
    is_goal = not aside and not achieved and (strong or not reported)
    clauses = [c.strip() for c in re.split(r"[，,；;。！!？?]", norm) if c.strip()]
    vague_clauses = [c for c in clauses if _vague_end(c, p) and not (en and _named_before_vague(c, p))]
    deliverable = next((d for c in clauses for d in [_deliverable(c, p, en)] if d), None)
    if deliverable is None and en:  # an order that covers every one of something is done or not
        deliverable = _coverage(norm, p)
    avoidance = bool(p.avoidance.search(norm))
    fraction = bool(p.fraction.search(norm))
    numeral = bool(re.search(r"[零一二两三四五六七八九十]", norm)) or (en and bool(_NUMBER_WORD.search(norm)))
    comparator = bool(p.comparator.search(norm)) and (bool(figures) or numeral or bool(re.search(r"[0-9]", norm)))
    # "Replace 5,000 meters", "Run six late-night openings": an English aim stated as a verb and a quantity.
    # A figure of scope or means is no target: "across our 14 sites", "top-100 SKUs", "with a budget of £2m".
    quantities = [f for f in figures if f.kind not in ("duration", "date", "quarter", "year")
                  and not re.search(r"(?i)\bfrom\b[^,.;]*$", text[:f.start])
                  and not _SCOPE.search(text[:f.start])]
    comparator = comparator or (en and _imperative(norm) and bool(quantities or _NUMBER_WORD.search(norm)))
    vague = bool(p.vague.search(norm))
    # A named metric and a direction in one clause, in either order and whatever intensifier goes with them
    # (进一步提升顾客满意度, 客单价稳步提升, Reduce claims processing costs); not a vague quality (服务水平).
    metric_direction = any(_metric_direction(c, p, en) for c in clauses if c not in vague_clauses)
    amounts = [f for f in figures if f.kind not in ("year", "quarter", "duration")]  # a deadline is not what to do
    concrete = bool(amounts) or deliverable is not None or avoidance or fraction or metric_direction
    vague_only = not concrete and (vague or (bool(clauses) and len(vague_clauses) == len(clauses)))
    # a deadline inside a cadence is the cadence's (每个工作日闭店前完成巡检, submit by Friday every week)
    deadline = any(not p.cadence.search(_clause_at(norm, m.start())) for m in p.deadline.finditer(norm))
    return GoalSlots(is_goal, deliverable, avoidance, fraction, comparator, deadline,
                     metric_direction, vague_only, strong and not (reported or achieved))


_METRIC_RE = re.compile(_METRIC)
_FILLER = frozenset("soon possible where going forward much very things them all".split())


def _clause_at(text: str, at: int) -> str:
    """The clause of text around position at."""
    start = max(text.rfind(mark, 0, at) for mark in "，,；;。") + 1
    ends = [i for i in (text.find(mark, at) for mark in "，,；;。") if i != -1]
    return text[start:min(ends) if ends else len(text)]


def _without_times(text: str) -> str:
    """The text with its time expressions and punctuation taken out."""
    for a, b in sorted(find_time_spans(text), reverse=True):
        text = text[:a] + text[b:]
    return re.sub(r"[\W_]+", "", text)


def _vague_end(clause: str, p: _Patterns) -> bool:
    """A clause whose object is a vague quality or a system of work (完善内控制度体系, 推动学科建设取得新突破)."""
    return bool(p.vague_end.search(clause.rstrip("。.!！ ")))


# "every store", "all pickers"; not a scope ("across all regions"), a cadence ("every week") or "all of the above"
_COVERAGE = re.compile(r"(?i)(?<!\bacross )(?<!\bin )(?<!\bfor )(?<!\bof )\b(?:every|all)\s+"
                       r"(?!the\s+time\b|of\b|above\b)(?!(?:day|week|month|quarter|year|shift|morning|evening)s?\b)"
                       r"[a-z][\w-]*(?:\s+[a-z][\w-]*)?")


def _coverage(text: str, p: _Patterns) -> str | None:
    """Full coverage in an English order or headline: "stock every campus store with …", "Every branch to offer …"."""
    headline = re.match(r"(?i)\s*(?:every|all)\s+[\w -]{2,40}?\s+to\s+[a-z]", LIST_LABEL.sub("", text))
    if not (headline or _imperative(text, strict=True)) or p.vague.search(text) or p.vague_end.search(text) \
            or p.cadence.search(text) or p.direction.search(text) or re.search(r"(?i)\bis\s+\w+ed\b", text):
        return None  # a direction needs a level, however many it covers ("Drive NPS up across all regions")
    found = _COVERAGE.search(text)
    if found is None and _PLACING.match(LIST_LABEL.sub("", text)):  # "Put labels in every store": where it goes
        found = re.search(r"(?i)\bin\s+(?:every|all)\s+[a-z][\w-]*(?:\s+[a-z][\w-]*)?", text)
    return found.group() if found else None


_PLACING = re.compile(r"(?i)\s*(?:put|install|fit|place|add|deploy|provide|offer|introduce|roll\s+out|set\s+up)\b")


def _named_before_vague(text: str, p: _Patterns) -> bool:
    """A named metric before the vague word: the vague word says where, not what ("turnover in our estate").
    "KPI" names no metric of its own ("Improve KPI visibility")."""
    vague = p.vague_end.search(text)
    return vague is not None and any(not re.fullmatch(r"(?i)kpis?", m.group())
                                     for m in _METRIC_RE.finditer(text[:vague.start()]))


def _metric_direction(clause: str, p: _Patterns, en: bool) -> bool:
    direction = p.direction.search(clause)
    if direction is None:
        return False
    if en:  # an imperative verb of direction and a concrete object: "Reduce emergency department wait times"
        rest = _VAGUE.sub(" ", p.vague.sub(" ", clause[direction.end():])).strip()
        words = [w for w in re.findall(r"[A-Za-z]{3,}", rest.lower()) if w not in _FILLER]
        return bool(words) and not _VAGUE_OBJECT.search(rest) and (not p.vague_end.search(rest)
                                                                    or _named_before_vague(rest, p))
    near = clause[max(0, direction.start() - 16):direction.end() + 24]
    return bool(_METRIC_RE.search(near) or p.metric_extra.search(near))


def _deliverable(clause: str, p: _Patterns, en: bool = False) -> str | None:
    """A verb of completion and its object in one clause (出台《供应商准入管理办法》, 完成自动化分拣线的投产)."""
    verb = p.deliverable_verb.search(clause)
    if verb is None or p.vague.search(clause[:verb.start()]):
        return None
    # In English the verb leads its clause or follows will/to/and ("Lower cost per hire" hires no one).
    if en and not _EN_VERB_LEADS.search(LIST_LABEL.sub("", clause[:verb.start()])):
        return None
    # part of a metric's name: "time to hire", "cost to serve", 上线周期, 交付时长, 完成率
    if en and re.search(r"(?i)\b(?:time|cost|days|hours|weeks|months)\s+to\s*$", clause[:verb.start()]):
        return None
    if not en and re.match(r"(?:周期|时长|时间|天数|率|进度|效率)", clause[verb.end():]):
        return None
    obj = p.deliverable_object.search(clause)
    rest = (clause[verb.end():] or clause[:verb.start()]).strip("的了 ")
    if not clause[verb.end():].strip() and len(_without_times(rest)) < 2:  # "明年一季度完成" names when, not what
        return None
    if not en and _vague_end(clause, p):  # 完善培训体系 trains no one
        return None
    vague = p.vague_end.search(rest) if en else None
    if vague and not rest[vague.end():].strip(" .") and not re.search(r"[0-9]", rest):  # Deliver a … funeral experience
        return None
    if obj is None and (len(rest) < 2 or _VAGUE_OBJECT.search(rest) or p.vague.search(rest)
                        or (en and vague_en_object(rest))):
        return None
    return f"{verb.group()}…{obj.group() if obj else rest}"


def _en_words(key: str) -> str:
    """One English list of goal_words.toml as a bare alternation, in the file's order."""
    return "|".join(_words()["en"][key])


_PAST_TIME = re.compile(rf"(?i)\b(?:{_en_words('past_time_lead')})\s+(?:the\s+)?(?:{_en_words('past_time_unit')})\b"
                        r"|\blast\s+[a-z]+|\bago\b")
_AHEAD = re.compile(rf"(?i)\b(?:{_en_words('ahead')})\b")
_FINITE_NEXT = frozenset(_words()["en"]["finite_next"])
_SCOPE = re.compile(rf"(?i)(?:{_en_words('scope_end')}|\b(?:{_en_words('scope_noun')})\s*)$")
_EN_VERB_LEADS = re.compile(rf"(?i)(?:^|\b(?:{_en_words('verb_lead')})\s+)(?:\w+ly\s+)?$")
_NUMBER_WORD = re.compile(rf"(?i)\b(?:{_en_words('number_word')})\b")


_NOT_VERBS = frozenset(_words()["en"]["not_verbs"])


def _imperative(text: str, strict: bool = False) -> bool:
    """An English sentence that starts with a verb ("Launch …", "Keep …") states an aim; `strict` takes only a
    listed verb or a word with a verb's ending, never a guess from what the first word is not."""
    text = LIST_LABEL.sub("", text)
    text = re.sub(r"(?i)^\s*(?:by|before|within|between|during|in|from|over|this|next|if|subject\s+to|ideally|once|when"
                  r"|assuming|provided|where\s+possible|as\s+part\s+of|soon|then|finally|also|meanwhile)\b[^,:]{0,60}[,:]\s*",
                  "", text)
    first = re.match(r"\s*([A-Za-z]+)\b", text)
    if not first:
        return False
    word = first.group(1).lower()
    if _verb_form(word):
        return True  # a listed verb, or one by its form: Rehabilitate, Modernise, Digitize, Simplify
    # any other first word reads as a verb only when nothing says it is a subject: no -s/-ed/-ing form, no label
    # colon after it, no is/are/has nearby and no past form after it ("Gross margin widened …")
    return not strict and word not in _NOT_VERBS and not re.match(r"[A-Z]{2,}", first.group(1)) \
        and not re.search(r"(?:s|ed|ing|ly)$", word) and not re.match(r"\s*[A-Za-z]+\s*[:：–—]", text) \
        and not re.search(r"(?i)\b(?:is|are|was|were|has|have|had)\b", text[:40]) and not _declarative_past(text)


def _verb_form(word: str) -> bool:
    """A listed imperative verb, or a word with a verb's ending (Rehabilitate, Modernise, Digitize, Simplify)."""
    return (word in _imperative_verbs() or bool(re.search(r"(?:ate|ise|ize|ify)$", word))) and word not in _NOT_VERBS


@cache
def _imperative_verbs() -> frozenset[str]:
    en = _words()["en"]
    return frozenset(w for key in ("aim", "imperative", "deliverable_verb", "direction") for w in en[key]
                     if re.fullmatch(r"[a-z]+", w))


def _declarative_past(text: str) -> bool:
    """A subject and then a past form within the first words, with no deadline ahead: a report of what happened
    ("The board approved the budget on 14 November", "Sprint 42 closed with 31 of 34 points"). A participle in a
    headline target is not one ("P1 incidents acknowledged within 15 minutes", "no more than 250 ppm, measured …")."""
    en = _words()["en"]
    tokens = re.findall(r"[A-Za-z][A-Za-z'-]*|[0-9][0-9.,]*%?", text)
    words = [t for t in tokens if t[0].isalpha()]
    if len(words) < 2 or _verb_form(words[0].lower()):
        return False
    past_time = bool(_PAST_TIME.search(text))
    for i, token in enumerate(tokens[1:6], start=1):
        w = token.lower()
        irregular = w in en["past_verb"]
        regular = len(w) > 4 and w.endswith("ed") and not w.endswith("eed") and w not in en["ed_adjective"]
        if not (irregular or regular):
            continue
        if tokens[i - 1].lower() in ("per", "bed", "hours"):  # "hours worked", "per 1,000 occupied bed days"
            continue
        after = tokens[i + 1].lower() if i + 1 < len(tokens) else ""
        finite = irregular or after[:1].isdigit() or after in _FINITE_NEXT
        if not finite and not past_time:
            return False
        return not _AHEAD.search(text)
    return False
