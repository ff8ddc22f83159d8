"""Hostile facts files: each malformed file is a located InputError (exit 2), never a crash or an output directory."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from drafter.cli.app import app
from drafter.errors import InputError
from drafter.facts import positions
from drafter.facts.guard import MAX_DEPTH, check_values
from drafter.facts.load import load_facts, parse_text

runner = CliRunner()

BASE: dict[str, Any] = {
    "company": "星河咖啡",
    "period": "2025年第四季度",
    "industry": "连锁咖啡零售",
    "language": "zh",
    "audience": "公司管理层",
    "strategy": ["以会员体系驱动复购"],
    "facts": ["华东地区42家门店，员工380人", "第四季度营业收入3250万元"],
    "goals": ["2025年12月31日前会员复购率从28%提升到35%",
              {"metric": "外卖订单占比", "baseline": "22%", "target": "30%", "deadline": "2025年12月31日",
               "owner": "外卖运营组"}],
    "processes": ["新品上市周期从40天缩短到28天"],
    "team": ["店长每周参加区域经营例会"],
    "data": ["小程序点单占比达到58%"],
    "resources": ["烘焙工厂月产能提升至45吨"],
    "risks": ["阿拉比卡生豆采购价格同比上涨23%"],
    "customers": ["会员总数达到86万人"],
    "technology": ["门店上线智能排班系统"],
    "performance": ["店长季度奖金与复购率挂钩"],
    "improvement": ["试点门店自助咖啡机"],
    "sections": ["goals", "data", "risks", "summary"],
}

HUGE = "9" * 4400  # past Python's 4,300-digit limit for int <-> str


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return HUGE if value == "__HUGE__" else json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)} = {_toml_value(v)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return "[]"  # TOML has no null


def serialise(data: dict[str, Any], fmt: str) -> str:
    """The facts as YAML, JSON or TOML; the string "__HUGE__" becomes a 4,400-digit unquoted number and
    "__DEEP<n>__" n nested lists."""
    if fmt == "json":
        text = json.dumps(data, ensure_ascii=False, indent=1)
    elif fmt == "yaml":
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    else:
        text = "".join(f"{json.dumps(str(k), ensure_ascii=False)} = {_toml_value(v)}\n" for k, v in data.items())
    text = re.sub(r"""["']?__DEEP(\d+)__["']?""", lambda m: "[" * int(m.group(1)) + "]" * int(m.group(1)), text)
    return re.sub(r"""["']?__HUGE__["']?""", HUGE, text)


def paths(value: Any, loc: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path of a facts structure (mapping keys and list items)."""
    out = [loc] if loc else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += paths(v, (*loc, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += paths(v, (*loc, i))
    return out


def replace(data: Any, loc: tuple[Any, ...], new: Any) -> Any:
    if not loc:
        return new
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[loc[0]] = replace(copy[loc[0]], loc[1:], new)  # type: ignore[index]
    return copy


BAD_CHARS = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\ud800", "\udfff", "\ufffe"]

wrong_values = st.one_of(
    st.integers(min_value=-10**30, max_value=10**30), st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.none(), st.just(""), st.just("__HUGE__"),
    st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
    st.lists(st.lists(st.integers(), max_size=2), max_size=2),
    st.integers(min_value=MAX_DEPTH - 2, max_value=1500).map(lambda n: f"__DEEP{n}__"),
    st.builds(lambda a, c, b: a + c + b, st.text(max_size=4), st.sampled_from(BAD_CHARS), st.text(max_size=4)),
    st.text(max_size=30),
)


@st.composite
def malformed(draw: st.DrawFn) -> tuple[str, bytes]:
    """A valid facts file with a few random mutations, as (suffix, bytes)."""
    fmt = draw(st.sampled_from(["yaml", "json", "toml"]))
    data: Any = dict(BASE)
    for _ in range(draw(st.integers(0, 3))):
        spots = paths(data)
        if not spots:
            break
        data = replace(data, draw(st.sampled_from(spots)), draw(wrong_values))
    if draw(st.booleans()):  # a key the schema does not know, or a known one under a wrong name
        data = {**data, draw(st.sampled_from(["goal", "fact", "Company", "x", "metric"])): draw(wrong_values)}
    text = serialise(data, fmt) if isinstance(data, dict) else json.dumps(data)
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(0, 2))):
        action = draw(st.sampled_from(["duplicate", "truncate", "char", "bytes", "swap", "none"]))
        if action == "duplicate" and lines:  # a line repeated: duplicate keys, in any format
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(draw(st.integers(i, len(lines))), lines[i])
        elif action == "truncate":
            text = "".join(lines)
            lines = [text[:draw(st.integers(0, len(text)))]]
        elif action == "char":
            text = "".join(lines)
            at = draw(st.integers(0, len(text)))
            lines = [text[:at] + draw(st.sampled_from([*BAD_CHARS, "\\ud800", "\\u0007", "\\x07", "\t"])) + text[at:]]
        elif action == "swap" and len(lines) > 1:
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    text = "".join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "gb18030", "utf-16"]))
    raw = text.encode(encoding, errors="surrogatepass" if encoding.startswith("utf") else "replace")
    if draw(st.integers(0, 9)) == 0:  # random bytes somewhere
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at:]
    return fmt, raw


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=malformed())
def test_malformed_files_exit_0_or_2_through_write(tmp_path_factory: pytest.TempPathFactory,
                                                   case: tuple[str, bytes]) -> None:
    fmt, raw = case
    work = tmp_path_factory.mktemp("hostile")
    path = work / f"facts.{fmt}"
    path.write_bytes(raw)
    out = work / "out"
    result = runner.invoke(app, ["write", str(path), "-o", str(out)])
    assert result.exit_code in (0, 2), (result.exit_code, result.output[-2000:], raw[:300])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if result.exit_code == 2:
        assert not out.exists(), "a rejected facts file must not create the output directory"
        assert re.search(rf"{re.escape(str(path))}:\d+: ", result.output), result.output


# explicit regressions: each once raised from load_facts (or passed silently)

def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    return path


HEAD = {"yaml": "company: x\nperiod: y\n", "json": '{"company": "x",\n "period": "y",\n',
        "toml": 'company = "x"\nperiod = "y"\n'}


def _file(fmt: str, key: str, value: str) -> str:
    """HEAD plus one more key on line 3, in each format."""
    if fmt == "yaml":
        return f"{HEAD[fmt]}{key}: {value}\n"
    if fmt == "json":
        return f'{HEAD[fmt]} "{key}": {value}\n}}'
    return f"{HEAD[fmt]}{key} = {value}\n"


@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("facts", "[" * 1200 + "]" * 1200, ":3: lists or mappings are nested more than 16 levels deep"),
        ("facts", "[" + "9" * 4400 + "]", ":3: the unquoted number 999999999999… has 4400 characters"),
        ("facts", '["a\\ud800b"]', ":3: 'facts #1' holds U+D800 (a lone surrogate"),
        ("facts", '["营收\\u0007增长"]', ":3: 'facts #1' holds U+0007 (a control character) at character 3"),
        ("industry", "[1, 2]", ":3: 'industry' must be text, not a list"),
        ("audience", '{"a": "b"}', ":3: 'audience' must be text, not a mapping"),
        ("goals", '{"metric": "a"}', ":3: 'goals' must be a list of goals"),
        ("sections", '"goals"', ":3: 'sections' must be a list of section keys"),
        ("language", '["zh"]', ":3: 'language' must be one of 'zh' or 'en', not a list"),
        ("facts", '[["a"]]', ":3: 'facts #1' must be text, not a list"),
        ("goals", '[{"metric": ["a"]}]', ":3: 'goals #1.metric' must be text, not a list"),
        ("goals", '[{"baseline": "a"}]', ":3: 'goals #1.metric' is required"),
    ],
)
def test_hostile_value_is_located(tmp_path: Path, fmt: str, key: str, value: str, expected: str) -> None:
    if fmt == "yaml":
        value = value.replace('"a": "b"', "a: b").replace('"metric"', "metric").replace('"baseline"', "baseline")
    if fmt == "toml":
        value = re.sub(r'\{"(\w+)": ', r"{\1 = ", value)
        if "\\ud800" in value:  # TOML's own parser refuses the escape, located
            expected = ":3: invalid TOML: Escaped character is not a Unicode scalar value"
    with pytest.raises(InputError) as info:
        load_facts(_write(tmp_path, f"f.{fmt}", _file(fmt, key, value)))
    assert f"f.{fmt}{expected}" in str(info.value)
    assert info.value.exit_code == 2


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("goals5.yaml", "company: x\nperiod: y\ngoals: 5\n", None),  # a scalar is a one-item list, as for facts
    ("dup.yaml", "company: x\nperiod: y\nfacts: [a]\nrisks: [b]\nfacts: [c]\n",
     "dup.yaml:5: key 'facts' is given twice (lines 3 and 5)"),
    ("dup.json", '{"company": "x",\n "period": "y",\n "facts": ["a"],\n "facts": ["b"]}',
     "dup.json:4: key 'facts' is given twice (lines 3 and 4)"),
    ("dupgoal.json", '{"company": "x", "period": "y",\n "goals": [{"metric": "a",\n "metric": "b"}]}',
     "dupgoal.json:3: key 'goals #1.metric' is given twice (lines 2 and 3)"),
    ("dup.toml", 'company = "x"\nperiod = "y"\nfacts = ["a"]\nfacts = ["b"]\n',
     "dup.toml:4: key 'facts' is given twice (lines 3 and 4)"),
    ("duptable.toml", 'company = "x"\nperiod = "y"\n[x]\na = 1\n[x]\nb = 2\n',
     "duptable.toml:5: key 'x' is given twice (lines 3 and 5)"),
    ("overwrite.toml", 'company = "x"\nperiod = "y"\nfacts = ["a"]\n[facts]\n',
     "overwrite.toml:4: key 'facts' is given twice (lines 3 and 4)"),
    ("raw_ctl.yaml", "company: x\nperiod: y\nfacts: [营收\x07增长]\n", "raw_ctl.yaml:3: column 11 holds U+0007"),
    ("raw_sep.json", '{"company": "x", "period": "y",\n"facts": ["a\u2028b"]}',
     "raw_sep.json:2: column 13 holds U+2028"),
    ("comment.yaml", "company: x  # \x1b[31m\nperiod: y\n", "comment.yaml:1: column 15 holds U+001B"),
    ("nan.json", '{"company": "x", "period": "y",\n "facts": [NaN]}', "nan.json:2: NaN is not a JSON number"),
    ("inf.json", '{"company": "x", "period": "y",\n "facts": [1e999]}', "inf.json:2: 'facts #1' is inf"),
    ("inf.yaml", "company: x\nperiod: y\nfacts: [.nan]\n", "inf.yaml:3: 'facts #1' is nan"),
    ("binary.yaml", "company: x\nperiod: y\nfacts: [!!binary aGVsbG8=]\n", "binary.yaml:3: the YAML tag !!binary"),
    ("set.yaml", "company: x\nperiod: y\nfacts: !!set {a, b}\n", "set.yaml:3: the YAML tag !!set"),
    ("date.yaml", "company: x\nperiod: 2025-10-01\n", "date.yaml:2: 'period' must be text, not a date"),
    ("empty.yaml", "company: ''\nperiod: y\n", "empty.yaml:1: 'company' must not be empty"),
    ("deepmap.yaml", "company: x\nperiod: y\nfacts:\n" + "".join("  " * i + "  a:\n" for i in range(40)),
     "deepmap.yaml:"),
    ("deeptoml.toml", 'company = "x"\nperiod = "y"\n[goals.' + ".".join("a" * 1 for _ in range(200)) + "]\n",
     "deeptoml.toml:3: lists or mappings are nested more than 16 levels deep"),
    ("badkey.yaml", 'company: x\nperiod: y\n"fa\\ud800cts": [a]\n', "badkey.yaml:3: 'fa<U+D800>cts' holds U+D800"),
])
def test_hostile_file_regressions(tmp_path: Path, name: str, text: str, expected: str | None) -> None:
    path = _write(tmp_path, name, text)
    if expected is None:
        assert [f.text for f in load_facts(path).items] == ["5"]
        return
    with pytest.raises(InputError) as info:
        load_facts(path)
    assert expected in str(info.value)


def test_undecodable_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes("company: x\nperiod: y\nfacts: [门店]\n".encode() + b"risks: [\xff\xff]\n")
    with pytest.raises(InputError, match=r"f\.yaml:4: cannot decode the file \(byte 0xFF"):
        load_facts(path)
    path.write_bytes("company: x\n".encode("utf-16"))
    with pytest.raises(InputError, match="UTF-16 byte-order mark"):
        load_facts(path)


@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
def test_write_rejects_before_creating_the_output(tmp_path: Path, fmt: str) -> None:
    path = _write(tmp_path, f"f.{fmt}", _file(fmt, "facts", '["营收\\u0007增长"]'))
    out = tmp_path / "out"
    result = runner.invoke(app, ["write", str(path), "-o", str(out)])
    assert result.exit_code == 2
    assert f"f.{fmt}:3: 'facts #1' holds U+0007" in result.output
    assert not out.exists()


def test_lines_of_json_and_toml_items(tmp_path: Path) -> None:
    j = load_facts(_write(tmp_path, "f.json", '{"company": "x", "period": "y",\n "facts": [\n  "a",\n  42,\n'
                                              '  "b"],\n "goals": [{"metric": "m",\n  "target": "1"}]}'))
    assert [(f.text, f.line) for f in j.items] == [("a", 3), ("42", 4), ("b", 5), ("m，目标1", 6)]
    t = load_facts(_write(tmp_path, "f.toml", 'company = "x"\nperiod = "y"\nfacts = [\n  "a", # one\n  42,\n'
                                              "  '''b''',\n]\n[[goals]]\nmetric = \"m\"\n[[goals]]\nmetric = \"n\"\n"))
    assert [(f.text, f.line) for f in t.items] == [("a", 4), ("42", 5), ("b", 6), ("m", 8), ("n", 10)]


# line lookup is linear: bounded work per item, whatever the size

def _list_file(fmt: str, n: int, numbers: bool = False) -> str:
    items: list[Any] = list(range(n)) if numbers else [f"门店{i}号" for i in range(n)]
    if fmt == "json":
        return json.dumps({"company": "x", "period": "y", "facts": items}, ensure_ascii=False, indent=1)
    if fmt == "toml":
        return 'company = "x"\nperiod = "y"\nfacts = [\n' + "".join(f"  {json.dumps(s, ensure_ascii=False)},\n"
                                                                 for s in items) + "]\n"
    return "company: x\nperiod: y\nfacts:\n" + "".join(f"  - {s}\n" for s in items)


LOADER_FILES = ("/drafter/facts/load.py", "/drafter/facts/positions.py", "/drafter/facts/guard.py")


def _loader_lines(text: str, path: Path) -> int:
    """Python lines the loader's own modules execute to parse `text` and locate and check every value.

    Counted rather than timed, so the figure does not depend on the machine's load. Routing facts to
    sections (linear, and not line lookup) is left out."""
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename.endswith(LOADER_FILES) else None

    old = sys.gettrace()
    sys.settrace(tracer)
    try:
        data, lines = parse_text(text, path)
        check_values(data, lines, path)
    finally:
        sys.settrace(old)
    return count


@pytest.mark.parametrize("fmt", ["json", "yaml", "toml"])
def test_line_lookup_is_linear(tmp_path: Path, fmt: str) -> None:
    small = _loader_lines(_list_file(fmt, 2_000), tmp_path / f"s.{fmt}")
    large = _loader_lines(_list_file(fmt, 8_000), tmp_path / f"l.{fmt}")
    # 4× the items: linear work grows about 4×, a rescan per item 16×
    assert large < 5 * small, (small, large)
    assert large < 100 * 8_000, large


@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_line_counter_reads_each_character_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    counters: list[positions.LineCounter] = []
    real = positions.LineCounter

    def counting(text: str) -> positions.LineCounter:
        counters.append(real(text))
        return counters[-1]

    monkeypatch.setattr(positions, "LineCounter", counting)
    text = _list_file(fmt, 40_000, numbers=True)
    data, lines = parse_text(text, tmp_path / f"f.{fmt}")
    assert len(data["facts"]) == 40_000 and lines[("facts", 39_999)] == text.count("\n") - 1
    assert len(counters) == 1 and counters[0].scanned <= len(text)


@pytest.mark.parametrize("value", ["9" * 4400, "NaN", "-Infinity"])
def test_a_json_value_json_refuses_after_parsing_is_located(tmp_path: Path, value: str) -> None:
    """An integer too long to convert, or NaN, that the line scanner lets through is refused with its line."""
    facts = yaml.safe_load((Path(__file__).parent.parent / "examples" / "coffee.yaml").read_text(encoding="utf-8"))
    facts["goals"][1]["owner"] = []  # an empty list in a mapping in a list: the scanner stops checking numbers
    text = json.dumps(facts, ensure_ascii=False, indent=1)[:-2] + ',\n "goal": ' + value + "\n}"
    path = tmp_path / "facts.json"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["write", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    line = text.count("\n", 0, text.index('"goal"')) + 1
    assert f"{path}:{line}: " in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
