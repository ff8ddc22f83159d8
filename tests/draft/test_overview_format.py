"""overview.json keeps each section's content once (in its current version); format 1 files still load."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from drafter import revise
from drafter.cli.app import app
from drafter.draft import store
from drafter.draft.model import FORMAT, Overview, SectionVersion
from tests.conftest import DATA

OLD = DATA / "overview_v1.json"  # written by `drafter write examples/coffee.yaml`, then `edit team` and `undo team`


def old_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(OLD.read_text(encoding="utf-8"))
    return data


def same(model: Any, data: dict[str, Any]) -> bool:
    """A stored model equals what a format 1 file held (fields added since then at their defaults)."""
    return bool(model == type(model).model_validate(data))


def content_of(data: dict[str, Any]) -> dict[str, Any]:
    """Each section's content as a format 1 file stored it."""
    return {s["key"]: s["content"] for s in data["sections"]}


def test_a_format_1_file_loads_without_new_versions(tmp_path: Path) -> None:
    data = old_data()
    assert data["format"] == "drafter.overview/1" and all("content" in s for s in data["sections"])
    shutil.copy(OLD, tmp_path / store.OVERVIEW_JSON)
    overview = store.load(tmp_path)
    assert overview.format == FORMAT
    for old, section in zip(data["sections"], overview.sections, strict=True):
        assert len(section.history) == len(old["history"]) and section.current == old["current"]
        assert section.content is not None
        assert same(section.content, old["content"])
    team = overview.section("team")
    assert (team.current, len(team.history)) == (1, 2)  # after undo: v1 current, v2 kept


def test_saving_a_migrated_file_stores_content_once(tmp_path: Path) -> None:
    shutil.copy(OLD, tmp_path / store.OVERVIEW_JSON)
    overview = store.load(tmp_path)
    store.save(tmp_path, overview)
    saved = json.loads((tmp_path / store.OVERVIEW_JSON).read_text(encoding="utf-8"))
    assert saved["format"] == FORMAT and not any("content" in s for s in saved["sections"])
    assert store.load(tmp_path) == overview
    assert (tmp_path / store.OVERVIEW_JSON).stat().st_size < OLD.stat().st_size


def test_content_without_history_becomes_the_first_version() -> None:
    data = old_data()
    section = data["sections"][0]
    section["history"], section["current"] = [], None
    overview = Overview.model_validate(data)
    goals = overview.section("goals")
    assert goals.current == 1 and [v.origin for v in goals.history] == ["migrate"]
    assert goals.history[0].model == data["model"] and goals.history[0].parent is None
    assert goals.content is not None and same(goals.content, section["content"])


def test_content_that_differs_from_its_version_is_kept_as_a_new_one() -> None:
    data = old_data()
    section = next(s for s in data["sections"] if s["key"] == "data")
    section["content"] = copy.deepcopy(section["content"])
    section["content"]["paragraphs"][0]["text"] += "（手工修改）"
    overview = Overview.model_validate(data)
    target = overview.section("data")
    assert [v.n for v in target.history] == [1, 2] and target.current == 2
    added = target.history[1]
    assert (added.origin, added.parent, added.model) == ("migrate", 1, "unknown")
    assert same(target.history[0], section["history"][0])  # the old version is untouched
    assert target.content is not None and target.content.paragraphs[0].text.endswith("（手工修改）")
    assert revise.undo(overview, "data") == 1  # the older version is one undo away
    assert target.content == SectionVersion.model_validate(section["history"][0]).content


def test_a_section_that_never_drafted_loads_empty() -> None:
    data = old_data()
    section = data["sections"][1]
    section.update(content=None, history=[], current=None, state="failed", error="timeout")
    target = Overview.model_validate(data).sections[1]
    assert (target.content, target.current, target.history, target.state) == (None, None, [], "failed")


def test_commands_work_on_a_format_1_draft(tmp_path: Path) -> None:
    shutil.copy(OLD, tmp_path / store.OVERVIEW_JSON)
    runner = CliRunner()
    shown = runner.invoke(app, ["history", str(tmp_path), "team"])
    assert shown.exit_code == 0, shown.output
    undone = runner.invoke(app, ["undo", str(tmp_path), "team"])
    assert undone.exit_code != 0 and "no earlier version" in undone.output  # v1 is current and has no parent
    assert runner.invoke(app, ["undo", str(tmp_path), "goals"]).exit_code != 0
    assert json.loads((tmp_path / store.OVERVIEW_JSON).read_text(encoding="utf-8"))["format"] == "drafter.overview/1"


@pytest.mark.parametrize("key", ["goals", "risks", "summary"])
def test_the_current_content_is_the_current_version(key: str) -> None:
    overview = Overview.model_validate(old_data())
    section = overview.section(key)
    assert section.current is not None and section.content is section.history[section.current - 1].content
    assert section.version is section.history[section.current - 1]
    assert same(section.history[section.current - 1].content, content_of(old_data())[key])
