"""Settings: option > environment > config file (drafter.toml) > default, each with its source; every default."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from drafter import i18n
from drafter.errors import InputError

DEFAULT_MODEL = "offline"
DEFAULT_LANGUAGE = "zh"
DEFAULT_CONCURRENCY = 10  # the catalog has at most ten sections, all drafted at once
DEFAULT_MAX_ROUNDS = 2
DEFAULT_TIMEOUT = 120.0  # seconds without a token while an answer streams (not the total time of an answer)
# Seconds to wait for an answer's first token while the connection is alive: the server processes the prompt (or the
# request waits on a busy server) meanwhile; a server that sends no byte at all is still given up after the timeout.
DEFAULT_FIRST_TOKEN_TIMEOUT = 600.0
DEFAULT_MAX_RETRIES = 2
DEFAULT_STRUCTURED_OUTPUT = "auto"
DEFAULT_TEMPERATURE = 0.2
DEFAULT_MAX_TOKENS = 4096
STRUCTURED_MODES = ("auto", "json_schema", "tools", "json_object", "json_mode")
DEFAULT_STREAM = True  # stream answers: the timeout then counts silence, and progress shows tokens so far
# JSON object merged into the provenance of every answer of an openai:<name> model (what the client cannot see:
# the weights file and its sha256, the server software); bench/local_model.py sets it.
PROVENANCE_ENV = "DRAFTER_PROVENANCE"
ENTRY_POINT_GROUP = "drafter.models"
# Built-in model kinds, and whether the name needs a `:<rest>` (a plugin's kinds come from the entry point group).
BUILTIN_KINDS = {"offline": False, "test": False, "mock": None, "replay": True, "openai": True}
NETWORK_FREE_KINDS = ("offline", "test", "mock", "replay")


@dataclass(frozen=True)
class ModelSettings:
    """Which model to use and how to reach it; the API key is not kept here (it is read when used)."""

    name: str = DEFAULT_MODEL
    base_url: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    structured_output: str = DEFAULT_STRUCTURED_OUTPUT
    temperature: float = DEFAULT_TEMPERATURE
    max_tokens: int = DEFAULT_MAX_TOKENS
    stream: bool = DEFAULT_STREAM
    first_token_timeout: float = DEFAULT_FIRST_TOKEN_TIMEOUT
    api_key: str | None = field(default=None, repr=False, compare=False)  # from --api-key; never serialised

    @property
    def kind(self) -> str:
        """The registry kind: offline, mock, replay, test, openai, or a plugin's."""
        return self.name.split(":", 1)[0]

    @property
    def params(self) -> dict[str, Any]:
        """The sampling parameters sent with every request (part of every cassette key)."""
        return {"temperature": self.temperature, "max_tokens": self.max_tokens}

    @property
    def is_fake(self) -> bool:
        """True for models that never touch the network."""
        return self.kind in NETWORK_FREE_KINDS


def parse_model_name(name: str | None) -> str:
    """Validate a --model value (default: DRAFTER_MODEL, else offline)."""
    name = (name or os.environ.get("DRAFTER_MODEL") or DEFAULT_MODEL).strip()
    kind, _, rest = name.partition(":")
    needs_rest = BUILTIN_KINDS.get(kind, "plugin")
    if needs_rest is None or (needs_rest is True and rest) or (needs_rest is False and not rest):
        return name
    if needs_rest == "plugin" and kind and _plugin_kind(kind):
        return name
    raise InputError(i18n._(
        "unknown model '{name}': use 'offline', 'mock' or 'openai:<model>' (e.g. openai:gpt-4o-mini, "
        "openai:deepseek-chat with --base-url)."
    ).format(name=name))


def _plugin_kind(kind: str) -> bool:
    from importlib.metadata import entry_points

    return any(ep.name == kind for ep in entry_points(group=ENTRY_POINT_GROUP))

CONFIG_NAME = "drafter.toml"
_KEYS = {"model", "base_url", "language", "concurrency", "max_rounds", "timeout", "max_retries", "structured_output",
         "author", "prices"}
_ENV = {"model": "DRAFTER_MODEL", "base_url": "OPENAI_BASE_URL", "concurrency": "DRAFTER_CONCURRENCY",
        "max_rounds": "DRAFTER_MAX_ROUNDS", "language": "DRAFTER_LANGUAGE", "author": "DRAFTER_AUTHOR"}
DEFAULTS: dict[str, Any] = {"model": DEFAULT_MODEL, "base_url": None, "language": DEFAULT_LANGUAGE,
                            "concurrency": DEFAULT_CONCURRENCY, "max_rounds": DEFAULT_MAX_ROUNDS,
                            "timeout": DEFAULT_TIMEOUT, "max_retries": DEFAULT_MAX_RETRIES,
                            "structured_output": DEFAULT_STRUCTURED_OUTPUT, "author": ""}


@dataclass
class Settings:
    """Effective settings and where each came from."""

    model: ModelSettings
    concurrency: int
    max_rounds: int
    language: str
    sources: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    prices: dict[str, dict[str, float]] = field(default_factory=dict)


def config_paths() -> list[Path]:
    """drafter.toml in the working directory, then in the user config dir (XDG)."""
    user = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "drafter" / "config.toml"
    return [Path.cwd() / CONFIG_NAME, user]


def read_config() -> tuple[dict[str, Any], Path | None]:
    """The first config file found, validated."""
    for path in config_paths():
        if path.is_file():
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise InputError(i18n._("{path}: invalid TOML: {error}.").format(path=path, error=exc)) from None
            unknown = set(data) - _KEYS - {"api_key"}
            if unknown:
                raise InputError(i18n._("{path}: unknown setting(s) {unknown}; known: {known}.").format(
                    path=path, unknown=', '.join(sorted(unknown)), known=', '.join(sorted(_KEYS))))
            if "api_key" in data and (path.stat().st_mode & 0o077):
                raise InputError(i18n._("{path}: holds api_key but is readable by others; run `chmod 600 {path}` "
                                        "or use the OPENAI_API_KEY environment variable.").format(path=path))
            return data, path
    return {}, None


def resolve_settings(**options: Any) -> Settings:
    """Merge options, environment, config file and defaults; validate."""
    config, path = read_config()
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for key, default in DEFAULTS.items():  # api_key is not a setting to show: it goes to ModelSettings only
        if options.get(key) is not None:
            values[key], sources[key] = options[key], "option"
        elif key in _ENV and os.environ.get(_ENV[key]):
            values[key], sources[key] = os.environ[_ENV[key]], f"env {_ENV[key]}"
        elif key in config:
            values[key], sources[key] = config[key], f"config {path}"
        else:
            values[key], sources[key] = default, "default"
    try:
        concurrency = int(values["concurrency"])
        max_rounds = int(values["max_rounds"])
        timeout = float(values["timeout"])
        retries = int(values["max_retries"])
    except (TypeError, ValueError) as exc:
        raise InputError(i18n._("invalid numeric setting: {error}.").format(error=exc)) from None
    if concurrency < 1 or max_rounds < 0:
        raise InputError(i18n._("concurrency must be ≥ 1 and max_rounds ≥ 0."))
    if values["structured_output"] not in STRUCTURED_MODES:
        raise InputError(i18n._("structured_output must be one of {modes}.").format(modes=', '.join(STRUCTURED_MODES)))
    model = ModelSettings(name=parse_model_name(str(values["model"])), base_url=values["base_url"],
                          timeout=timeout, max_retries=retries, structured_output=values["structured_output"],
                          api_key=options.get("api_key"))
    prices = config.get("prices") or {}
    if not isinstance(prices, dict) or not all(isinstance(v, dict) for v in prices.values()):
        raise InputError(i18n._("{path}: prices must be tables like [prices.\"openai:gpt-4o-mini\"] input = 0.15 "
                                "output = 0.6 (per million tokens).").format(path=path))
    return Settings(model, concurrency, max_rounds, str(values["language"]), sources, values, prices)


def config_api_key() -> str | None:
    """The api_key of a 0600 config file, read when used."""
    data, _ = read_config()
    key = data.get("api_key")
    return str(key) if key else None


def document_author() -> str:
    """The author written into exported documents: DRAFTER_AUTHOR, else `author` in the config file, else empty."""
    return str(resolve_settings().values.get("author") or "").strip()


def with_model(settings: Settings, **changes: Any) -> Settings:
    """A copy with model settings changed."""
    return replace(settings, model=replace(settings.model, **changes))
