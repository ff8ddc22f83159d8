"""The CLI via CliRunner: write, check, sections, errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drafter.cli.app import app

from .conftest import DATA

runner = CliRunner()


def test_write_creates_the_draft_and_summarises(coffee: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["write", str(coffee), "-o", str(out)])
    assert result.exit_code == 0, result.output
    md = (out / "overview.md").read_text(encoding="utf-8")
    state = json.loads((out / "overview.json").read_text(encoding="utf-8"))
    assert md.startswith("# 星河咖啡2025年第四季度运营工作概述\n")
    assert state["model"] == "offline" and state["facts_digest"]
    assert {"sections", "findings", "questions", "usage", "facts"} <= set(state)
    assert all(s["history"][s["current"] - 1]["content"]["paragraphs"] for s in state["sections"])
    assert not any("content" in s for s in state["sections"])  # the current version holds it, once
    assert "model calls" in result.output and "questions" in result.output
    assert not (out / ".drafter.lock").exists()


def test_write_refuses_to_overwrite_without_force(coffee: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["write", str(coffee), "-o", str(out)]).exit_code == 0
    before = (out / "overview.md").read_bytes()
    result = runner.invoke(app, ["write", str(DATA / "unseen" / "agri_coop_en.yaml"), "-o", str(out)])
    assert result.exit_code == 2 and "--force" in result.output
    assert (out / "overview.md").read_bytes() == before
    assert runner.invoke(app, ["write", str(coffee), "-o", str(out), "--force"]).exit_code == 0


def test_write_json_output(coffee: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["write", str(coffee), "-o", str(tmp_path / "o"), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["usage"]["calls"] > 0 and data["sections"][0]["key"] == "goals"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["write", "missing.yaml"], "no such file"),
        (["write", "{bad}", "-m", "gpt-4"], "unknown model"),
        (["check", "missing.md"], "no such file"),
    ],
)
def test_bad_input_exits_2_without_traceback(args: list[str], needle: str, tmp_path: Path, coffee: Path) -> None:
    args = [str(coffee) if a == "{bad}" else a for a in args]
    result = runner.invoke(app, [*args[:2], *args[2:], *(["-o", str(tmp_path / "o")] if args[0] == "write" else [])])
    assert result.exit_code == 2, result.output
    assert needle in result.output
    assert "Traceback" not in result.output


def test_bad_facts_file_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "facts.yaml"
    bad.write_text("company: x\nperiod: y\ngoal: [a]\n", encoding="utf-8")
    result = runner.invoke(app, ["write", str(bad), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "facts.yaml:3: unknown key 'goal' — did you mean 'goals'?" in result.output
    assert not (tmp_path / "o").exists()


def test_check_own_draft_is_clean_and_json_shape(coffee: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner.invoke(app, ["write", str(coffee), "-o", str(out)])
    result = runner.invoke(app, ["check", str(out / "overview.md"), "--facts", str(coffee), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"sections", "goals", "findings", "summary"}
    assert set(data["summary"]) == {"errors", "warnings"} and data["summary"]["errors"] == 0
    assert data["sections"][0] == {"key": "goals", "title": "一、运营目标", "present": True}
    smart = data["goals"][0]["smart"]
    assert set(smart) == {"specific", "measurable", "achievable", "relevant", "time_bound"}
    assert all(set(f) == {"check", "code", "severity", "section", "message", "evidence"} for f in data["findings"])
    from_json = runner.invoke(app, ["check", str(out), "--json"])
    assert from_json.exit_code == 0 and json.loads(from_json.stdout)["summary"]["errors"] == 0


def test_check_flags_a_changed_figure_with_exit_1(coffee: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner.invoke(app, ["write", str(coffee), "-o", str(out)])
    md = (out / "overview.md").read_text(encoding="utf-8").replace("3250万元", "3520万元")
    (tmp_path / "edited.md").write_text(md, encoding="utf-8")
    result = runner.invoke(app, ["check", str(tmp_path / "edited.md"), "--facts", str(coffee), "--json"])
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert any(f["check"] == "grounding" and "3520万元" in f["message"] for f in findings)


def test_sections_and_version() -> None:
    result = runner.invoke(app, ["sections"])
    assert result.exit_code == 0 and "持续改进与创新" in result.output and "when facts exist" in result.output
    assert runner.invoke(app, ["--version"]).output.startswith("drafter ")
