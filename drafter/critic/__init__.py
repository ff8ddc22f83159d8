"""The critic: deterministic checks (SMART, coverage, grounding, language, repetition) plus an optional LLM critic."""

from __future__ import annotations

from drafter.critic.checks import CheckReport, check_document, review, score

__all__ = ["CheckReport", "check_document", "review", "score"]
