"""`drafter eval` end to end: the CLI on one case, unseen cases, record/replay, baseline, committed cases."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drafter.cli.app import app
from drafter.evaluation import report
from drafter.evaluation.cases import discover, files_hash
from drafter.evaluation.handmade import hand_recordings, rekey
from drafter.evaluation.metrics import GATES, METRICS
from drafter.evaluation.runner import EvalOptions, EvalRun, run_case, run_eval
from drafter.facts.load import load_facts
from drafter.llm.cassettes import CassetteStore
from drafter.llm.fakes import ReplayModel
from drafter.pipeline import WriteOptions, write_overview
from drafter.settings import ModelSettings
from tests.evaluation.pending import PENDING_OFFLINE

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "evals" / "cases"
RECORDINGS = ROOT / "evals" / "cassettes"
BASELINE = ROOT / "evals" / "baseline.json"
BAKERY = CASES / "bakery_chain_q4"
runner = CliRunner()


def _eval(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["eval", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def _last_line(output: str) -> str:
    return output.rstrip("\n").splitlines()[-1]


def test_eval_one_case_writes_every_file(tmp_path: Path) -> None:
    code, output = _eval(str(BAKERY), "--out", str(tmp_path), "--recordings", str(RECORDINGS))
    rows = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert [r["metric"] for r in rows] == list(METRICS)
    assert set(rows[0]) == {"case", "metric", "value", "threshold", "passed", "details"}
    passed = sum(1 for r in rows if r["passed"] is True)
    failed = sum(1 for r in rows if r["passed"] is False)
    assert _last_line(output) == f"{passed} passed, {failed} failed"
    assert code == (1 if failed else 0)

    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["cases"] == ["bakery_chain_q4"]
    assert set(summary["metrics"]) == set(METRICS)
    assert {"python", "drafter", "pydantic", "langchain-core", "rouge-score", "sacrebleu"} <= set(summary["versions"])
    assert summary["chrf_signature"].startswith("nrefs:1|")
    assert "git_sha" in summary and len(summary["cases_hash"]) == 64
    assert summary["recordings"]["hits"] >= 2

    suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == list(GATES)
    assert int(suite.get("failures", "-1")) == failed
    assert "bakery_chain_q4" in (tmp_path / "report.md").read_text(encoding="utf-8")
    assert (tmp_path / "drafts" / "bakery_chain_q4.md").read_text(encoding="utf-8").startswith("# 麦穗坊烘焙")


def test_eval_runs_the_gates_on_an_unseen_case_without_reference(tmp_path: Path) -> None:
    case = tmp_path / "dental_clinic"
    case.mkdir()
    (case / "facts.yaml").write_text(
        "company: 白桦口腔\nperiod: 2025年第三季度\nfacts:\n  - 门诊椅位12台，医护人员46人\n  - 本季度接诊8900人次\n"
        "goals:\n  - 2025年12月31日前初诊预约到诊率从71%提升到80%，由客服中心负责\n", encoding="utf-8")
    code, output = _eval(str(case), "--out", str(tmp_path / "out"), "--model", "offline")
    rows = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    gates = {r["metric"]: r for r in rows if r["metric"] in GATES}
    assert set(gates) == set(GATES)
    assert all(r["value"] is not None for r in gates.values() if not METRICS[r["metric"]].run_level)
    assert gates["cross_case_repeats"]["passed"] is None  # one case: nothing to compare it with
    overlap = [r for r in rows if METRICS[r["metric"]].overlap]
    assert overlap and all(r["value"] is None and r["passed"] is None for r in overlap)
    failed = sum(1 for r in rows if r["passed"] is False)
    assert _last_line(output) == f"{sum(1 for r in rows if r['passed'] is True)} passed, {failed} failed"
    assert code == (1 if failed else 0)


def test_a_folder_of_cases_is_many_cases(tmp_path: Path) -> None:
    for name in ("bakery_chain_q4", "community_bank_sparse"):
        shutil.copytree(CASES / name, tmp_path / name)
    (tmp_path / "notes").mkdir()  # a folder without facts is not a case
    assert [c.name for c in discover([tmp_path])] == ["bakery_chain_q4", "community_bank_sparse"]
    assert discover([tmp_path / "bakery_chain_q4"])[0].reference_path is not None


def test_eval_rejects_a_folder_without_cases(tmp_path: Path) -> None:
    code, output = _eval(str(tmp_path), "--out", str(tmp_path / "out"))
    assert code == 2 and "no eval cases" in output


@pytest.mark.parametrize("args", [["--record", "--replay"], ["--record"], ["--model", "offline", "--strict"],
                                  ["--model", "gpt"]])
def test_eval_rejects_contradictory_options(tmp_path: Path, args: list[str]) -> None:
    code, _ = _eval(str(BAKERY), "--out", str(tmp_path), *args)
    assert code == 2


def test_mock_replays_the_hand_authored_recordings() -> None:
    recordings = hand_recordings(RECORDINGS)
    assert len(recordings) >= 2
    facts = load_facts(BAKERY / "facts.yaml")
    model = ReplayModel(CassetteStore(RECORDINGS), replay_as="mock")
    # no revise rounds: the claims check flags the hand-written sections, and a redraft would replace them
    overview = write_overview(facts, ModelSettings("mock"), WriteOptions(max_rounds=0), model=model)
    assert model.hits >= len(recordings) and model.misses > 0  # the rest fell back to the offline drafter
    for _, record in recordings:
        assert record["provenance"]["case"] == "bakery_chain_q4"
        content = overview.section(record["provenance"]["section"]).content
        assert content is not None and content == type(content).model_validate(record["response"])


def test_hand_authored_recording_keys_are_current(tmp_path: Path) -> None:
    """Fails when prompts or schemas change: run `python -m drafter.evaluation.handmade` to re-key."""
    copy = tmp_path / "recordings"
    shutil.copytree(RECORDINGS, copy)
    assert rekey(copy, CASES) == []


def test_strict_replay_fails_on_a_miss(tmp_path: Path) -> None:
    code, output = _eval(str(BAKERY), "--out", str(tmp_path), "--recordings", str(RECORDINGS), "--strict")
    assert code == 1
    assert "sections failed to draft" in output and "(--strict)" in output


def test_record_then_strict_replay_round_trip(tmp_path: Path) -> None:
    recordings = tmp_path / "rec"
    code, output = _eval(str(BAKERY), "--out", str(tmp_path / "a"), "--model", "offline", "--record",
                         "--recordings", str(recordings))
    assert "recorded" in output and len(list(recordings.glob("*.json"))) > 5
    code2, output2 = _eval(str(BAKERY), "--out", str(tmp_path / "b"), "--model", "offline", "--replay",
                           "--strict", "--recordings", str(recordings))
    assert code2 == code and "0 miss(es)" in output2
    summary = json.loads((tmp_path / "b" / "summary.json").read_text(encoding="utf-8"))
    assert summary["mode"] == "replay" and summary["recordings"]["misses"] == 0
    first = json.loads((tmp_path / "a" / "results.json").read_text(encoding="utf-8"))
    second = json.loads((tmp_path / "b" / "results.json").read_text(encoding="utf-8"))
    assert first == second


def test_baseline_regression_fails_and_prints_the_diff(tmp_path: Path) -> None:
    base = tmp_path / "baseline.json"
    code, _ = _eval(str(BAKERY), "--out", str(tmp_path / "a"), "--write-baseline", str(base))
    data = json.loads(base.read_text(encoding="utf-8"))
    code_same, output = _eval(str(BAKERY), "--out", str(tmp_path / "b"), "--baseline", str(base))
    assert code_same == code and "0 regression(s)" in output
    data["metrics"]["bakery_chain_q4"]["rouge_l_char"] += 0.1
    base.write_text(json.dumps(data), encoding="utf-8")
    code_worse, output = _eval(str(BAKERY), "--out", str(tmp_path / "c"), "--baseline", str(base))
    assert code_worse == 1 and "REGRESSION" in output and "rouge_l_char" in output
    assert _last_line(output).endswith("failed")


@pytest.fixture(scope="module")
def committed() -> EvalRun:
    """Every committed case, drafted once with the mock model (the CI eval)."""
    return run_eval(discover([CASES]), EvalOptions(model="mock", recordings=RECORDINGS))


COMMITTED = sorted(p.name for p in CASES.iterdir() if (p / "facts.yaml").is_file())


@pytest.mark.slow
@pytest.mark.parametrize("case", COMMITTED)
def test_committed_case_passes_its_gates(committed: EvalRun, case: str) -> None:
    rows = [r for r in committed.rows if r.case == case]
    assert len(rows) == len(METRICS)
    failures = [f"{r.metric}={r.value}: {r.details}" for r in rows if r.passed is False
                and r.metric not in PENDING_OFFLINE]
    assert not failures, failures


@pytest.mark.slow
@pytest.mark.parametrize("case", COMMITTED)
def test_committed_case_passes_the_sentence_gates(committed: EvalRun, case: str) -> None:
    failures = [f"{r.metric}={r.value}: {r.details}" for r in committed.rows if r.case == case
                and r.passed is False and r.metric in PENDING_OFFLINE]
    assert not failures, failures


@pytest.mark.slow
def test_committed_cases_do_not_regress_against_the_baseline(committed: EvalRun) -> None:
    """Fails when a change moves a metric beyond its tolerance; if intended, regenerate evals/baseline.json."""
    diff = report.compare(committed, BASELINE)
    assert not diff.regressions, [c.describe() for c in diff.regressions]


def test_baseline_matches_the_committed_cases() -> None:
    data = report.load_baseline(BASELINE)
    assert data["model"] == "mock"
    assert data["cases_hash"] == files_hash(discover([CASES])), "cases changed: regenerate evals/baseline.json"
    assert set(data["metrics"]) == {c.name for c in discover([CASES])}


def test_run_case_uses_the_library_with_a_fresh_mock(tmp_path: Path) -> None:
    result = run_case(discover([BAKERY])[0], EvalOptions(recordings=tmp_path))  # empty recordings: all misses
    assert result.hits == 0 and result.misses > 0 and result.markdown.startswith("# 麦穗坊烘焙")


def test_eval_with_a_saboteur_fails_its_gate_and_says_what_it_did(tmp_path: Path) -> None:
    code, output = _eval(str(BAKERY), "--model", "offline", "--saboteur", "invented-figure", "--no-overlap",
                         "--out", str(tmp_path))
    assert code == 1
    assert "saboteur bakery_chain_q4: goals (round 0): invented 17.36%" in output
    rows = {r["metric"]: r for r in json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))}
    assert rows["unsupported_figures"]["passed"] is False and "17.36%" in rows["unsupported_figures"]["details"]
    assert rows["rouge_l_char"]["value"] is None  # --no-overlap
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["saboteur"] == "invented-figure" and summary["overlap"] is False
    report_md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "saboteur `invented-figure`" in report_md and "invented 17.36%" in report_md


@pytest.mark.parametrize("args", [["--saboteur", "typo"], ["--saboteur", "vague-goal", "--write-baseline", "b.json"],
                                  ["--saboteur", "vague-goal", "--model", "offline", "--record"]])
def test_eval_rejects_a_bad_saboteur_run(tmp_path: Path, args: list[str]) -> None:
    code, output = _eval(str(BAKERY), "--out", str(tmp_path), *args)
    assert code == 2, output
    assert not (tmp_path / "b.json").exists()


def test_run_eval_takes_a_model_override() -> None:
    from drafter.evaluation.saboteurs import MissingSection

    made: list[MissingSection] = []

    def factory() -> MissingSection:
        made.append(MissingSection())
        return made[-1]

    run = run_eval(discover([BAKERY, CASES / "hotel_group_en"]), EvalOptions(model="offline", overlap=False),
                   model=factory)
    assert len(made) == 2  # a fresh model for each case
    assert all(r.passed is False for r in run.rows if r.metric == "section_coverage")
    assert all(r.value is not None for r in run.rows if r.metric == "cross_case_repeats")  # two cases: scored


def test_run_level_gates_are_not_compared_with_a_baseline_of_other_cases(tmp_path: Path) -> None:
    run = run_eval(discover([BAKERY]), EvalOptions(model="mock", recordings=RECORDINGS, overlap=False))
    diff = report.compare(run, BASELINE)
    assert not [c for c in diff.changes if c.metric == "cross_case_repeats" or METRICS[c.metric].overlap]
    assert any("cross_case_repeats not compared" in n for n in diff.notes)
    assert any("overlap signals not compared" in n for n in diff.notes)


def test_measure_reports_failed_gates_without_failing_but_a_regression_still_fails(tmp_path: Path) -> None:
    code, output = _eval(str(BAKERY), "--model", "offline", "--saboteur", "invented-figure", "--measure")
    assert code == 2 and "exclude each other" in output
    base = tmp_path / "base.json"
    code, _ = _eval(str(BAKERY), "--no-overlap", "--out", str(tmp_path / "a"), "--write-baseline", str(base))
    assert code == 0
    data = json.loads(base.read_text(encoding="utf-8"))
    data["metrics"]["bakery_chain_q4"]["fact_bearing_share"] = 1.0  # the run now falls far below it
    base.write_text(json.dumps(data), encoding="utf-8")
    code, output = _eval(str(BAKERY), "--no-overlap", "--out", str(tmp_path / "b"), "--measure", "--baseline",
                         str(base))
    assert code == 1 and "regression" in output


def _recorded(tmp_path: Path) -> Path:
    recordings = tmp_path / "rec"
    _eval(str(BAKERY), "--out", str(tmp_path / "a"), "--model", "offline", "--record", "--recordings",
          str(recordings), "--no-overlap")
    return recordings


def test_a_corrupt_recording_is_named_and_the_run_goes_on(tmp_path: Path) -> None:
    recordings = _recorded(tmp_path)
    broken = sorted(recordings.glob("*.json"))[0]
    broken.write_text("{not json", encoding="utf-8")
    code, output = _eval(str(BAKERY), "--out", str(tmp_path / "b"), "--model", "offline", "--replay",
                         "--recordings", str(recordings), "--no-overlap")
    assert broken.name in output and "unusable recording" in output
    assert "1 miss(es)" in output, "the corrupt file is a miss, answered by the offline drafter"
    assert (tmp_path / "b" / "results.json").is_file() and "Traceback" not in output


def test_a_schema_invalid_recording_is_a_reported_miss_not_a_hit(tmp_path: Path) -> None:
    recordings = _recorded(tmp_path)
    spoiled = 0
    for path in sorted(recordings.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["schema"] == "ProseSection" and not spoiled:
            data["response"] = {"paragraphs": "not a list"}
            path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            spoiled += 1
    assert spoiled == 1
    code, output = _eval(str(BAKERY), "--out", str(tmp_path / "b"), "--model", "offline", "--replay", "--strict",
                         "--recordings", str(recordings), "--no-overlap")
    assert "does not match ProseSection" in output
    summary = json.loads((tmp_path / "b" / "summary.json").read_text(encoding="utf-8"))
    assert summary["recordings"]["misses"] >= 1, "a recording the schema rejects is never counted as a hit"


def test_a_bad_case_is_an_error_row_and_the_other_cases_still_run(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    shutil.copytree(BAKERY, cases / "bakery_chain_q4")
    (cases / "broken").mkdir()
    (cases / "broken" / "facts.yaml").write_text("company: A\nperiod: 2025\ngoals: [a, [b\n", encoding="utf-8")
    (cases / "notes").mkdir()  # no facts file: not a case, and said so
    code, output = _eval(str(cases), "--out", str(tmp_path / "o"), "--recordings", str(tmp_path / "none"),
                         "--no-overlap")
    assert code == 1
    assert "broken: could not be drafted" in output and "facts.yaml" in output
    assert "skipped" in output and "notes" in output
    assert "recordings folder" in output and "does not exist" in output
    rows = json.loads((tmp_path / "o" / "results.json").read_text(encoding="utf-8"))
    assert {r["case"] for r in rows} == {"bakery_chain_q4", "broken"}
    assert all(r["passed"] is False for r in rows if r["case"] == "broken" and r["metric"] in GATES)
    assert any(r["passed"] is True for r in rows if r["case"] == "bakery_chain_q4")
    assert "could not be drafted" in (tmp_path / "o" / "report.md").read_text(encoding="utf-8")


def test_eval_outside_a_checkout_says_where_it_looked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["eval", "--out", str(tmp_path / "out"), "--no-overlap"])
    assert result.exit_code == 2, result.output
    output = " ".join(result.output.split())
    assert str(Path("evals") / "cases") in output and str(tmp_path) in output
    assert "drafter eval PATH" in output
    assert not (tmp_path / "out").exists()
