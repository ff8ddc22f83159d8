"""The draft directory: atomic writes of overview.md/overview.json, a writer lock, loading."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from drafter.draft.model import Overview
from drafter.draft.render_markdown import render
from drafter.errors import DraftLockedError, InputError, Interrupted
from drafter.files import atomic_write as atomic_write  # re-exported: the draft directory writes through it
from drafter.i18n import _

OVERVIEW_JSON = "overview.json"
OVERVIEW_MD = "overview.md"
LOCK = ".drafter.lock"

# Temporary files drafter writes in a draft directory: `.NAME.PID.RANDOM.tmp` (PID is the writer's; files left
# by older releases have no PID part). Only the lock holder writes overview.json and overview.md, so their
# temporary files are always left-overs once the lock is held; the others are left-overs once their writer is gone.
_TEMP_RE = re.compile(r"^\.(?P<name>overview\.json|overview\.md|overview\.docx|drafter\.lock)"
                      r"\.(?:(?P<pid>\d+)\.)?[^/]*\.tmp$")
_HOLDER_ONLY = frozenset({OVERVIEW_JSON, OVERVIEW_MD})


def check_writable(directory: Path, force: bool) -> None:
    """Refuse to overwrite an existing draft unless `force`."""
    if directory.exists() and not directory.is_dir():
        raise InputError(_("{directory}: exists and is not a directory.").format(directory=directory))
    existing = [n for n in (OVERVIEW_JSON, OVERVIEW_MD) if (directory / n).exists()]
    if existing and not force:
        raise InputError(_(
            "{directory}: already holds a draft ({files}); pass --force to overwrite it, "
            "choose another -o, or use `drafter revise` to change it."
        ).format(directory=directory, files=', '.join(existing)))


def markdown_digest(markdown: str | bytes) -> str:
    """The sha256 (hex) that overview.json records for the overview.md rendered from it."""
    raw = markdown.encode("utf-8") if isinstance(markdown, str) else markdown
    return hashlib.sha256(raw).hexdigest()


def save(directory: Path, overview: Overview) -> str:
    """Write overview.json (recording the digest of its Markdown), then overview.md, atomically; return the Markdown.

    A crash between the two renames leaves an overview.md whose digest is not the recorded one, which
    `markdown_mismatch` reports and the next save repairs.
    """
    stale = markdown_mismatch(directory) if (directory / OVERVIEW_JSON).is_file() else None
    markdown = render(overview)
    overview.markdown_sha256 = markdown_digest(markdown)
    atomic_write(directory / OVERVIEW_JSON, overview.model_dump_json(indent=1) + "\n")
    atomic_write(directory / OVERVIEW_MD, markdown)
    if stale is not None:
        _notice(f"{directory / OVERVIEW_MD} was not the one rendered from {OVERVIEW_JSON} ({stale}); "
                f"rewrote it from {OVERVIEW_JSON}.")
    return markdown


def markdown_mismatch(directory: Path) -> str | None:
    """Why the overview.md in a draft directory is not the one its overview.json was rendered to, or None.

    None also when overview.json records no digest (written by an older release) or cannot be read.
    """
    try:
        recorded = _recorded_digest(directory / OVERVIEW_JSON)
    except (OSError, ValueError):
        return None
    if recorded is None:
        return None
    try:
        actual = markdown_digest((directory / OVERVIEW_MD).read_bytes())
    except FileNotFoundError:
        return "it is missing"
    if actual != recorded:
        return "edited by hand, or a write was interrupted"
    return None


def _recorded_digest(path: Path) -> str | None:
    import json

    data = json.loads(path.read_text(encoding="utf-8"))
    digest = data.get("markdown_sha256") if isinstance(data, dict) else None
    return digest if isinstance(digest, str) else None


def load(directory: Path) -> Overview:
    """Load a draft directory's overview.json."""
    path = directory / OVERVIEW_JSON if directory.is_dir() else directory
    if not path.is_file():
        raise InputError(_("{directory}: no {file} here; create a draft with `drafter write FACTS -o DIR`.").format(
            directory=directory, file=OVERVIEW_JSON))
    try:
        return Overview.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(_("{path}: not a valid drafter overview ({where}: {error}).").format(
            path=path, where=where, error=first['msg'])) from None


def remove_temp_files(directory: Path) -> list[str]:
    """Delete the temporary files an interrupted drafter process left in `directory`; return their names.

    Call it holding the lock: overview.json/overview.md temporaries are then never in use. Other drafter
    temporaries (overview.docx, the lock's) are deleted once the process named in them is gone.
    """
    removed = []
    try:
        names = sorted(os.listdir(directory))
    except FileNotFoundError:
        return []
    for name in names:
        match = _TEMP_RE.match(name)
        if match is None:
            continue
        pid = match["pid"]
        if match["name"] not in _HOLDER_ONLY and pid is not None and (int(pid) == os.getpid() or _alive(int(pid))):
            continue
        with contextlib.suppress(FileNotFoundError):
            os.unlink(directory / name)
            removed.append(name)
    return removed


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold the draft's writer lock; a second writer gets a clear error instead of waiting.

    The lock is an exclusive `flock` on `.drafter.lock`, which holds the holder's PID for messages. The kernel
    drops a flock when its process dies, so a lock file that no process has locked is stale, whatever it holds.
    Temporary files left by an interrupted run are removed once the lock is held.
    """
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LOCK
    fd = _acquire(path, directory)
    try:
        removed = remove_temp_files(directory)
        if removed:
            _notice(f"removed {len(removed)} temporary file(s) an interrupted drafter run left in {directory}.")
        before = _identity(directory / OVERVIEW_JSON)
        try:
            yield
        except KeyboardInterrupt as exc:
            if isinstance(exc, Interrupted):
                raise
            after = _identity(directory / OVERVIEW_JSON)
            state = "none" if before is None and after is None else "unchanged" if before == after else "saved"
            raise Interrupted(str(directory), state) from exc
    finally:
        # Unlink while still holding the flock: a process that opened this file meanwhile gets the flock only
        # after it is unlinked, sees that the path no longer names its file, and starts over.
        if _names(path, fd):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        os.close(fd)


def _acquire(path: Path, directory: Path) -> int:
    """An open descriptor of `path` holding its flock, taking over a stale lock file; DraftLockedError if held."""
    while True:
        fd = _create(path)
        if fd is not None:
            return fd
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            continue  # released between our create and open: try to create it again
        except PermissionError:
            raise InputError(_("{path}: cannot open the draft's lock file (permission denied); "
                               "is the draft another user's?").format(path=path)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read(fd).split()
            os.close(fd)
            pid = holder[0] if holder else "?"
            raise DraftLockedError(_(
                "{directory}: another drafter process (pid {pid}) is writing this draft; "
                "wait for it to finish (or delete {path} if it is gone)."
            ).format(directory=directory, pid=pid, path=path)) from None
        except BaseException:
            os.close(fd)
            raise
        if not _names(path, fd):
            os.close(fd)  # the holder released (and unlinked) this file before we locked it
            continue
        # We hold the flock on the file the path names, and no process held it: it is stale.
        left = _read(fd)
        _stamp(fd)
        _notice(f"recovered a stale lock in {directory} ({_describe(left)}; no process held it).")
        return fd


def _create(path: Path) -> int | None:
    """Create the lock file already locked, or return None when a lock file exists.

    The file is made and flocked under a temporary name, then hard-linked into place, which fails if the
    path exists: the lock file never appears unlocked or without the holder's PID.
    """
    fd, tmp = tempfile.mkstemp(prefix=f"{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    linked = False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        _stamp(fd)
        try:
            os.link(tmp, path)
            linked = True
        except FileExistsError:
            pass
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK):
                raise
            os.close(fd)
            fd = -1
            return _create_exclusive(path)  # no hard links on this file system
    finally:
        if not linked and fd >= 0:
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return fd if linked else None


def _create_exclusive(path: Path) -> int | None:
    """Without hard links: create the lock file exclusively, then flock it (None if another process got it)."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    except FileExistsError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)  # a process that found it first holds it now
        return None
    if not _names(path, fd):
        os.close(fd)
        return None
    _stamp(fd)
    return fd


def _identity(path: Path) -> tuple[int, int, int, int] | None:
    """What tells one version of a file from another (every save replaces the file), or None when it is missing."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _names(path: Path, fd: int) -> bool:
    """Whether `path` still names the file open as `fd`."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    own = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (own.st_dev, own.st_ino)


def _stamp(fd: int) -> None:
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)


def _read(fd: int) -> str:
    try:
        return os.pread(fd, 256, 0).decode("utf-8", "replace").strip()
    except OSError:
        return ""


def _describe(left: str) -> str:
    """What a stale lock file held, for the message."""
    if not left:
        return "an empty lock file"
    first = left.split()[0]
    if not first.isdigit():
        return "an unreadable lock file"
    if _alive(int(first)):
        return f"pid {first} is running but is not its holder"
    return f"pid {first} is no longer running"


def _notice(text: str) -> None:
    """One line on stderr."""
    print(f"drafter: {text}", file=sys.stderr, flush=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
