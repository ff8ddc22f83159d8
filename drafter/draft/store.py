"""The draft directory: atomic writes of overview.md/overview.json, a writer lock, loading."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from drafter.draft.model import Overview
from drafter.draft.render_markdown import render
from drafter.errors import DraftLockedError, InputError

OVERVIEW_JSON = "overview.json"
OVERVIEW_MD = "overview.md"
LOCK = ".drafter.lock"


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write via a temporary file in the same folder and rename, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def check_writable(directory: Path, force: bool) -> None:
    """Refuse to overwrite an existing draft unless `force`."""
    if directory.exists() and not directory.is_dir():
        raise InputError(f"{directory}: exists and is not a directory.")
    existing = [n for n in (OVERVIEW_JSON, OVERVIEW_MD) if (directory / n).exists()]
    if existing and not force:
        raise InputError(
            f"{directory}: already holds a draft ({', '.join(existing)}); pass --force to overwrite it, "
            "choose another -o, or use `drafter revise` to change it."
        )


def save(directory: Path, overview: Overview) -> str:
    """Write overview.json then overview.md atomically; return the Markdown."""
    markdown = render(overview)
    atomic_write(directory / OVERVIEW_JSON, overview.model_dump_json(indent=1) + "\n")
    atomic_write(directory / OVERVIEW_MD, markdown)
    return markdown


def load(directory: Path) -> Overview:
    """Load a draft directory's overview.json."""
    path = directory / OVERVIEW_JSON if directory.is_dir() else directory
    if not path.is_file():
        raise InputError(f"{directory}: no {OVERVIEW_JSON} here; create a draft with `drafter write FACTS -o DIR`.")
    try:
        return Overview.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{path}: not a valid drafter overview ({where}: {first['msg']}).") from None


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold the draft's writer lock; a second writer gets a clear error instead of waiting."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LOCK
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        holder = path.read_text(encoding="utf-8").strip() if path.exists() else "?"
        if holder.isdigit() and not _alive(int(holder)):
            os.unlink(path)  # left by a process that died; safe to take over
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        else:
            raise DraftLockedError(
                f"{directory}: another drafter process (pid {holder}) is writing this draft; "
                f"wait for it to finish (or delete {path} if it is gone)."
            ) from None
    try:
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
