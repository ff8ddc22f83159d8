"""`drafter answer`: the draft's questions answered into the facts file in place (comments and layout kept, in
YAML, JSON and TOML), then the draft updated; `--json` lists the questions for scripts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drafter.cli.app import app
from drafter.draft import store
from drafter.draft.render_markdown import section_body

runner = CliRunner()


def drafted(facts: Path, out: Path) -> None:
    result = runner.invoke(app, ["write", str(facts), "-o", str(out)])
    assert result.exit_code == 0, result.output


def questions(out: Path) -> list[dict[str, object]]:
    result = runner.invoke(app, ["answer", str(out), "--json"])
    assert result.exit_code == 0, result.output
    return list(json.loads(result.output)["questions"])


def test_answers_land_in_a_commented_yaml_file_that_is_otherwise_byte_identical(tmp_path: Path,
                                                                                 coffee: Path) -> None:
    facts, out = tmp_path / "facts.yaml", tmp_path / "out"
    shutil.copy(coffee, facts)
    drafted(facts, out)
    asked = questions(out)
    kinds = [q["answer_goes_to"]["kind"] for q in asked]  # type: ignore[index]
    assert kinds == ["goal-field", "risk-response"], asked
    before = facts.read_text(encoding="utf-8").splitlines(keepends=True)

    result = runner.invoke(app, ["answer", str(out)], input="2025年12月31日\n加强远期锁价，由采购部负责\n")
    assert result.exit_code == 0, result.output
    after = facts.read_text(encoding="utf-8").splitlines(keepends=True)
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(before) == len(after) and len(changed) == 2, changed
    assert "deadline: 2025年12月31日" in changed[0][1] and "# 故意缺少 deadline" in changed[0][1]
    assert changed[1][1].rstrip("\n") == "  - 阿拉比卡生豆采购价格同比上涨23%；应对措施：加强远期锁价，由采购部负责"
    assert sum(1 for line in after if "#" in line) == sum(1 for line in before if "#" in line), "comments kept"

    overview = store.load(out)
    assert overview.questions == [], "both answers closed their questions"
    goals = section_body(overview.section("goals").content, "zh")
    assert "2025年12月31日" in goals and "【待补充" not in goals
    assert "应对：加强远期锁价，由采购部负责" in section_body(overview.section("risks").content, "zh")
    assert questions(out) == []


def test_skipping_every_question_changes_nothing(tmp_path: Path, coffee: Path) -> None:
    facts, out = tmp_path / "facts.yaml", tmp_path / "out"
    shutil.copy(coffee, facts)
    drafted(facts, out)
    before, draft_before = facts.read_bytes(), (out / "overview.json").read_bytes()
    result = runner.invoke(app, ["answer", str(out)], input="\n\n")
    assert result.exit_code == 0 and "nothing changed" in result.output
    assert facts.read_bytes() == before and (out / "overview.json").read_bytes() == draft_before


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_json_and_toml_facts_files_take_answers_too(tmp_path: Path, suffix: str) -> None:
    facts, out = tmp_path / f"facts{suffix}", tmp_path / "out"
    if suffix == ".json":
        facts.write_text(json.dumps({"company": "云帆物流", "period": "2025年第三季度",
                                     "goals": ["2025年9月30日前准点率从90%提升到95%"],
                                     "team": ["调度中心员工56人"]}, ensure_ascii=False, indent=2) + "\n",
                         encoding="utf-8")
    else:
        facts.write_text('# 云帆物流的事实\ncompany = "云帆物流"\nperiod = "2025年第三季度"\n'
                         'goals = ["2025年9月30日前准点率从90%提升到95%"]  # 一个目标\nteam = ["调度中心员工56人"]\n',
                         encoding="utf-8")
    drafted(facts, out)
    asked = questions(out)
    owner = next(q for q in asked if q["answer_goes_to"] == {"kind": "goal-field", "fact_id": "F1",
                                                              "field": "owner"})
    replies = "\n".join("调度中心" if q is owner else "" for q in asked) + "\n"
    result = runner.invoke(app, ["answer", str(out)], input=replies)
    assert result.exit_code == 0, result.output
    text = facts.read_text(encoding="utf-8")
    assert "2025年9月30日前准点率从90%提升到95%，由调度中心负责" in text
    if suffix == ".toml":
        assert text.startswith("# 云帆物流的事实\n") and "# 一个目标" in text
    goal = store.load(out).section("goals").content
    assert goal is not None and goal.goals[0].owner == "调度中心"  # type: ignore[union-attr]


def test_a_facts_file_changed_since_the_draft_is_refused(tmp_path: Path, coffee: Path) -> None:
    facts, out = tmp_path / "facts.yaml", tmp_path / "out"
    shutil.copy(coffee, facts)
    drafted(facts, out)
    facts.write_text(facts.read_text(encoding="utf-8").replace("410杯", "420杯"), encoding="utf-8")
    before = facts.read_bytes()
    result = runner.invoke(app, ["answer", str(out)], input="2025年12月31日\n\n")
    assert result.exit_code == 2 and "changed since the draft" in result.output
    assert facts.read_bytes() == before
