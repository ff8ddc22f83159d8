"""`revise`, `history`, `undo`, `edit`: working on one section of an existing draft."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from drafter.cli.common import (
    ApiKeyOpt,
    BaseUrlOpt,
    ModelOpt,
    err,
    out,
    settings_for_draft,
    warn_if_closing_stale,
)
from drafter.cli.section_arg import resolve_section
from drafter.i18n import _, severity_label, status_label

if TYPE_CHECKING:
    from drafter.draft.model import Overview, SectionContent
    from drafter.revise import Proposal
    from drafter.settings import ModelSettings

DirArg = Annotated[Path, typer.Argument(help="Draft directory (made by `drafter write`).", show_default=False)]
KeyArg = Annotated[str, typer.Argument(help="Section: key, title or number, e.g. goals or 运营目标 (see `drafter "
                                       "sections`).", show_default=False)]


def _model_for(overview: Overview, model: str | None, base_url: str | None, api_key: str | None) -> ModelSettings:
    """Option > env > config; when none is set, the model the draft was written with."""
    return settings_for_draft(overview, model, base_url, api_key).model  # type: ignore[no-any-return]


def _show_proposal(p: Proposal) -> None:
    from drafter.revise import diff, status_of

    if p.note:
        err.print(f"[yellow]{escape(p.note)}[/yellow]")
    lines = diff(p.before, p.after)
    if not lines:
        out.print("[dim]" + _("no change to the section text") + "[/dim]")
    for line in lines:
        colour = "green" if line.startswith("+") else "red" if line.startswith("-") else \
            "cyan" if line.startswith("@@") else "dim"
        out.print(f"[{colour}]{escape(line)}[/{colour}]", soft_wrap=True)
    status = status_of(p.findings)
    colour = {"clean": "green", "warnings": "yellow", "errors": "red"}[status]
    out.print(_("critic: {status} · model calls {calls}").format(
        status=f"[{colour}]{status_label(status)}[/{colour}]", calls=p.calls))
    for f in p.findings:
        if f.severity != "info":
            out.print(f"  {severity_label(f.severity)}: " + escape(f"[{f.check}] {f.message} {f.evidence}"),
                      soft_wrap=True)


def _decide(p: Proposal, yes: bool) -> str:
    if yes:
        return "accept"
    choice = typer.prompt(_("accept [a] / reject [r] / edit [e]"), default="a").strip().lower()
    return {"a": "accept", "r": "reject", "e": "edit"}.get(choice[:1], "reject")


def _edit_text(text: str) -> str | None:
    """Open $VISUAL/$EDITOR on `text`; the edited text, or None when nothing changed."""
    import os
    import shlex
    import subprocess
    import tempfile

    from drafter.errors import InputError

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise InputError(_("no editor: set $EDITOR (e.g. export EDITOR=nano) and try again."))
    with tempfile.TemporaryDirectory(prefix="drafter-edit-") as tmp:
        path = Path(tmp) / "section.md"
        path.write_text(text, encoding="utf-8")
        try:
            code = subprocess.call([*shlex.split(editor), str(path)])
        except OSError as exc:
            raise InputError(_("could not start the editor '{editor}': {error}.").format(editor=editor, error=exc)
                             ) from None
        if code != 0:
            raise InputError(_("the editor exited with code {code}; nothing was saved.").format(code=code))
        edited = path.read_text(encoding="utf-8")
    return None if edited.strip() == text.strip() else edited


def _parse_edit(directory: Path, overview: Overview, key: str, edited: str) -> SectionContent:
    """The edited section body as content; when it cannot be read, it is kept in DIR/.edits and exit 2."""
    from drafter import revise

    try:
        return revise.parse_section_markdown(edited, key, revise.facts_for(overview))
    except revise.EditParseError as exc:
        kept = _keep_edit(directory, key, edited)
        err.print(f"[red]error:[/red] {escape(f'{kept}:{exc.line}: {exc.reason}')}", soft_wrap=True)
        err.print(f"your edit is kept in {escape(str(kept))}; nothing was saved. Correct it, then run "
                  f"`drafter edit {escape(str(directory))} {escape(key)}` and paste it in.", soft_wrap=True)
        raise typer.Exit(2) from None
    except BaseException:
        kept = _keep_edit(directory, key, edited)
        err.print(f"your edit is kept in {escape(str(kept))}; nothing was saved.", soft_wrap=True)
        raise


def _keep_edit(directory: Path, key: str, edited: str) -> Path:
    """Write an edit that could not be stored to DIR/.edits/KEY-<time>.md (a new name each time)."""
    from datetime import datetime

    folder = directory / ".edits"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path, n = folder / f"{key}-{stamp}.md", 1
    while path.exists():
        n += 1
        path = folder / f"{key}-{stamp}-{n}.md"
    path.write_text(edited, encoding="utf-8")
    return path


def _revise_one(directory: Path, overview: Overview, key: str, instruction: str | None, settings: ModelSettings,
                yes: bool) -> bool:
    """Propose, show, decide, save; True when a version was accepted."""
    from drafter import revise
    from drafter.draft import store

    pending = revise.pending_proposal(overview, key) if instruction is None else None
    proposal = pending or revise.propose(overview, key, instruction, settings)
    _show_proposal(proposal)
    if not proposal.changed:
        out.print("[dim]" + _("nothing to accept; the draft is unchanged") + "[/dim]")
        return False
    decision = _decide(proposal, yes)
    content, origin = proposal.content, "update" if pending is not None else "revise"
    if decision == "edit":
        edited = _edit_text(proposal.after)
        if edited is None:
            out.print("[dim]" + _("editor closed without changes; keeping the proposal") + "[/dim]")
        else:
            content, origin = _parse_edit(directory, overview, key, edited), "edit"
        decision = "accept"
    if decision != "accept":
        if pending is not None:
            revise.reject_proposal(overview, key)
            store.save(directory, overview)
            out.print(_("rejected; the redraft is dropped and the edited version stays"))
            return False
        out.print(_("rejected; the draft is unchanged"))
        return False
    revise.accept(overview, key, content, settings.name, instruction, origin)
    store.save(directory, overview)
    out.print("[green]✓[/green] " + _("saved {section} v{n}").format(section=key, n=overview.section(key).current))
    if overview.opening_stale:
        out.print("[yellow]" + _("the opening and summary may be out of date: run with --refresh-summary")
                  + "[/yellow]")
    return True


def revise(
    directory: DirArg,
    section: Annotated[str | None, typer.Argument(help="Section key; omit for the interactive loop.",
                                                  show_default=False)] = None,
    instruction: Annotated[str | None, typer.Option("--instruction", "-i", help="What to change.",
                                                    show_default=False)] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Accept without asking.")] = False,
    refresh_summary: Annotated[bool, typer.Option("--refresh-summary", help="Redraft the opening and summary "
                                                  "from the current sections.")] = False,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
) -> None:
    """Redraft one section (one model call + critic), show the diff, and accept, reject or edit it."""
    from drafter import revise as lib
    from drafter.draft import store

    with store.locked(directory):
        overview = store.load(directory)
        settings = _model_for(overview, model, base_url, api_key)
        if section is not None:
            _revise_one(directory, overview, resolve_section(overview, section), instruction, settings, yes)
        elif not refresh_summary:
            _loop(directory, overview, settings)
        if refresh_summary:
            try:
                calls = lib.refresh_summary(overview, settings)
            except lib.RefreshFailed:
                store.save(directory, overview)  # keeps what did refresh; the failed part stays marked stale
                raise
            store.save(directory, overview)
            out.print("[green]✓[/green] " + _("refreshed the opening and summary ({n} model calls)").format(n=calls))


def _loop(directory: Path, overview: Overview, settings: ModelSettings) -> None:
    from rich.table import Table

    from drafter import revise as lib
    from drafter.errors import InputError

    while True:
        table = Table(title=_("Sections"))
        for col in ("#", _("key"), _("title"), _("status"), _("version")):
            table.add_column(col)
        for i, s in enumerate(overview.sections, 1):
            status = "stale" if s.state == "stale" else s.state if s.state == "failed" else lib.status_of(
                [f for f in overview.findings if f.section == s.key])
            pending = f" · {_('proposal')}" if s.proposal is not None else ""  # a redraft waits to be seen
            table.add_row(str(i), s.key, s.title, status_label(status) + pending, f"v{s.current or 0}")
        out.print(table)
        choice = typer.prompt(_("section (number, key or title; q to quit)"), default="q").strip()
        if choice.lower() in ("q", "quit", "exit", ""):
            return
        try:
            key = resolve_section(overview, choice)
        except InputError as exc:
            out.print(f"[red]{escape(str(exc))}[/red]")
            continue
        text = typer.prompt(_("instruction (empty: address the critique)"), default="", show_default=False).strip()
        _revise_one(directory, overview, key, text or None, settings, yes=False)


def history(directory: DirArg, section: KeyArg) -> None:
    """List a section's versions: number, time, model, instruction, critic status."""
    from rich.table import Table

    from drafter.draft import store
    from drafter.revise import find_section

    overview = store.load(directory)
    target = find_section(overview, resolve_section(overview, section))
    from rich import box

    table = Table(title=f"{target.title} ({target.key})", box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("", "v", _("time"), _("model"), _("origin"), _("instruction"), _("status")):
        table.add_column(col, no_wrap=col == _("time"))
    for v in target.history:
        table.add_row("→" if v.n == target.current else "", str(v.n), local_time(v.created), v.model, v.origin,
                      escape(v.instruction or ""), status_label(v.status))
    out.print(table)
    warn_if_closing_stale(directory, overview)


def local_time(stamp: str) -> str:
    """An ISO timestamp in local time, whole: `2026-12-01 23:05:09 +08:00` (as stored when it cannot be read)."""
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M:%S")  # no offset recorded: shown as it is
    local = moment.astimezone()
    offset = local.strftime("%z")  # +0800
    return f"{local:%Y-%m-%d %H:%M:%S} {offset[:3]}:{offset[3:5]}" if offset else f"{local:%Y-%m-%d %H:%M:%S}"


def undo(directory: DirArg, section: KeyArg) -> None:
    """Restore the version that preceded the section's current one (history is kept)."""
    from drafter import revise
    from drafter.draft import store

    with store.locked(directory):
        overview = store.load(directory)
        section = resolve_section(overview, section)
        n = revise.undo(overview, section)
        store.save(directory, overview)
    out.print("[green]✓[/green] " + _("{section} is back at v{n}").format(section=section, n=n))
    warn_if_closing_stale(directory, overview)


def edit(directory: DirArg, section: KeyArg) -> None:
    """Edit a section's Markdown in $EDITOR; the text is parsed back, checked and stored as a new version."""
    from drafter import revise
    from drafter.draft import store
    from drafter.draft.render_markdown import section_body

    with store.locked(directory):
        overview = store.load(directory)
        section = resolve_section(overview, section)
        target = revise.find_section(overview, section)
        before = section_body(target.content, overview.language) if target.content else ""
        edited = _edit_text(before)
        if edited is None:
            out.print(_("no changes; the draft is unchanged"))
            return
        content = _parse_edit(directory, overview, section, edited)
        try:
            revise.accept(overview, section, content, "hand", None, "edit")
            store.save(directory, overview)
        except BaseException:
            err.print(f"your edit is kept in {escape(str(_keep_edit(directory, section, edited)))}.", soft_wrap=True)
            raise
    findings = [f for f in overview.findings if f.section == section and f.severity != "info"]
    out.print("[green]✓[/green] " + _("saved {section} v{n}").format(section=section, n=target.current)
              + f" ({status_label(revise.status_of(findings))})")
    for f in findings:
        out.print(f"  {severity_label(f.severity)}: " + escape(f"[{f.check}] {f.message} {f.evidence}"), soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""
    app.command()(revise)
    app.command()(history)
    app.command()(undo)
    app.command()(edit)
