"""Risks: in order (what happened, then exposures, then what lies ahead), each with the response its fact gives, or a
placeholder for the response and its owner and a question; never a response of the drafter's own."""

from __future__ import annotations

import re
from typing import Any

from drafter.llm.offline import english
from drafter.llm.offline.common import Ctx, Payload, Stmt, advice, clean, empty_paragraph, paragraph, placeholder
from drafter.text.fact_kinds import fact_dates, outside_period, split_response

_HAPPENED = re.compile(r"发生|事故|纠纷|警告|告警|处罚|超限|"
                       r"" + r"(?i:\b(?:failed|incidents?|warnings?|breach|outage|flagged)\b)")
_AHEAD = re.compile(r"将于|将在|到期|风险上升|预计|即将|" + r"(?i:\b(?:will|expires?|expected|upcoming|ahead)\b)")


def _rank(f: Payload) -> int:
    text = f["text"]
    return 0 if _HAPPENED.search(text) else 2 if _AHEAD.search(text) else 1


def _subject(text: str) -> str:
    return re.split(r"将于|将在|(?i:\s+will\b)", text)[0].strip(" ，,")


_PRICE = re.compile(r"价格|单价|成本|汇率|(?i:\b(?:prices?|costs?|currency|exchange\s+rate)\b)")
_SHARE = re.compile(r"占比|集中|第一大|依赖|(?i:\b(?:concentrat\w*|largest|single\s+customer)\b)")
_POLICY = re.compile(r"改革|政策|法规|新规|(?i:\b(?:regulation|policy|reform|law)\b)")
_STAFF = re.compile(r"空缺|缺员|离职|流失|招聘|人手|(?i:\b(?:vacanc(?:y|ies)|turnover|attrition|"
                    r"shortage\s+of\s+staff)\b)")
_RISING = re.compile(r"风险上升|(?i:\brising\b)")


def _risk_advice(f: Payload, ctx: Ctx) -> Stmt | None:
    """A suggestion for a risk whose fact gives no response, worded as advice and naming the risk itself."""
    text, a, ids = clean(f["text"]), ctx.bank["advice"], [f["id"]]
    en = ctx.lang == "en"
    dates = [d for d in fact_dates(text) if d.kind == "date"]
    if dates and _rank(f) == 2 and outside_period(text, ctx.span):
        subject = _subject(text)
        return advice(ctx.sentence(a["risk_date"].format(date=dates[0].text,
                                                         subject=english.lower_first(subject) if en else subject)), ids)
    first = re.split(r"[，,；;]", text)[0]
    if _RISING.search(text):
        subject = re.sub(r"风险上升.*$|(?i:\s+risk\s+is\s+rising.*$)", "", first)
        return advice(ctx.sentence(a["risk_rising"].format(subject=subject)), ids)
    if _STAFF.search(text):
        subject = re.sub(r"\s*(?:of\s+)?\d[\d.,]*\s*%?.*$", "", first).strip() if en else first
        return advice(ctx.sentence(a["risk_staff"].format(subject=english.lower_first(subject) if en else subject)),
                      ids)
    if _HAPPENED.search(text):
        subject = f"the {english.lower_first(text)}" if en else first
        return advice(ctx.sentence(a["risk_event"].format(subject=subject)), ids)
    if _POLICY.search(text):
        subject = re.split(r"于|将|(?i:\s+(?:from|in|will)\b)", first)[0]
        return advice(ctx.sentence(a["risk_policy"].format(subject=english.lower_first(subject) if en else subject)),
                      ids)
    if _SHARE.search(text):
        subject = re.sub(r"\s*(?:of\s+)?\d[\d.,]*\s*%?$", "", first).strip()
        return advice(ctx.sentence(a["risk_share"].format(subject=english.upper_first(subject) if en else subject)),
                      ids)
    if _PRICE.search(text):
        subject = re.split(r"影响|(?i:\s+(?:affects?|hits?)\b)", first)[0]
        subject = re.sub(r"(?:达到|为)?\s*\d[\d.,]*\s*%?$", "", subject).strip()
        return advice(ctx.sentence(a["risk_price"].format(subject=english.lower_first(subject) if en else subject)),
                      ids)
    return None


def risks_section(ctx: Ctx) -> dict[str, Any]:
    """The risk list with responses from the facts, placeholders and questions where they give none."""
    facts = sorted(ctx.task_facts, key=_rank)
    r = ctx.bank["risks"]
    if not facts:
        text = ctx.sentence(ctx.t("risks.empty_sentence", placeholder=ctx.placeholder(r["empty"])))
        question = r["empty_question"]
        return {"kind": "risks", "paragraphs": [paragraph([placeholder(text, question)], ctx.lang)], "risks": [],
                "questions": [question]}
    risks, questions, tips = [], [], []
    for f in facts:
        description, response = split_response(clean(f["text"]))
        if response:
            response = ctx.sentence(response)
        if ctx.lang == "en":
            description = english.upper_first(english.clause(description, ctx.company))
        risks.append({"description": description, "response": response,
                      "response_kind": "fact" if response else None, "owner": None, "fact_ids": [f["id"]]})
        if not response:
            questions.append(r["question"].format(risk=clean(f["text"])))
            tip = _risk_advice(f, ctx)
            tips += [tip] if tip else []
        elif _HAPPENED.search(f["text"]):  # an incident dealt with: its causes are still worth a review
            subject = f"\"{description}\"" if ctx.lang == "en" else description
            tips.append(advice(ctx.sentence(ctx.bank["advice"]["risk_review"].format(subject=subject)), [f["id"]]))
    paragraphs = [empty_paragraph()]
    if tips:
        paragraphs.append(paragraph(tips, ctx.lang))
    return {"kind": "risks", "paragraphs": paragraphs, "risks": risks, "questions": questions}
