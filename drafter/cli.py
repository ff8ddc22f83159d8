"""The `drafter` command line: thin commands over the library (heavy imports happen inside commands)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.core
from rich.console import Console
from rich.markup import escape
from typer.exceptions import TyperException

from drafter import __version__
from drafter.errors import DrafterError

if TYPE_CHECKING:
    from drafter.critic.report import CheckReport
    from drafter.schema import Overview

class _Group(typer.core.TyperGroup):
    """Turns DrafterError into one red line and its exit code, in the console and under CliRunner alike."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except DrafterError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err.print("[yellow]interrupted — the draft on disk is as it was before this step[/yellow]")
            raise typer.Exit(130) from None


app = typer.Typer(
    cls=_Group,
    help="Draft, check and revise a grounded 运营工作概述 (operations work overview) from a facts file.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False)


def _version(value: bool) -> None:
    if value:
        out.print(f"drafter {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """drafter: grounded operations overviews, offline by default."""


ModelOpt = Annotated[str | None, typer.Option("--model", "-m", help="offline (default), mock, or openai:<model>. "
                                                "Env: DRAFTER_MODEL.", show_default=False)]
ApiKeyOpt = Annotated[str | None, typer.Option("--api-key", help="API key for openai:<model>; prefer the "
                                               "OPENAI_API_KEY variable (options can end up in shell history).",
                                               show_default=False)]
BaseUrlOpt = Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint (env: OPENAI_BASE_URL).",
                                                show_default=False)]


def settings_from(model: str | None, base_url: str | None, api_key: str | None = None, **extra: Any) -> Any:
    """Resolve model settings: option > env > config file > default."""
    from drafter.config import resolve_settings

    return resolve_settings(model=model, base_url=base_url, api_key=api_key, **extra)


@app.command()
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
        "--structured-output", help="auto | json_schema | tools | json_mode [default: auto].",
        show_default=False)] = None,
    timeout: Annotated[float | None, typer.Option("--timeout", help="Seconds per request [default: 120].",
                                                  show_default=False)] = None,
    max_retries: Annotated[int | None, typer.Option("--max-retries", min=0, help="SDK retries on 429/5xx/timeouts "
                                                    "[default: 2].", show_default=False)] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Bypass the response cache.")] = False,
    budget_tokens: Annotated[int | None, typer.Option("--budget-tokens", min=1, help="Stop cleanly after this many "
                                                      "tokens, keeping what is done.", show_default=False)] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each model call on stderr.")] = False,
) -> None:
    """Draft an overview from FACTS_FILE into a draft directory (overview.md + overview.json)."""
    from drafter import store
    from drafter.facts import load_facts
    from drafter.pipeline import WriteOptions, write_overview

    facts = load_facts(facts_file)
    settings = settings_from(model, base_url, api_key, concurrency=concurrency, max_rounds=max_rounds,
                             structured_output=structured_output, timeout=timeout, max_retries=max_retries)
    previous = _resumable(output, facts.digest) if resume else None
    if previous is None:
        store.check_writable(output, force)
    if settings.model.name == "offline" and not as_json:
        err.print("[dim]model: offline (deterministic, no network); --model openai:<name> for an LLM[/dim]")
    log = (lambda text: err.print(f"[dim]{escape(text)}[/dim]")) if verbose else None
    with store.locked(output), _RichProgress() as progress:
        options = WriteOptions(settings.concurrency, settings.max_rounds, progress, use_cache=not no_cache,
                               budget_tokens=budget_tokens, log=log)
        try:
            overview = write_overview(facts, settings.model, options, resume=previous)
        except KeyboardInterrupt:
            _save_partial(output, options)
            raise
        markdown = store.save(output, overview)
        if docx:
            from drafter.render.docx import write_docx

            write_docx(overview, output / "overview.docx")
    failed = [s.key for s in overview.sections if s.state == "failed"]
    if as_json:
        out.print_json(json.dumps(_result_json(overview, output, markdown), ensure_ascii=False))
    else:
        _closing_summary(overview, output, markdown, settings.prices)
    if failed:
        raise typer.Exit(1)


def _resumable(output: Path, digest: str) -> Overview | None:
    """The draft to resume, checked against the facts (a draft of other facts is not resumed)."""
    from drafter import store
    from drafter.errors import InputError

    if not (output / store.OVERVIEW_JSON).is_file():
        return None
    previous = store.load(output)
    if previous.facts_digest != digest:
        raise InputError(f"{output}: the draft was written from different facts; use --force to start over.")
    return previous


def _save_partial(output: Path, options: Any) -> None:
    """Ctrl-C: keep the finished sections so `--resume` can continue."""
    from drafter import store

    partial = getattr(options, "partial", None)
    if partial is None or not any(s.content is not None for s in partial.sections):
        return
    for s in partial.sections:
        if s.content is None:
            s.state, s.error = "failed", "interrupted"
    store.save(output, partial)
    done = sum(1 for s in partial.sections if s.content is not None)
    err.print(f"[yellow]kept {done} finished section(s) in {output}; continue with --resume[/yellow]")


def _result_json(overview: Overview, output: Path, markdown: str) -> dict[str, Any]:
    return {
        "output": str(output), "markdown": str(output / "overview.md"), "json": str(output / "overview.json"),
        "sections": [{"key": s.key, "title": s.title, "state": s.state} for s in overview.sections],
        "characters": len(markdown), "questions": [q.text for q in overview.questions],
        "findings": [f.model_dump() for f in overview.findings], "rounds": overview.rounds,
        "usage": {"calls": overview.usage.calls, "tokens": overview.usage.tokens,
                  "estimated": overview.usage.estimated,
                  "cached": sum(1 for e in overview.usage.entries if e.cached)},
    }


def _closing_summary(overview: Overview, output: Path, markdown: str,
                     prices: dict[str, dict[str, float]] | None = None) -> None:
    from drafter.document import PLACEHOLDER_RE

    errors = sum(1 for f in overview.findings if f.severity == "error")
    warnings = sum(1 for f in overview.findings if f.severity == "warning")
    failed = [s.title for s in overview.sections if s.state == "failed"]
    tokens = f"{overview.usage.tokens}{' (estimated)' if overview.usage.estimated else ''}"
    cost = overview.usage.cost((prices or {}).get(overview.model))
    cached = sum(1 for e in overview.usage.entries if e.cached)
    if cached:
        tokens += f" · cached answers {cached}"
    if cost is not None:
        tokens += f" · cost {cost:.4f}"
    err.print(f"[green]✓[/green] wrote {output / 'overview.md'} and overview.json")
    err.print(f"  sections {len(overview.sections)} · characters {len(markdown)} · "
              f"placeholders {len(PLACEHOLDER_RE.findall(markdown))} · questions {len(overview.questions)} · "
              f"model calls {overview.usage.calls} · tokens {tokens}")
    err.print(f"  critic: {errors} error(s), {warnings} warning(s) after {overview.rounds} revision round(s)")
    for f in overview.findings:
        if f.severity == "error":
            err.print("  [red]✗[/red] " + escape(f"[{f.check}] {f.section or ''}: {f.message} — {f.evidence}"))
    if failed:
        err.print(f"  [red]failed sections: {', '.join(failed)}[/red] — rerun with --resume")
    if overview.questions:
        err.print("  questions for you:")
        for q in overview.questions:
            err.print(f"   • {q.text}")


class _RichProgress:
    """Progress per section on stderr."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 console=err, transient=True, disable=not err.is_terminal)
        self.task: Any = None

    def begin(self, stage: str, total: int) -> None:
        if self.task is not None:
            self.progress.remove_task(self.task)
        self.task = self.progress.add_task(stage, total=total)

    def step(self, label: str, ok: bool = True) -> None:
        self.progress.update(self.task, advance=1, description=f"{'✓' if ok else '✗'} {label}")
        if not ok:
            err.print(f"[red]✗ {label} failed[/red]")

    def __enter__(self) -> _RichProgress:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)


@app.command()
def check(
    file: Annotated[Path, typer.Argument(help="overview.md, overview.json, a draft directory, or any Markdown "
                                         "overview.", show_default=False)],
    facts_file: Annotated[Path | None, typer.Option("--facts", "-f", help="Facts to check grounding and coverage "
                                                    "against.", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    lang: Annotated[str | None, typer.Option("--lang", help="zh or en (default: detected).",
                                             show_default=False)] = None,
    model: Annotated[str | None, typer.Option("--model", "-m", help="openai:<model> adds the advisory LLM critic "
                                              "(judges achievable/relevant).", show_default=False)] = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
) -> None:
    """Critique any overview: SMART goals, coverage, grounding, language, repetition. Exit 1 on errors."""
    from drafter.checking import check_file

    settings = settings_from(model, base_url, api_key).model if model else None
    report = check_file(file, facts_file, lang, settings)
    if as_json:
        out.print_json(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        _print_report(report)
    raise typer.Exit(1 if report.errors else 0)


def _print_report(report: CheckReport) -> None:
    from rich.table import Table

    def mark(v: bool | None) -> str:
        return "[dim]–[/dim]" if v is None else "[green]✓[/green]" if v else "[red]✗[/red]"

    table = Table(title="Sections", show_lines=False)
    for col in ("section", "present", "errors", "warnings"):
        table.add_column(col)
    for row in report.sections:
        key = row["key"]
        errs = sum(1 for f in report.findings if f.section == key and f.severity == "error")
        warns = sum(1 for f in report.findings if f.section == key and f.severity == "warning")
        table.add_row(f"{row['title']}", mark(row["present"]), str(errs) if errs else "", str(warns) if warns else "")
    out.print(table)
    if report.goals:
        goals = Table(title="Goals (S M A R T)")
        goals.add_column("goal", overflow="fold")
        for dim in ("S", "M", "A", "R", "T"):
            goals.add_column(dim, justify="center")
        for g in report.goals:
            s = g["smart"]
            goals.add_row(g["text"], *(mark(s[k]) for k in ("specific", "measurable", "achievable", "relevant",
                                                             "time_bound")))
        out.print(goals)
    for f in report.findings:
        colour = {"error": "red", "warning": "yellow"}.get(f.severity, "dim")
        line = f"[{colour}]{f.severity:7}[/{colour}] " + escape(f"[{f.check}] {f.section or '-'}: {f.message}")
        out.print(line + (f"\n          {escape(f.evidence)}" if f.evidence else ""))
    out.print(f"{report.errors} error(s), {report.warnings} warning(s)")


@app.command()
def sections(lang: Annotated[str, typer.Option("--lang", help="zh or en.")] = "zh") -> None:
    """Print the section catalog (keys, titles, when included)."""
    from rich.table import Table

    from drafter.catalog import CATALOG

    table = Table(title="Section catalog")
    for col in ("key", "title", "included"):
        table.add_column(col)
    for s in CATALOG:
        table.add_row(s.key, s.title(lang), "required" if s.required else "when facts exist")
    out.print(table)


def main() -> None:
    """Console entry point; never shows a traceback (set DRAFTER_DEBUG=1 to see one)."""
    try:
        code = app(standalone_mode=False)
    except typer.Abort:
        err.print("[yellow]aborted[/yellow]")
        code = 130
    except TyperException as exc:  # usage errors: typer prints them with a hint
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            err.print(f"[red]error:[/red] {escape(exc.format_message())}")
        code = exc.exit_code
    except Exception as exc:  # noqa: BLE001 - last resort: one line, no locals, no traceback
        if os.environ.get("DRAFTER_DEBUG"):
            raise
        err.print(f"[red]error:[/red] {type(exc).__name__}: {escape(str(exc))}")
        code = 1
    sys.exit(code if isinstance(code, int) else 0)


from drafter import cli_eval, cli_export, cli_revise  # noqa: E402,F401  - register the other commands on `app`
