"""The critique→revise loop, driven by saboteurs around a model that writes only its facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafter.draft.model import Overview, SectionVersion
from drafter.draft.render_markdown import section_body
from drafter.evaluation.saboteurs import INVENTED_FIGURES, InventedFigure, MissingSection, Saboteur, part_of, round_of
from drafter.facts.load import load_facts
from drafter.facts.model import Facts
from drafter.pipeline import WriteOptions, write_overview
from drafter.settings import ModelSettings
from tests.evaluation.faithful import LOOP_FACTS, FaithfulModel


@pytest.fixture
def facts(tmp_path: Path) -> Facts:
    path = tmp_path / "facts.yaml"
    path.write_text(LOOP_FACTS, encoding="utf-8")
    return load_facts(path)


def _write(model: Saboteur, facts: Facts, max_rounds: int) -> Overview:
    return write_overview(facts, ModelSettings("offline"), WriteOptions(use_cache=False, max_rounds=max_rounds),
                          model=model)


INVENTED_SENTENCE = "本期单位运营成本同比下降17.36%。"


def _invented(version: SectionVersion) -> int:
    body = section_body(version.content, "zh")
    return sum(body.count(f) for f in INVENTED_FIGURES)


def _errors(overview: Overview) -> list[str]:
    return [f"[{f.check}] {f.section}: {f.evidence}" for f in overview.findings if f.severity == "error"]


def test_the_faithful_model_alone_writes_a_clean_draft(facts: Facts) -> None:
    overview = write_overview(facts, ModelSettings("offline"), WriteOptions(use_cache=False),
                              model=FaithfulModel(facts))
    assert _errors(overview) == [] and overview.rounds == 0


def test_a_defect_repaired_in_the_first_revision_leaves_write_clean_after_one_round(facts: Facts) -> None:
    saboteur = InventedFigure(FaithfulModel(facts), behave_from=1)
    overview = _write(saboteur, facts, max_rounds=3)
    assert saboteur.target == "processes"  # goals has no paragraph to put a figure in
    assert len(saboteur.injected) == 1 and "(round 0)" in saboteur.injected[0]
    assert overview.rounds == 1
    assert _errors(overview) == []
    section = overview.section("processes")
    assert [v.origin for v in section.history] == ["draft", "critique"] and section.current == 2
    assert [_invented(v) for v in section.history] == [1, 0]
    assert section.history[1].status == "clean"
    revisions = [r for r in saboteur.history if "previous" in r.payload]
    assert [part_of(r) for r in revisions] == ["processes"]  # only the section with an error was asked again


def test_a_saboteur_that_never_behaves_stops_at_max_rounds_with_the_best_version(facts: Facts) -> None:
    saboteur = InventedFigure(FaithfulModel(facts), count=(4, 3, 2, 1))  # better every round, never clean
    overview = _write(saboteur, facts, max_rounds=3)
    assert overview.rounds == 3
    section = overview.section("processes")
    assert [_invented(v) for v in section.history] == [4, 3, 2, 1]  # the history keeps every version
    assert section.current == 4  # the one with the fewest errors
    assert [n.split(": ")[0] for n in saboteur.injected] == [f"processes (round {r})" for r in range(4)]
    errors = _errors(overview)  # the last invented figure (the claims check, when there is one, also sees it)
    assert [e for e in errors if e.startswith("[grounding]")] == [f"[grounding] processes: {INVENTED_SENTENCE}"]
    assert all(" processes: " in e for e in errors)
    assert section.history[3].status == "errors"


def test_a_revision_that_is_no_better_ends_the_loop_and_the_first_version_stays(facts: Facts) -> None:
    saboteur = InventedFigure(FaithfulModel(facts))
    overview = _write(saboteur, facts, max_rounds=3)
    assert overview.rounds == 1  # a round that does not reduce the errors is the last one
    section = overview.section("processes")
    assert [_invented(v) for v in section.history] == [1, 1] and section.current == 1


def test_a_worse_revision_is_kept_in_history_but_not_made_current(facts: Facts) -> None:
    saboteur = InventedFigure(FaithfulModel(facts), count=(1, 3))
    overview = _write(saboteur, facts, max_rounds=3)
    section = overview.section("processes")
    assert [_invented(v) for v in section.history] == [1, 3]
    assert section.current == 1 and section.history[1].parent == 1
    assert [e for e in _errors(overview) if e.startswith("[grounding]")] == [
        f"[grounding] processes: {INVENTED_SENTENCE}"]


def test_rounds_are_told_apart_by_the_previous_version_in_the_request(facts: Facts) -> None:
    saboteur = MissingSection(FaithfulModel(facts))
    overview = _write(saboteur, facts, max_rounds=2)
    first = saboteur.history[0]
    assert part_of(first) == "goals" and round_of(first, [], "goals") == 0
    revisions = [r for r in saboteur.history if "previous" in r.payload]
    assert revisions and {part_of(r) for r in revisions} == {"goals"}
    assert [round_of(r, saboteur.history[:saboteur.history.index(r)], "goals") for r in revisions] == [1]
    assert "opening" in {part_of(r) for r in saboteur.history} and "summary" in {part_of(r) for r in saboteur.history}
    assert any(f.code == "coverage.empty-section" and f.section == "goals" for f in overview.findings)
