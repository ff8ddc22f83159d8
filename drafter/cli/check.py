"""`check` and `sections`: critique any overview; show the catalog."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from drafter.cli.common import ApiKeyOpt, BaseUrlOpt, err, out, settings_from, warn_if_closing_stale
from drafter.i18n import _, ngettext, severity_label

if TYPE_CHECKING:
    from drafter.critic.checks import CheckReport

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
    from drafter.check import check_file

    settings = settings_from(model, base_url, api_key).model if model else None
    report = check_file(file, facts_file, lang, settings)
    _warn_if_markdown_stale(file)
    if file.is_dir() or file.name in ("overview.md", "overview.json"):
        warn_if_closing_stale(file if file.is_dir() else file.parent)
    if as_json:
        out.print_json(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        _print_report(report)
    raise typer.Exit(1 if report.errors else 0)


def _warn_if_markdown_stale(file: Path) -> None:
    """One line on stderr when a draft's overview.md is not the one its overview.json was rendered to."""
    from drafter.draft import store

    directory = file if file.is_dir() else file.parent
    if not file.is_dir() and file.name not in (store.OVERVIEW_MD, store.OVERVIEW_JSON):
        return
    if not (directory / store.OVERVIEW_JSON).is_file():
        return
    why = store.markdown_mismatch(directory)
    if why is not None:
        md = directory / store.OVERVIEW_MD
        err.print("[yellow]" + _("warning:") + "[/yellow] " + escape(_(
            "{md} is not the overview.md rendered from {json} ({why}); "
            "`drafter write FACTS -o {directory} --resume`, or the next revise, edit or undo that saves, "
            "rewrites it from overview.json.").format(md=md, json=directory / store.OVERVIEW_JSON, why=why,
                                                       directory=directory)))


def _print_report(report: CheckReport) -> None:
    from rich.table import Table

    def mark(v: bool | None) -> str:
        return "[dim]–[/dim]" if v is None else "[green]✓[/green]" if v else "[red]✗[/red]"

    table = Table(title=_("Sections"), show_lines=False)
    for col in (_("section"), _("present"), _("errors"), _("warnings")):
        table.add_column(col)
    for row in report.sections:
        key = row["key"]
        errs = sum(1 for f in report.findings if f.section == key and f.severity == "error")
        warns = sum(1 for f in report.findings if f.section == key and f.severity == "warning")
        table.add_row(f"{row['title']}", mark(row["present"]), str(errs) if errs else "", str(warns) if warns else "")
    out.print(table)
    if report.goals:
        goals = Table(title=_("Goals (S M A R T)"))
        goals.add_column(_("goal"), overflow="fold")
        for dim in ("S", "M", "A", "R", "T"):
            goals.add_column(dim, justify="center")
        for g in report.goals:
            s = g["smart"]
            goals.add_row(g["text"], *(mark(s[k]) for k in ("specific", "measurable", "achievable", "relevant",
                                                             "time_bound")))
        out.print(goals)
    for f in report.findings:
        colour = {"error": "red", "warning": "yellow"}.get(f.severity, "dim")
        label = severity_label(f.severity)
        line = f"[{colour}]{label:7}[/{colour}] " + escape(f"[{f.check}] {f.section or '-'}: {f.message}")
        out.print(line + (f"\n          {escape(f.evidence)}" if f.evidence else ""))
    out.print(ngettext("{n} error", "{n} errors", report.errors).format(n=report.errors) + _(", ")
              + ngettext("{n} warning", "{n} warnings", report.warnings).format(n=report.warnings))


def sections(lang: Annotated[str, typer.Option("--lang", help="zh or en.")] = "zh") -> None:
    """Print the section catalog (keys, titles, when included)."""
    from rich.table import Table

    from drafter.facts.catalog import CATALOG

    table = Table(title=_("Section catalog"))
    for col in (_("key"), _("title"), _("included")):
        table.add_column(col)
    for s in CATALOG:
        table.add_row(s.key, s.title(lang), _("required") if s.required else _("when facts exist"))
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""
    app.command()(check)
    app.command()(sections)
