"""Grounding: % and 个百分点 are different units; a derived figure is grounded only when its arithmetic checks."""

from __future__ import annotations

import pytest

from drafter.critic.document import from_markdown
from drafter.critic.grounding import check_grounding, figure_pool, source_figures, unsupported_figures
from drafter.messages import message


def _doc(body: str, lang: str = "zh") -> str:
    heading = "# 星河咖啡2025年运营工作概述\n\n## 四、数据分析\n\n" if lang == "zh" else \
        "# Nimbus 2025 operations overview\n\n## 4. Data and KPIs\n\n"
    return heading + body + "\n"


def _flagged(body: str, facts: list[str], lang: str = "zh") -> list[str]:
    findings = check_grounding(from_markdown(_doc(body, lang), lang), facts)
    assert all(f.code == "grounding.unsupported-figure" and f.severity == "error" for f in findings)
    return [f.message for f in findings]


# (draft sentence, facts, lang): a derived figure whose arithmetic checks gets no finding
GROUNDED: list[tuple[str, list[str], str]] = [
    ("平均交付周期从40天缩短到32天，缩短了8天。", ["平均交付周期从40天缩短到32天"], "zh"),
    ("平均交付周期缩短了8天。", ["2024年平均交付周期40天", "2025年平均交付周期32天"], "zh"),
    ("Conversion is up 3 percentage points.", ["Conversion was 70% in 2024", "Conversion reached 73% in 2025"],
     "en"),
    ("转化率提升三个百分点。", ["转化率从70%提升至73%"], "zh"),
    ("营收从1.2亿元增至1.5亿元，增加3000万元，增长25%。", ["营收从1.2亿元增至1.5亿元"], "zh"),
    ("订单增长约12.5%。", ["订单从80万单增至90万单"], "zh"),
    ("订单增长13%。", ["订单从80万单增至90万单"], "zh"),
    ("首次投递成功率距目标还差4个百分点。", ["目标：首次投递成功率95%", "目前首次投递成功率91%"], "zh"),
    ("外卖订单占比百分之五十五。", ["外卖订单占比55%"], "zh"),
]


@pytest.mark.parametrize(("body", "facts", "lang"), GROUNDED)
def test_derived_figures_are_grounded(body: str, facts: list[str], lang: str) -> None:
    assert _flagged(body, facts, lang) == []


# (draft sentence, facts, lang, the figure reported)
UNSUPPORTED: list[tuple[str, list[str], str, str]] = [
    ("外卖订单占比提升了55个百分点。", ["外卖订单占比55%"], "zh", "55个百分点"),
    ("营收同比增长十五个百分点。", ["营收同比增长15%"], "zh", "十五个百分点"),
    ("毛利率提升5%。", ["毛利率提升5个百分点"], "zh", "5%"),
    ("Margin rose 5 per cent.", ["Margin rose 5 percentage points"], "en", "5 per cent"),
    ("Conversion is up 3%.", ["Conversion was 70% in 2024", "Conversion reached 73% in 2025"], "en", "3%"),
    ("首次投递成功率提升4%。", ["首次投递成功率从91%提升至95%"], "zh", "4%"),
    ("平均交付周期缩短了9天。", ["平均交付周期从40天缩短到32天"], "zh", "9天"),
    ("平均交付周期缩短了8周。", ["平均交付周期从40天缩短到32天"], "zh", "8周"),
    ("营收增加300万元。", ["营收从1.2亿元增至1.5亿元"], "zh", "300万元"),
    ("订单增长12%。", ["订单从80万单增至90万单"], "zh", "12%"),
]


@pytest.mark.parametrize(("body", "facts", "lang", "figure"), UNSUPPORTED)
def test_unsupported_figures_are_reported(body: str, facts: list[str], lang: str, figure: str) -> None:
    assert _flagged(body, facts, lang) == [message("grounding.unsupported-figure", lang, figure=figure)]


def test_a_plain_figure_pool_gives_the_same_answer() -> None:
    facts = ["2024年平均交付周期40天", "2025年平均交付周期32天", "外卖订单占比55%"]
    text = "平均交付周期缩短了8天，外卖订单占比提升了55个百分点，缩短了9天。"
    expected = ["55个百分点", "9天"]
    assert [fig.text for fig, _ in unsupported_figures(text, figure_pool(facts))] == expected
    assert [fig.text for fig, _ in unsupported_figures(text, source_figures(facts))] == expected
