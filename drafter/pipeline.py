"""`write`: plan → draft sections concurrently → opening and summary → critic → revise → Overview."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel

from drafter import critic
from drafter.draft.model import (
    Finding,
    GoalsSection,
    Opening,
    Overview,
    ProseSection,
    Question,
    Section,
    SectionContent,
    SectionVersion,
    Usage,
    UsageEntry,
    cited,
    fact_ids_of,
)
from drafter.draft.render_markdown import title_for
from drafter.errors import DrafterError, InputError
from drafter.facts.catalog import select_sections, spec
from drafter.facts.model import Facts
from drafter.i18n import _
from drafter.llm import chains
from drafter.llm.cassettes import CassetteStore
from drafter.llm.loop import Budget, CallContext, ContentCheck, run_structured
from drafter.llm.protocol import Model
from drafter.llm.registry import close_model, get_model
from drafter.llm.transport import AdaptiveLimit, CallStats, Failure
from drafter.secrets import error_text
from drafter.settings import DEFAULT_CONCURRENCY, DEFAULT_MAX_ROUNDS, ModelSettings

if TYPE_CHECKING:
    from drafter.llm.prompts import ChatPrompt
    from drafter.update import UpdatePlan


class Progress(Protocol):
    """Receives progress events (the CLI shows them with rich on stderr)."""

    def begin(self, stage: str, total: int) -> None: ...  # noqa: D102

    def step(self, label: str, ok: bool = True) -> None: ...  # noqa: D102

    # Optional: `tokens(label, n)` — n tokens received so far for the chain labelled `label` (while it streams).


class _Silent:
    def begin(self, stage: str, total: int) -> None:
        return None

    def step(self, label: str, ok: bool = True) -> None:
        return None


@dataclass
class WriteOptions:
    """Knobs of a write run."""

    concurrency: int = DEFAULT_CONCURRENCY
    max_rounds: int = DEFAULT_MAX_ROUNDS
    progress: Progress = field(default_factory=_Silent)
    recorder: CassetteStore | None = None  # records every answer used (eval record mode)
    use_cache: bool = True
    budget_tokens: int | None = None
    log: Callable[[str], None] | None = None
    llm_critic: bool = True
    partial: Overview | None = None  # the overview being drafted, so an interrupted run can keep what is done
    stats: CallStats | None = None  # requests made, failed and retried (filled in by the run)
    on_first_failure: Callable[[Failure], None] | None = None  # told once, when the first request fails


def now() -> str:
    """UTC timestamp for versions."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class Runner:
    """Runs chains against one model under an adaptive concurrency limit, with shared call context and a ledger.

    The limit starts at `concurrency` and holds each request (not each chain): a server that queues lowers it
    (drafter/llm/transport.py), so waiting happens here, where it does not count against the timeout."""

    def __init__(self, model: Model, settings: ModelSettings, lang: str, concurrency: int,
                 context: CallContext | None = None, progress: Progress | None = None) -> None:
        self.model = model
        self.settings = settings
        self.lang = lang
        self.context = context or call_context(settings)
        self.context.limiter = AdaptiveLimit(concurrency)
        self.usage = Usage(estimated=model.estimated_usage)
        self.progress = progress

    async def run(self, schema: type[BaseModel], prompt: ChatPrompt, section: str, stage: str,
                  round_: int = 0, check: ContentCheck | None = None, label: str | None = None) -> Any:
        """Run one typed chain through the structured loop and record its usage (a failed chain's too)."""
        tokens = getattr(self.progress, "tokens", None)
        shown = label or section

        def heard(n: int) -> None:
            if tokens is not None:
                tokens(shown, n)

        try:
            result = await run_structured(self.model, prompt, schema, self.context, heard, check)
        except Exception as exc:
            spent = getattr(exc, "spent", None)
            if spent is not None:
                calls, usage = spent
                self.usage.entries.append(UsageEntry(section=section, stage=stage, round=round_, calls=calls,
                                                     input_tokens=usage.input, output_tokens=usage.output))
            raise
        self.usage.entries.append(UsageEntry(section=section, stage=stage, round=round_, calls=result.calls,
                                             input_tokens=result.input_tokens, output_tokens=result.output_tokens,
                                             cached_input_tokens=result.cached_input_tokens, cached=result.cached))
        return result.value

    @property
    def estimated(self) -> bool:
        """Whether token counts are estimates (a model may find out during the run that its server reports none)."""
        return self.usage.estimated or bool(getattr(self.model, "estimated_usage", False))


def call_context(settings: ModelSettings, options: WriteOptions | None = None) -> CallContext:
    """The per-run call context: endpoint identity, structured-output mode, cache (real models only), budget."""
    from drafter.llm.cassettes import response_cache

    options = options or WriteOptions(use_cache=False)
    cache = response_cache() if options.use_cache and not settings.is_fake else None
    stats = options.stats or CallStats()
    if options.on_first_failure is not None:
        stats.on_first_failure = options.on_first_failure
    options.stats = stats
    return CallContext(
        model_name=settings.name, base_url=settings.base_url, structured_output=settings.structured_output,
        cache=cache, budget=Budget(options.budget_tokens), recorder=options.recorder, log=options.log,
        params=settings.params, max_retries=settings.max_retries, stats=stats,
    )


def substance_check(has_facts: bool, lang: str = "zh") -> ContentCheck:
    """Refuse an empty answer, and a placeholder-only one when the data gives facts (a real model's failure)."""
    def check(value: BaseModel) -> str | None:
        items = cited(value)
        if not any(_has_text(item) for item in items) and not any(_placeholder(item) for item in items):
            return ("the answer is empty: write the text from the facts in the data" if lang == "en" else
                    "回答为空：请根据数据中的事实写出正文")
        if has_facts and not any(_has_text(item) for item in items):
            if lang == "en":
                return ("the answer holds only placeholders, but the data gives facts for it: write them, citing "
                        "their ids")
            return "回答只有待补充占位，但数据中有可用的事实：请写出这些事实并引用其编号"
        return None
    return check


def _bare(text: str) -> str:
    from drafter.critic.document import PLACEHOLDER_RE

    return PLACEHOLDER_RE.sub("", text).strip(" \t\n，。、；：,.;:!！?？")


def _has_text(item: Any) -> bool:
    """Whether an item says something besides placeholders."""
    statements = getattr(item, "statements", None)
    if statements:
        return any(s.kind != "placeholder" and _bare(s.text) for s in statements)
    text = getattr(item, "text", None) or getattr(item, "statement", None) or getattr(item, "description", "")
    return bool(_bare(str(text)))


def _placeholder(item: Any) -> bool:
    from drafter.critic.document import PLACEHOLDER_RE

    statements = getattr(item, "statements", None) or []
    text = getattr(item, "text", None) or getattr(item, "statement", None) or ""
    return any(s.kind == "placeholder" for s in statements) or bool(PLACEHOLDER_RE.search(str(text)))


def clean_ids(content: Any, known: set[str]) -> Any:
    """Drop fact ids the model made up (an id must name a real fact)."""
    for item in cited(content):
        item.fact_ids = [i for i in dict.fromkeys(item.fact_ids) if i in known]
    return content


def section_digests(overview: Overview) -> list[dict[str, Any]]:
    """What the summary is drafted from: each drafted section's key, title and cited facts."""
    return [{"key": s.key, "title": s.title, "fact_ids": sorted(fact_ids_of(s.content))}
            for s in overview.sections if s.content is not None and s.key != "summary"]


def closing_inputs(overview: Overview) -> str:
    """A digest of what the opening and summary are drafted from; when it changes they are out of date."""
    sections = [s for s in overview.sections if s.key != "summary"]
    data = [goal_metrics(sections), [q.text for q in collect_questions(sections)],
            [d["fact_ids"] for d in section_digests(overview)]]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()[:16]


def goal_metrics(sections: list[Section]) -> list[str]:
    """Metric names of the drafted goals, for the opening and summary."""
    for s in sections:
        if isinstance(s.content, GoalsSection):
            return [g.metric for g in s.content.goals if g.metric]
    return []


def collect_questions(sections: list[Section]) -> list[Question]:
    """Every question the sections ask the user, without repeats."""
    seen: dict[str, Question] = {}
    for s in sections:
        if s.content is not None:
            for q in s.content.questions:
                seen.setdefault(q, Question(section=s.key, text=q))
    return list(seen.values())


def _check(runner: Runner, has_facts: bool, lang: str) -> ContentCheck | None:
    """Real models' answers must say something (the fakes and saboteurs answer as they are told)."""
    return None if runner.settings.is_fake else substance_check(has_facts, lang)


async def _draft_section(runner: Runner, facts: Facts, key: str, keys: list[str], known: set[str],
                         revision: dict[str, Any] | None = None, round_: int = 0) -> SectionContent:
    prompt = chains.section_prompt(facts, key, keys, revision)
    check = _check(runner, bool(facts.for_section(key)), facts.language)
    value = await runner.run(chains.section_schema(key), prompt, key, "revise" if revision else "draft", round_,
                             check, spec(key).title(facts.language))
    content: SectionContent = clean_ids(value, known)
    return content


async def draft_closing(runner: Runner, facts: Facts, overview: Overview, known: set[str]) -> dict[str, str]:
    """Opening and summary, drafted after the sections they describe (concurrently with each other).

    Returns what failed: "opening" and/or "summary" → the redacted error (a failed opening keeps the one there was;
    a failed summary is marked failed)."""
    keys = [s.key for s in overview.sections]
    metrics = goal_metrics(overview.sections)
    questions = [q.text for q in collect_questions(overview.sections)]
    digests = section_digests(overview)
    lang = facts.language
    tasks = [runner.run(Opening, chains.opening_prompt(facts, keys, metrics), "opening", "draft",
                        check=_check(runner, True, lang))]
    if "summary" in keys:
        tasks.append(runner.run(ProseSection, chains.summary_prompt(facts, digests, metrics, questions),
                                "summary", "draft", check=_check(runner, bool(digests), lang),
                                label=spec("summary").title(lang)))
    inputs = closing_inputs(overview)
    results = await asyncio.gather(*tasks, return_exceptions=True)
    failed: dict[str, str] = {}
    if isinstance(results[0], BaseException):
        _raise_unless_model_failure(results[0])
        failed["opening"] = error_text(results[0])
    else:
        overview.opening = clean_ids(results[0], known)
    if len(results) > 1:
        summary = overview.section("summary")
        if isinstance(results[1], BaseException):
            _raise_unless_model_failure(results[1])
            summary.state, summary.error = "failed", error_text(results[1])
            failed["summary"] = summary.error
        else:
            set_version(summary, clean_ids(results[1], known), runner.settings.name, "draft")
    if not failed:
        overview.closing_inputs = inputs
    return failed


async def _draft_closing_or_propose(runner: Runner, facts: Facts, overview: Overview, known: set[str],
                                    propose_summary: bool) -> dict[str, str]:
    """The opening and summary; a summary edited by hand keeps its version and gets the redraft as a proposal."""
    if not propose_summary or not any(s.key == "summary" for s in overview.sections):
        return await draft_closing(runner, facts, overview, known)
    summary = overview.section("summary")
    kept = summary.model_copy(deep=True)
    failed = await draft_closing(runner, facts, overview, known)
    drafted = summary.version if summary.current != kept.current else None
    summary.history, summary.current, summary.state, summary.error = kept.history, kept.current, kept.state, \
        kept.error
    if drafted is not None:
        summary.proposal = drafted.model_copy(update={"origin": "update", "n": len(kept.history) + 1,
                                                      "parent": kept.current})
    return failed


def _raise_unless_model_failure(exc: BaseException) -> None:
    """A model or endpoint failure fails one section; anything else (a bug, Ctrl-C) propagates."""
    if isinstance(exc, DrafterError):
        return
    if type(exc).__module__.split(".")[0] in ("openai", "httpx", "langchain_core", "langchain_openai"):
        return
    raise exc


def set_version(section: Section, content: SectionContent, model: str, origin: str,
                 instruction: str | None = None) -> SectionVersion:
    """Append a version and make it current (its parent is the version it replaces)."""
    version = SectionVersion(n=len(section.history) + 1, parent=section.current, created=now(), model=model,
                             origin=origin, instruction=instruction, content=content)
    section.history.append(version)
    make_current(section, version)
    return version


def make_current(section: Section, version: SectionVersion) -> None:
    """Point the section at one of its versions (its content is then the section's content)."""
    section.current, section.state, section.error = version.n, "ok", None


def new_overview(facts: Facts, model_name: str) -> Overview:
    """An empty overview for `facts` with the planned sections."""
    file = facts.file
    keys = select_sections(facts.sections_with_facts(), file.sections)
    stamp = now()
    return Overview(
        title=title_for(file.company, file.period, file.language), company=file.company, period=file.period,
        language=file.language, model=model_name, created=stamp, updated=stamp,
        facts_path=str(Path(facts.path).resolve()),
        facts_digest=facts.digest, facts=facts.items, industry=file.industry, audience=file.audience,
        strategy=list(file.strategy), sections_override=list(file.sections) if file.sections else None,
        sections=[Section(key=k, title=spec(k).title(file.language)) for k in keys],
    )


async def draft_overview(facts: Facts, settings: ModelSettings, options: WriteOptions,
                         model: Model | None = None, resume: Overview | None = None,
                         plan: UpdatePlan | None = None) -> Overview:
    """Draft every section, then the opening and summary, then critique and revise.

    With `plan` (an update to changed facts, see drafter/update.py) only the planned sections are drafted, a
    section edited by hand gets its redraft as a proposal, the opening and summary are redrafted only when the plan
    says so, and the critique loop touches only what was redrafted."""
    model = model or get_model(settings)
    runner = Runner(model, settings, facts.language, options.concurrency, call_context(settings, options),
                    options.progress)
    overview = resume or new_overview(facts, settings.name)
    options.partial = overview
    known = {f.id for f in facts.items}
    keys = [s.key for s in overview.sections]
    planned = plan.redraft | plan.propose if plan is not None else set()
    todo = [s for s in overview.sections if s.key != "summary" and (s.content is None or s.state == "failed"
                                                                    or s.key in planned)]
    proposals = plan.propose if plan is not None else set()
    options.progress.begin(_("draft"), len(todo) + 2)

    async def one(section: Section) -> None:
        try:
            content = await _draft_section(runner, facts, section.key, keys, known)
        except Exception as exc:  # noqa: BLE001 - a failed section is saved as failed; the others are kept
            _raise_unless_model_failure(exc)
            if section.key in proposals and section.content is not None:
                section.error = error_text(exc)  # the hand edit stays current and ok; there is no proposal this time
            else:
                section.state, section.error = "failed", error_text(exc)
            options.progress.step(section.title, ok=False)
            return
        if section.key in proposals and section.content is not None:
            section.proposal = SectionVersion(n=len(section.history) + 1, parent=section.current, created=now(),
                                              model=settings.name, origin="update", content=content)
        else:
            set_version(section, content, settings.name, "update" if section.content is not None else "draft")
        options.progress.step(section.title)

    await asyncio.gather(*(one(s) for s in todo))
    if plan is None or plan.closing:
        failed = await _draft_closing_or_propose(runner, facts, overview, known, "summary" in proposals)
        if "opening" not in failed:
            overview.opening_stale = False
    options.progress.step(_("opening / summary"))
    only = None if plan is None else {s.key for s in todo if s.key not in proposals} | (
        {"summary"} if plan.closing and "summary" not in proposals else set())
    await _critique_loop(runner, facts, overview, options, known, only)
    if not settings.is_fake and options.llm_critic:
        await _llm_critique(runner, facts, overview)
    overview.questions = collect_questions(overview.sections)
    overview.usage.entries += runner.usage.entries
    overview.usage.estimated = runner.estimated
    overview.updated = now()
    return overview


async def _llm_critique(runner: Runner, facts: Facts, overview: Overview) -> None:
    """Advisory review by the model itself, after the deterministic loop."""
    from drafter.critic.document import from_overview
    from drafter.critic.llm import Critique, run_llm_critic, to_findings

    result = await run_llm_critic(runner, from_overview(overview), [f.text for f in facts.items],
                                  facts.file.strategy, overview.findings)
    overview.findings += to_findings(result) if isinstance(result, Critique) else [result]


def _errors_by_section(findings: list[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in findings:
        if f.severity == "error" and f.section:
            out.setdefault(f.section, []).append(f)
    return out


async def _critique_loop(runner: Runner, facts: Facts, overview: Overview, options: WriteOptions,
                         known: set[str], only: set[str] | None = None) -> None:
    """Redraft sections with error findings, at most max_rounds times; keep each section's best version
    (`only`: the sections it may redraft; the others are kept as they are)."""
    findings = critic.review(overview, facts)
    keys = [s.key for s in overview.sections]
    for round_ in range(1, options.max_rounds + 1):
        errors = _errors_by_section(findings)
        targets = [s for s in overview.sections if s.key in errors and s.content is not None
                   and (only is None or s.key in only)]
        if not targets:
            break
        options.progress.begin(_("revise round {n}").format(n=round_), len(targets))
        before = {s.key: len(errors[s.key]) for s in targets}

        async def redo(section: Section, round_: int = round_, errors: dict[str, list[Finding]] = errors,
                       before: dict[str, int] = before) -> None:
            assert section.content is not None
            revision = {"previous": section.content.model_dump(mode="json"),
                        "critique": [f"[{f.check}] {f.message} {f.evidence}".strip() for f in errors[section.key]]}
            try:
                content = await _draft_section(runner, facts, section.key, keys, known, revision, round_)
            except Exception as exc:  # noqa: BLE001 - keep the previous version
                _raise_unless_model_failure(exc)
                options.progress.step(section.title, ok=False)
                return
            previous = section.history[-1] if section.current is None else section.history[section.current - 1]
            set_version(section, content, runner.settings.name, "critique")
            after = len(_errors_by_section(critic.review(overview, facts)).get(section.key, []))
            if after >= before[section.key]:
                make_current(section, previous)  # not better: keep the best version, history keeps both
            options.progress.step(section.title)

        await asyncio.gather(*(redo(s) for s in targets))
        overview.rounds = round_
        new_findings = critic.review(overview, facts)
        improved = critic.score(new_findings) < critic.score(findings)
        findings = new_findings
        if not improved:
            break
    overview.findings = findings
    _mark_status(overview)


def _mark_status(overview: Overview) -> None:
    by_section: dict[str, set[str]] = {}
    for f in overview.findings:
        if f.section:
            by_section.setdefault(f.section, set()).add(f.severity)
    for s in overview.sections:
        if s.current is not None:
            sev = by_section.get(s.key, set())
            status = "errors" if "error" in sev else "warnings" if "warning" in sev else "clean"
            s.history[s.current - 1].status = status  # type: ignore[assignment]


def write_overview(facts: Facts, settings: ModelSettings, options: WriteOptions | None = None,
                   model: Model | None = None, resume: Overview | None = None,
                   plan: UpdatePlan | None = None) -> Overview:
    """Synchronous entry point used by the CLI, tests and evals."""
    if options is not None and options.max_rounds < 0:
        raise InputError(_("--max-rounds must be 0 or more."))
    own = model is None  # a model made here is closed here (its HTTP connections with it)

    async def run(model: Model) -> Overview:
        try:
            return await draft_overview(facts, settings, options or WriteOptions(), model, resume, plan)
        finally:
            if own:
                await close_model(model)

    return asyncio.run(run(model or get_model(settings)))

