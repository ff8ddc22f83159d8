"""Run eval cases: draft each case through the library with the chosen model, then score the Markdown."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from drafter.errors import InputError
from drafter.evaluation.cases import Case
from drafter.evaluation.metrics import GATES, METRICS, gate_passed, score_markdown
from drafter.llm.cassettes import recordings_dir as default_recordings_dir

if TYPE_CHECKING:
    from drafter.llm.cassettes import CassetteStore
    from drafter.llm.protocol import Model
    from drafter.settings import ModelSettings

Mode = Literal["default", "record", "replay"]


@dataclass
class EvalOptions:
    """Which model drafts the cases and whether its answers are recorded or replayed."""

    model: str = "mock"
    base_url: str | None = None
    mode: Mode = "default"
    strict: bool = False
    recordings: Path | None = None

    @property
    def replays(self) -> bool:
        """True when answers come from recordings (`--replay`, or the mock model)."""
        return self.mode == "replay" or (self.model == "mock" and self.mode == "default")

    @property
    def recordings_dir(self) -> Path:
        """Where recordings are read from or written to."""
        return self.recordings or default_recordings_dir()

    def validate(self) -> None:
        """Reject contradictory combinations with a message that says what to do."""
        from drafter.settings import parse_model_name

        self.model = parse_model_name(self.model)
        if self.mode == "record" and self.model.startswith("mock"):
            raise InputError("--record needs a model that answers by itself: --model offline or openai:<name>.")
        if self.strict and not self.replays:
            raise InputError("--strict applies to replayed recordings: add --replay (or use --model mock).")


@dataclass(frozen=True)
class Row:
    """One case × metric result (a row of results.json)."""

    case: str
    metric: str
    value: float | None
    threshold: float | None
    passed: bool | None  # None: not a gate, or not applicable to this case
    details: str

    @property
    def gated(self) -> bool:
        """True when this row is a gate that was evaluated (passed or failed)."""
        return self.passed is not None

    def to_json(self) -> dict[str, Any]:
        """The results.json shape."""
        spec = METRICS[self.metric]
        return {"case": self.case, "metric": self.metric, "value": spec.json_value(self.value),
                "threshold": spec.json_value(self.threshold), "passed": self.passed, "details": self.details}


@dataclass
class CaseResult:
    """A drafted and scored case."""

    case: Case
    rows: list[Row]
    markdown: str
    seconds: float
    hits: int = 0
    misses: int = 0
    recorded: int = 0
    failed_sections: list[str] = field(default_factory=list)


@dataclass
class EvalRun:
    """Every case's result plus how the run was made."""

    options: EvalOptions
    cases: list[Case]
    results: list[CaseResult]
    seconds: float

    @property
    def rows(self) -> list[Row]:
        """All rows, case by case in metric order."""
        return [r for res in self.results for r in res.rows]

    @property
    def passed(self) -> int:
        """Gate rows that passed."""
        return sum(1 for r in self.rows if r.passed is True)

    @property
    def failed(self) -> int:
        """Gate rows that failed."""
        return sum(1 for r in self.rows if r.passed is False)

    @property
    def skipped(self) -> int:
        """Gate rows not applicable to their case (e.g. no goal without a placeholder)."""
        return sum(1 for r in self.rows if r.metric in GATES and r.passed is None)


def model_settings(options: EvalOptions) -> ModelSettings:
    """The settings handed to `write_overview` (a replay runs as `mock:<recorded model>`)."""
    from drafter.settings import ModelSettings

    if options.replays:
        return ModelSettings(name="mock" if options.model == "mock" else f"mock:{options.model}")
    if options.model.startswith("openai:"):
        from drafter.settings import resolve_settings

        return resolve_settings(model=options.model, base_url=options.base_url).model
    return ModelSettings(name=options.model)


def chat_model(options: EvalOptions) -> Model:
    """A fresh model for one case: the replaying mock, or the model itself."""
    if options.replays:
        from drafter.llm.cassettes import CassetteStore
        from drafter.llm.fakes import ReplayModel

        return ReplayModel(CassetteStore(options.recordings_dir), replay_as=options.model, strict=options.strict,
                           name=model_settings(options).name)
    from drafter.llm.registry import get_model

    return get_model(model_settings(options))


def make_rows(case: str, scores: dict[str, Any]) -> list[Row]:
    """results.json rows for one case's scores."""
    rows = []
    for name in METRICS:
        score = scores[name]
        threshold = GATES[name][1] if name in GATES else None
        rows.append(Row(case, name, score.value, threshold, gate_passed(name, score.value), score.details))
    return rows


def run_case(case: Case, options: EvalOptions, recorder: CassetteStore | None = None) -> CaseResult:
    """Draft one case with the library (not the CLI) and score its rendered Markdown."""
    from drafter.draft.render_markdown import render
    from drafter.facts.load import load_facts
    from drafter.pipeline import WriteOptions, write_overview

    start = time.perf_counter()
    facts = load_facts(case.facts_path)
    model = chat_model(options)
    saved_before = recorder.saved if recorder is not None else 0
    # No response cache: an eval measures the model, and a cached answer would bypass both model and recorder.
    overview = write_overview(facts, model_settings(options), WriteOptions(recorder=recorder, use_cache=False),
                              model=model)
    markdown = render(overview)
    failed = [s.key for s in overview.sections if s.state == "failed" or s.content is None]
    scores = score_markdown(markdown, facts, case.reference(), failed)
    hits, misses = (int(getattr(model, "hits", 0)), int(getattr(model, "misses", 0))) if options.replays else (0, 0)
    return CaseResult(case, make_rows(case.name, scores), markdown, time.perf_counter() - start, hits, misses,
                      (recorder.saved - saved_before) if recorder is not None else 0, failed)


def run_eval(cases: Sequence[Case], options: EvalOptions,
             on_case: Callable[[CaseResult], None] | None = None) -> EvalRun:
    """Draft and score every case in order; `on_case` sees each result as it is ready."""
    from drafter.llm.cassettes import CassetteStore

    options.validate()
    if not cases:
        raise InputError("no eval cases to run.")
    recorder = CassetteStore(options.recordings_dir) if options.mode == "record" else None
    start = time.perf_counter()
    results = []
    for case in cases:
        result = run_case(case, options, recorder)
        results.append(result)
        if on_case is not None:
            on_case(result)
    return EvalRun(options, list(cases), results, time.perf_counter() - start)
