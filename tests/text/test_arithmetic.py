"""Tests for drafter.text.arithmetic: derived figures are accepted only when the arithmetic checks."""

from __future__ import annotations

import pytest

from drafter.text import arithmetic
from drafter.text.arithmetic import (
    BARE,
    POINTS,
    SourceFigures,
    check_derivation,
    derived_from_sources,
    parse_quantity,
    written_step,
)
from drafter.text.figures import extract_figures

# (op, inputs, result, expected)
DERIVATIONS: list[tuple[str, list[str], str, bool]] = [
    # difference / change: b − a, a fall worded as a fall is a positive magnitude
    ("difference", ["40天", "32天"], "缩短了8天", True),
    ("difference", ["40天", "32天"], "8天", True),
    ("difference", ["40天", "32天"], "-8天", True),
    ("difference", ["40 days", "32 days"], "down 8 days", True),
    ("change", ["32天", "40天"], "延长了8天", True),
    ("difference", ["四十天", "三十二天"], "缩短八天", True),
    ("difference", ["40天", "32天"], "缩短了9天", False),  # wrong arithmetic
    ("difference", ["40天", "32天"], "增加了8天", False),  # wording says a rise, the data a fall
    ("difference", ["32天", "40天"], "-8天", False),
    # % inputs give a difference in percentage points, never in %
    ("difference", ["70%", "73%"], "3个百分点", True),
    ("difference", ["70%", "73%"], "提升三个百分点", True),
    ("difference", ["70%", "73%"], "up 3 percentage points", True),
    ("difference", ["70%", "73%"], "3 pp", True),
    ("difference", ["70%", "73%"], "3 pts", True),
    ("difference", ["百分之二十", "百分之三十五"], "十五个百分点", True),
    ("difference", ["5个百分点", "8个百分点"], "3个百分点", True),
    ("difference", ["70%", "73%"], "3%", False),
    ("difference", ["百分之二十", "百分之三十五"], "百分之十五", False),
    ("difference", ["20%", "35%"], "下降15个百分点", False),
    ("percent_change", ["91%", "95%"], "4%", False),  # a rate changes in points: 4% here is the mix-up
    ("share", ["20%", "80%"], "25%", False),
    # percent_change: (b − a) / a, rounded as written, half-up
    ("percent_change", ["80万元", "90万元"], "增长约12.5%", True),
    ("percent_change", ["80", "90"], "增长13%", True),  # 12.5 → 13 half-up
    ("percent_change", ["80", "90"], "增长12%", False),  # banker's rounding would give 12: not used
    ("percent_change", ["80", "90"], "增长12.4%", False),
    ("percent_change", ["80", "90"], "增长12.50%", True),
    ("percent_change", ["90", "80"], "下降11.1%", True),
    ("percent_change", ["90", "80"], "增长11.1%", False),
    ("percent_change", ["80家", "104家"], "提升三成", True),  # 30% as 三成: rounded to 10%
    ("percent_change", ["80", "90"], "12.5个百分点", False),
    # ratio: a / b in 倍
    ("ratio", ["1,200万元", "800万元"], "1.5倍", True),
    ("ratio", ["1,200万元", "800万元"], "x1.5", True),
    ("ratio", ["1,200万元", "800万元"], "×1.5", True),
    ("ratio", ["$1.2M", "$800k"], "1.5x", True),
    ("ratio", ["1,200万元", "800万元"], "1.5 times", True),
    ("ratio", ["1,200万元", "800万元"], "2倍", True),  # rounded to a whole 倍 as written
    ("ratio", ["1,200万元", "800万元"], "1.6倍", False),
    ("ratio", ["1,200万元", "800万元"], "150%", False),
    # share: a / b as %
    ("share", ["300万元", "1,200万元"], "25%", True),
    ("share", ["300万元", "1,200万元"], "占比百分之二十五", True),
    ("share", ["1元", "8元"], "13%", True),  # 12.5 → 13
    ("share", ["1元", "8元"], "12%", False),
    ("share", ["300万元", "1,200万元"], "25个百分点", False),
    ("share", ["300万元", "0万元"], "25%", False),  # zero denominator
    # gap: |target − current|
    ("gap", ["95%", "91%"], "4个百分点", True),
    ("gap", ["91%", "95%"], "距目标还差4个百分点", True),
    ("gap", ["95%", "91%"], "4%", False),
    ("gap", ["60家", "48家"], "12家", True),
    ("gap", ["60家", "48家"], "12人", False),
    # 万/亿 scaling, rounded as written
    ("difference", ["1.2亿元", "1.5亿元"], "增加3000万元", True),
    ("difference", ["1.2亿元", "1.5亿元"], "增加0.3亿元", True),
    ("difference", ["1.2亿元", "1.5亿元"], "增加三千万元", True),
    ("difference", ["1.2亿元", "1.5亿元"], "增加30,000,000元", True),
    ("difference", ["1.2亿元", "1.5亿元"], "增加300万元", False),
    ("difference", ["1.2亿元", "1.5亿元"], "增加3000元", False),
    ("difference", ["1.23亿元", "1.5亿元"], "增加0.3亿元", True),  # 0.27 rounds to 0.3 at 0.1亿
    ("difference", ["1.23亿元", "1.5亿元"], "增加2700万元", True),
    ("difference", ["1.23亿元", "1.5亿元"], "增加3000万元", False),  # 2700万 at 1万 precision
    # mixed units
    ("difference", ["1.2亿元", "1.5亿元"], "增加3000万", False),  # 元 against a bare number
    ("difference", ["40天", "32周"], "8天", False),
    ("difference", ["40天", "32人"], "8天", False),
    ("difference", ["40天", "32天"], "8人", False),
    ("difference", ["1,200万元", "$800"], "400", False),
    ("ratio", ["40天", "20人"], "2倍", False),
    ("difference", ["70%", "73个百分点"], "3个百分点", False),
    # unparseable
    ("difference", ["很多", "32天"], "8天", False),
    ("difference", ["40天"], "8天", False),
    ("difference", ["40天", "32天", "1天"], "8天", False),
    ("difference", ["40天和50天", "32天"], "8天", False),
    ("difference", ["40天", "32天"], "", False),
    ("average", ["40天", "32天"], "36天", False),
    ("difference", ["2024年", "2025年"], "1年", False),  # years are dates, not quantities
]


@pytest.mark.parametrize(("op", "inputs", "result", "expected"), DERIVATIONS)
def test_check_derivation(op: str, inputs: list[str], result: str, expected: bool) -> None:
    assert check_derivation(op, inputs, result) is expected


@pytest.mark.parametrize(
    ("text", "step"),
    [("8天", 1), ("12.5%", 0.1), ("12.50%", 0.01), ("3000万元", 1e4), ("0.3亿元", 1e7), ("1,200万元", 1e4),
     ("三成", 10), ("百分之十二点五", 0.1), ("两千五百万元", 1e4), ("一点二亿元", 1e7), ("$2.5 million", 1e5),
     ("fifteen percent", 1), ("十五个百分点", 1)],
)
def test_written_step(text: str, step: float) -> None:
    fig = next(f for f in extract_figures(text) if f.value is not None)
    assert written_step(fig) == pytest.approx(step)


def test_parse_quantity_reads_units_sign_and_wording() -> None:
    q = parse_quantity("缩短了8天")
    assert q is not None and (q.value, q.dim, q.direction) == (8, ("duration", "天"), -1)
    q = parse_quantity("up 3 pp")
    assert q is not None and (q.dim, q.direction) == (POINTS, 1)
    q = parse_quantity("-8天")
    assert q is not None and q.value == -8
    q = parse_quantity("10-15%")
    assert q is None  # two figures
    q = parse_quantity("会员突破两万")
    assert q is not None and q.dim == BARE


# (figure, sources, expected)
FROM_SOURCES: list[tuple[str, list[str], bool]] = [
    ("8天", ["平均交付周期从40天缩短到32天"], True),
    ("8天", ["2024年平均交付周期40天", "2025年平均交付周期32天"], True),  # two facts
    ("9天", ["平均交付周期从40天缩短到32天"], False),
    ("8天", ["门店40家", "平均交付周期32天"], False),  # pairs are of one unit only
    ("3 percentage points", ["Conversion rose from 70% to 73%"], True),
    ("3个百分点", ["转化率从70%提升至73%"], True),
    ("3%", ["Conversion rose from 70% to 73%"], False),
    ("4%", ["首次投递成功率从91%提升至95%"], False),  # the %/个百分点 mix-up is not a relative change
    ("55个百分点", ["外卖订单占比55%"], False),
    ("十五个百分点", ["营收同比增长15%"], False),
    ("3000万元", ["2024年营收1.2亿元", "2025年营收1.5亿元"], True),
    ("0.3亿元", ["营收从1.2亿元增至1.5亿元"], True),
    ("300万元", ["营收从1.2亿元增至1.5亿元"], False),
    ("3000万", ["营收从1.2亿元增至1.5亿元"], False),  # a bare number is not an amount in 元
    ("25%", ["营收从1.2亿元增至1.5亿元"], True),  # percent change
    ("80%", ["营收从1.2亿元增至1.5亿元"], True),  # share 1.2 / 1.5
    ("1.25倍", ["营收从1.2亿元增至1.5亿元"], True),  # ratio
    ("125%", ["营收从1.2亿元增至1.5亿元"], False),  # a share above 100% is no share
    ("12.5%", ["订单从80万单增至90万单"], True),
    ("13%", ["订单从80万单增至90万单"], True),
    ("12%", ["订单从80万单增至90万单"], False),
    ("1倍", ["平均交付周期40天"], False),  # a figure is not paired with itself
    ("100%", ["平均交付周期40天"], False),
    ("18%", ["38 franchisees operating 52 delivery zones", "Route app rolled out to 290 drivers"], False),  # bare
    ("12家", ["目标门店60家", "现有门店48家"], True),  # gap
]


@pytest.mark.parametrize(("figure", "sources", "expected"), FROM_SOURCES)
def test_derived_from_sources(figure: str, sources: list[str], expected: bool) -> None:
    assert derived_from_sources(figure, sources) is expected
    assert derived_from_sources(figure, SourceFigures.from_texts(sources)) is expected


def test_source_figures_are_extracted_once(monkeypatch: pytest.MonkeyPatch) -> None:
    sources = SourceFigures.from_texts(["2024年营收1.2亿元", "2025年营收1.5亿元", "平均交付周期从40天缩短到32天"])
    draft = [f for f in extract_figures("营收增加3000万元，交付周期缩短8天，门店增加3家") if f.value is not None]

    def no_extraction(text: str) -> None:
        raise AssertionError("source figures must not be extracted again")

    monkeypatch.setattr(arithmetic, "extract_figures", no_extraction)
    assert [derived_from_sources(fig, sources) for fig in draft] == [True, True, False]


def test_source_groups_hold_one_unit_each() -> None:
    sources = SourceFigures.from_texts(["门店42家，员工380人", "复购率28%", "会员突破两万", "营收1,200万元"])
    assert sources.groups == {("count", "家"): [42], ("count", "人"): [380], ("percent", "%"): [28],
                              ("amount", "元"): [12_000_000]}
    assert len(sources.figures) == 5  # the bare number is kept for plain matching
