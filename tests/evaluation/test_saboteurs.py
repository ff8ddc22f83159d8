"""Every gate can fail: each saboteur runs through the eval on every case, and the gate naming its defect fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafter.critic.registry import registered
from drafter.draft.model import GoalsSection, Overview, RisksSection
from drafter.evaluation.cases import discover
from drafter.evaluation.metrics import CLAIMS_CHECK, GATES
from drafter.evaluation.runner import CaseResult, EvalOptions, EvalRun, run_eval
from drafter.evaluation.saboteurs import SABOTEURS, LanguageSwitch, Saboteur, VagueGoal
from drafter.facts.load import load_facts
from drafter.facts.model import Facts
from drafter.pipeline import WriteOptions, write_overview
from drafter.settings import ModelSettings

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "evals" / "cases"
NEEDS_CLAIMS = pytest.mark.xfail(
    not any(c.name == CLAIMS_CHECK for c in registered()), strict=True, reason="needs the claims check")

# saboteur → the gate that must fail on every case it sabotages (and, for critic_errors, the check behind it).
TABLE: dict[str, tuple[str, str | None]] = {
    "invented-figure": ("unsupported_figures", None),
    "invented-practice": ("unsupported_claims", None),
    "canned-response": ("unsupported_claims", None),
    "dropped-fact": ("fact_recall", None),
    "vague-goal": ("smart_pass_rate", None),
    "language-switch": ("critic_errors", "[language]"),
    "repeated-paragraph": ("repeated_sentences", None),
    "missing-section": ("section_coverage", None),
}
MARKS = {"invented-practice": [NEEDS_CLAIMS], "canned-response": [NEEDS_CLAIMS]}


def test_the_table_names_every_saboteur_and_its_own_gate() -> None:
    assert set(TABLE) == set(SABOTEURS)
    assert {name: cls.gate for name, cls in SABOTEURS.items()} == {n: g for n, (g, _) in TABLE.items()}
    assert all(gate in GATES for gate, _ in TABLE.values())


@pytest.fixture(scope="module")
def clean() -> EvalRun:
    """Every case drafted by the unsabotaged offline drafter (overlap signals off: they are slow and not gates)."""
    return run_eval(discover([CASES]), EvalOptions(model="offline", overlap=False))


def _row(result: CaseResult, metric: str) -> tuple[float | None, bool | None, str]:
    row = next(r for r in result.rows if r.metric == metric)
    return row.value, row.passed, row.details


def _worse(metric: str, before: float | None, after: float | None) -> bool:
    if after is None:
        return False
    if before is None:
        return True
    return after < before if GATES[metric][0] == ">=" else after > before


def _has_target(name: str, result: CaseResult) -> bool:
    """Whether the clean draft has what the saboteur breaks (only canned-response needs something: risks)."""
    if name != "canned-response":
        return True
    overview = result.overview
    return overview is not None and any(isinstance(s.content, RisksSection) and s.content.risks
                                        for s in overview.sections)


@pytest.mark.parametrize("name", [pytest.param(n, marks=MARKS.get(n, [])) for n in TABLE])
def test_saboteur_fails_the_gate_naming_its_defect(clean: EvalRun, name: str) -> None:
    gate, reason = TABLE[name]
    run = run_eval(discover([CASES]), EvalOptions(model="offline", overlap=False, saboteur=name))
    assert run.options.saboteur == name
    visible = False
    for sabotaged, before in zip(run.results, clean.results, strict=True):
        case = sabotaged.case.name
        if not _has_target(name, before):
            assert not sabotaged.injected, case
            continue
        assert len(sabotaged.injected) >= 1, f"{name} broke nothing in {case}"
        assert len({note.split(" ", 1)[0] for note in sabotaged.injected}) == 1, sabotaged.injected  # one part
        value, passed, details = _row(sabotaged, gate)
        clean_value, clean_passed, _ = _row(before, gate)
        assert passed is False, f"{case}: {gate} = {value} passed with {name}: {details}"
        assert not _worse(gate, value, clean_value), f"{case}: {gate} got better with {name}"
        assert reason is None or reason in details, details
        visible = visible or clean_passed is True or _worse(gate, clean_value, value)
    assert visible, f"{gate} fails with or without {name}: the test shows nothing"


# --- what each saboteur does, on one case --------------------------------------------------------------------


def _write(saboteur: Saboteur, facts: Facts, rounds: int = 2) -> Overview:
    return write_overview(facts, ModelSettings("offline"), WriteOptions(use_cache=False, max_rounds=rounds),
                          model=saboteur)


def test_vague_goal_and_language_switch_in_english() -> None:
    facts = load_facts(CASES / "hotel_group_en" / "facts.yaml")
    vague = VagueGoal()
    overview = _write(vague, facts, rounds=0)
    content = overview.section("goals").content
    assert isinstance(content, GoalsSection) and content.goals[0].statement.startswith("Keep improving")
    assert content.goals[0].target is None and content.goals[0].deadline is None
    switch = LanguageSwitch()
    overview = _write(switch, facts, rounds=0)
    content = overview.section("goals").content
    assert content is not None and any("本期运营" in p.text for p in content.paragraphs)
