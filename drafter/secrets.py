"""Secrets never leave the process: every exception text that can reach a file, a finding, a log or the console
goes through `redact` (or `error_text`) first.

The key is read when used (`llm.openai` reads it and calls `remember`); `redact` replaces every remembered key,
the value of `OPENAI_API_KEY` as it is now, and anything shaped like a token (`Bearer …`, `sk-…`, `api_key=…`).
Redaction happens before any truncation, so a cut can never leave a key's prefix behind.
"""

from __future__ import annotations

import os
import re

_ENVIRONMENT = ("OPENAI_API_KEY",)
_MIN_LENGTH = 8  # shorter values would replace ordinary words
_known: set[str] = set()

_TOKEN_PATTERNS = (
    (re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+"), "Bearer ***"),
    (re.compile(r"\bsk-[A-Za-z0-9_-]{6,}"), "sk-***"),
    (re.compile(r"(?i)(api[_-]?key['\"]?\s*[:=]\s*['\"]?)[^\s'\",}]+"), r"\1***"),
    (re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)[^'\",}\n]+"), r"\1***"),
)


def remember(secret: str | None) -> None:
    """Redact `secret` from every text from now on (the key a model was made with)."""
    if secret and len(secret) >= _MIN_LENGTH:
        _known.add(secret)


def redact(text: str, *secrets: str | None) -> str:
    """`text` without the given and remembered secrets, the environment's key, and token-shaped values."""
    values = {s for s in (*secrets, *_known, *(os.environ.get(n) for n in _ENVIRONMENT))
              if s and len(s) >= _MIN_LENGTH}
    for secret in sorted(values, key=len, reverse=True):
        text = text.replace(secret, "***")
    for pattern, replacement in _TOKEN_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def error_text(exc: BaseException | str, limit: int = 500) -> str:
    """An exception's message on one line, redacted, then cut to `limit` characters."""
    text = " ".join(str(exc).split())
    return redact(text)[:limit]
