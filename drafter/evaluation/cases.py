"""Eval cases are folders: `facts.yaml` (or .yml/.json/.toml) and an optional `reference.md`."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from drafter.errors import InputError

FACTS_NAMES = ("facts.yaml", "facts.yml", "facts.json", "facts.toml")
REFERENCE_NAME = "reference.md"


@dataclass(frozen=True)
class Case:
    """One eval case: a name, its facts file and its reference overview (when it has one)."""

    name: str
    directory: Path
    facts_path: Path
    reference_path: Path | None

    def reference(self) -> str | None:
        """The reference overview's text, or None when the case has none."""
        if self.reference_path is None:
            return None
        return self.reference_path.read_text(encoding="utf-8-sig")

    def files(self) -> list[Path]:
        """The files that define the case (hashed into summary.json)."""
        return [p for p in (self.facts_path, self.reference_path) if p is not None]


def checkout_root() -> Path:
    """The source checkout drafter runs from (where `evals/` lives in a clone)."""
    return Path(__file__).resolve().parent.parent.parent


def default_cases_dir() -> Path:
    """`evals/cases` in the working directory (an installed drafter has no cases of its own)."""
    return Path("evals") / "cases"


def facts_file(directory: Path) -> Path | None:
    """The facts file of a case folder, if it is one."""
    return next((directory / n for n in FACTS_NAMES if (directory / n).is_file()), None)


def load_case(directory: Path) -> Case:
    """The case in `directory` (it must contain a facts file)."""
    facts = facts_file(directory)
    if facts is None:
        raise InputError(f"{directory}: not an eval case (no {' / '.join(FACTS_NAMES)}).")
    reference = directory / REFERENCE_NAME
    return Case(directory.resolve().name, directory, facts, reference if reference.is_file() else None)


def discover(paths: Sequence[Path] | None = None, skipped: list[Path] | None = None) -> list[Case]:
    """Cases from case folders or folders of case folders (default: every case under evals/cases).

    Sub-folders of a folder of cases that hold no facts file are not cases: they are appended to `skipped` (hidden
    and `__…` folders excepted) so that the caller can say so."""
    roots = list(paths) if paths else [default_cases_dir()]
    if not paths and not roots[0].is_dir():
        raise InputError(f"no eval cases: looked for the folder {roots[0]} in {Path.cwd()}, which does not exist; "
                         "run from a folder that has evals/cases, or give the cases: `drafter eval PATH` (a case "
                         "folder with facts.yaml, or a folder of them).")
    cases: list[Case] = []
    for root in roots:
        if not root.is_dir():
            raise InputError(f"{root}: no such directory; give a case folder (with facts.yaml) or a folder of them.")
        if facts_file(root) is not None:
            cases.append(load_case(root))
            continue
        folders = [d for d in sorted(root.iterdir()) if d.is_dir() and not d.name.startswith((".", "__"))]
        found = [load_case(d) for d in folders if facts_file(d) is not None]
        if skipped is not None and found:
            skipped += [d for d in folders if facts_file(d) is None]
        if not found:
            raise InputError(f"{root}: no eval cases here (a case is a folder with facts.yaml and reference.md).")
        cases += found
    return _unique_names(cases)


def _unique_names(cases: list[Case]) -> list[Case]:
    """Keep folder names as case names; qualify them with the parent folder when two collide."""
    seen: dict[Path, Case] = {}
    for case in cases:
        seen.setdefault(case.directory.resolve(), case)
    unique = list(seen.values())
    counts: dict[str, int] = {}
    for case in unique:
        counts[case.name] = counts.get(case.name, 0) + 1
    return [Case(f"{c.directory.resolve().parent.name}/{c.name}", c.directory, c.facts_path, c.reference_path)
            if counts[c.name] > 1 else c for c in unique]


def files_hash(cases: Iterable[Case]) -> str:
    """sha256 over every case's name and file contents (facts and reference), in case order."""
    digest = hashlib.sha256()
    for case in cases:
        for path in case.files():
            digest.update(f"{case.name}/{path.name}\0".encode())
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def directory_hash(directory: Path, pattern: str = "*.json") -> str | None:
    """sha256 over the files matching `pattern` in `directory` (None when it does not exist)."""
    if not directory.is_dir():
        return None
    digest = hashlib.sha256()
    for path in sorted(directory.glob(pattern)):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
