"""On-disk response cache (SQLite) for real models: an unchanged re-run makes no model calls."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_SCHEMA = """CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY, model TEXT NOT NULL, schema TEXT NOT NULL, response TEXT NOT NULL,
    input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, created TEXT DEFAULT CURRENT_TIMESTAMP)"""


def cache_dir() -> Path:
    """DRAFTER_CACHE_DIR, else $XDG_CACHE_HOME/drafter, else ~/.cache/drafter."""
    if os.environ.get("DRAFTER_CACHE_DIR"):
        return Path(os.environ["DRAFTER_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "drafter"


def cache_key(model: str, base_url: str | None, messages: Sequence[Any], schema: dict[str, Any],
              params: dict[str, Any]) -> str:
    """Hash of everything that shapes the answer — never the API key."""
    blob = json.dumps({"model": model, "base_url": base_url or "", "params": params, "schema": schema,
                       "messages": [[m.type, str(m.content)] for m in messages]}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


class ResponseCache:
    """A small SQLite key → parsed-response store, safe to share between the chains of one run."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or cache_dir() / "responses.sqlite"
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, check_same_thread=False, timeout=10)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute(_SCHEMA)
            os.chmod(self.path, 0o600)
        return self._conn

    def get(self, key: str) -> tuple[dict[str, Any], int, int] | None:
        """(response, input_tokens, output_tokens) or None."""
        with self._lock:
            row = self._db().execute(
                "SELECT response, input_tokens, output_tokens FROM responses WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        return json.loads(row[0]), int(row[1]), int(row[2])

    def put(self, key: str, model: str, schema: str, response: dict[str, Any], input_tokens: int,
            output_tokens: int) -> None:
        """Store a parsed response."""
        with self._lock:
            db = self._db()
            db.execute("INSERT OR REPLACE INTO responses (key, model, schema, response, input_tokens, output_tokens)"
                       " VALUES (?, ?, ?, ?, ?, ?)",
                       (key, model, schema, json.dumps(response, ensure_ascii=False), input_tokens, output_tokens))
            db.commit()

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
