"""The writer lock: one holder at a time, stale locks recovered with a message, left-over temporary files removed."""

from __future__ import annotations

import multiprocessing
import multiprocessing.synchronize
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from drafter.draft import store
from drafter.errors import DraftLockedError

FORK = multiprocessing.get_context("fork")


def dead_pid() -> int:
    """The PID of a process that has exited."""
    proc = subprocess.Popen([sys.executable, "-c", ""])
    proc.wait()
    return proc.pid


def write_stale_lock(directory: Path, kind: str) -> None:
    """A lock file no process holds: what a killed drafter, an older release or another host leaves."""
    directory.mkdir(parents=True, exist_ok=True)
    text = {"dead": f"{dead_pid()}\n", "empty": "", "garbage": "\x00\x7fnot a pid",
            "unrelated": f"{os.getppid()}\n"}[kind]  # os.getppid(): a live process that holds no lock
    (directory / store.LOCK).write_text(text, encoding="utf-8")


def _mark(log: Path, line: str) -> None:
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{line}\n".encode())
    finally:
        os.close(fd)


def _contend(directory: Path, log: Path, start: multiprocessing.synchronize.Barrier, attempts: int,
             results: Any) -> None:
    """Try to take the lock `attempts` times; record each outcome (and any unexpected exception)."""
    outcomes = []
    start.wait()
    for _ in range(attempts):
        try:
            with store.locked(directory):
                _mark(log, f"enter {os.getpid()}")
                time.sleep(0.003)  # hold it for a moment, so a second holder would overlap
                _mark(log, f"exit {os.getpid()}")
            outcomes.append("held")
        except DraftLockedError:
            outcomes.append("locked")
        except BaseException as exc:  # noqa: BLE001 - reported to the test, which fails on it
            outcomes.append(f"{type(exc).__name__}: {exc}")
    results.put(outcomes)


def _hold(directory: Path, log: Path, ready: multiprocessing.synchronize.Event,
          release: multiprocessing.synchronize.Event) -> None:
    with store.locked(directory):
        _mark(log, f"enter {os.getpid()}")
        ready.set()
        release.wait(30)
        _mark(log, f"exit {os.getpid()}")


def overlaps(log: Path) -> list[str]:
    """Every enter marker written while another holder had not yet written its exit marker."""
    holder: str | None = None
    bad = []
    for line in log.read_text(encoding="utf-8").splitlines():
        event, pid = line.split()
        if event == "enter":
            if holder is not None:
                bad.append(f"{pid} entered while {holder} held the lock")
            holder = pid
        else:
            assert holder == pid, f"{pid} left a lock held by {holder}"
            holder = None
    return bad


ROUNDS = ["dead", "live", "empty", "unrelated", "garbage", "live", "dead", "empty"]
CONTENDERS = 10
ATTEMPTS = 2


def test_many_processes_racing_for_the_lock_never_hold_it_together(tmp_path: Path) -> None:
    held = locked = 0
    for n, kind in enumerate(ROUNDS):
        directory, log = tmp_path / f"round{n}", tmp_path / f"round{n}.log"
        directory.mkdir()
        holder = release = None
        if kind == "live":
            ready, release = FORK.Event(), FORK.Event()
            holder = FORK.Process(target=_hold, args=(directory, log, ready, release))
            holder.start()
            assert ready.wait(30)
        else:
            write_stale_lock(directory, kind)
        start, results = FORK.Barrier(CONTENDERS), FORK.Queue()
        procs = [FORK.Process(target=_contend, args=(directory, log, start, ATTEMPTS, results))
                 for _ in range(CONTENDERS)]
        for p in procs:
            p.start()
        outcomes = [o for _ in procs for o in results.get(timeout=60)]
        for p in procs:
            p.join(30)
        if holder is not None and release is not None:
            release.set()
            holder.join(30)
            assert holder.exitcode == 0
        assert len(outcomes) == CONTENDERS * ATTEMPTS
        unexpected = [o for o in outcomes if o not in ("held", "locked")]
        assert unexpected == [], f"round {n} ({kind}): {unexpected}"
        assert overlaps(log) == [], f"round {n} ({kind})"
        if kind == "live":
            assert outcomes.count("held") == 0  # the live holder kept it throughout
        else:
            assert outcomes.count("held") >= 1  # the stale lock was taken over
        held += outcomes.count("held")
        locked += outcomes.count("locked")
        assert not (directory / store.LOCK).exists()
        assert [p.name for p in directory.iterdir()] == []  # no lock file, no temporary lock file
    assert held + locked == len(ROUNDS) * CONTENDERS * ATTEMPTS
    print(f"\nlock race: {len(ROUNDS)} rounds, {held + locked} attempts, {held} held (never two at once), "
          f"{locked} refused with DraftLockedError")


@pytest.mark.parametrize(("kind", "said"), [
    ("dead", "is no longer running"),
    ("empty", "an empty lock file"),
    ("garbage", "an unreadable lock file"),
    ("unrelated", "is running but is not its holder"),
])
def test_a_stale_lock_is_recovered_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str,
                                                 said: str) -> None:
    write_stale_lock(tmp_path, kind)
    with store.locked(tmp_path):
        assert (tmp_path / store.LOCK).read_text(encoding="utf-8").strip() == str(os.getpid())
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and "recovered a stale lock" in lines[0] and said in lines[0]
    assert not (tmp_path / store.LOCK).exists()


def test_a_live_holder_in_another_process_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "log"
    ready, release = FORK.Event(), FORK.Event()
    holder = FORK.Process(target=_hold, args=(tmp_path / "d", log, ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        with pytest.raises(DraftLockedError, match=f"another drafter process \\(pid {holder.pid}\\)"):
            with store.locked(tmp_path / "d"):
                pass  # pragma: no cover - never reached
        assert (tmp_path / "d" / store.LOCK).exists()  # refused without touching the holder's lock
    finally:
        release.set()
        holder.join(30)
    assert "stale" not in capsys.readouterr().err
    assert not (tmp_path / "d" / store.LOCK).exists()


def test_leftover_temporary_files_are_removed_under_the_lock(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    gone = dead_pid()
    leftovers = [f".overview.json.{gone}.k2j4_x9a.tmp", f".overview.md.{gone}.abcdefgh.tmp",
                 ".overview.json.q1w2e3r4.tmp",  # an older release's name, without a PID
                 f".overview.md.{os.getppid()}.zzzzzzzz.tmp",  # only the lock holder writes these: never in use
                 f".overview.docx.{gone}.abcdefgh.tmp", f".drafter.lock.{gone}.abcdefgh.tmp"]
    kept = [f".overview.docx.{os.getppid()}.abcdefgh.tmp",  # its writer (export takes no lock) still runs
            ".notes.md.abcdefgh.tmp", "overview.json.tmp", ".overview.json.x.tmp.bak", "notes.md"]
    for name in leftovers + kept:
        (tmp_path / name).write_text("x", encoding="utf-8")
    other = tmp_path / "other"
    other.mkdir()
    (other / leftovers[0]).write_text("x", encoding="utf-8")
    with store.locked(tmp_path):
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*kept, "other", store.LOCK])
    assert (other / leftovers[0]).exists()  # another directory is not touched
    err = capsys.readouterr().err
    assert f"removed {len(leftovers)} temporary file(s)" in err


def test_atomic_write_names_its_temporary_file_for_the_cleanup(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(src: str, dst: str) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", crash)
    seen: list[str] = []
    real_unlink = os.unlink
    monkeypatch.setattr(os, "unlink", lambda p: (seen.append(Path(p).name), real_unlink(p)))
    with pytest.raises(OSError, match="disk gone"):
        store.atomic_write(tmp_path / store.OVERVIEW_JSON, "{}")
    assert len(seen) == 1 and store._TEMP_RE.match(seen[0]) is not None
    assert f".{os.getpid()}." in seen[0]
