"""Date, quarter and time-expression recognition (zh + en) over normalised text.

Every function here works on text already passed through ``drafter.text.figures.normalize_text`` (NFKC,
ASCII digits); offsets are offsets into that normalised string.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

DateTuple = tuple[int | None, int | None, int | None]

_MONTH_NAMES = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MON = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_CN_DIGITS = "〇零一二三四五六七八九"
_CN_VALUES = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_CN_MONTH = r"(?:十[一二]?|[一二三四五六七八九])"
_CN_DAY = r"(?:三十一?|[一二]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_NUMERAL_CHARS = "0-9〇零一二两三四五六七八九十百千万亿"
_ORD_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_QUARTER_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True)
class DateSpan:
    """A date, year or quarter found in normalised text."""

    start: int
    end: int
    kind: str  # "date" | "year" | "quarter"
    date: DateTuple
    value: float | None


def cn_small_int(token: str) -> int:
    """Convert a small Chinese or Arabic numeral (0..99, or digit-by-digit like 二〇二五) to int."""
    if token.isdigit():
        return int(token)
    if "十" in token:
        head, _, tail = token.partition("十")
        tens = _CN_VALUES[head] if head else 1
        return tens * 10 + (_CN_VALUES[tail] if tail else 0)
    value = 0
    for ch in token:
        value = value * 10 + _CN_VALUES[ch]
    return value


def _month(name: str) -> int:
    return _MONTH_NAMES[name[:3].lower()]


def _year(token: str) -> int:
    value = cn_small_int(token)
    return value + 2000 if value < 100 else value


def _valid(y: int | None, m: int | None, d: int | None) -> bool:
    return (y is None or 1900 <= y <= 2100) and (m is None or 1 <= m <= 12) and (d is None or 1 <= d <= 31)


_Y = rf"(?<![0-9A-Za-z.])(?P<y>[0-9]{{4}}|[{_CN_DIGITS}]{{4}})"
_DAY = r"(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?"
_EN_YEAR = r"\s*,?\s*(?P<y>[0-9]{4})\b"
_DATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("mdy", re.compile(rf"\b(?P<mon>{_MON})\s*{_DAY}{_EN_YEAR}")),
    ("dmy", re.compile(rf"\b{_DAY}\s+(?:of\s+)?(?P<mon>{_MON}){_EN_YEAR}")),
    ("my", re.compile(rf"\b(?P<mon>{_MON}){_EN_YEAR}")),
    ("md", re.compile(rf"\b(?P<mon>{_MON})\s+{_DAY}\b(?![0-9%]|\.[0-9]|\s*(?:,\s*)?[0-9])")),
    ("dm", re.compile(rf"\b{_DAY}\s+(?:of\s+)?(?P<mon>{_MON})\b")),
    ("iso", re.compile(r"(?<![0-9.])(?P<y>[0-9]{4})([-/.])(?P<m>[0-9]{1,2})\2(?P<d>[0-9]{1,2})(?![0-9])")),
    ("us", re.compile(r"(?<![0-9/])(?P<m>[0-9]{1,2})/(?P<d>[0-9]{1,2})/(?P<y>[0-9]{4})(?![0-9])")),
    ("fy", re.compile(r"(?<![A-Za-z])FY\s?'?(?P<y>[0-9]{4}|[0-9]{2})(?![0-9])")),
    ("q", re.compile(rf"{_Y}\s*年?\s*(?:第\s*)?Q(?P<q>[1-4])(?![0-9A-Za-z])")),
    ("q", re.compile(rf"{_Y}\s*年\s*(?:的\s*)?(?:第\s*)?(?P<q>[一二三四1-4])\s*季度")),
    ("q", re.compile(r"(?<![0-9A-Za-z])Q(?P<q>[1-4])\s*(?:of\s+)?(?:FY\s?)?'?(?P<y>[0-9]{4})(?![0-9])")),
    ("q", re.compile(r"(?<![0-9A-Za-z])Q(?P<q>[1-4])(?![0-9A-Za-z])")),
    ("q", re.compile(rf"(?<![{_NUMERAL_CHARS}前])(?:第\s*)?(?P<q>[一二三四1-4])\s*季度")),
    ("q", re.compile(r"(?i)\b(?P<qw>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter"
                     r"(?:\s+(?:of\s+)?(?P<y>[0-9]{4}))?\b")),
    ("ymd", re.compile(rf"{_Y}\s*年\s*(?P<m>[0-9]{{1,2}}|{_CN_MONTH})\s*月\s*(?:份\s*)?"
                       rf"(?:(?P<d>[0-9]{{1,2}}|{_CN_DAY})\s*[日号])?")),
    ("ym", re.compile(r"(?<![0-9.])(?P<y>[0-9]{4})[-/](?P<m>[0-9]{1,2})(?![0-9]|[-/][0-9])")),
    ("md", re.compile(rf"(?<![{_NUMERAL_CHARS}.])(?P<m>[0-9]{{1,2}}|{_CN_MONTH})\s*月\s*(?:份\s*)?"
                      rf"(?P<d>[0-9]{{1,2}}|{_CN_DAY})\s*[日号]")),
    ("m", re.compile(rf"(?<![{_NUMERAL_CHARS}.个])(?P<m>[0-9]{{1,2}}|{_CN_MONTH})\s*月(?!内|以内|之内)")),
    ("y", re.compile(rf"{_Y}\s*年(?:度)?")),
]


def find_date_spans(norm: str) -> list[DateSpan]:
    """Find dates, years written with 年/FY, and quarters; non-overlapping, earlier patterns win."""
    taken = [False] * len(norm)
    spans: list[DateSpan] = []
    for name, pattern in _DATE_PATTERNS:
        for m in pattern.finditer(norm):
            if any(taken[m.start():m.end()]):
                continue
            span = _to_span(name, m)
            if span is None:
                continue
            for i in range(m.start(), m.end()):
                taken[i] = True
            spans.append(span)
    return sorted(spans, key=lambda s: s.start)


_SPLIT_YEAR = re.compile(r"(?i)(?:\bFY\s*'?|(?<![0-9])20)[0-9]{2}\s*/\s*([0-9]{2})(?![0-9])")  # 2025/26, FY25/26


def period_year(text: str) -> int | None:
    """The latest year a period names ("2025年第四季度" → 2025, "FY2026" → 2026, "2025/26学年" → 2026, "Q3 2026"),
    or None."""
    norm = unicodedata.normalize("NFKC", text)
    years = [s.date[0] for s in find_date_spans(norm) if s.date[0] is not None]
    years += [2000 + int(m.group(1)) for m in _SPLIT_YEAR.finditer(norm)]
    years += [int(y) for y in re.findall(r"(?<![0-9.,])((?:19|20)[0-9]{2})(?![0-9%]|[.,][0-9])", norm)]
    return max(years) if years else None


def _to_span(name: str, m: re.Match[str]) -> DateSpan | None:
    groups = m.groupdict()
    y = _year(groups["y"]) if groups.get("y") else None
    if name == "q":
        q = _ORD_WORDS[groups["qw"].lower()] if groups.get("qw") else _QUARTER_CN[groups["q"]]
        if not _valid(y, None, None):
            return None
        return DateSpan(m.start(), m.end(), "quarter", (y, 3 * q - 2, None), float(q))
    if name in ("fy", "y"):
        if y is None or not 1900 <= y <= 2100:
            return None
        return DateSpan(m.start(), m.end(), "year", (y, None, None), float(y))
    if groups.get("mon"):
        month: int | None = _month(groups["mon"])
    else:
        month = cn_small_int(groups["m"]) if groups.get("m") else None
    day = cn_small_int(groups["d"]) if groups.get("d") else None
    if not _valid(y, month, day):
        return None
    return DateSpan(m.start(), m.end(), "date", (y, month, day), None)


def dates_match(kind_a: str, a: DateTuple, kind_b: str, b: DateTuple) -> bool:
    """True when two dates/years/quarters agree on every field both specify (and share at least one)."""
    if "quarter" in (kind_a, kind_b) and "date" in (kind_a, kind_b):
        (qy, qm, _), (dy, dm, _) = (a, b) if kind_a == "quarter" else (b, a)
        if qm is not None and dm is not None and not qm <= dm < qm + 3:
            return False
        if qy is not None and dy is not None:
            return qy == dy
        return dm is not None
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    if "year" in (kind_a, kind_b):
        pairs = pairs[:1]
    return bool(pairs) and all(x == y for x, y in pairs)


# ---- time expressions (for SMART "time-bound") --------------------------------------------------------

_DUR_NUM = r"(?:[0-9]+(?:\.[0-9]+)?|[一二两三四五六七八九十百半]+)"
_EN_NUM = (
    r"(?:[0-9]+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty"
    r"|thirty|forty|forty-five|sixty|ninety|a\s+couple\s+of|a\s+few)"
)
_EN_UNIT = (r"(?:business\s+|working\s+|calendar\s+)?"
            r"(?:days?|weeks?|months?|quarters?|years?|seasons?|terms?|semesters?)")
_EXTRA_PATTERNS = [
    re.compile(p)
    for p in (
        # zh relative periods and boundaries
        r"(?:20[0-9]{2}\s*年\s*)?(?:上|下)半年(?:度)?",
        r"前[一二两三]个?季度",
        r"(?:(?<![成基资样版根文剧日])本|今|明|次|当|下[一个]?|这个?)(?:财年|年度|年|季度|季|月份?|周|星期|半年)",
        r"(?:年|月|季度?|财年)(?:底|末|初(?!至今|以来)|中|内)",
        r"年度内|全年|[上中下]旬",
        r"(?:春节|元旦|国庆节?|中秋节?|端午节?|五一|双十一|双11|双十二|双12|618大促|618|圣诞节?|开学|寒假|暑假|旺季|淡季"
        r"|汛期|年终|年会)(?:假期|长假|黄金周|小长假)?(?:前|之前|期间|节前|结束前)",
        r"(?:春|夏|秋|冬)季(?:学期)?(?:开学)?(?:前|之前|期间|内)",
        rf"(?:未来|接下来|今后|之后|此后)\s*{_DUR_NUM}\s*个?\s*(?:月|周|星期|天|日|年|季度|工作日|小时)",
        rf"{_DUR_NUM}\s*个?\s*(?:月|周|星期|天|日|年|季度|工作日|小时)(?:时间)?\s*(?:内|以内|之内)",
        # en
        rf"(?i)\b(?:within|in|over|during)\s+(?:the\s+)?(?:next\s+|coming\s+|first\s+|following\s+)?{_EN_NUM}"
        rf"\s*[- ]\s*{_EN_UNIT}\b",
        rf"(?i)\b(?:next|coming|first)\s+{_EN_NUM}\s+{_EN_UNIT}\b",
        r"(?i)\b(?:this|next|the\s+current|the\s+coming|current|the\s+next)\s+(?:fiscal\s+|financial\s+)?"
        r"(?:year|quarter|month|week|half|FY)\b",
        r"(?i)\b(?:year|quarter|month|week|half|period)[- ]end\b",
        r"(?i)\bend[- ]of[- ](?:the[- ])?(?:fiscal[- ]|financial[- ]|calendar[- ])?"
        r"(?:year|quarter|month|week|half|FY\s?[0-9]*|Q[1-4]|H[12])\b",
        r"(?i)\b(?:by|before|until|in|during|through|for)\s+(?:the\s+)?(?:end|start|beginning|middle)\s+of\b",
        rf"(?i)\b(?:end|start|beginning|middle)\s+of\s+{_MON}(?![A-Za-z])",
        rf"(?i)\b(?:between|across|over|throughout|through|during|in)\s+{_MON}\s+and\s+{_MON}(?![A-Za-z])",
        r"(?<![0-9A-Za-z])(?:H[12]|[12]H)\s*'?(?:FY\s?)?(?:[0-9]{4}|[0-9]{2})(?![0-9A-Za-z])",
        r"(?<![0-9A-Za-z])(?:H[12]|[12]H)(?![0-9A-Za-z])",
        r"(?i)\b(?:first|second|1st|2nd)\s+half(?:\s+of\s+(?:the\s+year|[0-9]{4}))?\b",
        r"(?i)\b(?:this|next)\s+year\b",  # not "year to date": a running window with no end
        r"(?i)\b(?:by|before|until|over|during|in|for)\s+(?:the\s+)?(?:Christmas|Easter|Thanksgiving|New\s+Year|"
        r"(?:this\s+|next\s+)?(?:spring|summer|autumn|fall|winter)(?:\s+(?:semester|term|season|holidays?|break))?|"
        r"(?:holiday|peak|high|busy)\s+season|(?:spring|fall|autumn|winter|summer)\s+(?:semester|term)"
        r"|(?:(?:new|next|school|academic)\s+)?(?:school\s+)?(?:term|semester|school\s+year)\s+(?:starts|begins))\b",
        rf"(?i)\b(?:by|before|until|in|from|through|during)\s+{_MON}(?![A-Za-z])",
        r"(?i)(?:\bFY\s*'?|(?<![0-9])20)[0-9]{2}\s*/\s*[0-9]{2}(?![0-9])",  # a split year: FY25/26, 2025/26
        rf"(?i)\b(?:end|mid|start|early|late)-(?:[0-9]{{4}}|{_MON}|FY\s?[0-9]*|year|quarter|Q[1-4]|H[12])(?![0-9A-Za-z])",
        r"(?i)\b(?:(?:the\s+)?(?:full|whole|entire)[\s-]+year|all\s+year(?:\s+round)?|throughout\s+the\s+year)\b",
        r"(?<![0-9A-Za-z.,:/-])(?:19|20)[0-9]{2}(?![0-9%]|[.,][0-9]|\s*(?:[万亿千百元人名家个位天月日号吨件台辆次条单箱只座套张份批款]|percent|per\s+cent))",
    )
]
_PREFIX = re.compile(
    r"(?:截至|截止(?:到|至)?|到|至|于|在|(?i:\bby|\bbefore|\buntil|\bno\s+later\s+than|\bnot\s+later\s+than"
    r"|\bthrough|\bending|\bas\s+of|\bin|\bduring))\s*$"
)
_SUFFIX = re.compile(
    r"\s*(?:底前|末前|底之前|末之前|前|之前|以前|底|末|初|中旬|上旬|下旬|中|内|以内|之内|结束前|止)"
)
_RANGE_GAP = re.compile(r"^\s*(?:至|到|-|~|—|–|－|～|to|through|until)\s*$")


def find_time_spans(norm: str) -> list[tuple[int, int]]:
    """Find time expressions (dates, quarters, periods, deadlines, bounded durations) in normalised text."""
    raw: list[tuple[int, int]] = [(s.start, s.end) for s in find_date_spans(norm)]
    for pattern in _EXTRA_PATTERNS:
        raw.extend((m.start(), m.end()) for m in pattern.finditer(norm))
    extended: list[tuple[int, int]] = []
    for start, end in raw:
        pre = _PREFIX.search(norm, max(0, start - 16), start)
        if pre is not None and pre.end() == start:
            start = pre.start()
        suf = _SUFFIX.match(norm, end)
        if suf is not None and norm[end - 1:end] not in "内前":
            end = suf.end()
        extended.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(extended):
        if merged and (start <= merged[-1][1] or _RANGE_GAP.match(norm[merged[-1][1]:start])):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
