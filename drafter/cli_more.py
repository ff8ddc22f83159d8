"""Commands beyond write/check: revise, history, undo, edit, eval, export, init, config."""

from __future__ import annotations

from drafter.cli import app

__all__ = ["app"]
