"""Facts loading: formats, encodings, ids, routing and every class of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drafter.errors import InputError
from drafter.facts.load import MAX_FACTS_BYTES, load_facts

from .conftest import DATA, EXAMPLES

YAML = """\
company: 星河咖啡
period: 2025年第四季度
strategy: [以会员体系驱动复购]
facts:
  - 华东地区42家门店，员工380人
  - 本季度上线自助点单小程序
goals:
  - 2025年12月31日前会员复购率从28%提升到35%
  - {metric: 外卖订单占比, baseline: 22%, target: 30%, owner: 外卖运营组}
risks: [咖啡豆进口价格波动]
"""


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_yaml_ids_in_file_order_and_routing(tmp_path: Path) -> None:
    facts = load_facts(write(tmp_path, "f.yaml", YAML))
    assert [f.id for f in facts.items] == [f"F{i}" for i in range(1, 7)]
    by_text = {f.text: f for f in facts.items}
    assert by_text["以会员体系驱动复购"].source == "strategy"
    assert by_text["本季度上线自助点单小程序"].section == "technology"
    assert by_text["咖啡豆进口价格波动"].section == "risks"
    goal = facts.items[4]
    assert goal.section == "goals" and goal.goal is not None and goal.goal.target == "30%"
    assert "30%" in goal.text and goal.line == 9


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    facts = load_facts(write(tmp_path, "f.yaml", YAML, encoding))
    assert facts.file.company == "星河咖啡"
    assert facts.items[1].text == "华东地区42家门店，员工380人"


def test_json_and_toml_match_yaml(tmp_path: Path) -> None:
    data = {"company": "星河咖啡", "period": "2025年第四季度", "facts": ["华东地区42家门店"],
            "goals": [{"metric": "外卖订单占比", "target": "30%"}]}
    j = load_facts(write(tmp_path, "f.json", json.dumps(data, ensure_ascii=False)))
    toml = ('company = "星河咖啡"\nperiod = "2025年第四季度"\nfacts = ["华东地区42家门店"]\n'
            '[[goals]]\nmetric = "外卖订单占比"\ntarget = "30%"\n')
    t = load_facts(write(tmp_path, "f.toml", toml))
    y = load_facts(write(tmp_path, "f.yaml", "company: 星河咖啡\nperiod: 2025年第四季度\nfacts: [华东地区42家门店]\n"
                                              "goals:\n  - {metric: 外卖订单占比, target: 30%}\n"))
    assert [f.text for f in j.items] == [f.text for f in t.items] == [f.text for f in y.items]
    assert j.digest == t.digest == y.digest


def test_scalars_become_text(tmp_path: Path) -> None:
    facts = load_facts(write(tmp_path, "f.yaml", "company: 123\nperiod: 2025\nfacts: 门店42家\nteam: [380]\n"))
    assert facts.file.company == "123" and facts.file.period == "2025"
    assert [f.text for f in facts.items] == ["门店42家", "380"]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("typo.yaml", "company: x\nperiod: y\ngoal: [a]\n", "typo.yaml:3: unknown key 'goal' — did you mean 'goals'?"),
        ("goalkey.yaml", "company: x\nperiod: y\ngoals:\n  - {metric: a, tagret: 3}\n",
         "goalkey.yaml:4: unknown goal field 'tagret' — did you mean 'target'?"),
        ("missing.yaml", "company: x\nfacts: [a]\n", "'period' is required"),
        ("lang.yaml", "company: x\nperiod: y\nlanguage: fr\n", "lang.yaml:3: 'language' must be one of"),
        ("section.yaml", "company: x\nperiod: y\nsections: [goals, budget]\n", "section.yaml:3: 'sections #2'"),
        ("tag.yaml", "company: x\nperiod: y\nfacts:\n  - !!python/object/apply:os.system [ls]\n",
         "tag.yaml:4: YAML tags that build objects"),
        ("alias.yaml", "company: &c x\nperiod: *c\n", "alias.yaml:2: aliases"),
        ("syntax.yaml", "company: x\nperiod: [y\n", "syntax.yaml:"),
        ("list.yaml", "- a\n- b\n", "list.yaml:1: the top level must be a mapping"),
        ("bad.json", '{"company": "x",\n "period": }', "bad.json:2: invalid JSON"),
        ("bad.toml", 'company = "x"\nperiod = \n', "bad.toml:2: invalid TOML"),
        ("nested.yaml", "company: x\nperiod: y\nfacts:\n  - {a: 1}\n", "nested.yaml:4: 'facts #1' must be text"),
    ],
)
def test_bad_input_is_located(tmp_path: Path, name: str, text: str, expected: str) -> None:
    with pytest.raises(InputError) as info:
        load_facts(write(tmp_path, name, text))
    assert expected in str(info.value)
    assert info.value.exit_code == 2


def test_size_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "big.yaml", "company: x\nperiod: y\nfacts:\n" + "  - 很长的事实\n" * (MAX_FACTS_BYTES // 10))
    with pytest.raises(InputError, match="limited to"):
        load_facts(path)


def test_undecodable_and_missing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_facts(tmp_path / "nope.yaml")
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"\xff\xfe\x00\x81\x30\x81")
    with pytest.raises(InputError, match="cannot decode"):
        load_facts(path)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")) + sorted((DATA / "unseen").glob("*.yaml")),
                         ids=lambda p: p.name)
def test_bundled_facts_load(path: Path) -> None:
    facts = load_facts(path)
    assert facts.items, "every bundled facts file has facts"
    assert len({f.id for f in facts.items}) == len(facts.items)


def test_sections_override_routes_into_selected(tmp_path: Path) -> None:
    facts = load_facts(write(tmp_path, "f.yaml", "company: x\nperiod: y\nsections: [goals, data, summary]\n"
                                                  "facts: [员工380人, 咖啡豆价格波动]\nrisks: [断供]\n"))
    assert {f.section for f in facts.items} <= {"goals", "data"}


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("tab.yaml", "company: x\nperiod: y\nfacts:\n\t- a\n", "tab.yaml:4: this line is indented with a tab; YAML needs "
                                                           "spaces (请用空格缩进"),
    ("colon.yaml", "company: x\nperiod: y\nfacts:\n  - 门店数量\n  - 营收: 1000万元\n",
     "colon.yaml:5: 'facts #2' must be text, not a mapping (YAML reads the ': ' in “营收: 1000万元” as a key); if "
     "you meant that text, put the item in quotes"),
    ("keys.yaml", "company: x\nperiod: y\nfoo: 1\nfacts: [a]\nbar: 2\n",
     "keys.yaml:3: unknown keys: line 3: 'foo'; line 5: 'bar'."),
    ("position.yaml", "company: x\nperiod: y\ngoals:\n  - a\n  - {metric: [x]}\n",
     "position.yaml:5: 'goals #2.metric' must be text"),
])
def test_plain_hints_for_yaml_mistakes(tmp_path: Path, name: str, text: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_facts(path)
    assert expected in str(caught.value)


def test_a_list_item_that_swallows_the_line_below_is_warned_about(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("company: x\nperiod: y\nfacts:\n  - 营收1000万元，\n    - 毛利率30%\n  - 门店42家\n",
                    encoding="utf-8")
    facts = load_facts(path)
    assert [f.text for f in facts.items if f.source == "facts"] == ["营收1000万元， - 毛利率30%", "门店42家"]
    assert len(facts.warnings) == 1 and facts.warnings[0].startswith(f"{path}:5: this '- …' line")
    assert "continues 'facts #1' (line 4)" in facts.warnings[0]
    clean = tmp_path / "g.yaml"
    clean.write_text("company: x\nperiod: y\nfacts:\n  - 营收1000万元，\n    毛利率30%\n", encoding="utf-8")
    assert load_facts(clean).warnings == [], "a plain line that continues an item is not a list item"
