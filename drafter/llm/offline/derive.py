"""Exact arithmetic on figures as the facts write them: differences, percentage-point changes, percent changes.

Every result is written back in the unit of its inputs ("45分钟", "25分钟" → "20分钟"; "8.2%", "6.9%" → 1.3
points), so a check can redo it from the Derivation. Nothing is derived when the two figures do not share a unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_AMOUNT = re.compile(r"^(?P<pre>[^\d]*?)(?P<num>\d[\d,]*(?:\.\d+)?)(?P<suf>\s*[^\d]*)$")
_DURATION = re.compile(r"^\s*(?:天|日|分钟|小时|秒|周|个月|月|年|days?|minutes?|hours?|weeks?|months?|years?|"
                       r"seconds?)\s*$",
                       re.I)
_COUNTED = re.compile(r"^\s*(?:个|家|人|座|辆|张|间|条|件|次|单|户|名|位|所|台|套|项|款|场|吨|公里|千米|万人|万件|"
                      r"[a-z]+)\s*$", re.I)


@dataclass(frozen=True)
class Amount:
    """A figure split into the text around its number."""

    pre: str
    number: Decimal
    suf: str
    places: int
    grouped: bool


def amount(text: str) -> Amount | None:
    """"380万元" → ('', 380, '万元'); "RMB 19" → ('RMB ', 19, ''); None when it is not one number with a unit."""
    m = _AMOUNT.match(text.strip())
    if not m:
        return None
    raw = m.group("num")
    try:
        number = Decimal(raw.replace(",", ""))
    except InvalidOperation:
        return None
    places = len(raw.split(".")[1]) if "." in raw else 0
    return Amount(m.group("pre"), number, m.group("suf"), places, "," in raw)


def _fmt(value: Decimal, places: int, grouped: bool) -> str:
    value = abs(value).quantize(Decimal(1).scaleb(-places)) if places else abs(value).quantize(Decimal(1))
    text = f"{value:,}" if grouped else f"{value}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@dataclass(frozen=True)
class Result:
    """A derived figure: what the statement writes, and how it was computed."""

    op: str
    inputs: list[str]
    text: str
    sign: int  # +1 a rise, -1 a fall


def change(before: str, after: str, pp_unit: str) -> Result | None:
    """after − before in the inputs' own unit; percentage points for two percentages; None across units."""
    a, b = amount(before), amount(after)
    if a is None or b is None or a.pre != b.pre or a.suf.strip() != b.suf.strip() or a.number == b.number:
        return None
    places = max(a.places, b.places)
    diff = b.number - a.number
    sign = 1 if diff > 0 else -1
    if a.suf.strip() in ("%", "％"):
        return Result("change", [before, after], f"{_fmt(diff, places, False)}{pp_unit}", sign)
    if not (a.pre or a.suf.strip()):
        return None  # bare numbers carry no unit to agree on: nothing is derived from them
    return Result("difference", [before, after], f"{a.pre}{_fmt(diff, places, a.grouped or b.grouped)}{a.suf}", sign)


def percent_change(before: str, after: str) -> Result | None:
    """(after − before) / before, rounded to a whole percent; None when before is zero or the units differ."""
    a, b = amount(before), amount(after)
    if a is None or b is None or not (a.pre or a.suf.strip()) or a.number == 0 or a.pre != b.pre \
            or a.suf.strip() != b.suf.strip():
        return None
    pct = (b.number - a.number) / a.number * 100
    text = f"{abs(pct).quantize(Decimal(1))}%"
    return Result("percent_change", [before, after], text, 1 if pct > 0 else -1)


def share(part: str, whole: str) -> Result | None:
    """part / whole as a whole percent; None across units, for a zero whole, or when the part exceeds the whole."""
    a, b = amount(part), amount(whole)
    if a is None or b is None or not (a.pre or a.suf.strip()) or b.number == 0 or a.number >= b.number \
            or a.pre != b.pre or a.suf.strip() != b.suf.strip():
        return None
    pct = a.number / b.number * 100
    return Result("share", [part, whole], f"{pct.quantize(Decimal(1))}%", 1)


def gap(current: str, target: str, pp_unit: str) -> Result | None:
    """target − current, in the inputs' unit (percentage points for percentages)."""
    found = change(current, target, pp_unit)
    if found is None or found.op == "percent_change":
        return None
    return Result("gap", [target, current], found.text, found.sign)
