"""Published JSON Schemas are generated from the models and kept current."""

from __future__ import annotations

import json

from drafter.draft import json_schemas as schemas


def test_committed_schemas_are_current() -> None:
    for name, schema in schemas.generate().items():
        path = schemas.SCHEMA_DIR / name
        assert path.is_file(), f"{name} missing: run python -m drafter.draft.json_schemas"
        stale = f"{name} stale: run python -m drafter.draft.json_schemas"
        assert path.read_text(encoding="utf-8") == schemas.render(schema), stale


def test_schemas_forbid_unknown_keys_and_describe_fields() -> None:
    facts = json.loads((schemas.SCHEMA_DIR / "facts.schema.json").read_text(encoding="utf-8"))
    assert facts["additionalProperties"] is False
    assert {"company", "period"} <= set(facts["required"])
    overview = json.loads((schemas.SCHEMA_DIR / "overview.schema.json").read_text(encoding="utf-8"))
    goal = overview["$defs"]["Goal"]
    assert goal["additionalProperties"] is False
    assert "description" in goal["properties"]["statement"]


def test_check_mode_detects_staleness(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(schemas, "SCHEMA_DIR", tmp_path)
    assert schemas.main(["--check"]) == 1
    assert schemas.main([]) == 0
    assert schemas.main(["--check"]) == 0
