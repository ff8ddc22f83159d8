"""The `drafter` command line: thin commands over the library (heavy imports happen inside commands)."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
import typer.core
from rich.markup import escape
from typer.exceptions import TyperException

from drafter import __version__, i18n
from drafter.cli import answer, check, eval, export, revise, write
from drafter.cli.common import err, out
from drafter.errors import DrafterError, Interrupted
from drafter.i18n import _
from drafter.secrets import error_text, redact


class _Group(typer.core.TyperGroup):
    """Turns DrafterError into one red line and its exit code, in the console and under CliRunner alike."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Choose the interface language from the command line and the environment, then run in it."""
        given = kwargs.pop("args", args[0] if args else None)
        argv = _ui_lang_first(list(sys.argv[1:] if given is None else given))
        with i18n.using(i18n.detect(argv)):
            _localise(self)
            return super().main(argv, *args[1:], **kwargs)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except DrafterError as exc:
            err.print("[red]" + _("error:") + f"[/red] {escape(redact(str(exc)))}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt as exc:
            err.print(f"[yellow]{escape(_interrupted(exc))}[/yellow]")
            raise typer.Exit(130) from None


def _interrupted(exc: KeyboardInterrupt) -> str:
    """What Ctrl-C left: the state of the draft the command had locked, when it had one."""
    if not isinstance(exc, Interrupted):
        return _("interrupted")
    if exc.state == "none":
        return _("interrupted — no draft was written to {directory}").format(directory=exc.directory)
    if exc.state == "saved":
        return _("interrupted — the draft in {directory} keeps what this step saved before the interruption"
                 ).format(directory=exc.directory)
    return _("interrupted — the draft in {directory} is as it was before this step").format(directory=exc.directory)


def _localise(group: Any) -> None:
    """Translate the help of the group, its commands and their parameters; give each command `--ui-lang`.

    Typer builds the click commands from English help texts; they are translated here, when a command line runs,
    so that the language chosen for it applies (the English text is kept to translate again).
    """
    for command in (group, *group.commands.values()):
        for item in (command, *command.params):
            source = getattr(item, "_help_source", None) or item.help
            if source:
                item._help_source = source
                item.help = _(source)


def _ui_lang_first(argv: list[str]) -> list[str]:
    """`--ui-lang X` anywhere before `--` moved to the front, where the app's option takes it (last one wins)."""
    end = argv.index("--") if "--" in argv else len(argv)
    rest: list[str] = []
    chosen: list[str] = []
    i = 0
    while i < end:
        arg = argv[i]
        if arg == i18n.OPTION and i + 1 < end:
            chosen, i = [arg, argv[i + 1]], i + 2
            continue
        if arg.startswith(i18n.OPTION + "="):
            chosen = [arg]
        else:
            rest.append(arg)
        i += 1
    return [*chosen, *rest, *argv[end:]] if chosen else argv


def _check_ui_lang(value: str | None) -> str | None:
    if value is not None and i18n.normalise(value) is None:
        raise typer.BadParameter(_("choose zh or en."))
    return value


app = typer.Typer(
    cls=_Group,
    help="Draft, check and revise a grounded 运营工作概述 (operations work overview) from a facts file.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
def _version(value: bool) -> None:
    if value:
        out.print(f"drafter {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
    ui_lang: Annotated[str | None, typer.Option(
        i18n.OPTION, callback=_check_ui_lang, metavar="zh|en", show_default=False,
        help="Interface language [default: DRAFTER_UI_LANG, else zh under a Chinese locale, else en].")] = None,
) -> None:
    """drafter: grounded operations overviews, offline by default."""


for _group in (write, answer, check, eval, export, revise):
    _group.register(app)


def main() -> None:
    """Console entry point; never shows a traceback (set DRAFTER_DEBUG=1 to see one)."""
    with i18n.using(i18n.detect(sys.argv[1:])):
        _run()


def _run() -> None:
    try:
        code = app(standalone_mode=False)
    except typer.Abort:
        err.print("[yellow]" + _("aborted") + "[/yellow]")
        code = 130
    except TyperException as exc:  # usage errors: typer prints them with a hint
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            err.print("[red]" + _("error:") + f"[/red] {escape(exc.format_message())}")
        code = exc.exit_code
    except Exception as exc:  # noqa: BLE001 - last resort: one line, no locals, no traceback
        if os.environ.get("DRAFTER_DEBUG"):
            raise
        err.print("[red]" + _("error:") + f"[/red] {type(exc).__name__}: {escape(error_text(exc, 2000))}")
        code = 1
    sys.exit(code if isinstance(code, int) else 0)
