"""`write`: draft an overview from a facts file, with progress and a closing summary."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from drafter.cli.common import ApiKeyOpt, BaseUrlOpt, ModelOpt, err, out, settings_from
from drafter.i18n import _, ngettext

if TYPE_CHECKING:
    from drafter.draft.model import Overview
    from drafter.llm.transport import CallStats, Failure
    from drafter.update import UpdatePlan

def write(
    facts_file: Annotated[Path, typer.Argument(help="Facts file (YAML, JSON or TOML).", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Draft directory to write.")] = Path("out"),
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    concurrency: Annotated[int | None, typer.Option(
        "--concurrency", "-j", min=1, max=64, help="Model calls at once [default: 10, every catalog section].")] = None,
    max_rounds: Annotated[int | None, typer.Option("--max-rounds", min=0, max=10,
                                                   help="Critique→revise rounds [default: 2].")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing draft.")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="Keep the draft's finished sections; redraft only "
                                         "missing or failed ones.")] = False,
    docx: Annotated[bool, typer.Option("--docx", help="Also write overview.docx.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON result instead of the summary.")] = False,
    structured_output: Annotated[str | None, typer.Option(
        "--structured-output", help="auto | json_schema | tools | json_object | json_mode [default: auto].",
        show_default=False)] = None,
    timeout: Annotated[float | None, typer.Option("--timeout", help="Seconds without a token before a request is "
                                                  "given up (not its total time) [default: 120].",
                                                  show_default=False)] = None,
    max_retries: Annotated[int | None, typer.Option("--max-retries", min=0, help="Retries of a request on "
                                                    "429/5xx/timeouts [default: 2].", show_default=False)] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Bypass the response cache.")] = False,
    budget_tokens: Annotated[int | None, typer.Option("--budget-tokens", min=1, help="Stop cleanly after this many "
                                                      "tokens, keeping what is done.", show_default=False)] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each model call and every failed request "
                                          "on stderr.")] = False,
) -> None:
    """Draft an overview from FACTS_FILE into a draft directory (overview.md + overview.json)."""
    from drafter.draft import store
    from drafter.errors import InputError
    from drafter.facts.load import load_facts
    from drafter.pipeline import WriteOptions, write_overview
    from drafter.update import update_overview

    facts = load_facts(facts_file)
    for warning in facts.warnings:
        err.print(f"[yellow]warning:[/yellow] {escape(warning)}")
    settings = settings_from(model, base_url, api_key, concurrency=concurrency, max_rounds=max_rounds,
                             structured_output=structured_output, timeout=timeout, max_retries=max_retries)
    previous = None if force else _existing(output)
    if previous is not None and not _same_source(previous, facts_file, facts):
        raise InputError(_("{output}: already holds a draft of other facts ({company}, {period}, from {path}); pass "
                           "--force to overwrite it, or choose another -o.").format(
            output=output, company=previous.company, period=previous.period, path=previous.facts_path))
    updating = previous is not None and previous.facts_digest != facts.digest
    logged = len(previous.usage.entries) if previous is not None else 0  # the ledger before this run
    if previous is not None and not updating and not resume:
        raise InputError(_("{output}: already holds a draft of these facts (unchanged, nothing to update); pass "
                           "--force to start over, --resume to finish failed sections, or use `drafter revise`."
                           ).format(output=output))
    if previous is None:
        store.check_writable(output, force)
    if settings.model.name == "offline" and not as_json:
        err.print("[dim]" + _("model: offline (deterministic, no network); --model openai:<name> for an LLM")
                  + "[/dim]")
    log = (lambda text: err.print(f"[dim]{escape(text)}[/dim]")) if verbose else None
    base = settings.model.base_url or os.environ.get("OPENAI_BASE_URL") or None
    with store.locked(output), _RichProgress() as progress:
        options = WriteOptions(settings.concurrency, settings.max_rounds, progress, use_cache=not no_cache,
                               budget_tokens=budget_tokens, log=log,
                               on_first_failure=lambda failure: _first_failure(failure, base))
        try:
            if updating:
                assert previous is not None
                overview, plan = update_overview(previous, facts, settings.model, options)
            else:
                overview = write_overview(facts, settings.model, options, resume=previous)
        except KeyboardInterrupt:
            if _save_partial(output, options):
                raise typer.Exit(130) from None  # said what was kept; the generic "interrupted" line would not fit
            raise
        markdown = store.save(output, overview)
        if docx:
            from drafter.draft.render_docx import write_docx

            write_docx(overview, output / "overview.docx")
    failed = [s.key for s in overview.sections if s.state == "failed"]
    if updating and not as_json:
        _print_update(plan, facts.language, output)
    if as_json:
        out.print_json(json.dumps(_result_json(overview, output, markdown, options.stats), ensure_ascii=False))
    else:
        _closing_summary(overview, output, markdown, settings.prices,
                         None if settings.model.is_fake else options.stats,
                         since=logged)
    if failed:
        raise typer.Exit(1)


def _same_source(previous: Overview, facts_file: Path, facts: Any) -> bool:
    """Whether a draft was written from this facts file (or from facts of the same company and period)."""
    if previous.facts_path and Path(previous.facts_path).resolve() == facts_file.resolve():
        return True
    return (previous.company, previous.period) == (facts.file.company, facts.file.period)


def _existing(output: Path) -> Overview | None:
    """The draft already in `output` (None when there is none)."""
    from drafter.draft import store

    if not (output / store.OVERVIEW_JSON).is_file():
        return None
    return store.load(output)


def _print_update(plan: UpdatePlan, lang: str, output: Path) -> None:
    """Which sections the update redrafted, proposed, kept or dropped, and why."""
    from drafter.facts.catalog import spec
    from drafter.update import REASONS

    words = {"redraft": "[green]" + _("redrafted") + "[/green]", "add": "[green]" + _("drafted") + "[/green]",
             "propose": "[yellow]" + _("proposal") + "[/yellow]", "drop": "[dim]" + _("dropped") + "[/dim]",
             "keep-orphan": "[yellow]" + _("kept") + "[/yellow]"}
    err.print(_("updated {output} to the changed facts:").format(output=escape(str(output))))
    for p in plan.sections:
        title = escape(spec(p.key).title(lang))
        if p.action == "keep":
            err.print("  [dim]" + _("kept as it was:") + f"[/dim] {title}")
            continue
        why = escape(_(REASONS.get(p.reason, p.reason)))
        extra = (_(" — edited by hand, so the edit stays; see the redraft with `drafter revise {output} {key}`").format(
            output=escape(str(output)), key=p.key) if p.action == "propose" else "")
        err.print(f"  {words[p.action]}: {title} ({why}){extra}")
    if plan.closing:
        err.print("  [green]" + _("redrafted") + "[/green]: " + _("the opening"))


def _first_failure(failure: Failure, base_url: str | None) -> None:
    """The first failed request, said once as it happens: what failed, where, and what to try."""
    where = _(" from {url}").format(url=base_url) if base_url else ""
    err.print("[red]✗ " + _("a request failed{where}").format(where=escape(where))
              + f": {escape(failure.describe())}[/red]")
    err.print("  [yellow]" + _("hint:") + f"[/yellow] {escape(failure.hint())}")


def _save_partial(output: Path, options: Any) -> bool:
    """Ctrl-C: keep what exists — finished and failed sections — so `--resume` can continue. True when saved."""
    from drafter.draft import store

    partial = getattr(options, "partial", None)
    stats = getattr(options, "stats", None)
    if partial is None:
        return False
    started = any(s.content is not None or s.state == "failed" for s in partial.sections)
    if not started and not (stats is not None and stats.requests):
        return False
    for s in partial.sections:
        if s.content is None and s.state != "failed":
            s.state, s.error = "failed", "interrupted"
    store.save(output, partial)
    done = sum(1 for s in partial.sections if s.content is not None)
    failed = sum(1 for s in partial.sections if s.content is None)
    err.print("[yellow]" + _("interrupted: kept {done} finished and {failed} failed or unfinished section(s) in "
                             "{output}; continue with --resume").format(done=done, failed=failed, output=output)
              + "[/yellow]")
    return True


def _result_json(overview: Overview, output: Path, markdown: str, stats: CallStats | None = None
                 ) -> dict[str, Any]:
    requests = None if stats is None else {
        "made": stats.requests, "failed": stats.failed, "retried": stats.retried, "mode_probes": stats.probes,
        "first_failure": stats.first_failure.describe() if stats.first_failure else None,
        "concurrency_lowered_to": stats.lowered_to}
    return {
        "output": str(output), "markdown": str(output / "overview.md"), "json": str(output / "overview.json"),
        "sections": [{"key": s.key, "title": s.title, "state": s.state} for s in overview.sections],
        "characters": len(markdown), "questions": [q.text for q in overview.questions],
        "findings": [f.model_dump() for f in overview.findings], "rounds": overview.rounds,
        "usage": {"calls": overview.usage.calls, "tokens": overview.usage.tokens,
                  "estimated": overview.usage.estimated,
                  "cached": sum(1 for e in overview.usage.entries if e.cached)},
        "requests": requests,
    }


def _closing_summary(overview: Overview, output: Path, markdown: str,
                     prices: dict[str, dict[str, float]] | None = None, stats: CallStats | None = None,
                     since: int = 0) -> None:
    """What the run made; calls, tokens and cost count this run's ledger entries (those from index `since` on)."""
    from drafter.critic.document import PLACEHOLDER_RE
    from drafter.draft.model import Usage

    usage = Usage(estimated=overview.usage.estimated, entries=overview.usage.entries[since:])
    errors = sum(1 for f in overview.findings if f.severity == "error")
    warnings = sum(1 for f in overview.findings if f.severity == "warning")
    failed = [s.title for s in overview.sections if s.state == "failed"]
    tokens = f"{usage.tokens}" + (_(" (estimated)") if usage.estimated else "")
    cost = usage.cost((prices or {}).get(overview.model))
    cached = sum(1 for e in usage.entries if e.cached)
    if cached:
        tokens += _(" · cached answers {n}").format(n=cached)
    if cost is not None:
        tokens += _(" · cost {cost}").format(cost=f"{cost:.4f}")
    err.print("[green]✓[/green] " + _("wrote {path} and overview.json").format(path=output / "overview.md"))
    err.print("  " + _("sections {sections} · characters {characters} · placeholders {placeholders} · questions "
                       "{questions} · model calls {calls} · tokens {tokens}").format(
        sections=len(overview.sections), characters=len(markdown), placeholders=len(PLACEHOLDER_RE.findall(markdown)),
        questions=len(overview.questions), calls=usage.calls, tokens=tokens))
    if stats is not None:
        probes = ngettext(" ({n} structured-output mode probe)", " ({n} structured-output mode probes)",
                          stats.probes).format(n=stats.probes) if stats.probes else ""
        lowered = _(" · concurrency lowered to {n}").format(n=stats.lowered_to) if stats.lowered_to else ""
        err.print("  " + _("HTTP requests {requests} · failed {failed}{probes} · retried {retried}{lowered}").format(
            requests=stats.requests, failed=stats.failed, probes=probes, retried=stats.retried, lowered=lowered))
    err.print("  " + _("critic: {errors}, {warnings} after {rounds}").format(
        errors=ngettext("{n} error", "{n} errors", errors).format(n=errors),
        warnings=ngettext("{n} warning", "{n} warnings", warnings).format(n=warnings),
        rounds=ngettext("{n} revision round", "{n} revision rounds", overview.rounds).format(n=overview.rounds)))
    for f in overview.findings:
        if f.severity == "error":
            err.print("  [red]✗[/red] " + escape(f"[{f.check}] {f.section or ''}: {f.message} — {f.evidence}"))
    if failed:
        err.print("  [red]" + _("failed sections: {sections}").format(sections=", ".join(failed)) + "[/red] — "
                  + _("rerun with --resume"))
    if overview.questions:
        err.print("  " + _("questions for you:"))
        for q in overview.questions:
            err.print(f"   • {q.text}")


class _RichProgress:
    """Progress per section on stderr."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[streaming]}", style="dim"),
                                 console=err, transient=True, disable=not err.is_terminal)
        self.task: Any = None
        self.streaming: dict[str, int] = {}  # chains answering now: tokens received so far

    def begin(self, stage: str, total: int) -> None:
        if self.task is not None:
            self.progress.remove_task(self.task)
        self.streaming.clear()
        self.task = self.progress.add_task(stage, total=total, streaming="")

    def tokens(self, label: str, n: int) -> None:
        """A chain's answer is streaming: n tokens so far."""
        self.streaming[label] = n
        self._show()

    def step(self, label: str, ok: bool = True) -> None:
        self.streaming.pop(label, None)
        self.progress.update(self.task, advance=1, description=f"{'✓' if ok else '✗'} {label}")
        self._show()
        if not ok:
            err.print("[red]✗ " + _("{label} failed").format(label=label) + "[/red]")

    def _show(self) -> None:
        if self.task is not None:
            text = " · ".join(_("{label} {n} tok").format(label=label, n=n) for label, n in self.streaming.items())
            self.progress.update(self.task, streaming=text)

    def __enter__(self) -> _RichProgress:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""
    app.command()(write)
