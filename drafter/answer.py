"""Answering a draft's questions: each open question, where its answer goes in the facts file, and the update.

A goal's missing target, deadline or owner is answered into that goal (its field, or its sentence); a risk's
missing response into that risk's own item; any other question's answer becomes a new fact under the question's
section (or under `facts` when the section has no list key of its own, as the summary). The facts file is then
edited in place (`facts.edit`) and the draft is brought up to date with it (`update`), as `drafter write FACTS -o
DIR` would.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drafter.draft.model import GoalsSection, Overview, RisksSection
from drafter.errors import InputError
from drafter.facts.edit import Edit, GoalField, GoalFieldName, NewFact, RiskResponse
from drafter.facts.model import SECTION_LIST_KEYS

_FIELD_WORDS: dict[GoalFieldName, tuple[str, ...]] = {
    "owner": ("负责", "owner", "who"), "deadline": ("时间", "截止", "何时", "什么时候", "deadline", "when", "by when"),
    "target": ("目标值", "多少", "target", "what value")}
_FIELD_QUESTION = {
    "zh": {"owner": "“{metric}”目标由谁负责？", "deadline": "“{metric}”目标要在什么时间前达成？",
           "target": "“{metric}”目标的目标值是多少？"},
    "en": {"owner": "Who owns the goal “{metric}”?", "deadline": "By when must the goal “{metric}” be reached?",
           "target": "What is the target value of the goal “{metric}”?"},
}


@dataclass(frozen=True)
class OpenQuestion:
    """A question the draft asks, the sentence it leaves open, and where its answer goes."""

    n: int
    section: str
    text: str
    sentence: str
    goal: tuple[str, GoalFieldName] | None  # (fact id, field) for a goal's missing field
    key: str  # the list key a new fact goes under (when not a goal field)
    risk: str | None = None  # the fact id of a risk whose response is asked for

    def to_json(self) -> dict[str, Any]:
        """The `answer --json` shape."""
        target = ({"kind": "goal-field", "fact_id": self.goal[0], "field": self.goal[1]} if self.goal
                  else {"kind": "risk-response", "fact_id": self.risk} if self.risk
                  else {"kind": "new-fact", "key": self.key})
        return {"n": self.n, "section": self.section, "question": self.text, "sentence": self.sentence,
                "answer_goes_to": target}


def open_questions(overview: Overview) -> list[OpenQuestion]:
    """Every question of the draft, goal fields first, in section order."""
    lang = overview.language
    found: list[tuple[str, str, str, tuple[str, GoalFieldName] | None]] = []
    asked = {q.text for q in overview.questions}
    used: set[str] = set()
    for section in overview.sections:
        content = section.content
        if not isinstance(content, GoalsSection):
            continue
        for goal in content.goals:
            if not goal.fact_ids:
                continue
            fields: tuple[GoalFieldName, ...] = ("target", "deadline", "owner")
            metric = goal.metric or ""
            for field in fields:
                if getattr(goal, field) is not None:
                    continue
                words = _FIELD_WORDS[field]
                theirs = next((q for q in content.questions if q in asked and q not in used and metric and metric in q
                               and any(w in q.lower() for w in words)), None)
                text = theirs or _FIELD_QUESTION[lang][field].format(metric=metric)
                if theirs:
                    used.add(theirs)
                found.append((section.key, text, goal.statement, (goal.fact_ids[0], field)))
    risks = _open_risks(overview)
    rest = []
    for q in overview.questions:
        if q.text in used:
            continue
        risk = next((fid for fid, description in risks if description and description in q.text), None)
        rest.append((q.section, q.text, _sentence(overview, q.section, q.text), risk))
    questions = [OpenQuestion(i, section, text, sentence, goal, _key(section))
                 for i, (section, text, sentence, goal) in enumerate(found, 1)]
    return questions + [OpenQuestion(i, section, text, sentence, None, _key(section), risk)
                        for i, (section, text, sentence, risk) in enumerate(rest, len(found) + 1)]


def _key(section: str) -> str:
    return section if section in SECTION_LIST_KEYS else "facts"


def _open_risks(overview: Overview) -> list[tuple[str, str]]:
    """(fact id, description) of each risk the draft gives no response for."""
    out = []
    for section in overview.sections:
        if isinstance(section.content, RisksSection):
            out += [(r.fact_ids[0], r.description) for r in section.content.risks
                    if r.fact_ids and not r.response]
    return out


def _sentence(overview: Overview, key: str, question: str) -> str:
    """The placeholder sentence that asks `question` (empty when no statement carries it)."""
    from drafter.draft.model import cited

    section = next((s for s in overview.sections if s.key == key), None)
    if section is None or section.content is None:
        return ""
    for item in cited(section.content):
        for statement in getattr(item, "statements", None) or []:
            if statement.question == question:
                return str(statement.text)
    return ""


def edits_for(overview: Overview, answers: list[tuple[OpenQuestion, str]]) -> list[Edit]:
    """Where each answer goes in the facts file (a goal field of the fact's place in `goals`, or a new fact)."""
    places = _places(overview)
    edits: list[Edit] = []
    for question, answer in answers:
        answer = answer.strip()
        if not answer:
            continue
        if question.goal is not None and places.get(question.goal[0], ("", 0))[0] == "goals":
            edits.append(GoalField(places[question.goal[0]][1], question.goal[1], answer))
        elif question.risk is not None and question.risk in places and places[question.risk][0] != "goals":
            key, index = places[question.risk]
            edits.append(RiskResponse(key, index, answer))
        else:
            edits.append(NewFact(question.key, answer))
    return edits


def _places(overview: Overview) -> dict[str, tuple[str, int]]:
    """Fact id → (the key it is listed under in the facts file, its position in that list)."""
    places: dict[str, tuple[str, int]] = {}
    counts: dict[str, int] = {}
    for fact in overview.facts:
        n = counts.get(fact.source, 0)
        places[fact.id] = (fact.source, n)
        counts[fact.source] = n + 1
    return places


def facts_file_of(overview: Overview, directory: Path) -> Path:
    """The facts file the draft was written from, checked to be the one it was written from."""
    from drafter.facts.load import load_facts

    if not overview.facts_path or not Path(overview.facts_path).is_file():
        raise InputError(f"{directory}: the facts file this draft was written from ({overview.facts_path or '?'}) "
                         "is not there; answers are written into it.")
    path = Path(overview.facts_path)
    if load_facts(path).digest != overview.facts_digest:
        raise InputError(f"{path}: changed since the draft was written; run `drafter write {path} -o {directory}` "
                         "to update the draft first, then answer its questions.")
    return path
