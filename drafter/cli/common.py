"""What every command shares: the two consoles, the model options, settings resolution."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from drafter.errors import DrafterError
from drafter.i18n import _

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False)

ModelOpt = Annotated[str | None, typer.Option("--model", "-m", help="offline (default), mock, or openai:<model>. "
                                                "Env: DRAFTER_MODEL.", show_default=False)]
ApiKeyOpt = Annotated[str | None, typer.Option("--api-key", help="API key for openai:<model>; prefer the "
                                               "OPENAI_API_KEY variable (options can end up in shell history).",
                                               show_default=False)]
BaseUrlOpt = Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint (env: OPENAI_BASE_URL).",
                                                show_default=False)]


def settings_from(model: str | None, base_url: str | None, api_key: str | None = None, **extra: Any) -> Any:
    """Resolve model settings: option > env > config file > default."""
    from drafter.settings import resolve_settings

    return resolve_settings(model=model, base_url=base_url, api_key=api_key, **extra)


def settings_for_draft(overview: Any, model: str | None, base_url: str | None, api_key: str | None) -> Any:
    """Settings for working on an existing draft: option > env > config; when none names a model, the model the
    draft was written with."""
    settings = settings_from(model, base_url, api_key)
    if settings.sources.get("model") == "default" and overview.model != "offline":
        from drafter.settings import parse_model_name, with_model

        settings = with_model(settings, name=parse_model_name(overview.model))
    return settings


def warn_if_closing_stale(directory: Path, overview: Any = None) -> None:
    """One line on stderr when the draft's opening and summary are out of date with its sections (`overview`: the
    draft, when the command has loaded it already)."""
    from drafter.draft import store
    from drafter.revise import stale_note

    if overview is None:
        if not (directory / store.OVERVIEW_JSON).is_file():
            return
        try:
            overview = store.load(directory)
        except DrafterError:  # an unreadable draft is reported by the command itself
            return
    note = stale_note(overview, directory)
    if note is not None:
        err.print(f"[yellow]{_('note:')}[/yellow] {escape(note)}")
