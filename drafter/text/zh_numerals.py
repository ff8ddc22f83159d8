"""Chinese and Arabic numerals to values: a fast path for standard forms, cn2an (imported lazily) for the rest."""

from __future__ import annotations

import math

_CN_MULT = {"十": 10.0, "百": 100.0, "千": 1e3, "万": 1e4, "亿": 1e8}


def cn_multiplier(chars: str) -> float:
    """Product of the 十/百/千/万/亿 multipliers in `chars`."""
    return math.prod(_CN_MULT[c] for c in chars)


def parse_number(token: str) -> float | None:
    """Parse an Arabic or Chinese numeral (万/亿 expanded); None when it is not a number."""
    try:
        return float(token)
    except ValueError:
        pass
    simple = _simple_chinese(token)
    if simple is not None:
        return simple
    import cn2an  # lazy, and only for forms the fast path does not cover: keeps start-up fast

    try:
        return float(cn2an.cn2an(token, "normal"))
    except (ValueError, KeyError, IndexError, TypeError):
        pass
    core = token.rstrip("万亿")
    if not core or core == token:
        return None
    try:
        return float(cn2an.cn2an(core, "normal")) * cn_multiplier(token[len(core):])
    except (ValueError, KeyError, IndexError, TypeError):
        return None


_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL_UNIT = {"十": 10, "百": 100, "千": 1000}


def _simple_chinese(token: str) -> float | None:
    """Standard-form Chinese integers (三百八十, 十二, 两万三千, 一亿二千万) without cn2an; None otherwise."""
    if not token:
        return None
    if "亿" in token:
        high, _, low = token.partition("亿")
        hi, lo = _simple_chinese(high), (_simple_chinese(low) if low else 0.0)
        return None if hi is None or lo is None else hi * 1e8 + lo
    if "万" in token:
        high, _, low = token.partition("万")
        hi, lo = _below_wan(high), (_below_wan(low) if low else 0)
        return None if hi is None or lo is None else float(hi * 10_000 + lo)
    value = _below_wan(token)
    return None if value is None else float(value)


def _below_wan(token: str) -> int | None:
    total, digit, has_digit = 0, None, False
    for i, ch in enumerate(token):
        if ch in _CN_DIGIT:
            if digit is not None and digit != 0:
                return None  # two digits in a row (三五) is not standard form
            digit, has_digit = _CN_DIGIT[ch], True
        elif ch in _CN_SMALL_UNIT:
            if digit is None and not (ch == "十" and i == 0):
                return None  # 千万别, 百货: a unit needs a digit before it (十 may lead)
            total += (digit if digit is not None else 1) * _CN_SMALL_UNIT[ch]
            digit = None
        else:
            return None
    if not has_digit and total == 0:
        return None
    return total + (digit or 0)
