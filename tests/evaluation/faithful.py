"""A model for tests that writes nothing but its facts: every sentence is a fact, verbatim, citing its id.

Its drafts have no error finding under any check that accepts a fact restated word for word, whatever the
offline drafter writes; the saboteur tests of the critique→revise loop wrap it, so that the only error in a draft
is the one the saboteur put there.
"""

from __future__ import annotations

from typing import Any

from drafter.facts.model import Fact, Facts
from drafter.llm.fakes import CallInfo, FunctionModel
from drafter.llm.protocol import ModelRequest

LOOP_FACTS = """\
company: 青松物流
period: 2025年第三季度
strategy:
  - 以准时交付巩固华东合同物流客户
facts:
  - 华东地区仓库6座，员工240人
goals:
  - {metric: 准时交付率, baseline: 91%, target: 96%, deadline: 2025年12月31日, owner: 运输部}
  - {metric: 单票配送成本, baseline: 12.5元, target: 11元, deadline: 2025年12月31日, owner: 财务部}
processes:
  - 出库复核由人工抽检改为扫码全检
team:
  - 调度与仓储每日召开早会
data:
  - 第三季度配送订单38万单
improvement:
  - 试点电动配送车12辆
"""


def _sentence(text: str, lang: str) -> str:
    text = text.strip().rstrip("。.；;，,")
    return text + ("." if lang == "en" else "。")


class FaithfulModel(FunctionModel):
    """Answers every section, the opening and the summary with its facts verbatim as `fact` statements."""

    def __init__(self, facts: Facts) -> None:
        super().__init__(self._answer, name="faithful")
        self.facts = facts

    def _statement(self, fact: Fact | dict[str, Any], kind: str = "fact") -> dict[str, Any]:
        text, fid = (fact.text, fact.id) if isinstance(fact, Fact) else (fact["text"], fact["id"])
        return {"text": _sentence(text, self.facts.language), "kind": kind, "fact_ids": [fid]}

    def _answer(self, request: ModelRequest, info: CallInfo) -> dict[str, Any]:
        payload = request.payload
        task = payload.get("task")
        if task == "opening":
            profile = [f for f in self.facts.items if f.source in ("strategy", "facts")]
            return {"kind": "opening", "statements": [self._statement(f) for f in profile]}
        goals = [f for f in self.facts.items if f.goal is not None]
        if task == "summary" or (payload.get("section") or {}).get("key") == "summary":
            outlook = [self._statement(f, "outlook") for f in goals]
            return {"kind": "prose", "paragraphs": [{"statements": outlook}], "bullets": [], "questions": []}
        facts = payload.get("facts") or []
        kind = (payload.get("section") or {}).get("kind", "prose")
        plain = [f for f in facts if not f.get("goal") and f.get("source") not in ("strategy", "facts")]
        paragraphs = [{"statements": [self._statement(f) for f in plain]}] if plain else []
        if kind == "goals":
            items = []
            for f in facts:
                if f.get("goal"):
                    g = f["goal"]
                    items.append({"statement": _sentence(f["text"], self.facts.language), "metric": g.get("metric"),
                                  "baseline": g.get("baseline"), "target": g.get("target"),
                                  "deadline": g.get("deadline"), "owner": g.get("owner"), "fact_ids": [f["id"]]})
            return {"kind": "goals", "paragraphs": paragraphs, "goals": items, "questions": []}
        if kind == "risks":
            risks = [{"description": f["text"], "response": None, "fact_ids": [f["id"]]} for f in facts]
            return {"kind": "risks", "paragraphs": [], "risks": risks, "questions": []}
        return {"kind": "prose", "paragraphs": paragraphs, "bullets": [], "questions": []}
