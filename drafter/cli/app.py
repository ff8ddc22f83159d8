"""The `drafter` command line: thin commands over the library (heavy imports happen inside commands)."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
import typer.core
from rich.markup import escape
from typer.exceptions import TyperException

from drafter import __version__
from drafter.cli import answer, check, eval, export, revise, write
from drafter.cli.common import err, out
from drafter.errors import DrafterError, Interrupted
from drafter.secrets import error_text, redact


class _Group(typer.core.TyperGroup):
    """Turns DrafterError into one red line and its exit code, in the console and under CliRunner alike."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except DrafterError as exc:
            err.print(f"[red]error:[/red] {escape(redact(str(exc)))}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt as exc:
            err.print(f"[yellow]{escape(_interrupted(exc))}[/yellow]")
            raise typer.Exit(130) from None


def _interrupted(exc: KeyboardInterrupt) -> str:
    """What Ctrl-C left: the state of the draft the command had locked, when it had one."""
    if not isinstance(exc, Interrupted):
        return "interrupted"
    if exc.state == "none":
        return f"interrupted — no draft was written to {exc.directory}"
    if exc.state == "saved":
        return f"interrupted — the draft in {exc.directory} keeps what this step saved before the interruption"
    return f"interrupted — the draft in {exc.directory} is as it was before this step"


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
) -> None:
    """drafter: grounded operations overviews, offline by default."""


for _group in (write, answer, check, eval, export, revise):
    _group.register(app)


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
        err.print(f"[red]error:[/red] {type(exc).__name__}: {escape(error_text(exc, 2000))}")
        code = 1
    sys.exit(code if isinstance(code, int) else 0)
