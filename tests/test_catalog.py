"""The section catalog: contract keys, selection, routing and heading aliases."""

from __future__ import annotations

import pytest

from drafter.facts.catalog import CATALOG, SECTION_KEYS, match_heading, numbered_title, route_fact, select_sections


def test_catalog_is_the_contract() -> None:
    assert SECTION_KEYS == ("goals", "processes", "team", "data", "resources", "risks", "customers", "technology",
                            "performance", "improvement", "summary")
    assert [s.zh for s in CATALOG] == ["运营目标", "运营流程", "团队协作", "数据分析", "资源管理", "风险管理",
                                       "客户关系管理", "技术应用", "绩效与激励", "持续改进与创新", "总结与展望"]
    assert [s.key for s in CATALOG if s.required] == ["goals", "processes", "team", "data", "improvement", "summary"]


def test_selection() -> None:
    assert select_sections(set()) == ["goals", "processes", "team", "data", "improvement", "summary"]
    assert select_sections({"risks", "technology"})[4:7] == ["risks", "technology", "improvement"]
    assert select_sections(set(), ["summary", "data", "goals", "data"]) == ["data", "goals", "summary"]


@pytest.mark.parametrize(
    ("fact", "key"),
    [
        ("员工380人，店长42名", "team"),
        ("上线自助点单小程序", "technology"),
        ("咖啡豆进口价格波动风险", "risks"),
        ("会员复购率28%", "customers"),
        ("季度预算120万元", "resources"),
        ("月度绩效考核与提成挂钩", "performance"),
        ("营收同比增长12%", "data"),
        ("门店标准化出品流程", "processes"),
        ("Launched the self-service ordering app", "technology"),
        ("Staff turnover fell after the training programme", "team"),
    ],
)
def test_route_fact(fact: str, key: str) -> None:
    assert route_fact(fact) == key


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("## 一、运营目标", "goals"), ("一、明确运营目标", "goals"), ("# 1. Goals", "goals"),
        ("二、梳理运营流程", "processes"), ("三、团队协作管理", "team"), ("四、数据分析的应用", "data"),
        ("六、风险管理与应对策略", "risks"), ("七、客户关系管理", "customers"),
        ("八、技术在运营中的应用", "technology"),
        ("九、绩效评估与激励机制", "performance"), ("五、持续改进与创新", "improvement"), ("十、总结与展望", "summary"),
        ("## 5. Resource management", "resources"), ("## 10. Summary and outlook", "summary"),
        ("## 4. Data and KPIs", "data"), ("三、团队构成与角色分配", "team"),
    ],
)
def test_match_heading(heading: str, key: str) -> None:
    assert match_heading(heading) == key


def test_numbered_title() -> None:
    assert numbered_title(0, "goals", "zh") == "一、运营目标"
    assert numbered_title(10, "summary", "zh") == "十一、总结与展望"
    assert numbered_title(2, "team", "en") == "3. Team and collaboration"
