"""One cassette store for the response cache, recording and replay: a folder of reviewable JSON files.

A cassette is keyed by everything that shapes an answer — model, base URL, prompt version, schema, parameters and the
rendered messages — and never by the API key. Each file says which model produced it, where, and when. The user's
cache keys by base URL (two endpoints never share answers); recordings leave it out (`base_url=None`) so a cassette
recorded against one server replays anywhere, and keep the server in their provenance instead.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drafter.files import atomic_write

if TYPE_CHECKING:
    from drafter.llm.protocol import ModelRequest

FORMAT = "drafter.cassette/1"


def cache_dir() -> Path:
    """DRAFTER_CACHE_DIR, else $XDG_CACHE_HOME/drafter, else ~/.cache/drafter."""
    if os.environ.get("DRAFTER_CACHE_DIR"):
        return Path(os.environ["DRAFTER_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "drafter"


def recordings_dir() -> Path:
    """Committed cassettes: DRAFTER_RECORDINGS, else `evals/cassettes` here, else in the checkout drafter runs from."""
    configured = os.environ.get("DRAFTER_RECORDINGS")
    if configured:
        return Path(configured)
    local = Path("evals") / "cassettes"
    return local if local.is_dir() else Path(__file__).resolve().parents[2] / "evals" / "cassettes"


def cassette_key(model: str, base_url: str | None, request: ModelRequest) -> str:
    """Hash of what shapes the answer (the structured-output mode is not part of it: any mode gives one object)."""
    blob = json.dumps({
        "model": model, "base_url": base_url or "", "prompt_version": request.prompt.version,
        "schema": request.schema.model_json_schema(), "params": request.params,
        "messages": [[m.role, m.content] for m in request.messages()],
    }, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


@dataclass
class Cassette:
    """One stored answer and its provenance."""

    key: str
    model: str
    schema: str
    response: dict[str, Any]
    input_tokens: int = 0
    output_tokens: int = 0
    base_url: str | None = None
    prompt_version: str = ""
    recorded: str = ""
    provenance: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """The file's content."""
        return {"format": FORMAT, "key": self.key, "model": self.model, "base_url": self.base_url,
                "schema": self.schema, "prompt_version": self.prompt_version, "recorded": self.recorded,
                "provenance": self.provenance or {}, "usage": {"input_tokens": self.input_tokens,
                                                               "output_tokens": self.output_tokens},
                "response": self.response}

    @classmethod
    def from_json(cls, data: dict[str, Any], key: str) -> Cassette:
        """Read a cassette file's content (KeyError/TypeError on a malformed one)."""
        usage = data.get("usage") or {}
        return cls(key=str(data.get("key") or key), model=str(data["model"]), schema=str(data["schema"]),
                   response=dict(data["response"]), input_tokens=int(usage.get("input_tokens", 0)),
                   output_tokens=int(usage.get("output_tokens", 0)), base_url=data.get("base_url"),
                   prompt_version=str(data.get("prompt_version", "")), recorded=str(data.get("recorded", "")),
                   provenance=dict(data.get("provenance") or {}))


class CassetteStore:
    """A folder of `<key>.json` cassettes; `get` and `put` are safe to share between the chains of one run."""

    def __init__(self, directory: Path, private: bool = False) -> None:
        self.directory = directory
        self.private = private  # the user's cache: files readable by the user only
        self.saved = 0

    def path(self, key: str) -> Path:
        """Where the cassette for `key` lives."""
        return self.directory / f"{key}.json"

    def get(self, key: str) -> Cassette | None:
        """The cassette for `key`, or None (a malformed file raises ValueError naming it)."""
        path = self.path(key)
        if not path.is_file():
            return None
        try:
            return Cassette.from_json(json.loads(path.read_text(encoding="utf-8")), key)
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}: not a valid cassette ({type(exc).__name__}: {exc})") from None

    def put(self, cassette: Cassette) -> Path:
        """Write a cassette atomically."""
        if not cassette.recorded:
            cassette.recorded = datetime.now(UTC).isoformat(timespec="seconds")
        self.directory.mkdir(parents=True, exist_ok=True)
        text = json.dumps(cassette.to_json(), ensure_ascii=False, indent=1) + "\n"
        # the user's cache is private; recordings meant to be shared get the mode a new file gets
        atomic_write(self.path(cassette.key), text, 0o600 if self.private else None)
        self.saved += 1
        return self.path(cassette.key)


def response_cache() -> CassetteStore:
    """The user's response cache for real models."""
    return CassetteStore(cache_dir() / "cassettes", private=True)
