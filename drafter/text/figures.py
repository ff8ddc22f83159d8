"""Figure extraction and normalisation for Chinese and English text.

Structural (non-figure) measure words: a numeral one..five (Chinese 一二两三四五 or Arabic 1-5) followed by
one of ``STRUCTURAL_WORDS`` (optionally after 个) is a structural small count (两项重点、三个方面、三大举措),
not a figure, unless a quantitative verb (``QUANT_VERBS``: 新增、完成、上线…) immediately precedes it.
A lone Chinese 一 before a measure word (一个、一家、一种) is an indefinite article, not a figure.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from drafter.text.time_expressions import DateTuple, dates_match, find_date_spans
from drafter.text.zh_numerals import cn_multiplier, parse_number

STRUCTURAL_WORDS = tuple(
    "方面 环节 维度 层面 阶段 步骤 部分 要素 重点 关键 核心 支柱 抓手 原则 举措 "
    "大 点 类 种 条 步 项 者 层 重 要".split()
)
QUANT_VERBS = tuple(
    "新增 完成 上线 推出 开设 新开 引入 落地 获得 取得 通过 新建 签约 "
    "开发 招聘 增加 减少 达到 累计 共计 合计 实现 发布 开通 建成 覆盖".split()
)
_MEASURE = tuple(
    "平方米 平米 公斤 千克 公里 千米 人次 人 名 位 家 个 间 座 台 套 件 单 笔 次 款 场 "
    "份 张 辆 箱 瓶 杯 吨 斤 米 篇 条 项 类 种 支 只 批 轮 期 节 门 所 栋 户 本 部 分 星 "
    "千瓦时 兆瓦 千瓦 架次 架 把 根 棵 亩 艘 趟 盒 袋 桶 罐 枝 束 盆 株 头 羽 尾 学时 课时 班 辆次".split()
)
_UNIT_ALIASES = {"名": "人", "位": "人", "间": "家", "千克": "公斤", "平米": "平方米", "千米": "公里"}
_EN_COUNT = dict.fromkeys(
    "store stores shop shops outlet outlets branch branches location locations".split(), "家"
) | dict.fromkeys(
    "people person persons employee employees staff worker workers fte ftes headcount heads".split(), "人"
)
_EN_DURATION = {
    "day": "天", "week": "周", "month": "月", "quarter": "季度", "year": "年", "hour": "小时",
    "minute": "分钟", "second": "秒",
}
_EN_MULT = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "mm": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9,
            "billion": 1e9}
_DATE_KINDS = frozenset({"date", "year", "quarter"})
_WILDCARD_UNITS = frozenset({"", "个"})
_PERCENT_UNITS = frozenset({"%", "pp"})


@dataclass(frozen=True)
class Figure:
    """One figure found in text, with its surface form, original offsets and normalised value."""

    text: str
    start: int
    end: int
    kind: str
    value: float | None
    unit: str
    date: DateTuple | None = None


def normalize_with_offsets(text: str) -> tuple[str, list[int], list[int]]:
    """Return normalize_text(text) plus, per output character, its original start and end offsets."""
    chars: list[str] = []
    starts: list[int] = []
    for i, ch in enumerate(text):
        for out in unicodedata.normalize("NFKC", ch) if ord(ch) > 127 else ch:
            chars.append(out)
            starts.append(i)
    joined = "".join(chars)
    drop: set[int] = set()
    for m in _THOUSANDS.finditer(joined):
        drop.update(i for i in range(m.start(), m.end()) if joined[i] == "," and text[starts[i]] == ",")
    keep = [i for i in range(len(chars)) if i not in drop]
    return "".join(chars[i] for i in keep), [starts[i] for i in keep], [starts[i] + 1 for i in keep]


_THOUSANDS = re.compile(r"(?<![0-9.,])[0-9]{1,3}(?:,[0-9]{3})+(?![0-9]|,[0-9])")


def normalize_text(text: str) -> str:
    """NFKC-normalise text (full-width digits and ％ become ASCII) and strip thousands separators."""
    return normalize_with_offsets(text)[0]


_LIST_MARKER = re.compile(
    r"(?m)^[ \t]*(?:#{1,6}[ \t]*)?(?:[-*+][ \t]+)?(?:\([0-9]{1,3}\)|[0-9]{1,3}(?:[、)]|\.(?![0-9])))"
)
_ORDINALS = re.compile(
    r"第\s*(?:[0-9]+|[零〇一二两三四五六七八九十百千]+)"
    r"|(?i:\b(?:section|step|phase|stage|chapter|part|item|round|level|tier|wave|version|no\.?|number"
    r"|article|priority|pillar|goal|objective|kr|okr)\s*#?\s*[0-9]+(?:\.[0-9]+)*)"
    r"|#[0-9]+|\([0-9]{1,2}\)|\b[0-9]+(?:st|nd|rd|th)\b"
)
_IDENT = re.compile(
    r"(?:(?<![A-Za-z])(?:ISO|IEC|SOC|GB(?:/T)?|PCI(?:\s+DSS)?|CRM|ERP|WMS|POS|OMS|TMS|SAP|iOS|Android|Windows|IPv|HTTP"
    r"|Web|Type|Model)\s*[0-9]+(?:\.[0-9]+)*)|[0-9]+(?:\.[0-9]+)*\s*(?:版本|版|代)"
    r"|[一二三四五六七八九十0-9]+期(?=工程|项目|改造|建设|扩建|工地)"
)
_RANK = re.compile(
    r"(?:(?<![目当此之以提事向跟面眼空年月天日周])前|(?i:\btop[- ]?))"
    r"([0-9]+|[一二两三四五六七八九十]+|(?i:three|five|ten|twenty|fifty|hundred))"
    r"(?:名|强|位|(?=[，。；、,.;)）\s]|$))"
)
_EN_WORD_VALUES = {w: float(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())} | {w: 10.0 * i for i, w in enumerate(
    "_ _ _ thirty forty fifty sixty seventy eighty ninety".split()) if i >= 3}
_EN_WORDS = re.compile(
    r"(?i)\b(" + "|".join(sorted(_EN_WORD_VALUES, key=len, reverse=True)) + r")"
    r"(?:-(one|two|three|four|five|six|seven|eight|nine))?(\s+and\s+a\s+half)?(?:\s+(hundred|thousand|million|billion))?\b"
)
_EN_SCALE = {"hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9}
_EN_A_SCALE = re.compile(r"(?i)\ba\s+(thousand|million|billion)\b")  # "a million cups"
_CLOCK = re.compile(r"(?<![0-9.:])(?:(?:0?[02-9]|1[0-9]|2[0-4]):[0-5][0-9]|0?1:00)(?![0-9:])")
_RATIO = re.compile(r"(?<![0-9.:])([0-9]+(?:\.[0-9]+)?)\s*(?::|比)\s*([0-9]+(?:\.[0-9]+)?)(?![0-9.:])")
_PERCENT_OF = re.compile(
    r"百分之\s*([0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?)"
)
_ARABIC = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_CN_RUN = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+[万亿]*)?")
_CURRENCY_PREFIX = re.compile(
    r"(US\$|HK\$|S\$|A\$|AU\$|\$|¥|€|£|₹|RMB|CNY|USD|EUR|GBP|INR|SGD|AUD|ZAR|(?<![A-Za-z0-9&])R)\s*$")
_CURRENCY_UNITS = {"us$": "usd", "$": "usd", "usd": "usd", "hk$": "hkd", "¥": "元", "rmb": "元", "cny": "元",
                   "€": "eur", "eur": "eur", "£": "gbp", "gbp": "gbp", "₹": "inr", "inr": "inr", "s$": "sgd",
                   "sgd": "sgd", "a$": "aud", "au$": "aud", "aud": "aud", "r": "zar", "zar": "zar"}
_EN_MULT_RE = re.compile(r"(?:\s*(k|K|mn|MM|bn)|(M|B|m|b)|\s+(thousand|million|billion))(?![A-Za-z])")
_APPROX = re.compile(r"[多余]|\+")
# "12m new users", "4.5m TEU": a lower-case m or b before a counted noun is millions or billions, not metres
_EN_MILLIONS_OF = re.compile(r"\s+(?:new|more|additional|active|registered|paying|monthly|annual|TEU|[a-z]+s)\b"
                             r"(?<!\bmetres)(?<!\bmeters)(?<!\bminutes)(?<!\bseconds)")
_SUFFIXES: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"%"), "percent", "%"),
    (re.compile(r"\s*(?:percent(?:age)?[- ]points?|pp|ppts?|pts)\b", re.I), "percent", "pp"),
    (re.compile(r"\s+points?\b", re.I), "count", "points"),  # "OEE up ten points", "NPS up 5 points"
    (re.compile(r"\s*(?:percent|per\s+cent|pct)\b", re.I), "percent", "%"),
    (re.compile(r"个?百分点|个点(?![\u4e00-\u9fff])"), "percent", "pp"),
    (re.compile(r"成(?![本功员立为果长熟交绩效不型])"), "percent", "成"),
    (re.compile(r"倍|x(?![A-Za-z0-9])|\s+times\b", re.I), "number", "倍"),
    (re.compile(r"元|块钱|块|人民币|\s*(?:yuan|RMB|CNY)\b"), "amount", "元"),
    (re.compile(r"美元|\s*(?:USD|dollars?)\b"), "amount", "usd"),
    (re.compile(r"欧元|\s*(?:EUR|euros?)\b"), "amount", "eur"),
    (re.compile(r"个?工作日(?:内|以内|之内)?"), "duration", "工作日"),
    (re.compile(r"个月(?:内|以内|之内)?"), "duration", "月"),
    (re.compile(r"个?季度(?:内|以内|之内)?"), "duration", "季度"),
    (re.compile(r"个?小时(?:内|以内|之内)?|h(?![A-Za-z])"), "duration", "小时"),
    (re.compile(r"分钟(?:内|以内|之内)?"), "duration", "分钟"),
    (re.compile(r"秒钟?(?:内|以内|之内)?"), "duration", "秒"),
    (re.compile(r"(?:天|日)(?:内|以内|之内)|天|d(?![A-Za-z])"), "duration", "天"),
    (re.compile(r"个?(?:周|星期)(?:内|以内|之内)?"), "duration", "周"),
    (re.compile(r"年(?:内|以内|之内)?"), "duration", "年"),
    (re.compile(r"[日号]"), "day", "日"),
    (re.compile(r"\s*-?\s*(?:business\s+|working\s+)days?\b", re.I), "duration", "工作日"),
    (re.compile(r"\s*-?\s*(day|week|month|quarter|year|hour|minute|second)s?\b", re.I), "duration", "*"),
    (re.compile(r"\s*(MW|GW|kW|MWh|GWh|kWh|TEU|mg/L|ppm|ppb|km|kg|sqm|㎡)(?![A-Za-z/])"), "count", "*"),
    (re.compile(r"\s*(?:new\s+|more\s+|additional\s+)?([A-Za-z]+)\b"), "en_count", "*"),
    (re.compile("(" + "|".join(f"个?{w}" if len(w) > 1 else w for w in STRUCTURAL_WORDS) + ")"),
     "structural", "*"),
    (re.compile("(" + "|".join(_MEASURE) + ")"), "count", "*"),
]


class _Extractor:
    def __init__(self, text: str) -> None:
        self.text = text
        self.s, self.starts, self.ends = normalize_with_offsets(text)
        self.used = [False] * len(self.s)
        self.figures: list[Figure] = []

    def free(self, a: int, b: int) -> bool:
        return not any(self.used[a:b])

    def claim(self, a: int, b: int) -> None:
        for i in range(a, b):
            self.used[i] = True

    def add(self, a: int, b: int, kind: str, value: float | None, unit: str,
            date: DateTuple | None = None) -> None:
        self.claim(a, b)
        o_start, o_end = self.starts[a], self.ends[b - 1]
        self.figures.append(Figure(self.text[o_start:o_end], o_start, o_end, kind, value, unit, date))

    def claim_all(self, pattern: re.Pattern[str]) -> None:
        for m in pattern.finditer(self.s):
            if self.free(m.start(), m.end()):
                self.claim(m.start(), m.end())

    def run(self) -> list[Figure]:
        self.claim_all(_LIST_MARKER)
        for span in find_date_spans(self.s):
            if self.free(span.start, span.end):
                self.add(span.start, span.end, span.kind, span.value, "", span.date)
        self.claim_all(_ORDINALS)
        self.claim_all(_IDENT)
        for m in _RANK.finditer(self.s):
            value = parse_number(m.group(1)) or _EN_WORD_VALUES.get(m.group(1).lower())
            if value and self.free(m.start(), m.end()):
                self.add(m.start(), m.end(), "number", value, "top")
        self.claim_all(_CLOCK)
        for m in _RATIO.finditer(self.s):
            right = float(m.group(2))
            if self.free(m.start(), m.end()) and right > 0:
                self.add(m.start(), m.end(), "ratio", float(m.group(1)) / right, "")
        for m in _PERCENT_OF.finditer(self.s):
            value = 100.0 if m.group(1) == "百" else parse_number(m.group(1))
            if value is not None and self.free(m.start(), m.end()):
                self.add(m.start(), m.end(), "percent", value, "%")
        for m in _ARABIC.finditer(self.s):
            if self.free(m.start(), m.end()):
                self.arabic(m)
        for m in _EN_WORDS.finditer(self.s):
            if self.free(m.start(), m.end()):
                value = _EN_WORD_VALUES[m.group(1).lower()]
                value += _EN_WORD_VALUES[m.group(2).lower()] if m.group(2) else 0.0
                value += 0.5 if m.group(3) else 0.0  # "one and a half percent"
                mult = _EN_SCALE.get((m.group(4) or "").lower(), 1.0)
                # "five million" stands alone as a figure; a bare "five" needs a unit to be one
                self.finish(m.start(), m.end(), value, mult, "", chinese=False, has_decimal=False,
                            lone_one=value == 1 and mult == 1, bare_ok=mult >= 1e3, words=True)
        for m in _EN_A_SCALE.finditer(self.s):
            if self.free(m.start(), m.end()):
                self.finish(m.start(), m.end(), 1.0, _EN_SCALE[m.group(1).lower()], "", chinese=False,
                            has_decimal=False, lone_one=False, bare_ok=True, words=True)
        for m in _CN_RUN.finditer(self.s):
            if self.free(m.start(), m.end()):
                self.chinese(m)
        return sorted(self.figures, key=lambda f: f.start)

    def arabic(self, m: re.Match[str]) -> None:
        s, start, end = self.s, m.start(), m.end()
        if re.match(r"\.[0-9]", s[end:end + 2]):  # version numbers, IP addresses
            self.claim(start, re.compile(r"[0-9.]*").match(s, end).end())  # type: ignore[union-attr]
            return
        value = float(m.group())
        currency = _CURRENCY_PREFIX.search(s, max(0, start - 4), start)
        if currency and currency.group(1) == "R" and value < 100 and not re.match(
                r"[0-9.]*\s*(?:bn|m|k|million|billion|thousand)(?![A-Za-z])", s[start:]):
            currency = None  # "R2" is a release; "R12bn", "R450" are rand
        prefix_unit = _CURRENCY_UNITS[currency.group(1).lower()] if currency else ""
        begin = currency.start() if currency else start
        prev = s[start - 1] if start else ""
        after_letter = _ascii_letter(prev) or (prev == "-" and start > 1 and _ascii_letter(s[start - 2]))
        if not currency and after_letter:  # identifiers such as ISO9001, H5, COVID-19, WMS2.0
            self.claim(start, _alnum_end(s, end))
            return
        mult, pos = 1.0, end
        cn = re.compile(r"[百千万亿]+").match(s, pos)
        en = _EN_MULT_RE.match(s, pos)
        if cn:
            mult, pos = cn_multiplier(cn.group()), cn.end()
        elif en and (en.group(2) in (None, "M") or currency or _EN_MILLIONS_OF.match(s, en.end())):
            mult, pos = _EN_MULT[(en.group(1) or en.group(2) or en.group(3)).lower()], en.end()
        self.finish(begin, pos, value, mult, prefix_unit, chinese=False, lone_one=False,
                    has_decimal="." in m.group())

    def chinese(self, m: re.Match[str]) -> None:
        run, start = m.group(), m.start()
        prev = self.s[start - 1] if start else ""
        if prev and prev in "数几若好上" and run[0] in "十百千万":
            return
        if len(run) > 1 and not any(c in "十百千万亿点" for c in run):
            return
        value = parse_number(run)
        if value is None:
            return
        has_mult = run[-1] in "万亿"
        self.finish(start, m.end(), value, 1.0, "", chinese=True, lone_one=run == "一",
                    has_decimal="点" in run, bare_ok=has_mult)

    def finish(self, begin: int, pos: int, value: float, mult: float, prefix_unit: str, *, chinese: bool,
               lone_one: bool, has_decimal: bool, bare_ok: bool = True, words: bool = False) -> None:
        s = self.s
        number_end = pos
        value *= mult
        if words and not re.match(r"\s", s[pos:pos + 1]) and not (mult >= 1e3 and not s[pos:].strip(" .;,")):
            return
        approx = _APPROX.match(s, pos)
        if approx and not prefix_unit:
            pos = approx.end()
        kind, unit, end = "number", "", pos
        for pattern, k, u in _SUFFIXES:
            sm = pattern.match(s, pos)
            if sm is None or prefix_unit or (chinese and k == "en_count"):
                continue
            if k == "en_count" and sm.group(1).lower() not in _EN_COUNT:
                continue
            kind, unit, end = k, u, sm.end()
            if u == "*":
                word = sm.group(1)
                lower = word.lower()
                unit = _EN_COUNT.get(lower) or _EN_DURATION.get(lower) or _UNIT_ALIASES.get(word, word)
            break
        if (kind == "number" and unit == "" and not prefix_unit and not words
                and _ascii_letter(s[number_end:number_end + 1])):
            self.claim(begin, _alnum_end(s, number_end))  # identifier such as 5G, 4S
            return
        small = value in (1.0, 2.0, 3.0, 4.0, 5.0) and mult == 1.0 and not has_decimal
        if kind == "structural":
            if small and not s[max(0, begin - 4):begin].rstrip("了").endswith(QUANT_VERBS):
                self.claim(begin, end)
                return
            kind, unit = "count", unit[1:] if len(unit) > 2 and unit[0] == "个" else unit
        if prefix_unit:
            kind, unit = "amount", prefix_unit
        elif kind == "percent" and unit == "成":
            if value > 10:
                return
            value, unit = value * 10, "%"
        elif kind == "en_count":
            kind = "count"
        elif kind == "day":
            if mult != 1.0 or not 1 <= value <= 31 or has_decimal:
                return
            kind, unit, value_date = "date", "", (None, None, int(value))
            self.add(begin, end, kind, None, unit, value_date)
            return
        elif kind == "duration" and unit == "年" and mult == 1.0 and _year_like(value, has_decimal):
            self.add(begin, end, "year", value, "", (int(value), None, None))
            return
        if lone_one and (kind == "count" or (kind == "number" and unit == "")) \
                and not (kind == "count" and _counted_one(s[:begin], unit)):
            self.claim(begin, end)
            return
        if kind == "number" and unit == "":
            end = number_end
            if not bare_ok:
                return
            if mult == 1.0 and _year_like(value, has_decimal) and not chinese:
                self.add(begin, end, "year", value, "", (int(value), None, None))
                return
        if kind == "count":
            unit = _UNIT_ALIASES.get(unit, unit)
        self.add(begin, end, kind, value, unit)


_ADDED_ONE = re.compile(r"(?:增加|新增|再加|加|新招|招到|招聘|增设|增开|加开)\s*$")
_CADENCE_BEFORE = re.compile(r"每[^，。；,;]{0,12}$")


def _counted_one(before: str, unit: str) -> bool:
    """A lone 一 that counts: one added (增加一名花艺师, 再加一辆冷藏车) or one per cadence (每周开展一次演练)."""
    per_cadence = unit in ("次", "场", "份", "轮") and bool(_CADENCE_BEFORE.search(before))
    return bool(_ADDED_ONE.search(before[-3:])) or per_cadence


def _year_like(value: float, has_decimal: bool) -> bool:
    return not has_decimal and 1900 <= value <= 2100


def _ascii_letter(ch: str) -> bool:
    return len(ch) == 1 and ch.isascii() and ch.isalpha()


def _alnum_end(s: str, pos: int) -> int:
    match = re.compile(r"[A-Za-z0-9.\-]*[A-Za-z0-9]").match(s, pos)
    return match.end() if match else pos


def extract_figures(text: str) -> list[Figure]:
    """Find every figure (number, percent, amount, count, date, year, quarter, duration, ratio) in text."""
    return list(_extract(text))


@lru_cache(maxsize=32768)  # the drafter and every check read the same fact texts again and again
def _extract(text: str) -> tuple[Figure, ...]:
    return tuple(_Extractor(text).run())


def _units_compatible(a: str, b: str, strict: bool) -> bool:
    if a == b or a in _WILDCARD_UNITS or b in _WILDCARD_UNITS:
        return True
    return not strict and a in _PERCENT_UNITS and b in _PERCENT_UNITS


def _close(x: float, y: float) -> bool:
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)


def figures_match(a: Figure, b: Figure, *, strict: bool = False) -> bool:
    """True when two figures denote the same quantity or compatible dates.

    With `strict`, % and 个百分点 (percentage points) are different units: 55% does not match 55个百分点 (a bare
    number still matches either, as it matches any unit: "10-15%" reads its 10 as bare). Without it (the
    default, kept for callers that only ask whether a number appears at all) a percent matches a
    percentage-point figure of the same value.
    """
    a_date, b_date = a.kind in _DATE_KINDS, b.kind in _DATE_KINDS
    if a_date and b_date:
        return a.date is not None and b.date is not None and dates_match(a.kind, a.date, b.kind, b.date)
    if a_date or b_date:
        year, other = (a, b) if a_date else (b, a)
        if year.kind != "year" or other.kind != "number" or other.unit != "":
            return False
        return year.value is not None and other.value is not None and _close(year.value, other.value)
    if a.value is None or b.value is None:
        return False
    if (a.kind == "ratio") != (b.kind == "ratio"):
        return False
    return _close(a.value, b.value) and _units_compatible(a.unit, b.unit, strict)


class FigureIndex:
    """Figures indexed for `figures_match` lookups, so that asking about each of n figures costs log m, not m.

    `matches(fig)` is `any(figures_match(fig, f) for f in figures)`: a figure with a value can only match one whose
    value `math.isclose` accepts (a window of a sorted list, found by bisection); dates match dates, of which there
    are few distinct ones. Distinct (kind, value, unit, date) are kept once.
    """

    def __init__(self, figures: Iterable[Figure]) -> None:
        self.figures: tuple[Figure, ...] = tuple(figures)
        distinct = {(f.kind, f.value, f.unit, f.date): f for f in self.figures}
        self._dates = [f for f in distinct.values() if f.kind in _DATE_KINDS]
        valued = sorted((f for f in distinct.values() if f.value is not None), key=lambda f: f.value or 0.0)
        self._values = [f.value or 0.0 for f in valued]
        self._valued = valued

    def __len__(self) -> int:
        return len(self.figures)

    def matches(self, fig: Figure, *, strict: bool = False) -> bool:
        """True when some indexed figure matches `fig` (see `figures_match`)."""
        if fig.kind in _DATE_KINDS:
            if any(figures_match(fig, d, strict=strict) for d in self._dates):
                return True
            if fig.kind != "year":  # a date or a quarter matches dates only; a year also matches a bare number
                return False
        if fig.value is None:
            return False
        # isclose(a, b) needs |a - b| <= 1e-9 * max(|a|, |b|) (or <= 1e-12): this window holds every such b.
        slack = 1.1e-9 * abs(fig.value) + 1e-11
        lo, hi = bisect_left(self._values, fig.value - slack), bisect_right(self._values, fig.value + slack)
        return any(figures_match(fig, f, strict=strict) for f in self._valued[lo:hi])


def is_supported(fig: Figure, pool: Sequence[Figure] | FigureIndex, *, strict: bool = True) -> bool:
    """True when some figure in pool matches fig; by default strictly, so a % never supports 个百分点 or back."""
    if isinstance(pool, FigureIndex):
        return pool.matches(fig, strict=strict)
    return any(figures_match(fig, other, strict=strict) for other in pool)
