"""`answer`: walk the draft's open questions, write the answers into the facts file, update the draft."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from drafter.cli.common import ApiKeyOpt, BaseUrlOpt, ModelOpt, out, settings_for_draft
from drafter.i18n import _, ngettext


def answer(
    directory: Annotated[Path, typer.Argument(help="Draft directory (made by `drafter write`).", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="List the open questions as JSON and exit (for "
                                          "scripts); nothing is asked or changed.")] = False,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
) -> None:
    """Answer the draft's questions one by one; the answers go into the facts file (comments and layout kept)
    and the sections they touch are redrafted."""
    from drafter import answer as lib
    from drafter.cli.write import _closing_summary, _print_update, _RichProgress
    from drafter.draft import store
    from drafter.facts.catalog import spec
    from drafter.facts.edit import apply_edits
    from drafter.facts.load import load_facts
    from drafter.pipeline import WriteOptions
    from drafter.update import update_overview

    overview = store.load(directory)
    logged = len(overview.usage.entries)  # the ledger before this run
    questions = lib.open_questions(overview)
    if as_json:
        out.print_json(json.dumps({"facts_file": overview.facts_path, "questions": [q.to_json() for q in questions]},
                                  ensure_ascii=False))
        return
    if not questions:
        out.print(_("no open questions: the draft asks nothing"))
        return
    path = lib.facts_file_of(overview, directory)
    lang = overview.language
    out.print(ngettext("{n} open question; its answer goes into {path}. Enter skips it, q stops asking.",
                       "{n} open questions; answers go into {path}. Enter skips a question, q stops asking.",
                       len(questions)).format(n=len(questions), path=escape(str(path))))
    answers = []
    for q in questions:
        out.print(f"\n[bold][{q.n}/{len(questions)}] {escape(spec(q.section).title(lang))}[/bold]")
        if q.sentence:
            out.print(f"  [dim]{escape(q.sentence)}[/dim]")
        reply = typer.prompt(f"  {q.text}", default="", show_default=False).strip()
        if reply.lower() in ("q", "quit"):
            break
        if reply:
            answers.append((q, reply))
    edits = lib.edits_for(overview, answers)
    if not edits:
        out.print(_("no answers given; nothing changed"))
        return
    settings = settings_for_draft(overview, model, base_url, api_key)
    with store.locked(directory):
        apply_edits(path, edits, lang)
        out.print("[green]✓[/green] " + ngettext("wrote {n} answer into {path}", "wrote {n} answers into {path}",
                                                 len(edits)).format(n=len(edits), path=escape(str(path))))
        facts = load_facts(path)
        with _RichProgress() as progress:
            options = WriteOptions(settings.concurrency, settings.max_rounds, progress)
            updated, plan = update_overview(overview, facts, settings.model, options)
            markdown = store.save(directory, updated)
    _print_update(plan, lang, directory)
    _closing_summary(updated, directory, markdown, settings.prices,
                     None if settings.model.is_fake else options.stats, since=logged)
    if any(s.state == "failed" for s in updated.sections):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""
    app.command()(answer)
