"""JSON Schemas generated from the Pydantic models (`python -m drafter.draft.json_schemas` rewrites `schemas/`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from drafter.draft.model import Overview
from drafter.facts.model import FactsFile

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"


def generate() -> dict[str, dict[str, Any]]:
    """File name → schema for every published model."""
    facts = FactsFile.model_json_schema()
    facts["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    overview = Overview.model_json_schema()
    overview["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return {"facts.schema.json": facts, "overview.schema.json": overview}


def render(schema: dict[str, Any]) -> str:
    """Stable text form of a schema."""
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    """Write the schemas (or with --check, exit 1 when they are stale)."""
    stale = []
    for name, schema in generate().items():
        path = SCHEMA_DIR / name
        text = render(schema)
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(name)
        if "--check" not in argv:
            path.write_text(text, encoding="utf-8")
    if stale and "--check" in argv:
        print(f"stale: {', '.join(stale)} — run python -m drafter.draft.json_schemas", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
