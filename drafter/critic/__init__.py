"""The critic: registered deterministic checks with finding codes, plus an optional LLM critic."""

from __future__ import annotations

from drafter.critic.checks import CheckReport, check_document, review, score
from drafter.critic.registry import CheckContext, register, registered

__all__ = ["CheckContext", "CheckReport", "check_document", "register", "registered", "review", "score"]
