"""Goal statements as text: target cues, baselines, deliverables, vague aims and time expressions (pure functions).

Shared by the critic's SMART judge and the offline drafter, so neither imports the other.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources

from drafter.text.figures import Figure, extract_figures, normalize_with_offsets
from drafter.text.time_expressions import find_time_spans

_QUANTITY_KINDS = frozenset({"number", "percent", "amount", "count", "ratio", "duration"})


@cache
def _cues() -> dict[str, dict[str, list[str] | str]]:
    """The word lists in drafter/text/data/goal_cues.toml."""
    data: dict[str, dict[str, list[str] | str]] = tomllib.loads(
        (resources.files("drafter") / "text" / "data" / "goal_cues.toml").read_text("utf-8"))
    return data


def _en(words: str) -> str:
    """Case-insensitive English alternation with word boundaries on both sides."""
    return rf"(?i:\b(?:{words})\b)"


def _words(table: str, key: str) -> str:
    """One list of a table as a bare alternation."""
    return "|".join(_cues()[table][key])


def _alternation(table: str) -> str:
    """A table's zh words as they are, then its en words between word boundaries."""
    parts = [_words(table, "zh")] if "zh" in _cues()[table] else []
    if "en" in _cues()[table]:
        parts.append(_en(_words(table, "en")))
    return "|".join(parts)


_LEVEL_CUES = _alternation("level_cues")
_CHANGE_CUES = _alternation("change_cues")
_WEAK_CUES = _alternation("weak_cues")
_BASELINE = _alternation("baseline")
_CUE_LEVEL = re.compile(rf"(?:{_LEVEL_CUES})\s*$")
_CUE_ANY = re.compile(rf"(?:{_LEVEL_CUES}|{_CHANGE_CUES})")
_CUE_WEAK = re.compile(rf"(?:{_WEAK_CUES})\s*$")
_BASE_RE = re.compile(_BASELINE)
_CLAUSE_BREAK = re.compile(r"[，,。；;！!？?\n]\s*(?![0-9])|[|｜]")
_SPECIAL_TARGET = re.compile(_alternation("special_target"))
_MAX_GAP = 12
_APPROX_END = re.compile(rf"(?:{_alternation('approx')})\s*$")
# A list or OKR label before a goal or a figure: "KR1:", "Objective 4 –", "Target:", "(b)", "2.", "Owner: Tom (ops)."
LIST_LABEL = re.compile(r"(?i)^\s*(?:(?:kr\s*\d*|objective\s*\d*|goal|target|okr)\s*[:.–—-]|\(?[a-z0-9]{1,2}[).]"
                        r"|(?:owner|lead|responsible)\s*:\s*[^.;:]{1,40}[.;]\s+(?=(?-i:[A-Z])))\s*")
_DECREASE = re.compile(_alternation("decrease"))
_METRIC = _alternation("metric")
_ZH_DELIVERABLE = (rf"(?:{_words('deliverable_phrase', 'verbs')})[^，。；,;]{{0,12}}?"
                   rf"(?:{_words('deliverable_phrase', 'objects')})")
_CONCRETE = re.compile("|".join((_METRIC, _alternation("object"), _ZH_DELIVERABLE)))
_METRIC_END = re.compile(rf"(?:{_METRIC})\s*[+＋]?\s*$")  # "GMV +30%"
# "on-shelf availability of 97.5%", "a cash conversion cycle of 45 days"; "with a budget of £2m" is a means
_METRIC_OF = re.compile(rf"(?i:(?!budget\b))(?:{_METRIC})\s+of\s*$")
_VAGUE_AIM = re.compile(_alternation("vague_aim"))
_AIM = re.compile(_alternation("aim"))
_VAGUE = re.compile(_alternation("vague"))
_STOP_BIGRAMS = frozenset(str(_cues()["stop_words"]["zh"]).split())
_EN_STOP = frozenset(str(_cues()["stop_words"]["en"]).split())


def find_time_expressions(text: str) -> list[tuple[int, int, str]]:
    """Find time expressions in text as (start, end, surface) with offsets into the original text."""
    norm, starts, ends = normalize_with_offsets(text)
    out: list[tuple[int, int, str]] = []
    for a, b in find_time_spans(norm):
        o_start, o_end = starts[a], ends[b - 1]
        out.append((o_start, o_end, text[o_start:o_end]))
    return out


def _clause_prefix(text: str, fig: Figure) -> str:
    """Text between the last clause break and the figure."""
    head = text[:fig.start]
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(head)]
    return head[breaks[-1]:] if breaks else head


def _clause_suffix(text: str, fig: Figure) -> str:
    tail = text[fig.end:]
    m = _CLAUSE_BREAK.search(tail)
    return tail[:m.start()] if m else tail


def _target_cue(text: str, fig: Figure) -> str | None:
    """Return "level", "change" or "weak" when fig reads as a target value, else None."""
    # an approximation leaves the cue where it is: 目标约2.3亿元, 降本约800万元, around 40%
    prefix = _APPROX_END.sub("", LIST_LABEL.sub("", _clause_prefix(text, fig)))
    if fig.kind == "duration":  # "缩短至3天" is a target; "三个月内" / "within 90 days" is a period
        cue = _CUE_LEVEL.search(prefix)
        if _METRIC_OF.search(prefix):
            return "level"
        if cue and not re.fullmatch(r"(?i)within|in|到|至", cue.group().strip()):
            return "level"
        # "过站时间压缩5分钟": a duration taken off a time
        return "change" if re.search(r"(?:压缩|缩短|减少|提前|节省|节约)\s*$", prefix) else None
    if re.search(r"(?i)\b(?:is|are|was|were|stands?|sits?|running)\s+at\s*$", prefix):
        return None  # "CSAT is at 78% today": a value as it stands
    cues = list(_CUE_ANY.finditer(prefix))
    if cues:
        gap = prefix[cues[-1].end():]
        width = len(re.sub(r"[A-Za-z]+", "ww", gap.strip()))  # an English word weighs ~two Han characters
        if width <= _MAX_GAP and not _BASE_RE.search(gap) and not re.search(r"[0-9]", gap):
            return "level" if _CUE_LEVEL.fullmatch(cues[-1].group()) else "change"
    if _BASE_RE.search(prefix) or _BASE_RE.search(_clause_suffix(text, fig)):
        return None
    if not prefix.strip(" \t-*·、:（(【[") or _CUE_WEAK.search(prefix) or _METRIC_END.search(prefix) \
            or _METRIC_OF.search(prefix) \
            or re.search(r"[A-Za-z\u4e00-\u9fff)）]\s*[:：]\s*[+＋]?\s*$", prefix):  # a headline KPI: "Stores: +8"
        return "weak"
    # a count closing its clause, after a verb: 年内培育…企业2家, 新建…中心8个
    if fig.kind == "count" and not _clause_suffix(text, fig).strip(" 。.！!") and re.search(
            r"[\u4e00-\u9fff]", prefix) and (_ZH_ACTION.search(prefix + "XX") or _CUE_ANY.search(prefix)):
        return "weak"
    return None


def _targets(text: str) -> list[tuple[Figure, str]]:
    found: list[tuple[Figure, str]] = []
    for fig in extract_figures(text):
        if fig.kind in _QUANTITY_KINDS:
            cue = _target_cue(text, fig)
            if cue is not None:
                found.append((fig, cue))
    return found


# English goals are often imperative: "Replace 5,000 lines", "Answer 80% of calls", "run six late-night openings".
_EN_IMPERATIVE_QUANTITY = re.compile(
    r"(?i)(?:^|[,;:]\s*|\band\s+)(?:[a-z]+\s+){0,1}?(?!(?:is|are|was|were|has|have|stands|runs|remains|sits)\b)"
    r"[a-z]+(?:\s+(?:up|down|out|in|on))?\s+(?:at\s+least\s+|over\s+|more\s+than\s+|all\s+|another\s+)?"
    r"(?:[$€¥]?\d[\d,.]*\s*(?:%|percent|k|m|bn|million|thousand)?|(?:one|two|three|four|five|six|seven|eight|nine|ten"
    r"|eleven|twelve|fifteen|twenty|thirty|fifty|a\s+dozen|a\s+hundred)|zero)\s+[a-z][\w-]*"
)
_EN_DESCRIPTIVE_START = re.compile(rf"(?i)^\s*(?:{_words('descriptive_start', 'en')})\b")


def has_quantified_target(text: str) -> bool:
    """True when text states a quantified target (a figure after a target cue, or a counted deliverable)."""
    if _targets(text) or _SPECIAL_TARGET.search(text):
        return True
    if text.isascii() and not _EN_DESCRIPTIVE_START.search(text):
        for m in _EN_IMPERATIVE_QUANTITY.finditer(text):
            if not _BASE_RE.search(m.group()) and not re.search(r"(?i)\b(?:from|currently|current)\b", m.group()):
                return True
    return False


def _baselines(text: str) -> list[Figure]:
    return [fig for fig in extract_figures(text)
            if fig.kind in _QUANTITY_KINDS - {"ratio"} and _target_cue(text, fig) is None
            and _BASE_RE.search(_clause_prefix(text, fig)[-8:])]


def _same_family(a: Figure, b: Figure) -> bool:
    pct = {"%", "pp"}
    if (a.unit in pct) != (b.unit in pct):
        return False
    return a.unit == b.unit or a.unit in ("", "个") or b.unit in ("", "个") or a.unit in pct


def _achievable(text: str, targets: list[tuple[Figure, str]]) -> tuple[bool | None, str]:
    for fig, cue in targets:
        if fig.unit == "%" and fig.value is not None and fig.value > (900 if cue == "change" else 100):
            return False, f"{fig.text} > {'10x' if cue == 'change' else '100%'}"
    baselines = _baselines(text)
    decrease = bool(_DECREASE.search(text))
    for fig, cue in reversed(targets):
        base = next((b for b in baselines if b.start < fig.start and _same_family(b, fig)), None)
        if base is None or base.value is None or fig.value is None or base.value <= 0:
            continue
        level = fig.value
        if fig.unit == "pp" or (cue == "change" and fig.unit != "%"):
            level = base.value - fig.value if decrease else base.value + fig.value
        elif cue == "change":
            level = base.value * (1 - fig.value / 100 if decrease else 1 + fig.value / 100)
        if base.unit == "%" and level > 100:
            return False, f"{base.text} → {fig.text}"
        ratio = level / base.value
        if ratio > 10:
            return False, f"{base.text} → {fig.text}"
        return (True, "") if 1 / 3 <= ratio <= 3 else (None, "")
    return None, ""


# A deliverable: an action verb with a concrete object (any noun phrase that is not a vague quality).
_ZH_ACTION = re.compile(rf"(?:{_words('action', 'zh')})(?P<object>[^，。；,;！!？?]{{2,24}})")
_EN_ACTION = re.compile(rf"(?i)\b(?:{_words('action', 'en')})\b\s+(?P<object>[A-Za-z0-9][^,;.]{{2,60}})")
_VAGUE_OBJECT = re.compile(
    rf"^(?:的)?(?:{_words('vague_object', 'zh_modifiers')})*(?:的)?(?:{_words('vague_object', 'zh')})"
    rf"|^(?:(?:{_words('vague_object', 'en_modifiers')})\s+)*(?:{_words('vague_object', 'en')})\b",
    re.I,
)


def _deliverable(text: str) -> bool:
    """An action on a concrete object (完成病历电子化归档, Upgrade workstations to Windows 11)."""
    for match in _ZH_ACTION.finditer(text):
        obj = match.group("object").strip()
        if not _VAGUE_OBJECT.search(obj) and not _VAGUE.fullmatch(obj):
            return True
    for match in _EN_ACTION.finditer(text):
        obj = match.group("object").strip()
        if not _VAGUE_OBJECT.search(obj) and not _VAGUE.fullmatch(obj) and not vague_en_object(obj):
            return True
    return False


_EN_HEAD_END = re.compile(r"(?i)\b(?:to|for|with|in|at|across|that|which|who|where|so|by|before|within|on|of)\b")
_EN_VAGUE_HEAD = re.compile(rf"(?i)\b(?:{_words('vague_object', 'en_heads')})$")
# in lower case only: a capitalised one is the name of a rating (BREEAM Excellent, Ofsted Outstanding)
_EN_JUDGEMENT = re.compile(rf"\b(?:{_words('vague_object', 'en_judgements')})\b")


def vague_en_object(obj: str) -> bool:
    """An English object with a quality or a kind of place for its head, or a judgement word on it, and no figure:
    "a premium community living experience", "compassionate care to every patient", "a smarter, greener utility"."""
    if re.search(r"[0-9]", obj):
        return False
    cut = _EN_HEAD_END.search(obj)
    head = re.sub(r"[^A-Za-z' -]+", " ", obj[:cut.start()] if cut and cut.start() else obj).strip()
    words = head.split()
    # "a brand young people love": a clause after the head noun ends the phrase
    heads = [" ".join(words[:i + 1]) for i in range(len(words))]
    vague = any(_EN_VAGUE_HEAD.search(h) for h in heads[:4]) or bool(_EN_JUDGEMENT.search(head))
    return vague and not _CONCRETE.search(head)


def vague_quality_only(text: str) -> bool:
    """A vague quality is all the statement names, with no level it is brought to: a figure on it checks nothing.

    A change of a vague quality names no metric (服务水平提高两成, "20% better service"); a level does, as it
    presumes a measure (日处理能力提升到50万单, "loom efficiency up to 92%").
    """
    if not _VAGUE_AIM.search(re.sub(r"(?i)\bor\s+better\b", "", text)):  # "or better" is a comparator
        return False
    clauses = [c for c in re.split(r"[，,；;。！!？?\n]", text) if c.strip()]
    # the clauses that hold the figure: 优化码头作业流程，提升港口运营效率20% measures no 流程
    measured = [c for c in clauses if re.search(r"[0-9]|[一二两三四五六七八九十]成|倍|一番|一半|过半", c)] or clauses
    # a quantity in a unit of its own measures a thing (新增供水能力50万吨/日), a percentage or multiple does not
    counted = any(f.kind in ("count", "amount") or (f.kind == "number" and f.unit not in ("", "倍", "成", "top"))
                  for f in extract_figures(text))
    return not counted and not any(_CONCRETE.search(c) for c in measured) \
        and not any(cue == "level" for _, cue in _targets(text))


# what marks a Chinese sentence as aiming at its metric: an aim word, a target cue, a direction or an arrow
_AIMED = re.compile(rf"{_AIM.pattern}|{_CUE_ANY.pattern}|{_DECREASE.pattern}"
                    r"|[↑↓]|(?:往上|往下)[提压降]|上去|下来|将|希望|再|提速|稳中有升|下线|抽调")


def _headline(text: str) -> bool:
    """A figure with a time to reach it, as headline targets are written (食安抽检合格率全年100%)."""
    return bool(find_time_expressions(text)) and any(f.kind in _QUANTITY_KINDS for f in extract_figures(text))


def _is_specific(text: str, measurable: bool) -> bool:
    """Concrete metric or deliverable, unless it only appears in a fact clause next to a vague aim."""
    if measurable:
        return True
    clauses = [c for c in re.split(r"[，,；;。！!？?\n]", text) if c.strip()]
    if any(_deliverable(c) for c in clauses):
        return True
    concrete = [c for c in clauses if _CONCRETE.search(c)]
    # a metric a Chinese sentence names with no direction, target or aim anywhere is a mention, not a goal
    # ("我们按周跟踪GMV、转化率、客单价三项核心指标")
    if not concrete or (not text.isascii() and not _AIMED.search(text) and not _headline(text)):
        return False
    facts_only = all(_BASE_RE.search(c) or any(f.kind in _QUANTITY_KINDS for f in extract_figures(c))
                     for c in concrete)
    vague_aim = any(_VAGUE_AIM.search(c) and _AIM.search(c) and not _CONCRETE.search(c) for c in clauses)
    return not (facts_only and vague_aim)


def _terms(text: str) -> set[str]:
    terms: set[str] = set()
    for run in re.findall(r"[\u4e00-\u9fff]+", text):
        terms.update(run[i:i + 2] for i in range(len(run) - 1))
    terms.difference_update(_STOP_BIGRAMS)
    for word in re.findall(r"[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]|[A-Za-z]", text.lower()):
        if word.isdigit() or not re.search(r"[a-z]", word):
            continue
        if (len(word) >= 3 or word.isalnum() and any(c.isdigit() for c in word)) and word not in _EN_STOP:
            terms.add(word[:-1] if word.endswith("s") and len(word) > 4 else word)
    return terms
