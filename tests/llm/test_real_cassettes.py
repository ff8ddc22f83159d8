"""Answers recorded from a real model (evals/cassettes/real) replay end to end through `write`: the chains, the
structured parsing of what a small model really wrote, the critic and the revise loop — with no model running.

They were recorded with `bench/local_model.py -- eval evals/real/cases --record --recordings evals/cassettes/real`
(Qwen2.5-Coder-1.5B-Instruct on llama.cpp's Python server). A cassette's key covers the prompt files, the schema,
the facts and — for a revision — the critic's findings it was asked to fix: a change to any of them makes that
recording miss, and the recording has to be made again with that command.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drafter.draft.render_markdown import render
from drafter.facts.load import load_facts
from drafter.llm.cassettes import CassetteStore
from drafter.llm.fakes import ReplayModel
from drafter.pipeline import WriteOptions, write_overview
from drafter.settings import ModelSettings

ROOT = Path(__file__).resolve().parents[2]
CASSETTES = ROOT / "evals" / "cassettes" / "real"
CASES = ROOT / "evals" / "real" / "cases"
RECORDED_AS = "openai:local"


def recorded() -> list[dict[str, object]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(CASSETTES.glob("*.json"))]


def test_every_real_cassette_says_what_answered_where_and_when() -> None:
    cassettes = recorded()
    assert len(cassettes) >= 12, "three cases, each with sections, opening, summary and revisions"
    for c in cassettes:
        provenance = c["provenance"]
        assert isinstance(provenance, dict)
        assert c["model"] == RECORDED_AS and provenance["model"] == RECORDED_AS
        assert provenance["weights_sha256"] == "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
        assert "Qwen2.5-Coder-1.5B-Instruct" in str(provenance["weights"])
        assert str(provenance["server"]).startswith("http://127.0.0.1:") and "llama-cpp-python" in str(
            provenance["runtime"])
        assert str(provenance["date"])[:4] == str(c["recorded"])[:4] and provenance["mode"] in ("tools", "json_object")
    schemas = {str(c["schema"]) for c in cassettes}
    assert {"ProseSection", "GoalsSection", "Opening"} <= schemas


@pytest.mark.parametrize("case", ["community_bank_sparse", "cold_chain_h1", "saas_hr_en"])
def test_a_real_model_draft_replays_through_write(case: str) -> None:
    facts = load_facts(CASES / case / "facts.yaml")
    model = ReplayModel(CassetteStore(CASSETTES), replay_as=RECORDED_AS, strict=True, name=f"mock:{RECORDED_AS}")
    overview = write_overview(facts, ModelSettings(name=f"mock:{RECORDED_AS}"),
                              WriteOptions(use_cache=False), model=model)
    assert model.misses == 0, ("a request had no recording: a prompt, schema, facts file or the critic's findings "
                               "changed since recording; record again with bench/local_model.py")
    assert all(s.state == "ok" and s.content is not None for s in overview.sections)
    assert overview.opening is not None and overview.opening.text
    stages = {e.stage for e in overview.usage.entries}
    assert "draft" in stages
    revised = [v for s in overview.sections for v in s.history if v.origin == "critique"]
    if "revise" in stages:  # the recorded run revised: its revisions were replayed and judged again
        assert revised and overview.rounds >= 1
    markdown = render(overview)
    assert markdown.startswith(f"# {facts.file.company}")
