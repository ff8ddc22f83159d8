"""`drafter eval`: offline evals of the drafter on folders of cases (thin: the work is in drafter.evaluation)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from drafter.cli.common import err, out
from drafter.i18n import _

if TYPE_CHECKING:
    from drafter.evaluation.report import BaselineDiff
    from drafter.evaluation.runner import EvalRun

# Short column names keep each table within 80 columns; the captions spell them out.
_SHORT = {"section_coverage": "sect", "fact_recall": "facts", "unsupported_figures": "figs",
          "unsupported_claims": "claims", "smart_pass_rate": "SMART", "critic_errors": "errs",
          "boilerplate_ratio": "boiler", "repeated_sentences": "rep", "cross_case_repeats": "xcase",
          "fact_bearing_share": "factsh", "revision_rounds": "rounds", "failed_sections": "failed",
          "rouge_l_char": "rougeL", "chrf": "chrF", "length_ratio": "len"}


def eval_command(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Case folders (with facts.yaml) or folders of cases [default: evals/cases].", show_default=False)] = None,
    model: Annotated[str, typer.Option("--model", "-m", help="mock (replays evals/cassettes, else the offline "
                                       "drafter), offline, or openai:<model>.")] = "mock",
    base_url: Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint for openai:<model>.",
                                                 show_default=False)] = None,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Where results.json, summary.json, junit.xml and "
                                          "report.md go.")] = Path("eval-out"),
    baseline: Annotated[Path | None, typer.Option("--baseline", help="Fail when a metric regresses beyond its "
                                                  "tolerance against this baseline.", show_default=False)] = None,
    write_baseline: Annotated[Path | None, typer.Option("--write-baseline", help="Write this run's values as the "
                                                        "baseline file.", show_default=False)] = None,
    record: Annotated[bool, typer.Option("--record", help="Save the model's answers as recordings for replay.")]
    = False,
    replay: Annotated[bool, typer.Option("--replay", help="Answer from recordings of --model; never touches the "
                                         "network. A miss falls back to the offline drafter.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="With replay: a request without a recording fails.")]
    = False,
    recordings: Annotated[Path | None, typer.Option("--recordings", help="Recordings folder [default: "
                                                    "DRAFTER_RECORDINGS or evals/cassettes].",
                                                    show_default=False)] = None,
    saboteur: Annotated[str | None, typer.Option("--saboteur", help="Wrap the model in a saboteur that injects "
                                                 "one defect (invented-figure, invented-practice, canned-response, "
                                                 "dropped-fact, vague-goal, language-switch, repeated-paragraph, "
                                                 "missing-section); its gate must fail.", show_default=False)]
    = None,
    measure: Annotated[bool, typer.Option("--measure", help="Report the gates without enforcing them (exit 0 "
                                          "whatever they show): for rows that measure a model, such as the "
                                          "real-model recordings in evals/real.")] = False,
    overlap: Annotated[bool, typer.Option("--overlap/--no-overlap", help="Compute the overlap signals (ROUGE-L, "
                                          "chrF, length ratio); they are the slow part of a run.")] = True,
) -> None:
    """Draft every case with the model and score it: gates (exit 1 when one fails, unless --measure) and
    regression signals (exit 1 on a regression against --baseline)."""
    from drafter.errors import InputError
    from drafter.evaluation import cases as case_mod
    from drafter.evaluation import report
    from drafter.evaluation.runner import EvalOptions, run_eval

    if record and replay:
        raise InputError(_("--record and --replay exclude each other: record once, then replay."))
    options = EvalOptions(model=model, base_url=base_url, mode="record" if record else "replay" if replay else
                          "default", strict=strict, recordings=recordings, saboteur=saboteur, overlap=overlap,
                          measure=measure)
    options.validate()
    if saboteur is not None and write_baseline is not None:
        raise InputError(_("--saboteur and --write-baseline exclude each other: a baseline must not hold defects."))
    skipped: list[Path] = []
    found = case_mod.discover(paths, skipped)
    for folder in skipped:
        err.print(f"[yellow]skipped {escape(str(folder))}: no {' / '.join(case_mod.FACTS_NAMES)} in it[/yellow]",
                  soft_wrap=True)
    if options.replays and not options.recordings_dir.is_dir():
        answer = "fails (--strict)" if options.strict else "is answered by the offline drafter"
        err.print(f"[yellow]recordings folder {escape(str(options.recordings_dir))} does not exist: every request "
                  f"{answer}[/yellow]", soft_wrap=True)
    if options.model.startswith("openai:") and options.mode != "replay":
        err.print(f"[yellow]model {options.model}: this run calls the network[/yellow]")
    run = run_eval(found, options)
    diff = report.compare(run, baseline) if baseline is not None else None
    report.write_outputs(run, out_dir, diff)
    _print_table(run)
    _print_failures(run)
    _print_injected(run)
    if diff is not None:
        _print_diff(diff)
    if write_baseline is not None:
        report.write_baseline(run, write_baseline)
        out.print(f"wrote the baseline {escape(str(write_baseline))}", soft_wrap=True)
    _print_recordings(run)
    out.print(f"[dim]wrote {escape(str(out_dir))}/results.json, summary.json, junit.xml, report.md[/dim]",
              soft_wrap=True)
    typer.echo(f"{run.passed} passed, {run.failed} failed" + (" (measured, not enforced)" if measure else ""))
    if (run.failed and not measure) or (diff is not None and diff.regressions):
        raise typer.Exit(1)


def _cell(metric: str, value: float | None, passed: bool | None) -> str:
    from drafter.evaluation.metrics import METRICS

    text = METRICS[metric].format(value, digits=2)
    if passed is True:
        return f"[green]{text}[/green]"
    if passed is False:
        return f"[bold red]{text}✗[/bold red]"
    return f"[dim]{text}[/dim]" if value is None else text


def _print_table(run: EvalRun) -> None:
    from drafter.evaluation.metrics import GATES, METRICS
    from drafter.evaluation.report import gate_text

    sabotage = f" · saboteur {run.options.saboteur}" if run.options.saboteur else ""
    gates = ", ".join(f"{_SHORT[n]} = {n} {gate_text(n, digits=2)}" for n in GATES)
    _metric_table(run, list(GATES), f"drafter eval · model {run.options.model}{sabotage} · {len(run.cases)} case(s) · "
                  f"{run.seconds:.1f} s", f"gates: {gates}.")
    others = [n for n in METRICS if n not in GATES]
    _metric_table(run, others, "measurements and regression signals (never gate)",
                  ", ".join(f"{_SHORT[n]} = {n}" for n in others) + ".")


def _metric_table(run: EvalRun, names: list[str], title: str, caption: str) -> None:
    from rich import box
    from rich.table import Table

    from drafter.evaluation.report import aggregates, fmt

    table = Table(title=title, caption=caption, title_justify="left", caption_justify="left", box=box.SIMPLE_HEAD,
                  pad_edge=False, padding=(0, 0, 0, 1))
    table.add_column("case", overflow="fold", min_width=min(28, max(len(c.name) for c in run.cases)))
    for name in names:
        table.add_column(_SHORT[name], justify="right", no_wrap=True)
    for res in run.results:
        rows = {r.metric: r for r in res.rows}
        table.add_row(escape(res.case.name), *(_cell(n, rows[n].value, rows[n].passed) for n in names))
    means = aggregates(run)
    table.add_section()
    table.add_row("mean", *(fmt(n, means[n]["mean"], mean=True, digits=2) for n in names))
    out.print(table)


def _print_failures(run: EvalRun) -> None:
    from drafter.evaluation.report import fmt

    for res in run.results:
        if res.error is not None:
            out.print(f"[red]✗[/red] {escape(res.case.name)}: could not be drafted: {escape(res.error)}",
                      soft_wrap=True)
        for note in res.invalid_recordings:
            out.print(f"[yellow]unusable recording[/yellow] ({escape(res.case.name)}): {escape(note)}",
                      soft_wrap=True)
    errored = {res.case.name for res in run.results if res.error is not None}
    for row in run.rows:
        if row.passed is False and row.case not in errored:
            out.print(f"[red]✗[/red] {escape(row.case)} {row.metric} = {fmt(row.metric, row.value)}: "
                      f"{escape(row.details)}", soft_wrap=True)
    for res in run.results:
        if res.failed_sections:
            out.print(f"[red]✗[/red] {escape(res.case.name)}: sections failed to draft: "
                      f"{', '.join(res.failed_sections)}", soft_wrap=True)


def _print_injected(run: EvalRun) -> None:
    if not run.options.saboteur:
        return
    untouched = [res.case.name for res in run.results if not res.injected]
    for res in run.results:
        for note in res.injected:
            out.print(f"[magenta]saboteur[/magenta] {escape(res.case.name)}: {escape(note)}", soft_wrap=True)
    if untouched:
        out.print(f"[yellow]saboteur {run.options.saboteur} found nothing to break in:[/yellow] "
                  f"{escape(', '.join(untouched))}", soft_wrap=True)


def _print_diff(diff: BaselineDiff) -> None:
    out.print(f"against the baseline {escape(str(diff.path))}: {len(diff.changes)} change(s), "
              f"{len(diff.regressions)} regression(s)", soft_wrap=True)
    for change in diff.changes:
        colour = "red" if change.regression else "dim"
        out.print(f"  [{colour}]{escape(change.describe())}[/{colour}]", soft_wrap=True)
    for note in diff.notes:
        out.print(f"  [yellow]note:[/yellow] {escape(note)}", soft_wrap=True)


def _print_recordings(run: EvalRun) -> None:
    opts = run.options
    if opts.replays:
        hits = sum(r.hits for r in run.results)
        misses = sum(r.misses for r in run.results)
        fallback = "failed (--strict)" if opts.strict else "answered by the offline drafter"
        out.print(f"[dim]replay of {opts.model} from {escape(str(opts.recordings_dir))}: {hits} hit(s), "
                  f"{misses} miss(es) {fallback}[/dim]", soft_wrap=True)
    elif opts.mode == "record":
        saved = sum(r.recorded for r in run.results)
        out.print(f"recorded {saved} answer(s) of {opts.model} into {escape(str(opts.recordings_dir))}",
                  soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""
    app.command('eval')(eval_command)
