"""overview.json records the digest of the overview.md rendered from it; check warns when they disagree."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drafter.cli.app import app
from drafter.draft import store
from drafter.draft.render_markdown import render
from tests.conftest import DATA

runner = CliRunner()
STALE = "is not the overview.md rendered from"


@pytest.fixture
def draft(tmp_path: Path, coffee: Path) -> Path:
    out = tmp_path / "out"
    result = runner.invoke(app, ["write", str(coffee), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def recorded(directory: Path) -> str:
    digest: str = json.loads((directory / store.OVERVIEW_JSON).read_text(encoding="utf-8"))["markdown_sha256"]
    return digest


def test_save_records_the_digest_of_the_markdown_it_wrote(draft: Path) -> None:
    md = (draft / store.OVERVIEW_MD).read_bytes()
    assert recorded(draft) == hashlib.sha256(md).hexdigest()
    assert md.decode("utf-8") == render(store.load(draft))
    assert store.markdown_mismatch(draft) is None


def test_check_is_quiet_on_a_draft_that_agrees(draft: Path) -> None:
    for target in (draft, draft / store.OVERVIEW_MD, draft / store.OVERVIEW_JSON):
        result = runner.invoke(app, ["check", str(target)])
        assert STALE not in result.output, target


def test_check_warns_on_a_hand_edited_markdown(draft: Path) -> None:
    md = draft / store.OVERVIEW_MD
    md.write_text(md.read_text(encoding="utf-8").replace("星河咖啡", "星河咖啡（改）", 1), encoding="utf-8")
    for target in (md, draft):
        result = runner.invoke(app, ["check", str(target)])
        warnings = [line for line in result.output.splitlines() if STALE in line]
        assert len(warnings) == 1, result.output
        assert "edited by hand, or a write was interrupted" in warnings[0] and "--resume" in warnings[0]
    as_json = runner.invoke(app, ["check", str(md), "--json"])
    assert "findings" in json.loads(as_json.stdout)  # the warning goes to stderr: stdout stays JSON
    assert STALE in as_json.stderr and STALE not in as_json.stdout


def test_a_crash_between_the_two_renames_is_noticed_and_repaired(draft: Path,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    overview = store.load(draft)
    old_md = (draft / store.OVERVIEW_MD).read_bytes()
    overview.title += "（修订）"  # changes the rendered Markdown
    real_replace = os.replace
    calls: list[str] = []

    def die_before_the_second(src: str, dst: str) -> None:
        calls.append(Path(dst).name)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process stops between overview.json and overview.md
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", die_before_the_second)
    with pytest.raises(KeyboardInterrupt):
        store.save(draft, overview)
    monkeypatch.setattr(os, "replace", real_replace)
    assert calls == [store.OVERVIEW_JSON, store.OVERVIEW_MD]
    assert (draft / store.OVERVIEW_MD).read_bytes() == old_md  # the old Markdown beside the new JSON
    assert store.markdown_mismatch(draft) == "edited by hand, or a write was interrupted"
    assert not list(draft.glob(".*.tmp"))
    result = runner.invoke(app, ["check", str(draft / store.OVERVIEW_MD)])
    assert STALE in result.output
    capsys.readouterr()

    loaded = store.load(draft)
    assert loaded.title.endswith("（修订）")
    store.save(draft, loaded)  # the next save renders overview.md again, and says it did
    assert "rewrote it from overview.json" in capsys.readouterr().err
    assert store.markdown_mismatch(draft) is None
    assert "（修订）" in (draft / store.OVERVIEW_MD).read_text(encoding="utf-8")


def test_a_missing_markdown_is_reported(draft: Path) -> None:
    (draft / store.OVERVIEW_MD).unlink()
    assert store.markdown_mismatch(draft) == "it is missing"
    result = runner.invoke(app, ["check", str(draft)])
    assert STALE in result.output and "it is missing" in result.output


def test_write_resume_rewrites_a_stale_markdown(draft: Path, coffee: Path) -> None:
    md = draft / store.OVERVIEW_MD
    md.write_text("# 手工改过\n", encoding="utf-8")
    result = runner.invoke(app, ["write", str(coffee), "-o", str(draft), "--resume"])
    assert result.exit_code == 0, result.output
    assert "rewrote it from overview.json" in result.output
    assert store.markdown_mismatch(draft) is None and md.read_text(encoding="utf-8") == render(store.load(draft))


def test_a_draft_from_an_older_release_loads_without_a_digest(tmp_path: Path) -> None:
    shutil.copy(DATA / "overview_v1.json", tmp_path / store.OVERVIEW_JSON)
    (tmp_path / store.OVERVIEW_MD).write_text("# anything\n", encoding="utf-8")
    overview = store.load(tmp_path)
    assert overview.markdown_sha256 is None
    assert store.markdown_mismatch(tmp_path) is None  # nothing recorded: nothing to compare
    result = runner.invoke(app, ["check", str(tmp_path / store.OVERVIEW_MD)])
    assert STALE not in result.output
    store.save(tmp_path, overview)
    assert recorded(tmp_path) == hashlib.sha256((tmp_path / store.OVERVIEW_MD).read_bytes()).hexdigest()


def test_revise_removes_what_a_killed_run_left(draft: Path) -> None:
    leftovers = [".overview.json.1a2b3c4d.tmp", ".overview.md.99999999.x_y_z_12.tmp"]
    for name in leftovers:
        (draft / name).write_text("half", encoding="utf-8")
    (draft / store.LOCK).write_text("", encoding="utf-8")
    result = runner.invoke(app, ["undo", str(draft), "goals"])  # fails (no earlier version) after taking the lock
    assert "recovered a stale lock" in result.output and "removed 2 temporary file(s)" in result.output
    assert sorted(p.name for p in draft.iterdir()) == [store.OVERVIEW_JSON, store.OVERVIEW_MD]
