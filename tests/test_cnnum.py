"""Chinese numerals: the fast path agrees with cn2an, and non-standard forms are refused, not guessed."""

from __future__ import annotations

import pytest

from drafter.text.zh_numerals import _simple_chinese, parse_number

STANDARD = ["零", "一", "十", "十二", "二十", "九十九", "一百", "三百八十", "一千零五", "三千零五十", "两万三千",
            "十万", "二十万", "一百万", "八百万", "一亿", "一亿二千万", "三亿零五百万", "九千九百九十九"]


@pytest.mark.parametrize("token", STANDARD)
def test_fast_path_matches_cn2an(token: str) -> None:
    import cn2an

    assert _simple_chinese(token) == float(cn2an.cn2an(token.replace("两", "二"), "normal"))


@pytest.mark.parametrize("token", ["千万", "百", "三五", "万", "点", "百货", ""])
def test_non_standard_forms_are_not_guessed_by_the_fast_path(token: str) -> None:
    assert _simple_chinese(token) is None


@pytest.mark.parametrize(("token", "value"), [("42", 42.0), ("3.5", 3.5), ("三点五", 3.5), ("两万", 20000.0),
                                              ("三百八十", 380.0)])
def test_parse_number(token: str, value: float | None) -> None:
    assert parse_number(token) == value
