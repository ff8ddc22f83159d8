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


@pytest.mark.parametrize("case", ["cold_chain_h1", "community_bank_sparse", "saas_hr_en"])
def test_a_real_model_draft_replays_through_write(case: str) -> None:
    """Strict replay is the recorded run again: a request the model failed when recording (three invalid answers)
    has no cassette, so it fails here too and the section keeps its previous version, as it did then."""
    facts = load_facts(CASES / case / "facts.yaml")
    model = ReplayModel(CassetteStore(CASSETTES), replay_as=RECORDED_AS, strict=True, name=f"mock:{RECORDED_AS}")
    overview = write_overview(facts, ModelSettings(name=f"mock:{RECORDED_AS}"),
                              WriteOptions(use_cache=False), model=model)
    drafted = {e.section for e in overview.usage.entries if e.stage == "draft"}
    assert drafted == {s.key for s in overview.sections} | {"opening"}, (
        "every section, the opening and the summary replay from real answers; a miss means a prompt, schema, these "
        "facts or the critic changed since recording: record again with bench/local_model.py")
    assert all(s.state == "ok" and s.content is not None and s.history[0].origin == "draft"
               for s in overview.sections)
    assert overview.opening is not None and overview.opening.text
    revised = [e for e in overview.usage.entries if e.stage == "revise"]
    assert revised and overview.rounds >= 1, "the critic found errors in the small model's draft and a real " \
                                             "revision of it was replayed"
    assert any(v.origin == "critique" for s in overview.sections for v in s.history)
    assert model.hits == sum(e.calls for e in overview.usage.entries)
    assert render(overview).startswith(f"# {facts.file.company}")


def test_eval_reports_the_real_rows_as_measurements(tmp_path: Path) -> None:
    """The real rows are replayed by `drafter eval` as CI runs them: their failed gates are reported, with the
    rounds the revise loop used, and --measure keeps them from setting the exit code; without it they do."""
    from typer.testing import CliRunner

    from drafter.cli.app import app

    args = ["eval", str(CASES), "--model", RECORDED_AS, "--replay", "--strict", "--recordings", str(CASSETTES),
            "--no-overlap", "--out", str(tmp_path)]
    measured = CliRunner().invoke(app, [*args, "--measure"])
    assert measured.exit_code == 0, measured.output
    assert measured.output.rstrip().endswith("failed (measured, not enforced)")
    rows = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    by = {(r["case"], r["metric"]): r for r in rows}
    assert {r["case"] for r in rows} == {"cold_chain_h1", "community_bank_sparse", "saas_hr_en"}
    assert any(r["passed"] is False for r in rows), "a small model's drafts fail gates; the rows must say so"
    assert all(by[(c, "revision_rounds")]["value"] >= 1 for c in ("cold_chain_h1", "saas_hr_en"))
    assert all(by[(c, "failed_sections")]["value"] == 0 for c in ("cold_chain_h1", "saas_hr_en"))
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["gates_enforced"] is False and summary["recordings"]["hits"] >= 12
    enforced = CliRunner().invoke(app, args)
    assert enforced.exit_code == 1
