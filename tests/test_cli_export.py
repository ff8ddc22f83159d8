"""`drafter export`: docx/md/json, default paths, overwrite refusal, bad input; shell completion and help."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from click.testing import Result
from typer.testing import CliRunner

from drafter.cli.app import app

runner = CliRunner()


def said(result: Result) -> str:
    """stderr with rich's line wrapping undone."""
    return " ".join(result.stderr.split())


@pytest.fixture
def draft_dir(tmp_path: Path, coffee: Path) -> Path:
    out = tmp_path / "draft"
    result = runner.invoke(app, ["write", str(coffee), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("fmt, name", [("md", "overview.md"), ("json", "overview.json")])
def test_export_md_and_json_equal_the_draft_files(draft_dir: Path, tmp_path: Path, fmt: str, name: str) -> None:
    target = tmp_path / "exported" / f"copy.{fmt}"
    result = runner.invoke(app, ["export", str(draft_dir), "--format", fmt, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == (draft_dir / name).read_bytes()


def test_export_format_follows_the_suffix(draft_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.md"
    assert runner.invoke(app, ["export", str(draft_dir), "-o", str(target)]).exit_code == 0
    assert target.read_text("utf-8").startswith("# 星河咖啡")


def test_export_md_renders_when_overview_md_is_missing(draft_dir: Path, tmp_path: Path) -> None:
    expected = (draft_dir / "overview.md").read_text("utf-8")
    (draft_dir / "overview.md").unlink()
    target = tmp_path / "copy.md"
    assert runner.invoke(app, ["export", str(draft_dir), "-o", str(target)]).exit_code == 0
    assert target.read_text("utf-8") == expected


def test_export_docx_default_path_then_refuses_to_overwrite(draft_dir: Path) -> None:
    result = runner.invoke(app, ["export", str(draft_dir)])
    assert result.exit_code == 0, result.output
    target = draft_dir / "overview.docx"
    assert docx.Document(str(target)).paragraphs[0].style.name == "Title"
    before = target.read_bytes()
    again = runner.invoke(app, ["export", str(draft_dir), "--format", "docx", "-o", str(target)])
    assert again.exit_code == 2
    assert "already exists" in said(again) and "--force" in said(again)
    assert target.read_bytes() == before
    forced = runner.invoke(app, ["export", str(draft_dir), "-o", str(target), "--force"])
    assert forced.exit_code == 0, forced.output


def test_export_refuses_to_overwrite_md(draft_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "notes.md"
    target.write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["export", str(draft_dir), "-o", str(target)])
    assert result.exit_code == 2
    assert target.read_text("utf-8") == "mine"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "pdf", "-o", "x.pdf"], "unknown format 'pdf'"),
        (["--format", "md"], "needs -o FILE"),
        (["--format", "json", "-o", "{draft}/overview.json", "--force"], "the draft's own file"),
        (["-o", "{draft}"], "is a directory"),
    ],
)
def test_export_bad_options_exit_2(draft_dir: Path, args: list[str], message: str) -> None:
    argv = ["export", str(draft_dir), *(a.replace("{draft}", str(draft_dir)) for a in args)]
    result = runner.invoke(app, argv)
    assert result.exit_code == 2, result.output
    assert said(result).startswith("error:") and message in said(result)
    assert "Traceback" not in result.output


def test_export_missing_or_invalid_draft_exit_2(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["export", str(tmp_path / "nope"), "-o", str(tmp_path / "x.docx")])
    assert missing.exit_code == 2
    assert "no overview.json" in said(missing)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "overview.json").write_text("{}", encoding="utf-8")
    invalid = runner.invoke(app, ["export", str(bad), "-o", str(tmp_path / "x.docx")])
    assert invalid.exit_code == 2
    assert "not a valid drafter overview" in said(invalid)
    assert not (tmp_path / "x.docx").exists()


def test_help_lists_commands_and_completion() -> None:
    result = runner.invoke(app, ["--help"], prog_name="drafter")
    assert result.exit_code == 0
    for word in ("export", "init", "config", "--install-completion", "--show-completion", "--version"):
        assert word in result.output


def test_show_completion_bash(monkeypatch: pytest.MonkeyPatch) -> None:
    # The shell is detected from the process tree, which differs between terminals and runners (and detection can
    # fail while processes come and go): fix it here.
    import shellingham

    monkeypatch.setattr(shellingham, "detect_shell", lambda *a, **k: ("bash", "/bin/bash"))
    result = runner.invoke(app, ["--show-completion"], prog_name="drafter")
    assert result.exit_code == 0, result.output
    assert "_DRAFTER_COMPLETE=complete_bash" in result.output
    assert "complete -o default -F _drafter_completion drafter" in result.output


def test_completion_offers_the_new_commands() -> None:
    env = {"_DRAFTER_COMPLETE": "complete_bash", "COMP_WORDS": "drafter ex", "COMP_CWORD": "1"}
    result = runner.invoke(app, [], prog_name="drafter", env=env)
    assert "export" in result.output.split()
