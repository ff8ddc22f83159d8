"""The deterministic offline drafter: every sentence a statement with its kind and fact ids, from the facts alone.

It reads the request's typed payload and, for the run's other facts (profile facts for the opening, a goal's current
value reported in another section), the shared context block every prompt carries.
"""

from __future__ import annotations

import json
from typing import Any

from drafter.llm.offline.closing import opening, summary
from drafter.llm.offline.common import Ctx, Payload, phrases
from drafter.llm.offline.english import lower_first
from drafter.llm.offline.goals import goals_section
from drafter.llm.offline.prose import prose_section
from drafter.llm.offline.risks import risks_section
from drafter.llm.protocol import ModelRequest, ModelResponse, estimated_usage
from drafter.text.goal_fields import read_goal

__all__ = ["OfflineModel", "draft", "lower_first", "parse_goal_text", "phrases"]


def draft(payload: Payload, schema_name: str, facts: list[Payload] | None = None) -> dict[str, Any]:
    """Draft the content `schema_name` asks for; `facts` are the run's facts (the payload's own when absent)."""
    task = payload.get("task")
    if task == "critic":  # the offline drafter does not judge; the deterministic critic stands alone
        return {"items": [], "goals": []}
    ctx = Ctx(payload, list(facts or []))
    if task == "opening":
        return opening(ctx)
    if task == "summary":
        return summary(ctx)
    kind = (payload.get("section") or {}).get("kind", "prose")
    if schema_name == "GoalsSection" or kind == "goals":
        return goals_section(ctx)
    if schema_name == "RisksSection" or kind == "risks":
        return risks_section(ctx)
    return prose_section(ctx)


def parse_goal_text(text: str) -> dict[str, str | None]:
    """Best-effort metric/baseline/target/deadline from a goal sentence; None where absent."""
    slots = read_goal(text)
    return {"metric": slots.metric, "baseline": slots.baseline, "target": slots.target, "deadline": slots.deadline}


def context_facts(request: ModelRequest) -> list[Payload]:
    """The run's facts from the shared context block of the prompt (empty when the prompt carries none)."""
    raw = request.prompt.variables.get("context") or ""
    try:
        data = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        return []
    facts = data.get("facts") if isinstance(data, dict) else None
    return [f for f in facts if isinstance(f, dict) and "id" in f and "text" in f] if isinstance(facts, list) else []


class OfflineModel:
    """The offline drafter behind the model seam: it reads the request's typed payload, no text round trip."""

    name = "offline"
    modes: tuple[str, ...] = ("native",)
    estimated_usage = True

    async def respond(self, request: ModelRequest) -> ModelResponse:
        """Draft the object the request's schema asks for."""
        args = draft(request.payload, request.schema.__name__, context_facts(request))
        text = json.dumps(args, ensure_ascii=False)
        return ModelResponse(args, text, estimated_usage(request, text), "stop", provenance={"model": self.name})
