"""Arithmetic on figures as written: is a derived figure (a difference, a change, a ratio, a share, a gap) right?

Figures are strings as a text writes them ("40天", "73%", "3个百分点", "1,200万元", "1.5倍", "x1.5"), read by
`drafter.text.figures`. Rules:

- Units must agree. Both inputs have the same kind and unit after scaling (万/亿/k/M are scaled: 1.2亿元 and
  3000万元 are both 元; 天 and 周, 元 and 美元, 元 and a bare number do not mix).
- % and 个百分点 are different units. A difference or gap of two % figures is in percentage points (3个百分点,
  3 pp), never in %; of two 个百分点 figures it is in 个百分点. Rates take no percent change, share or ratio:
  "提升4%" for 91% → 95% is the %/个百分点 mix-up, not a relative change, and is rejected.
- difference/change: b − a; gap: |target − current| (a distance, either order); percent_change: (b − a) / a,
  a result in %; share: a / b, in %; ratio: a / b, in 倍 (1.5倍, 1.5x, x1.5, 1.5 times).
- Rounded as written: the result's own written precision is the rounding step (8天 → 1天, 12.5% → 0.1%,
  3000万元 → 1万元, 0.3亿元 → 0.1亿元, 三成 → 10%); trailing zeros count as written, and 约/about do not widen it.
  The computed value is rounded half-up (四舍五入: half away from zero, on the magnitude) to that step and must
  equal the result: for 80 → 90 (+12.5%), "12.5%" and "13%" are right, "12%" is not (banker's rounding would
  give 12; drafter does not use it).
- Sign per wording: a result worded as a fall (减少/下降/缩短/降低/down/fell/lower…) is the positive magnitude of a
  negative change, one worded as a rise (增加/提升/增长/up/rose/higher…) of a positive change; a result written
  with a minus sign is negative; an unworded, unsigned result is a magnitude and matches either direction.
- Anything unparseable (not exactly one quantity figure per string, an unknown op, a zero denominator) is False.

`derived_from_sources` asks the same of a figure against every pair of same-unit source figures, as magnitudes in
either order (a text's order is not a time order). It uses no bare numbers (no unit, so no agreement to check:
"52 zones" and "290 drivers" are both bare), takes a share only up to 100%, and never pairs a figure with itself.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from drafter.text.figures import Figure, FigureIndex, extract_figures, normalize_text

OPS = ("difference", "change", "percent_change", "ratio", "share", "gap")
Dim = tuple[str, str]
PERCENT: Dim = ("percent", "%")
POINTS: Dim = ("percent", "pp")
TIMES: Dim = ("number", "倍")
BARE: Dim = ("number", "")
_QUANTITY_KINDS = frozenset({"number", "percent", "amount", "count", "duration"})
_TIMES_PREFIX = re.compile(r"(?<![A-Za-z0-9.])[x×]\s*([0-9]+(?:\.[0-9]+)?)(?![0-9A-Za-z.])", re.I)
_MINUS = re.compile(r"(?:(?<![0-9A-Za-z])[-−–]|负)\s*$")
_FALL = re.compile(
    r"减少|下降|下滑|下跌|降低|降至|降到|缩短|缩减|缩小|收窄|压缩|回落|减|降|跌|少了|节省|节约|短了"
    r"|(?i:\b(?:down|fell|fall(?:s|en|ing)?|drop(?:s|ped)?|decreas(?:e|es|ed|ing)|declin(?:e|es|ed|ing)"
    r"|lower|less|fewer|shorter|reduc(?:e|es|ed|ing|tion)|cut|shr[ai]nk|shrunk|minus|saved?)\b)"
)
_RISE = re.compile(
    r"增加|增长|提升|提高|上升|上涨|增至|增到|升至|扩大|延长|多了|增|升|涨"
    r"|(?i:\b(?:up|rose|ris(?:e|es|en|ing)|gr[eo]w(?:s|n|th|ing)?|increas(?:e|es|ed|ing)|higher|more|longer"
    r"|gain(?:s|ed)?|added|plus|expand(?:s|ed)?)\b)"
)
_ARABIC = re.compile(r"[0-9]+(?:\.([0-9]+))?")
_CN_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+(?:点([零〇一二三四五六七八九]+))?([万亿]*)")
_EN_SCALE = re.compile(r"(?i)\b(hundred|thousand|million|billion)\b")
_EN_SCALES = {"hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9}
_CN_SCALES = {"万": 1e4, "亿": 1e8}


@dataclass(frozen=True)
class Quantity:
    """A figure ready for arithmetic: signed value, dimension (kind, unit), rounding step, and wording (+1/-1/0)."""

    value: float
    dim: Dim
    step: float
    direction: int = 0


def dimension(fig: Figure) -> Dim | None:
    """(kind, unit) of a figure that arithmetic may use; None for dates, years, quarters, ranks and ratios."""
    if fig.kind not in _QUANTITY_KINDS or fig.value is None or fig.unit == "top":
        return None
    return fig.kind, fig.unit


def written_step(fig: Figure) -> float:
    """The rounding step a figure's written form shows: 8天 → 1, 12.5% → 0.1, 3000万元 → 1e4, 三成 → 10."""
    s = normalize_text(fig.text)
    value = abs(fig.value or 0.0)
    arabic = _ARABIC.search(s)
    if arabic:
        mantissa = float(arabic.group())
        scale = value / mantissa if mantissa else 1.0
        return 10.0 ** -len(arabic.group(1) or "") * scale
    cn = _CN_NUMERAL.search(s.replace("百分之", ""))
    if cn:
        decimals = len(cn.group(1) or "")
        trailing = cn.group(2) if cn.group(1) else cn.group()[len(cn.group().rstrip("万亿")):]
        scale = math.prod(_CN_SCALES[c] for c in trailing)
        return 10.0 ** -decimals * scale * (10.0 if "成" in s[cn.end():] else 1.0)
    en = _EN_SCALE.search(s)
    return _EN_SCALES[en.group(1).lower()] if en else 1.0


def quantity_of(fig: Figure, context: str = "") -> Quantity | None:
    """A Quantity from an extracted figure; `context` (the text it came from) gives its minus sign and wording."""
    dim = dimension(fig)
    if dim is None or fig.value is None:
        return None
    sign = -1.0 if context and _MINUS.search(context[:fig.start]) else 1.0
    rest = context[:fig.start] + " " + context[fig.end:] if context else ""
    fall, rise = bool(_FALL.search(rest)), bool(_RISE.search(rest))
    direction = -1 if fall and not rise else 1 if rise and not fall else 0
    return Quantity(sign * fig.value, dim, written_step(fig), direction)


def parse_quantity(text: str) -> Quantity | None:
    """The one quantity figure in `text` ("40天", "缩短了8天", "up 3 pp", "x1.5"); None when there is not exactly one.

    Dates, years and quarters in the text are ignored; wording around the figure gives its direction.
    """
    text = _TIMES_PREFIX.sub(lambda m: m.group(1) + "倍", text)
    figures = [f for f in extract_figures(text) if dimension(f) is not None]
    if len(figures) != 1:
        return None
    return quantity_of(figures[0], text)


def _round_half_up(x: float, step: float) -> int:
    """x in units of step, rounded half away from zero (float noise of 1e-9 relative is forgiven)."""
    k = abs(x) / step
    n = math.floor(k + 0.5 + 1e-9 * max(1.0, k))
    return n if x >= 0 else -n


def _rounds_to(computed: float, result: float, step: float) -> bool:
    return step > 0 and _round_half_up(computed, step) == round(result / step)


def _signed_ok(computed: float, result: Quantity) -> bool:
    """A change against its written result: signed by wording or minus sign, else a magnitude."""
    if result.direction:
        return _rounds_to(computed, result.direction * abs(result.value), result.step)
    if result.value < 0:
        return _rounds_to(computed, result.value, result.step)
    return _rounds_to(abs(computed), result.value, result.step)


def _difference_dim(dim: Dim) -> Dim:
    return POINTS if dim == PERCENT else dim


def check_derivation(op: str, inputs: Sequence[str], result: str) -> bool:
    """True when `result` is `op` of the two `inputs` (figure strings as written), units agreeing, rounded as written.

    difference/change: b − a (sign per wording); gap: |target − current|; percent_change: (b − a) / a as %;
    ratio: a / b in 倍; share: a / b as %. See the module docstring for the rules.
    """
    if op not in OPS or isinstance(inputs, str) or len(inputs) != 2:
        return False
    a, b, r = parse_quantity(inputs[0]), parse_quantity(inputs[1]), parse_quantity(result)
    if a is None or b is None or r is None or a.dim != b.dim:
        return False
    if op in ("difference", "change", "gap"):
        if r.dim != _difference_dim(a.dim):
            return False
        delta = b.value - a.value
        return _rounds_to(abs(delta), abs(r.value), r.step) if op == "gap" else _signed_ok(delta, r)
    if a.dim in (PERCENT, POINTS):
        return False  # a change of a rate is in points: "提升4%" for 91% → 95% is the mix-up, not a relative change
    if op == "percent_change":
        return r.dim == PERCENT and a.value != 0 and _signed_ok((b.value - a.value) / abs(a.value) * 100, r)
    if b.value == 0:
        return False
    if op == "ratio":
        return r.dim == TIMES and _rounds_to(a.value / b.value, r.value, r.step)
    return r.dim == PERCENT and _rounds_to(a.value / b.value * 100, r.value, r.step)


class SourceFigures:
    """The figures of a set of source texts, extracted once and grouped by dimension (sorted distinct values).

    `figures` keeps every figure (for plain matching); `groups` holds, per (kind, unit), the sorted distinct
    positive values that derivations may use (bare numbers excluded).

    Build it once per facts file and pass it to `derived_from_sources` (and to grounding) for every draft figure.
    """

    def __init__(self, figures: Iterable[Figure]) -> None:
        self.figures: tuple[Figure, ...] = tuple(figures)
        self.index = FigureIndex(self.figures)  # for plain matching of many figures
        groups: dict[Dim, set[float]] = {}
        for fig in self.figures:
            dim = dimension(fig)
            if dim is not None and dim != BARE and fig.value is not None and fig.value > 0:
                groups.setdefault(dim, set()).add(fig.value)
        self.groups: dict[Dim, list[float]] = {dim: sorted(values) for dim, values in groups.items()}

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> SourceFigures:
        """Extract every figure of `texts` once."""
        return cls(fig for text in texts for fig in extract_figures(text))

    def derives(self, result: Quantity) -> bool:
        """True when two source figures of one dimension give `result` by one op (as a magnitude, either order)."""
        r, step = abs(result.value), result.step
        if r == 0 or step <= 0:
            return False
        target = round(r / step)
        lo, hi = r - step / 2, r + step / 2

        def ok(computed: float) -> bool:
            return _round_half_up(computed, step) == target

        if result.dim == POINTS:
            return any(_difference(self.groups.get(d, []), lo, hi, ok) for d in (PERCENT, POINTS))
        quantities = [v for d, v in self.groups.items() if d not in (PERCENT, POINTS)]
        if result.dim == PERCENT:
            return any(_percent_change(v, lo, hi, ok) or (r <= 100 and _quotient(v, lo / 100, hi / 100, ok, 100))
                       for v in quantities)
        if result.dim == TIMES:
            return any(_quotient(v, lo, hi, ok, 1) for v in quantities)
        return _difference(self.groups.get(result.dim, []), lo, hi, ok)


def _window(values: Sequence[float], low: float, high: float) -> Sequence[float]:
    """Values in [low, high], widened by float noise; callers verify each candidate exactly."""
    tol = 1e-9 * max(1.0, abs(low), abs(high))
    return values[bisect_left(values, low - tol):bisect_right(values, high + tol)]


def _difference(values: Sequence[float], lo: float, hi: float, ok: Callable[[float], bool]) -> bool:
    return any(ok(b - a) for a in values for b in _window(values, a + lo, a + hi))


def _quotient(values: Sequence[float], lo: float, hi: float, ok: Callable[[float], bool], factor: float) -> bool:
    """Some a / b (× factor) in values, a and b distinct, rounds to the result; a lies in [b·lo, b·hi]."""
    return any(ok(a / b * factor) for b in values for a in _window(values, b * lo, b * hi) if a != b)


def _percent_change(values: Sequence[float], lo: float, hi: float, ok: Callable[[float], bool]) -> bool:
    """Some |b − a| / a as % (a rise or a fall) rounds to the result."""
    for a in values:
        rises = _window(values, a * (1 + lo / 100), a * (1 + hi / 100))
        falls = _window(values, a * (1 - hi / 100), a * (1 - lo / 100)) if lo < 100 else []
        if any(ok(abs(b - a) / a * 100) for b in (*rises, *falls) if b != a):
            return True
    return False


def derived_from_sources(figure: str | Figure, sources: Sequence[str] | SourceFigures) -> bool:
    """True when `figure` (as written, with its unit) is one op of two same-unit figures of the source texts.

    `sources` is the source texts, or a SourceFigures built once from them (then each draft figure costs
    O(n log n) in the size of its unit's group, not a scan of every pair). The ops are those of
    `check_derivation`, taken as magnitudes in either order: a difference or gap (same unit; two % figures give
    个百分点), a percent change or a share ≤ 100% of non-rates (→ %), a ratio of non-rates (→ 倍); rounded as the
    figure is written. Bare numbers take no part.
    """
    quantity = parse_quantity(figure) if isinstance(figure, str) else quantity_of(figure)
    if quantity is None:
        return False
    if not isinstance(sources, SourceFigures):
        sources = SourceFigures.from_texts([sources] if isinstance(sources, str) else sources)
    return sources.derives(quantity)
