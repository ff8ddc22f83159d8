"""Run eval cases: draft each case through the library with the chosen model, then score the Markdown."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from drafter.errors import DrafterError, InputError
from drafter.evaluation.cases import Case
from drafter.evaluation.metrics import GATES, METRICS, cross_case_scores, gate_passed, gate_threshold, score_markdown
from drafter.evaluation.prose import Masked, masked_sentences, overview_units
from drafter.llm.cassettes import recordings_dir as default_recordings_dir
from drafter.llm.protocol import Model
from drafter.secrets import error_text

if TYPE_CHECKING:
    from drafter.draft.model import Overview
    from drafter.evaluation.metrics import Score
    from drafter.llm.cassettes import CassetteStore
    from drafter.settings import ModelSettings

Mode = Literal["default", "record", "replay"]
# A model that answers instead of the one the options name: one Model for every case, or a factory called per case
# (a saboteur keeps per-draft state, so it needs a fresh instance for each case).
ModelOverride = Model | Callable[[], Model]


@dataclass
class EvalOptions:
    """Which model drafts the cases and whether its answers are recorded or replayed."""

    model: str = "mock"
    base_url: str | None = None
    mode: Mode = "default"
    strict: bool = False
    recordings: Path | None = None
    saboteur: str | None = None  # wrap the model in this saboteur (drafter.evaluation.saboteurs.SABOTEURS)
    overlap: bool = True  # compute the overlap signals (ROUGE-L, chrF, length ratio)
    measure: bool = False  # report the gates' values without enforcing them (rows that measure a model)

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
        if self.measure and self.saboteur is not None:
            raise InputError("--measure and --saboteur exclude each other: a saboteur exists to fail its gate.")
        if self.saboteur is not None:
            from drafter.evaluation.saboteurs import SABOTEURS

            if self.saboteur not in SABOTEURS:
                raise InputError(f"unknown saboteur '{self.saboteur}': use one of {', '.join(SABOTEURS)}.")
            if self.mode == "record":
                raise InputError("--saboteur and --record exclude each other: a recording must not hold defects.")


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
    lang: str = "zh"
    masked: Masked | None = None  # its own-wording sentences, masked, for cross_case_repeats
    injected: list[str] = field(default_factory=list)  # what a saboteur did to this draft
    overview: Overview | None = None  # the draft as scored
    error: str | None = None  # why the case could not be drafted (its gates then fail, with this as the reason)
    invalid_recordings: list[str] = field(default_factory=list)  # recordings that could not be used, and why


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


def chat_model(options: EvalOptions, base: Model | None = None) -> Model:
    """A fresh model for one case (the replaying mock, the model itself, or `base`), in the saboteur if one is set."""
    model = base if base is not None else _base_model(options)
    if options.saboteur is not None:
        from drafter.evaluation.saboteurs import SABOTEURS

        return SABOTEURS[options.saboteur](model)
    return model


def _base_model(options: EvalOptions) -> Model:
    if options.replays:
        from drafter.llm.cassettes import CassetteStore
        from drafter.llm.fakes import ReplayModel

        return ReplayModel(CassetteStore(options.recordings_dir), replay_as=options.model, strict=options.strict,
                           name=model_settings(options).name)
    from drafter.llm.registry import get_model

    return get_model(model_settings(options))


def make_row(case: str, name: str, score: Score, lang: str | None = None) -> Row:
    """The results.json row of one metric of one case (the threshold is the one for the draft's language)."""
    threshold = gate_threshold(name, lang) if name in GATES else None
    return Row(case, name, score.value, threshold, gate_passed(name, score.value, lang), score.details)


def make_rows(case: str, scores: dict[str, Any], lang: str | None = None) -> list[Row]:
    """results.json rows for one case's scores."""
    return [make_row(case, name, scores[name], lang) for name in METRICS]


def _case_model(options: EvalOptions, model: ModelOverride | None) -> Model:
    if model is None:
        return chat_model(options)
    return chat_model(options, model if isinstance(model, Model) else model())


def run_case(case: Case, options: EvalOptions, recorder: CassetteStore | None = None,
             model: ModelOverride | None = None) -> CaseResult:
    """Draft one case with the library (not the CLI) and score its rendered Markdown and typed draft.

    cross_case_repeats is left not applicable here: `run_eval` fills it in once every case is drafted.
    """
    from drafter.draft.render_markdown import render
    from drafter.facts.load import load_facts
    from drafter.pipeline import WriteOptions, write_overview

    start = time.perf_counter()
    facts = load_facts(case.facts_path)
    chat = _case_model(options, model)
    saved_before = recorder.saved if recorder is not None else 0
    # No response cache: an eval measures the model, and a cached answer would bypass both model and recorder.
    overview = write_overview(facts, model_settings(options), WriteOptions(recorder=recorder, use_cache=False),
                              model=chat)
    markdown = render(overview)
    failed = [s.key for s in overview.sections if s.state == "failed" or s.content is None]
    units = overview_units(overview, facts)
    scores = score_markdown(markdown, facts, case.reference(), failed, overview, units, overlap=options.overlap)
    hits, misses = (int(getattr(chat, "hits", 0)), int(getattr(chat, "misses", 0))) if options.replays else (0, 0)
    return CaseResult(case, make_rows(case.name, scores, facts.language), markdown, time.perf_counter() - start,
                      hits, misses, (recorder.saved - saved_before) if recorder is not None else 0, failed,
                      facts.language, masked_sentences(case.name, units, facts),
                      list(getattr(chat, "injected", [])), overview,
                      invalid_recordings=list(dict.fromkeys(getattr(chat, "invalid", []))))


def error_result(case: Case, error: str, seconds: float = 0.0) -> CaseResult:
    """A case that could not be drafted: every gate fails with the reason, every measurement is not applicable."""
    reason = f"the case could not be drafted: {error}"
    rows = [Row(case.name, name, None, gate_threshold(name) if name in GATES else None,
                False if name in GATES else None, reason) for name in METRICS]
    return CaseResult(case, rows, "", seconds, error=error)


def add_cross_case(results: Sequence[CaseResult]) -> None:
    """Fill in every case's cross_case_repeats row, now that all the run's drafts are known."""
    masked = [r.masked for r in results if r.masked is not None]
    scores = cross_case_scores(masked)
    for res in results:
        if res.masked is None or res.case.name not in scores:
            continue
        row = make_row(res.case.name, "cross_case_repeats", scores[res.case.name], res.lang)
        res.rows = [row if r.metric == row.metric else r for r in res.rows]


def run_eval(cases: Sequence[Case], options: EvalOptions, on_case: Callable[[CaseResult], None] | None = None,
             model: ModelOverride | None = None) -> EvalRun:
    """Draft and score every case in order; `on_case` sees each result as it is ready (before the run-level
    cross_case_repeats is known). `model` answers instead of the model the options name."""
    from drafter.llm.cassettes import CassetteStore

    options.validate()
    if not cases:
        raise InputError("no eval cases to run.")
    recorder = CassetteStore(options.recordings_dir) if options.mode == "record" else None
    start = time.perf_counter()
    results = []
    for case in cases:
        began = time.perf_counter()
        try:
            result = run_case(case, options, recorder, model)
        except KeyboardInterrupt:
            raise
        except DrafterError as exc:  # a bad facts file or recording: this case fails, the others still run
            result = error_result(case, error_text(exc), time.perf_counter() - began)
        except Exception as exc:  # noqa: BLE001 - reported as this case's error, with its type
            if os.environ.get("DRAFTER_DEBUG"):
                raise
            result = error_result(case, f"{type(exc).__name__}: {error_text(exc)}", time.perf_counter() - began)
        results.append(result)
        if on_case is not None:
            on_case(result)
    add_cross_case(results)
    return EvalRun(options, list(cases), results, time.perf_counter() - start)
