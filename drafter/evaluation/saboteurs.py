"""Saboteur models: each wraps another model and injects exactly one kind of defect into one part of the draft.

A gate that never fails proves nothing. Each saboteur answers as the model it wraps (the offline drafter unless
told otherwise) and breaks one thing, in the first part of the draft where it can (catalog order: the sections are
drafted before the opening and summary); when the critic asks for that part again, it breaks it again, so the
defect survives the critique→revise loop. `gate` names the eval gate that must catch the defect:

    drafter eval --saboteur invented-figure      # must fail unsupported_figures on every case

`behave_from=N` makes a saboteur answer faithfully from revision round N on (round 0 is the first draft; a
revision request carries `previous` in its payload), which is how the loop's repair path is tested. `injected`
lists what was done, one line per sabotaged answer.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any, ClassVar

from pydantic import BaseModel

from drafter.facts.catalog import CATALOG
from drafter.llm.fakes import Answer, CallInfo, FunctionModel
from drafter.llm.offline import OfflineModel
from drafter.llm.protocol import Model, ModelRequest, ModelResponse

Data = dict[str, Any]
REQUIRED = frozenset(s.key for s in CATALOG if s.required)

# Figures no eval case contains (two decimals, so no rounding of a fact's figure or of arithmetic on two of them
# lands on one by chance); a figure that does occur in the request's facts is skipped.
INVENTED_FIGURES = ("17.36%", "23.48%", "31.52%", "42.17%", "58.29%", "64.13%", "76.84%", "83.91%")
_FIGURE_SENTENCES = {
    "zh": ("本期单位运营成本同比下降{}。", "人均产出同比提升{}。", "重点项目投资回报率达到{}。",
           "客户流失率环比下降{}。", "线上渠道收入占比提升{}。", "库存周转效率提升{}。", "新客转化率达到{}。",
           "设备综合利用率达到{}。"),
    "en": ("Unit operating cost fell {} year on year.", "Output per employee rose {}.",
           "Return on the main projects reached {}.", "Customer churn fell {} on the quarter.",
           "The online share of revenue rose {}.", "Inventory turnover improved {}.",
           "New-customer conversion reached {}.", "Equipment utilisation reached {}."),
}
PRACTICE = {"zh": "公司建立了完善的风险识别与应对闭环机制，显著提升了运营效率。",
            "en": "We established a closed-loop risk process that markedly improved efficiency."}
CANNED_RESPONSE = {"zh": "已建立风险预警与快速处置机制，相关风险已得到有效控制。",
                   "en": "An early-warning and rapid-response process is in place, and the risk is now under control."}
VAGUE_GOAL = {"zh": "进一步提升整体运营水平，持续做好各项工作。",
              "en": "Keep improving overall operations and do better across the board."}
# A paragraph in the other language: the key is the draft's language.
OTHER_LANGUAGE = {"zh": "Operations stayed on plan this period, and the team delivered the main milestones on time.",
                  "en": "本期运营总体平稳，团队按计划完成了主要节点任务，各项工作有序推进。"}


def part_of(request: ModelRequest) -> str | None:
    """The part of the draft a request asks for: a section key, "opening" or "summary"; None for anything else."""
    payload = request.payload
    task = payload.get("task")
    if task in ("opening", "summary"):
        return str(task)
    if task == "section":
        key = (payload.get("section") or {}).get("key")
        return str(key) if key else None
    return None


def round_of(request: ModelRequest, history: Sequence[ModelRequest], part: str) -> int:
    """0 for a first draft; for a revision (its payload carries `previous`), 1 + the revisions of `part` before it."""
    if "previous" not in request.payload:
        return 0
    return 1 + sum(1 for r in history if "previous" in r.payload and part_of(r) == part)


def _lang(request: ModelRequest) -> str:
    return "en" if request.payload.get("language") == "en" else "zh"


def _ids(item: Data) -> list[str]:
    """The fact ids an item cites (its own and its statements')."""
    ids = list(item.get("fact_ids") or [])
    for st in item.get("statements") or []:
        ids += st.get("fact_ids") or []
    return list(dict.fromkeys(ids))


def add_sentence(item: Data, text: str, lang: str, kind: str = "fact", fact_ids: Sequence[str] = ()) -> None:
    """Append a sentence to a paragraph: as a statement when it is written in statements, else to its text."""
    if item.get("statements"):
        item["statements"].append({"text": text, "kind": kind, "fact_ids": list(fact_ids)})
        return
    current = str(item.get("text") or "")
    item["text"] = current + (" " if lang == "en" and current else "") + text
    item["fact_ids"] = list(dict.fromkeys([*(item.get("fact_ids") or []), *fact_ids]))


class Saboteur(FunctionModel):
    """A model that answers as `inner` does, with one defect injected (see the subclasses)."""

    defect: ClassVar[str] = ""
    gate: ClassVar[str] = ""  # the eval gate that must fail on a draft with this defect

    def __init__(self, inner: Model | None = None, *, behave_from: int | None = None) -> None:
        self.inner: Model = inner if inner is not None else OfflineModel()
        super().__init__(self._reply, name=f"{self.inner.name}+{self.defect}", modes=tuple(self.inner.modes))
        self.estimated_usage = self.inner.estimated_usage
        self.behave_from = behave_from
        self.target: str | None = None  # the part of the draft this saboteur breaks, once chosen
        self.injected: list[str] = []

    @property
    def hits(self) -> int:
        """Recordings the wrapped model replayed (0 when it does not replay)."""
        return int(getattr(self.inner, "hits", 0))

    @property
    def misses(self) -> int:
        """Requests the wrapped model found no recording for."""
        return int(getattr(self.inner, "misses", 0))

    async def _reply(self, request: ModelRequest, info: CallInfo) -> Answer:
        response = await self.inner.respond(request)
        part = part_of(request)
        if part is None or response.parsed is None:
            return response
        round_ = round_of(request, info.history, part)
        if self.behave_from is not None and round_ >= self.behave_from:
            return response
        if self.target is not None and part != self.target:
            return response
        parsed = response.parsed
        data: Data = parsed.model_dump(mode="json") if isinstance(parsed, BaseModel) else copy.deepcopy(parsed)
        note = self.inject(data, request, round_)
        if note is None:
            return response
        self.target = part
        self.injected.append(f"{part} (round {round_}): {note}")
        return data

    def inject(self, data: Data, request: ModelRequest, round_: int) -> str | None:
        """Break `data` in place and say how; None when this answer has nothing to break."""
        raise NotImplementedError


class InventedFigure(Saboteur):
    """Adds a sentence with a figure no fact contains (`count` such sentences; per round when a sequence)."""

    defect = "invented-figure"
    gate = "unsupported_figures"

    def __init__(self, inner: Model | None = None, *, behave_from: int | None = None,
                 count: int | Sequence[int] = 1) -> None:
        super().__init__(inner, behave_from=behave_from)
        self.count = count

    def how_many(self, round_: int) -> int:
        """Invented figures on this round (a sequence's last value repeats)."""
        if isinstance(self.count, int):
            return self.count
        return self.count[min(round_, len(self.count) - 1)] if self.count else 1

    def inject(self, data: Data, request: ModelRequest, round_: int) -> str | None:
        paragraphs = data.get("paragraphs")
        if not isinstance(paragraphs, list) or not paragraphs:
            return None
        lang = _lang(request)
        context = str(request.prompt.variables.get("context", ""))
        figures = [f for f in INVENTED_FIGURES if f not in context][: self.how_many(round_)]
        target = next((p for p in paragraphs if _ids(p)), paragraphs[0])
        ids = _ids(target)[:1]
        for n, figure in enumerate(figures):
            add_sentence(target, _FIGURE_SENTENCES[lang][n % len(_FIGURE_SENTENCES[lang])].format(figure), lang,
                         "fact", ids)
        return f"invented {', '.join(figures)}"


class InventedPractice(Saboteur):
    """Adds a `fact` statement that cites a real but unrelated fact and asserts a practice and its effect."""

    defect = "invented-practice"
    gate = "unsupported_claims"

    def inject(self, data: Data, request: ModelRequest, round_: int) -> str | None:
        facts = request.payload.get("facts") or []
        paragraphs = data.get("paragraphs")
        if request.payload.get("task") != "section" or not facts or not isinstance(paragraphs, list):
            return None
        lang = _lang(request)
        statement = {"text": PRACTICE[lang], "kind": "fact", "fact_ids": [facts[0]["id"]]}
        paragraphs.insert(min(1, len(paragraphs)), {"text": "", "fact_ids": [], "statements": [statement]})
        return f"“{PRACTICE[lang]}” citing {facts[0]['id']}"


class CannedResponse(Saboteur):
    """Gives every risk the same response, stated as done and as if a fact said so."""

    defect = "canned-response"
    gate = "unsupported_claims"

    def inject(self, data: Data, request: ModelRequest, round_: int) -> str | None:
        risks = data.get("risks")
        if not isinstance(risks, list) or not risks:
            return None
        lang = _lang(request)
        for risk in risks:
            risk["response"], risk["response_kind"] = CANNED_RESPONSE[lang], "fact"
        return f"{len(risks)} risk(s) answered “{CANNED_RESPONSE[lang]}”"


class DroppedFact(Saboteur):
    """Leaves out one fact-bearing item (a goal, else a paragraph, list item or risk) whose facts nothing else cites,
    and every later sentence that cites those facts (the opening and summary restate results)."""

    defect = "dropped-fact"
    gate = "fact_recall"

    def __init__(self, inner: Model | None = None, *, behave_from: int | None = None) -> None:
        super().__init__(inner, behave_from=behave_from)
        self.lost: set[str] = set()

    async def _reply(self, request: ModelRequest, info: CallInfo) -> Answer:
        answer = await super()._reply(request, info)
        if not self.lost or part_of(request) == self.target or not isinstance(answer, ModelResponse) \
                or answer.parsed is None:
            return answer
        parsed = answer.parsed
        data: Data = parsed.model_dump(mode="json") if isinstance(parsed, BaseModel) else copy.deepcopy(parsed)
        return data if _drop_citing(data, self.lost) else answer

    def inject(self, data: Data, request: ModelRequest, round_: int) -> str | None:
        own = {f["id"] for f in request.payload.get("facts") or [] if f.get("source") != "strategy"}
        items = [(name, item) for name in ("goals", "paragraphs", "bullets", "risks")
                 for item in data.get(name) or [] if isinstance(item, dict)]
        for name, item in items:
            others = {i for n, other in items if other is not item for i in _ids(other)}
            lost = [i for i in _ids(item) if i in own and i not in others]
            if lost:
                data[name].remove(item)
                self.lost.update(lost)
                return f"dropped a {name[:-1]} citing {', '.join(lost)}"
        return None


def _drop_citing(data: Data, lost: set[str]) -> bool:
    """Remove every statement (and item) of `data` that cites a fact in `lost`; True when something went."""
    changed = False
    holders = [data, *(item for name in ("paragraphs", "bullets") for item in data.get(name) or [])]
    for holder in holders:
        statements = holder.get("statements") or []
        kept = [st for st in statements if not set(st.get("fact_ids") or []) & lost]
        if len(kept) != len(statements):
            holder["statements"], changed = kept, True
            holder["fact_ids"] = [i for i in holder.get("fact_ids") or [] if i not in lost]
            if not kept:
                holder["text"] = ""
    for name in ("goals", "risks"):
        items = data.get(name) or []
        kept_items = [i for i in items if not set(_ids(i)) & lost]
        if len(kept_items) != len(items):
            data[name], changed = kept_items, True
    return changed


class VagueGoal(Saboteur):
    """Replaces the first goal (statement, metric, target, deadline) with a vague aim."""

    defect = "vague-goal"
    gate = "smart_pass_rate"

    def inject(self, data: Data, request: ModelRequest, round_: int) -> str | None:
        goals = data.get("goals")
        if not isinstance(goals, list):
            return None
        lang = _lang(request)
        vague = {"statement": VAGUE_GOAL[lang], "metric": None, "baseline": None, "target": None, "deadline": None,
                 "owner": None, "fact_ids": list(goals[0].get("fact_ids") or []) if goals else []}
        if goals:
            goals[0] = vague
        else:
            goals.append(vague)
        return f"goal replaced by “{VAGUE_GOAL[lang]}”"


class LanguageSwitch(Saboteur):
    """Adds one paragraph written in the other language."""

    defect = "language-switch"
    gate = "critic_errors"

    def inject(self, data: Data, request: ModelRequest, round_: int) -> str | None:
        paragraphs = data.get("paragraphs")
        if not isinstance(paragraphs, list):
            return None
        text = OTHER_LANGUAGE[_lang(request)]
        paragraphs.insert(min(1, len(paragraphs)), {"text": text, "fact_ids": []})
        return f"added “{text}”"


class RepeatedParagraph(Saboteur):
    """Repeats a fact-bearing paragraph at the end of its section."""

    defect = "repeated-paragraph"
    gate = "repeated_sentences"

    def inject(self, data: Data, request: ModelRequest, round_: int) -> str | None:
        paragraphs = data.get("paragraphs")
        if not isinstance(paragraphs, list):
            return None
        source = next((p for p in paragraphs if _ids(p) and (p.get("text") or p.get("statements"))), None)
        if source is None:
            return None
        paragraphs.append(copy.deepcopy(source))
        return f"repeated the paragraph citing {', '.join(_ids(source))}"


class MissingSection(Saboteur):
    """Answers a required section with no content at all."""

    defect = "missing-section"
    gate = "section_coverage"

    def inject(self, data: Data, request: ModelRequest, round_: int) -> str | None:
        if part_of(request) not in REQUIRED or "paragraphs" not in data:
            return None
        for name in ("paragraphs", "bullets", "goals", "risks", "questions"):
            if name in data:
                data[name] = []
        return "answered with an empty section"


SABOTEURS: dict[str, type[Saboteur]] = {cls.defect: cls for cls in (
    InventedFigure, InventedPractice, CannedResponse, DroppedFact, VagueGoal, LanguageSwitch, RepeatedParagraph,
    MissingSection,
)}
