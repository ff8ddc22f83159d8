"""Hand-authored recordings: what a model would answer for one section of a case, stored for mock replay.

A recording is a cassette: its file name is `drafter.llm.cassettes.cassette_key(model, None, request)`, so it changes
whenever the prompt files or the section schema change. Each hand-authored file also names its case and section;
`rekey` recomputes the keys from the current prompts (`python -m drafter.evaluation.handmade`) so the files never go
stale silently.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drafter.errors import InputError
from drafter.evaluation.cases import default_cases_dir, load_case
from drafter.llm.cassettes import recordings_dir as default_recordings_dir

if TYPE_CHECKING:
    from drafter.llm.protocol import ModelRequest

ORIGIN = "hand-authored"


def section_request(facts_path: Path, section: str) -> ModelRequest:
    """The exact request a first draft of `section` sends for this facts file."""
    from drafter.facts.load import load_facts
    from drafter.llm import chains
    from drafter.llm.protocol import ModelRequest
    from drafter.pipeline import new_overview
    from drafter.settings import ModelSettings

    facts = load_facts(facts_path)
    keys = [s.key for s in new_overview(facts, "mock").sections]
    if section not in keys:
        raise InputError(f"{facts_path}: the overview has no section '{section}' (it has {', '.join(keys)}).")
    return ModelRequest(chains.section_prompt(facts, section, keys), chains.section_schema(section),
                        params=ModelSettings().params)


def record_by_hand(case_dir: Path, section: str, response: dict[str, Any], directory: Path | None = None,
                   model: str = "mock") -> Path:
    """Validate `response` against the section schema and store it as the cassette of that request."""
    from drafter.llm.cassettes import Cassette, CassetteStore, cassette_key

    case = load_case(case_dir)
    request = section_request(case.facts_path, section)
    value = request.schema.model_validate(response)
    store = CassetteStore(directory or default_recordings_dir())
    key = cassette_key(model, None, request)
    return store.put(Cassette(key=key, model=model, schema=request.schema.__name__,
                              response=value.model_dump(mode="json"), prompt_version=request.prompt.version,
                              recorded="by hand", provenance={"origin": ORIGIN, "case": case.name,
                                                              "section": section}))


def hand_recordings(directory: Path) -> list[tuple[Path, dict[str, Any]]]:
    """The hand-authored recordings in `directory` (recorded model answers are left alone)."""
    found = []
    for path in sorted(directory.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(record, dict) and (record.get("provenance") or record).get("origin") == ORIGIN:
            found.append((path, record))
    return found


def rekey(directory: Path | None = None, cases_dir: Path | None = None) -> list[tuple[Path, Path]]:
    """Rewrite every hand-authored recording under its current key; returns the (old, new) paths that moved."""
    directory = directory or default_recordings_dir()
    cases_dir = cases_dir or default_cases_dir()
    moved = []
    for path, record in hand_recordings(directory):
        where = record.get("provenance") or record
        new = record_by_hand(cases_dir / where["case"], where["section"], record["response"], directory,
                             record.get("model", "mock"))
        if new.resolve() != path.resolve():
            path.unlink()
            moved.append((path, new))
    return moved


def main(argv: list[str] | None = None) -> int:
    """`python -m drafter.evaluation.handmade [RECORDINGS_DIR [CASES_DIR]]`: re-key the hand-authored recordings."""
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else None
    cases_dir = Path(args[1]) if len(args) > 1 else None
    moved = rekey(directory, cases_dir)
    for old, new in moved:
        print(f"{old.name} → {new.name}")
    print(f"{len(moved)} recording(s) re-keyed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
