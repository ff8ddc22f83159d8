"""File modes: documents get the mode the umask gives; the response cache stays readable by the user only."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drafter.cli.app import app
from drafter.llm.cassettes import Cassette, CassetteStore, response_cache

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o027], ids=["umask022", "umask027"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    previous = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(previous)


def test_documents_get_the_umask_mode(coffee: Path, tmp_path: Path, umask: int) -> None:
    out = tmp_path / "draft"
    assert runner.invoke(app, ["write", str(coffee), "-o", str(out), "--docx"]).exit_code == 0
    assert runner.invoke(app, ["export", str(out), "-o", str(tmp_path / "x.docx")]).exit_code == 0
    assert runner.invoke(app, ["export", str(out), "-o", str(tmp_path / "x.md")]).exit_code == 0
    expected = 0o666 & ~umask
    for path in (out / "overview.json", out / "overview.md", out / "overview.docx", tmp_path / "x.docx",
                 tmp_path / "x.md"):
        assert mode(path) == expected, f"{path.name}: {oct(mode(path))}"
    # a rewrite (revise, undo, write --force) gives the same mode
    assert runner.invoke(app, ["write", str(coffee), "-o", str(out), "--force"]).exit_code == 0
    assert mode(out / "overview.json") == expected


def test_eval_outputs_and_recordings_get_the_umask_mode(tmp_path: Path, umask: int) -> None:
    out = tmp_path / "eval"
    result = runner.invoke(app, ["eval", str(ROOT / "evals" / "cases" / "bakery_chain_q4"), "--out", str(out),
                                 "--no-overlap"])
    assert result.exit_code == 0, result.output
    files = [p for p in out.rglob("*") if p.is_file()]
    assert files and all(mode(p) == 0o666 & ~umask for p in files), [(p.name, oct(mode(p))) for p in files]
    shared = CassetteStore(tmp_path / "recordings")
    path = shared.put(Cassette(key="k1", model="m", schema="S", response={}))
    assert mode(path) == 0o666 & ~umask


def test_the_response_cache_stays_private(umask: int) -> None:
    path = response_cache().put(Cassette(key="k2", model="m", schema="S", response={}))
    assert mode(path) == 0o600
