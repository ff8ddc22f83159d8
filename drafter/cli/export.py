"""Commands around a draft: `export` (docx, md, json), `init` (facts template) and `config` (effective settings)."""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit, urlunsplit

import typer
from rich.markup import escape

from drafter.cli.common import err, out, warn_if_closing_stale
from drafter.errors import InputError
from drafter.i18n import _

FORMATS = ("docx", "md", "json")
_SUFFIX_FORMATS = {".docx": "docx", ".md": "md", ".markdown": "md", ".json": "json"}
LANGUAGES = ("zh", "en")
TEMPLATE_DIR = "templates"
FACTS_SCHEMA = "facts.schema.json"


# --- export -------------------------------------------------------------------------------------------------------


def export_draft(directory: Path, fmt: str | None, output: Path | None, force: bool) -> tuple[Path, str]:
    """Export the draft in `directory` as docx, md or json; return the file written and its format."""
    from drafter.draft import store

    fmt = _export_format(fmt, output)
    overview = store.load(directory)  # validates the draft before anything is written
    draft_dir = directory if directory.is_dir() else directory.parent
    if output is None:
        if fmt != "docx":
            raise InputError(_("--format {format} needs -o FILE (the draft already holds {file}).").format(
                format=fmt, file=draft_dir / ('overview.' + fmt)))
        output = draft_dir / "overview.docx"
    source = draft_dir / (store.OVERVIEW_MD if fmt == "md" else store.OVERVIEW_JSON)
    if output.exists() and output.resolve() == source.resolve():
        raise InputError(_("{output}: is the draft's own file; choose another -o.").format(output=output))
    _check_target(output, force)
    if fmt == "docx":
        from drafter.draft.render_docx import write_docx

        write_docx(overview, output)
    elif fmt == "md" and not source.is_file():
        from drafter.draft.render_markdown import render

        store.atomic_write(output, render(overview))  # overview.md missing: render it from overview.json
    else:
        store.atomic_write(output, source.read_bytes())
    return output, fmt


def _export_format(fmt: str | None, output: Path | None) -> str:
    if fmt is None:
        return _SUFFIX_FORMATS.get(output.suffix.lower(), "docx") if output is not None else "docx"
    normal = fmt.strip().lower().lstrip(".")
    normal = {"markdown": "md", "word": "docx"}.get(normal, normal)
    if normal not in FORMATS:
        raise InputError(_("unknown format '{format}'; choose one of {formats}.").format(
            format=fmt, formats=', '.join(FORMATS)))
    return normal


def _check_target(path: Path, force: bool) -> None:
    if path.is_dir():
        raise InputError(_("{path}: is a directory; give a file name with -o.").format(path=path))
    if path.exists() and not force:
        raise InputError(_("{path}: already exists; pass --force to overwrite it.").format(path=path))


def export(
    directory: Annotated[Path, typer.Argument(help="Draft directory (holding overview.json).", show_default=False)],
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="docx, md or json [default: from -o's suffix, "
                                            "else docx].", show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write [default for docx: "
                                                "DIR/overview.docx].", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Export a draft as Word (.docx), Markdown or JSON."""
    path, fmt = export_draft(directory, fmt, output, force)
    err.print("[green]✓[/green] " + _("exported {path} ({format})").format(path=escape(str(path)), format=fmt))
    warn_if_closing_stale(directory if directory.is_dir() else directory.parent)


# --- init ---------------------------------------------------------------------------------------------------------


def facts_schema_path() -> Path:
    """The facts JSON Schema: shipped in the wheel as `drafter/_schemas`, or `schemas/` in a checkout."""
    packaged = Path(str(resources.files("drafter"))) / "_schemas" / FACTS_SCHEMA
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "schemas" / FACTS_SCHEMA


def facts_template(lang: str) -> str:
    """The commented facts template in `lang`, its first line pointing editors at the facts JSON Schema."""
    if lang not in LANGUAGES:
        raise InputError(_("unknown language '{lang}'; choose zh or en.").format(lang=lang))
    body = (resources.files("drafter") / TEMPLATE_DIR / f"facts.{lang}.yaml").read_text(encoding="utf-8")
    return f"# yaml-language-server: $schema={facts_schema_path().resolve().as_uri()}\n{body}"


def write_template(path: Path, lang: str, force: bool) -> None:
    """Write the facts template to `path` (YAML only), refusing to overwrite without `force`."""
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise InputError(_("{path}: the template is YAML; use a .yaml or .yml file name.").format(path=path))
    text = facts_template(lang)
    _check_target(path, force)
    from drafter.draft.store import atomic_write

    atomic_write(path, text)


def init(
    file: Annotated[Path, typer.Argument(help="Facts file to create.")] = Path("facts.yaml"),
    lang: Annotated[str | None, typer.Option("--lang", help="zh or en [default: the `language` setting, zh].",
                                             show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented facts template to fill in, then draft it with `drafter write`."""
    if lang is None:
        from drafter.settings import resolve_settings

        lang = resolve_settings().language
    write_template(file, lang, force)
    err.print("[green]✓[/green] " + _("wrote {file} — fill it in, then run: drafter write {file} -o out/").format(
        file=escape(str(file))), soft_wrap=True)


# --- config -------------------------------------------------------------------------------------------------------


def mask_secret(value: str | None) -> str:
    """`sk-…abcd` (last four characters only), `set (hidden)` for short values, or `not set`."""
    if not value:
        return "not set"
    if len(value) < 12:
        return "set (hidden)"
    prefix = "sk-" if value.startswith("sk-") else ""
    return f"{prefix}…{value[-4:]}"


def redact_url(url: str | None) -> str | None:
    """A URL with any user:password and query string hidden."""
    if not url:
        return url
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, netloc, parts.path, "…" if parts.query else "", ""))


def settings_report(**options: Any) -> dict[str, Any]:
    """Effective settings with the source of each (option, env, config, default); the API key masked."""
    from drafter.settings import config_paths, read_config, resolve_settings

    settings = resolve_settings(**options)
    model = settings.model
    typed: dict[str, Any] = {"model": model.name, "base_url": redact_url(model.base_url), "language": settings.language,
                             "concurrency": settings.concurrency, "max_rounds": settings.max_rounds,
                             "timeout": model.timeout, "max_retries": model.max_retries,
                             "structured_output": model.structured_output}
    rows: dict[str, Any] = {}
    for name, source in settings.sources.items():
        kind, _, origin = source.partition(" ")
        rows[name] = {"value": typed.get(name, settings.values.get(name)), "source": kind, "origin": origin or None}
    key = os.environ.get("OPENAI_API_KEY")
    _, config_file = read_config()
    return {
        "settings": rows,
        "openai_api_key": {"set": bool(key), "value": mask_secret(key),
                           "source": "env" if key else None, "origin": "OPENAI_API_KEY" if key else None},
        "config_file": str(config_file) if config_file else None,
        "config_search": [str(p) for p in config_paths()],
    }


def config_command(
    model: Annotated[str | None, typer.Option("--model", "-m", help="As for write: offline, mock or "
                                              "openai:<model>.", show_default=False)] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint.",
                                                 show_default=False)] = None,
    concurrency: Annotated[int | None, typer.Option("--concurrency", "-j", min=1, max=64,
                                                    show_default=False)] = None,
    max_rounds: Annotated[int | None, typer.Option("--max-rounds", min=0, max=10, show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Show the effective settings and where each comes from: option, env, config file or default."""
    report = settings_report(model=model, base_url=base_url, concurrency=concurrency, max_rounds=max_rounds)
    if as_json:
        out.print_json(json.dumps(report, ensure_ascii=False))
        return
    from rich.table import Table

    table = Table(title=_("Effective settings"))
    for col in (_("setting"), _("value"), _("source")):
        table.add_column(col)
    kinds = {"option": _("option"), "env": _("env"), "config": _("config"), "default": _("default")}
    for name, row in report["settings"].items():
        source = kinds.get(row["source"], row["source"]) + (f" {row['origin']}" if row["origin"] else "")
        value = "" if row["value"] is None else str(row["value"])
        table.add_row(name, escape(value), escape(source))
    api = report["openai_api_key"]
    shown = {"not set": _("not set"), "set (hidden)": _("set (hidden)")}.get(api["value"], api["value"])
    table.add_row("OPENAI_API_KEY", escape(shown), kinds["env"] if api["set"] else "-")
    out.print(table)
    searched = ", ".join(report["config_search"])
    used = report["config_file"] or _("none (looked for {paths})").format(paths=searched)
    out.print(_("config file: {file}").format(file=escape(used)), soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""
    app.command()(export)
    app.command()(init)
    app.command('config')(config_command)
