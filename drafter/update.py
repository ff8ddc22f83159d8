"""Updating a draft when its facts change: redraft only the sections whose inputs changed, keep the others.

A section's inputs are the draft's context (company, period, language, industry, audience, strategy, the section
list the file asks for) and the facts routed to it. The plan compares them between the facts the draft was written
from (kept in overview.json) and the facts file now:

- a section whose inputs are unchanged is kept as it is, byte for byte (hand edits and accepted revisions too);
- a section whose inputs changed is redrafted, unless its current version was made by hand (`edit`, `revise`,
  `undo`): then the edit stays current and the redraft is stored as a proposal that `drafter revise DIR SECTION`
  shows as a diff to accept or reject;
- a section the new facts add is drafted; one they no longer call for is dropped, unless it was edited by hand;
- the opening and the summary are redrafted when their inputs changed (any section, the opening's profile facts,
  or the context).

Fact ids are numbered in file order, so adding a fact near the top renumbers the ones after it: the kept sections'
citations are carried over to the new numbers (a fact is the same fact when its key and text are unchanged).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from drafter.draft.model import Overview, Section
from drafter.facts.catalog import OPENING, spec
from drafter.facts.model import Fact, Facts
from drafter.i18n import N_

if TYPE_CHECKING:
    from drafter.llm.protocol import Model
    from drafter.pipeline import WriteOptions
    from drafter.settings import ModelSettings

Action = Literal["keep", "redraft", "propose", "add", "drop", "keep-orphan"]
HAND_ORIGINS = frozenset({"edit", "revise", "undo"})


@dataclass
class SectionPlan:
    """What the update does to one section, and why (`reason` is a key of `REASONS`)."""

    key: str
    action: Action
    reason: str = ""


@dataclass
class UpdatePlan:
    """The update of a draft to new facts, section by section."""

    sections: list[SectionPlan]
    closing: bool  # redraft the opening (and the summary, unless it is edited by hand: then it gets a proposal)
    id_map: dict[str, str] = field(default_factory=dict)  # old fact id → new fact id (facts that are still there)

    @property
    def redraft(self) -> set[str]:
        """Sections drafted anew and made current."""
        return {p.key for p in self.sections if p.action in ("redraft", "add")}

    @property
    def propose(self) -> set[str]:
        """Sections drafted anew and stored as a proposal beside the hand-made current version."""
        return {p.key for p in self.sections if p.action == "propose"}



def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


def _fact_inputs(facts: list[Fact], key: str) -> str:
    return _digest(sorted((f.source, f.text, f.goal.model_dump(mode="json") if f.goal else None)
                          for f in facts if f.section == key))


def _context(overview_or_facts: Overview | Facts) -> str:
    if isinstance(overview_or_facts, Overview):
        o = overview_or_facts
        return _digest([o.company, o.period, o.language, o.industry, o.audience, list(o.strategy),
                        o.sections_override])
    file = overview_or_facts.file
    return _digest([file.company, file.period, file.language, file.industry, file.audience, list(file.strategy),
                    list(file.sections) if file.sections else None])


def id_mapping(old: list[Fact], new: list[Fact]) -> dict[str, str]:
    """Old id → new id for each fact whose key and text are unchanged (in order, so duplicates pair up)."""
    free: dict[tuple[str, str], list[str]] = {}
    for f in new:
        free.setdefault((f.source, f.text), []).append(f.id)
    mapping = {}
    for f in old:
        ids = free.get((f.source, f.text))
        if ids:
            mapping[f.id] = ids.pop(0)
    return mapping


def plan_update(overview: Overview, facts: Facts, keys: list[str]) -> UpdatePlan:
    """The update of `overview` to `facts`, whose sections are to be `keys`."""
    context_changed = _context(overview) != _context(facts)
    old_keys = {s.key for s in overview.sections}
    plans = []
    for key in keys:
        if key == "summary":
            continue
        if key not in old_keys:
            plans.append(SectionPlan(key, "add", "new"))
            continue
        section = overview.section(key)
        if section.content is None or section.state == "failed":
            plans.append(SectionPlan(key, "redraft", "unfinished"))
        elif context_changed or _fact_inputs(overview.facts, key) != _fact_inputs(facts.items, key):
            hand = section.version is not None and section.version.origin in HAND_ORIGINS
            plans.append(SectionPlan(key, "propose" if hand else "redraft",
                                     "context" if context_changed else "facts"))
        else:
            plans.append(SectionPlan(key, "keep"))
    for section in overview.sections:
        if section.key not in keys:
            hand = section.version is not None and section.version.origin in HAND_ORIGINS
            plans.append(SectionPlan(section.key, "keep-orphan" if hand else "drop", "no-facts"))
    opening_inputs = _fact_inputs(overview.facts, OPENING) != _fact_inputs(facts.items, OPENING)
    closing = context_changed or opening_inputs or any(p.action != "keep" for p in plans) \
        or ("summary" in keys) != ("summary" in old_keys)
    if "summary" in keys:
        summary = overview.section("summary") if "summary" in old_keys else None
        hand = summary is not None and summary.version is not None and summary.version.origin in HAND_ORIGINS
        action: Action = "keep" if not closing else "add" if summary is None else "propose" if hand else "redraft"
        plans.append(SectionPlan("summary", action, "" if action == "keep" else "sections"))
    return UpdatePlan(plans, closing, id_mapping(overview.facts, facts.items))


def remap_ids(section: Section, mapping: dict[str, str]) -> None:
    """Carry every version's citations over to the new fact numbers (citations of facts now gone are dropped):
    statements, paragraphs, bullets, goals and risks alike."""
    for version in section.history:
        _remap(version.content, mapping)


def _remap(value: Any, mapping: dict[str, str]) -> None:
    if isinstance(value, BaseModel):
        ids = getattr(value, "fact_ids", None)
        if isinstance(ids, list):
            value.fact_ids = [mapping[i] for i in ids if i in mapping]  # type: ignore[attr-defined]
        for name in type(value).model_fields:
            _remap(getattr(value, name), mapping)
    elif isinstance(value, list):
        for item in value:
            _remap(item, mapping)


def updated_overview(overview: Overview, facts: Facts, plan: UpdatePlan, skeleton: Overview) -> Overview:
    """The overview to draft into: `skeleton` (new facts, new sections) with the old sections carried over.

    Kept sections are copied as they are; sections to redraft keep their history and are marked for drafting; a
    proposal section keeps its current version. The drafting itself is done by the pipeline.
    """
    by_key = {s.key: s for s in overview.sections}
    actions = {p.key: p.action for p in plan.sections}
    renumbered = len(plan.id_map) != len(overview.facts) or any(a != b for a, b in plan.id_map.items())
    sections = []
    for new in skeleton.sections:
        old = by_key.get(new.key)
        if old is None:
            sections.append(new)
            continue
        carried = old.model_copy(deep=True)
        carried.title = spec(new.key).title(facts.language)
        if renumbered:
            remap_ids(carried, plan.id_map)
        sections.append(carried)
    orphans = [old.model_copy(deep=True) for old in overview.sections if actions.get(old.key) == "keep-orphan"]
    if orphans:  # edited by hand, though the facts no longer call for it: kept, before the summary
        at = next((i for i, sec in enumerate(sections) if sec.key == "summary"), len(sections))
        sections[at:at] = orphans
    result = skeleton.model_copy(update={
        "sections": sections, "created": overview.created, "opening": overview.opening,
        "opening_stale": overview.opening_stale, "closing_inputs": overview.closing_inputs,
        "usage": overview.usage.model_copy(deep=True),
        "rounds": overview.rounds})
    return result


def update_overview(overview: Overview, facts: Facts, settings: ModelSettings, options: WriteOptions,
                    model: Model | None = None) -> tuple[Overview, UpdatePlan]:
    """`overview` brought up to date with `facts`: the plan, carried out (see the module doc)."""
    from drafter.pipeline import new_overview, write_overview

    skeleton = new_overview(facts, settings.name)
    plan = plan_update(overview, facts, [s.key for s in skeleton.sections])
    base = updated_overview(overview, facts, plan, skeleton)
    result = write_overview(facts, settings, options, model, resume=base, plan=plan)
    if not plan.closing and not overview.opening_stale:  # kept as they were, and current: still current
        from drafter.pipeline import closing_inputs

        result.closing_inputs = closing_inputs(result)
    return result, plan


REASONS = {"new": N_("the new facts call for it"), "unfinished": N_("it was not finished"),
           "facts": N_("its facts changed"), "context": N_("the company, period, language or strategy changed"),
           "no-facts": N_("no fact calls for it now"), "sections": N_("the sections changed")}
