"""SIGKILL at random points of `write` and `revise`: the next run cleans up, and `write --resume` completes."""

from __future__ import annotations

import collections
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drafter.cli.app import app
from drafter.draft import store
from drafter.draft.render_markdown import render
from tests.conftest import ROOT

runner = CliRunner()
RUNS = 30  # per command
SEED = 20251201
STALE = "is not the overview.md rendered from"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DRAFTER_", "OPENAI_"))}
    env["PYTHONPATH"] = str(ROOT)
    return env


def _run_forked(args: list[str]) -> int:
    """Fork a child that runs the `drafter` console entry point (`drafter.cli.app.main`) with ARGS.

    The child shares this process's warm imports, so a run costs its work and not an interpreter start-up.
    """
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            sys.argv = ["drafter", *args]
            sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - the child exits below
            sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
            from drafter.cli.app import main

            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            os._exit(code)
    return pid


class _Subprocess:
    """`python -m drafter ARGS` as a real subprocess (the interpreter start-up included)."""

    def __init__(self, args: list[str], directory: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "drafter", *args], env=_env(), cwd=directory.parent,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)

    def poll(self) -> bool:
        return self.proc.poll() is not None

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


class _Forked:
    def __init__(self, args: list[str], directory: Path) -> None:
        self.pid, self.done = _run_forked(args), False

    def poll(self) -> bool:
        if not self.done:
            self.done = os.waitpid(self.pid, os.WNOHANG)[0] != 0
        return self.done

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        self.done = True


def _kill_at(run: _Forked | _Subprocess, directory: Path, delay: float | None) -> tuple[str, float]:
    """Once the run holds the draft's lock, wait `delay` s and SIGKILL it (None: let it finish).

    Returns "killed" or "finished", and the seconds from taking the lock to the end.
    """
    lock = directory / store.LOCK
    deadline = time.monotonic() + 60
    while not run.poll() and not lock.exists() and time.monotonic() < deadline:
        time.sleep(0.0005)
    locked_at = time.monotonic()
    if delay is None:
        while not run.poll():
            time.sleep(0.001)
    elif not run.poll():
        time.sleep(delay)
    if run.poll():
        return "finished", time.monotonic() - locked_at
    run.kill()
    return "killed", time.monotonic() - locked_at


def _state(directory: Path) -> list[str]:
    """What a run left in its draft directory."""
    names = {p.name for p in directory.iterdir()} if directory.exists() else set()
    left = []
    if store.LOCK in names:
        left.append("lock")
    if any(store._TEMP_RE.match(n) for n in names):
        left.append("temp files")
    has_json, has_md = store.OVERVIEW_JSON in names, store.OVERVIEW_MD in names
    if not has_json:
        left.append("no overview.json" + (" but overview.md" if has_md else ""))
    elif store.markdown_mismatch(directory) is not None:
        left.append("overview.md disagrees")
    return left or ["a complete draft"]


def _assert_consistent_or_warned(directory: Path) -> None:
    """Before any repair: overview.md is the one rendered from overview.json, or `check` says it is not."""
    if not (directory / store.OVERVIEW_JSON).is_file() or not (directory / store.OVERVIEW_MD).is_file():
        return
    md = (directory / store.OVERVIEW_MD).read_text(encoding="utf-8")
    if md == render(store.load(directory)):
        assert store.markdown_mismatch(directory) is None
        return
    result = runner.invoke(app, ["check", str(directory / store.OVERVIEW_MD)])
    assert STALE in result.output, f"{directory}: overview.md disagrees with overview.json and check is silent"


def _resume_and_assert_complete(facts: Path, directory: Path) -> None:
    result = runner.invoke(app, ["write", str(facts), "-o", str(directory), "--resume"])
    assert result.exit_code == 0, f"{directory}: {result.output}"
    names = sorted(p.name for p in directory.iterdir())
    assert names == [store.OVERVIEW_JSON, store.OVERVIEW_MD], f"{directory}: {names}"  # no lock, no temp file
    overview = store.load(directory)
    assert overview.sections and all(s.state == "ok" and s.content is not None for s in overview.sections)
    assert overview.opening is not None
    assert (directory / store.OVERVIEW_MD).read_text(encoding="utf-8") == render(overview)
    assert store.markdown_mismatch(directory) is None


SUBPROCESS_RUNS = 2  # of the runs, the first few go through a real `python -m drafter` subprocess


@pytest.mark.parametrize("command", ["write", "revise"])
def test_sigkill_at_random_points_then_resume(tmp_path: Path, coffee: Path, command: str) -> None:
    rng = random.Random(f"{SEED}-{command}")
    facts = tmp_path / "coffee.yaml"
    shutil.copy(coffee, facts)
    base = tmp_path / "base"
    made = runner.invoke(app, ["write", str(facts), "-o", str(base)])  # also warms the imports the forks share
    assert made.exit_code == 0, made.output

    def args(d: Path) -> list[str]:
        # --refresh-summary redrafts the opening and summary and always saves both files
        return ["write", str(facts), "-o", str(d)] if command == "write" else ["revise", str(d), "--refresh-summary"]

    def fresh(name: str) -> Path:
        d = tmp_path / name
        if command == "revise":
            shutil.copytree(base, d)
        return d

    # One uninterrupted run measures how long the command holds the lock here and now; the kills are spread
    # over that span (and a little past it), so they land in the drafting, the critic and the saves alike.
    probe = fresh("probe")
    outcome, span = _kill_at(_Forked(args(probe), probe), probe, None)
    assert outcome == "finished" and _state(probe) == ["a complete draft"]
    outcomes: list[str] = []
    states: collections.Counter[str] = collections.Counter()
    for i in range(RUNS + SUBPROCESS_RUNS):
        d = fresh(f"d{i:02}")
        kind = _Subprocess if i < SUBPROCESS_RUNS else _Forked
        delay = 0.0 if i in (0, SUBPROCESS_RUNS) else rng.uniform(0, 1.2 * span)
        outcome, _ = _kill_at(kind(args(d), d), d, delay)
        outcomes.append(outcome)
        states.update(f"{outcome}: {what}" for what in _state(d))
        _assert_consistent_or_warned(d)
        _resume_and_assert_complete(facts, d)
    assert "killed" in outcomes  # a kill right after the lock is taken cannot miss
    print(f"\n{command}: {len(outcomes)} runs ({SUBPROCESS_RUNS} as `python -m drafter`), "
          f"{outcomes.count('killed')} killed; lock held ~{span:.2f}s; left: {dict(sorted(states.items()))}")
