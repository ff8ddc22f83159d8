"""Tests for drafter.text.figures: figure extraction, normalisation and matching (zh + en)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from drafter.text.figures import Figure, extract_figures, figures_match, is_supported, normalize_text
from drafter.text.time_expressions import DateTuple

# (text, surface, kind, value, unit)
FOUND: list[tuple[str, str, str, float | None, str]] = [
    ("华东地区42家门店", "42家", "count", 42, "家"),
    ("员工380人", "380人", "count", 380, "人"),
    ("复购率28%", "28%", "percent", 28, "%"),
    ("复购率28％", "28％", "percent", 28, "%"),
    ("预算3.5万元", "3.5万元", "amount", 35_000, "元"),
    ("营收1,200万元", "1,200万元", "amount", 12_000_000, "元"),
    ("GMV 1.2亿", "1.2亿", "number", 120_000_000, ""),
    ("月租¥3,000", "¥3,000", "amount", 3000, "元"),
    ("月租￥3000", "￥3000", "amount", 3000, "元"),
    ("ARR of $1.5M", "$1.5M", "amount", 1_500_000, "usd"),
    ("reach 15k members", "15k", "number", 15_000, ""),
    ("open 12 stores", "12 stores", "count", 12, "家"),
    ("up 35 percent", "35 percent", "percent", 35, "%"),
    ("keep shrink under one and a half percent", "one and a half percent", "percent", 1.5, "%"),
    ("RMB 3,000 per store", "RMB 3,000", "amount", 3000, "元"),
    ("revenue of $2.5 million", "$2.5 million", "amount", 2_500_000, "usd"),
    ("员工三百八十人", "三百八十人", "count", 380, "人"),
    ("会员突破两万", "两万", "number", 20_000, ""),
    ("费用八百万元", "八百万元", "amount", 8_000_000, "元"),
    ("退货率百分之十五", "百分之十五", "percent", 15, "%"),
    ("退货率百分之十二点五", "百分之十二点五", "percent", 12.5, "%"),
    ("客单价提升三成", "三成", "percent", 30, "%"),
    ("营收增长一倍", "一倍", "number", 1, "倍"),
    ("新开十二家门店", "十二家", "count", 12, "家"),
    ("提升5个百分点", "5个百分点", "percent", 5, "pp"),
    ("提升五个百分点", "五个百分点", "percent", 5, "pp"),
    ("提升0.5个百分点", "0.5个百分点", "percent", 0.5, "pp"),
    ("lift conversion by 5 percentage points", "5 percentage points", "percent", 5, "pp"),
    ("三个月内完成", "三个月内", "duration", 3, "月"),
    ("90天内完成", "90天内", "duration", 90, "天"),
    ("within 90 days", "90 days", "duration", 90, "天"),
    ("six weeks later", "six weeks", "duration", 6, "周"),
    ("响应控制在30秒以内", "30秒以内", "duration", 30, "秒"),
    ("人效比1:8", "1:8", "ratio", 0.125, ""),
    ("人效比1：8", "1：8", "ratio", 0.125, ""),
    ("30多家门店", "30多家", "count", 30, "家"),
    ("新增企业客户一百二十家", "一百二十家", "count", 120, "家"),
    ("两千五百万元", "两千五百万元", "amount", 25_000_000, "元"),
    ("完成3项认证", "3项", "count", 3, "项"),
    ("新开两家门店", "两家", "count", 2, "家"),
    ("reduce costs by fifteen percent", "fifteen percent", "percent", 15, "%"),
    ("open three new stores", "three new stores", "count", 3, "家"),
    ("hire twenty-five staff", "twenty-five staff", "count", 25, "人"),
    ("排名进入前三", "前三", "number", 3, "top"),
    ("reach the top 3 in", "top 3", "number", 3, "top"),
    ("提升3个点", "3个点", "percent", 3, "pp"),
    ("月均2万单", "2万单", "count", 20_000, "单"),
    ("成本降低300万元", "300万元", "amount", 3_000_000, "元"),
    ("３８０人", "３８０人", "count", 380, "人"),
]


@pytest.mark.parametrize(("text", "surface", "kind", "value", "unit"), FOUND)
def test_figure_found(text: str, surface: str, kind: str, value: float, unit: str) -> None:
    figures = extract_figures(text)
    matching = [f for f in figures if f.text == surface]
    assert matching, f"{surface!r} not in {[f.text for f in figures]}"
    fig = matching[0]
    assert (fig.kind, fig.unit) == (kind, unit)
    assert fig.value == pytest.approx(value)
    assert text[fig.start:fig.end] == surface


DATE_LIKE: list[tuple[str, str, str, DateTuple]] = [
    ("2025年12月31日前完成", "2025年12月31日", "date", (2025, 12, 31)),
    ("12月31日前完成", "12月31日", "date", (None, 12, 31)),
    ("deadline 2025-12-31", "2025-12-31", "date", (2025, 12, 31)),
    ("截止2025/12/31", "2025/12/31", "date", (2025, 12, 31)),
    ("截至6月30日", "6月30日", "date", (None, 6, 30)),
    ("2025年10月起", "2025年10月", "date", (2025, 10, None)),
    ("by Dec 31, 2025", "Dec 31, 2025", "date", (2025, 12, 31)),
    ("by December 31 2025", "December 31 2025", "date", (2025, 12, 31)),
    ("by 31 December 2025", "31 December 2025", "date", (2025, 12, 31)),
    ("二〇二五年十二月", "二〇二五年十二月", "date", (2025, 12, None)),
    ("十二月三十一日前", "十二月三十一日", "date", (None, 12, 31)),
    ("2025年营收", "2025年", "year", (2025, None, None)),
    ("in 2025 we", "2025", "year", (2025, None, None)),
    ("FY2025 budget", "FY2025", "year", (2025, None, None)),
    ("2025年Q3完成", "2025年Q3", "quarter", (2025, 7, None)),
    ("2025Q4完成", "2025Q4", "quarter", (2025, 10, None)),
    ("by Q3 2025", "Q3 2025", "quarter", (2025, 7, None)),
    ("第四季度完成", "第四季度", "quarter", (None, 10, None)),
    ("2025年第三季度", "2025年第三季度", "quarter", (2025, 7, None)),
    ("in the third quarter of 2025", "third quarter of 2025", "quarter", (2025, 7, None)),
]


@pytest.mark.parametrize(("text", "surface", "kind", "date"), DATE_LIKE)
def test_date_like_found(text: str, surface: str, kind: str, date: DateTuple) -> None:
    figures = [f for f in extract_figures(text) if f.text == surface]
    assert figures, [f.text for f in extract_figures(text)]
    assert (figures[0].kind, figures[0].date) == (kind, date)


NOT_FIGURES = [
    "第一", "第二阶段", "第3名", "一、明确运营目标", "## 3. Goals", "1. 提升复购率", "1、目标",
    "(1) 目标", "（2）目标", "Section 2", "the 12th store", "两项重点", "三个方面", "四个环节",
    "几个维度", "一是提升，二是优化", "一方面", "一系列", "一定", "一起", "一直", "统一", "进一步",
    "一体化", "一线", "唯一", "第一时间", "一站式", "万一", "两者", "双方", "one of the", "two-way",
    "三大举措", "三点建议", "三条措施", "ISO9001", "ISO 9001", "H5", "B2B", "5G", "O2O", "4S店",
    "COVID-19", "WMS2.0", "V2", "Q&A", "CRM 3.0版本", "SOC 2 Type II", "POS version 5", "version 2.0.1",
    "一些", "一般", "千万别", "百货", "三明治", "数十家", "上百家", "十几家", "两三家", "三五成群",
    "一个方案", "一家企业", "一种方法", "10:30开会", "一次", "一成不变",
]


@pytest.mark.parametrize("text", NOT_FIGURES)
def test_not_a_figure(text: str) -> None:
    assert extract_figures(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("门店42，380人", ["42", "380人"]),  # a full-width comma separates clauses, not thousands
        ("2025年10月至12月", ["2025年10月", "12月"]),
        ("重点做好两项工作，新增会员2万人", ["2万人"]),
        ("10-15%", ["10", "15%"]),
        ("二、数据分析\n1. 华东42家门店", ["42家"]),
        ("目前3家，提前3天", ["3家", "3天"]),  # 前 here is not a rank ("前三")
    ],
)
def test_figure_surfaces(text: str, expected: list[str]) -> None:
    assert [f.text for f in extract_figures(text)] == expected


def test_structural_count_after_quantitative_verb_is_a_figure() -> None:
    assert [f.text for f in extract_figures("完成三项认证")] == ["三项"]
    assert extract_figures("做好三项工作") == []


def test_offsets_point_into_original_text() -> None:
    text = "２０２５年，门店１,２００家，复购率２８％，预算¥3,000。"
    for fig in extract_figures(text):
        assert text[fig.start:fig.end] == fig.text
    assert [f.value for f in extract_figures(text)] == [2025, 1200, 28, 3000]


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("２８％", "28%"),
        ("1,200万元", "1200万元"),
        ("１，２００", "1,200"),
        ("12,345.67元", "12345.67元"),
        ("Dec 31, 2025", "Dec 31, 2025"),
        ("1,2345", "1,2345"),
    ],
)
def test_normalize_text(raw: str, normalized: str) -> None:
    assert normalize_text(raw) == normalized


def _one(text: str) -> Figure:
    figures = extract_figures(text)
    assert len(figures) == 1, figures
    return figures[0]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("3.5万元", "35000元", True),
        ("3.5万", "3.5万元", True),
        ("1,200万元", "1200万元", True),
        ("28%", "百分之二十八", True),
        ("三成", "30%", True),
        ("5个百分点", "5%", True),
        ("380人", "三百八十人", True),
        ("380名", "380人", True),
        ("42家", "42人", False),
        ("28%", "35%", False),
        ("2025年12月31日", "12月31日", True),
        ("2025年12月31日", "2025-12-31", True),
        ("2025年12月31日", "2024年12月31日", False),
        ("2025年", "2025年12月31日", True),
        ("2025年", "12月31日", False),
        ("2025年第四季度", "2025年11月", True),
        ("第四季度", "2025年Q4", True),
        ("2025年Q3", "2025年Q4", False),
        ("1:8", "1：8", True),
        ("1:8", "0.125", False),
        ("$1.5M", "1500000 dollars", True),
    ],
)
def test_figures_match(a: str, b: str, expected: bool) -> None:
    assert figures_match(_one(a), _one(b)) is expected
    assert figures_match(_one(b), _one(a)) is expected


def test_is_supported() -> None:
    pool = extract_figures("华东地区42家门店，员工380人；2025年12月31日前复购率从28%提升到35%")
    assert is_supported(_one("门店数量42家"), pool)
    assert is_supported(_one("截至12月31日"), pool)
    assert not is_supported(_one("门店数量45家"), pool)
    assert not is_supported(_one("复购率40%"), [])


def test_cn2an_is_imported_lazily() -> None:
    code = "import sys, drafter.text.figures, drafter.text.time_expressions; print('cn2an' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("text", "surface", "kind", "value", "unit"),
    [
        ("up 5 pts", "5 pts", "percent", 5, "pp"),
        ("up 5 percent points", "5 percent points", "percent", 5, "pp"),
        ("提升十五个百分点", "十五个百分点", "percent", 15, "pp"),
        ("占比百分之二十", "百分之二十", "percent", 20, "%"),
        ("up 55 per cent", "55 per cent", "percent", 55, "%"),
        ("营收是去年的1.5x", "1.5x", "number", 1.5, "倍"),
        ("revenue is 1.5 times last year's", "1.5 times", "number", 1.5, "倍"),
    ],
)
def test_points_and_times_units(text: str, surface: str, kind: str, value: float, unit: str) -> None:
    fig = _one(text)
    assert (fig.text, fig.kind, fig.unit) == (surface, kind, unit)
    assert fig.value == pytest.approx(value)


@pytest.mark.parametrize(("a", "b"), [("55%", "55个百分点"), ("百分之十五", "十五个百分点"), ("5 pp", "5 per cent"),
                                      ("三成", "30个百分点")])
def test_strict_match_tells_percent_from_points(a: str, b: str) -> None:
    assert figures_match(_one(a), _one(b), strict=True) is False
    assert figures_match(_one(b), _one(a), strict=True) is False
    assert figures_match(_one(a), _one(b)) is True  # the lenient default is unchanged


def test_is_supported_keeps_percent_and_points_apart() -> None:
    assert not is_supported(_one("提升了55个百分点"), extract_figures("外卖订单占比55%"))
    assert not is_supported(_one("同比增长十五个百分点"), extract_figures("同比增长15%"))
    assert not is_supported(_one("毛利率提升5%"), extract_figures("毛利率提升5个百分点"))
    assert is_supported(_one("提升了55个百分点"), extract_figures("外卖订单占比55%"), strict=False)
    assert is_supported(_one("占比百分之五十五"), extract_figures("外卖订单占比55%"))
    assert is_supported(_one("毛利率10%"), extract_figures("毛利率目标10-15%"))  # a bare 10 matches any unit
