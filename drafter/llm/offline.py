"""The deterministic offline drafter: grounded prose in the seed's register, from the prompt's data only."""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from importlib import resources
from typing import Any

import yaml

from drafter.facts.catalog import SECTION_KEYS
from drafter.llm.protocol import ModelRequest, ModelResponse, estimated_usage
from drafter.text.goals import find_time_expressions, has_quantified_target

Payload = dict[str, Any]

_TRAILING = "。；;，,.！!　 "


@cache
def phrases(lang: str) -> dict[str, Any]:
    """The phrase bank for `lang`."""
    text = (resources.files("drafter") / "phrases" / f"{'en' if lang == 'en' else 'zh'}.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _pick(options: list[str], *seed: str) -> str:
    if not options:
        return ""
    digest = hashlib.sha256("|".join(seed).encode()).digest()
    return options[digest[0] % len(options)]


def _clean(fact: str) -> str:
    return fact.strip().rstrip(_TRAILING)


def _fact_clause(text: str, lang: str) -> str:
    text = _clean(text)
    if lang == "en" and text[:1].isupper() and not (text[1:2].isupper() or text.split(" ")[0].isupper()):
        first = text.split(" ")[0]
        if not any(c.isdigit() for c in first):
            text = text[:1].lower() + text[1:]
    return text


def _sentence(text: str, lang: str) -> str:
    text = text.strip()
    if lang == "en":
        text = text[:1].upper() + text[1:]
        return text if text.endswith((".", "!", "?")) else text + "."
    return text if text.endswith(("。", "！", "？")) else text.rstrip("，；,;") + "。"


def draft(payload: Payload, schema_name: str) -> dict[str, Any]:
    """Draft the content `schema_name` asks for from the delimited data payload."""
    task = payload.get("task")
    if task == "critic":  # the offline drafter does not judge; the deterministic critic stands alone
        return {"items": [], "goals": []}
    if task == "opening":
        return _opening(payload)
    if task == "summary":
        return _summary(payload)
    kind = (payload.get("section") or {}).get("kind", "prose")
    if schema_name == "GoalsSection" or kind == "goals":
        return _goals(payload)
    if schema_name == "RisksSection" or kind == "risks":
        return _risks(payload)
    return _prose(payload)


def _weave(facts: list[Payload], lang: str, seed: str) -> list[dict[str, Any]]:
    """Facts woven into paragraphs of at most three sentences: an opening connector, then varied links."""
    bank = phrases(lang)
    openers: list[str] = bank["openers"]
    links: list[str] = bank["links"]
    key = seed.rsplit("|", 1)[-1]
    first = SECTION_KEYS.index(key) if key in SECTION_KEYS else len(seed)
    paragraphs = []
    for n in range(0, len(facts), 3):
        chunk = facts[n:n + 3]
        if lang == "en":  # English facts are noun phrases: one sentence that lists them
            clauses = [_fact_clause(f["text"], lang) for f in chunk]
            listed = clauses[0] if len(clauses) == 1 else "; ".join(clauses[:-1]) + "; and " + clauses[-1]
            text = _sentence(openers[(first + n) % len(openers)] + listed, lang)
        else:
            parts = []
            for i, fact in enumerate(chunk):
                connector = openers[(first + n) % len(openers)] if i == 0 else links[(first + n + i) % len(links)]
                parts.append(_sentence(connector + _fact_clause(fact["text"], lang), lang))
            text = "".join(parts)
        paragraphs.append({"text": text, "fact_ids": [f["id"] for f in chunk]})
    return paragraphs


def _prose(payload: Payload) -> dict[str, Any]:
    lang = payload.get("language", "zh")
    key = payload["section"]["key"]
    company = payload.get("company", "")
    bank = phrases(lang)["sections"].get(key) or phrases(lang)["sections"]["improvement"]
    facts: list[Payload] = payload.get("facts") or []
    seed = f"{company}|{key}"
    lead = _pick(bank["lead"], seed, "lead").format(company=company)
    paragraphs: list[dict[str, Any]] = [{"text": lead, "fact_ids": []}]
    questions: list[str] = []
    if facts:
        woven = _weave(facts, lang, seed)
        comment = _pick(bank.get("comment", []), seed, "comment")
        if comment:
            woven[-1]["text"] = woven[-1]["text"] + ("" if lang == "zh" else " ") + comment
        paragraphs += woven
    else:
        placeholder = phrases(lang)["placeholder"].format(what=bank["empty"])
        paragraphs[0]["text"] += ("" if lang == "zh" else " ") + placeholder
        questions.append(bank["question"])
    close = _pick(bank.get("close", []), seed, "close")
    if close:
        paragraphs.append({"text": close, "fact_ids": []})
    return {"kind": "prose", "paragraphs": paragraphs, "bullets": [], "questions": questions}


def _risks(payload: Payload) -> dict[str, Any]:
    lang = payload.get("language", "zh")
    company = payload.get("company", "")
    bank = phrases(lang)["sections"]["risks"]
    facts: list[Payload] = payload.get("facts") or []
    seed = f"{company}|risks"
    lead = _pick(bank["lead"], seed, "lead").format(company=company)
    paragraphs: list[dict[str, Any]] = [{"text": lead, "fact_ids": []}]
    questions: list[str] = []
    risks = []
    for fact in facts:
        lowered = fact["text"].lower()
        response = next(
            (resp for words, resp in bank["responses"] if any(w.lower() in lowered for w in words)),
            bank["default_response"],
        )
        risks.append({"description": _clean(fact["text"]), "response": response, "owner": None,
                      "fact_ids": [fact["id"]]})
    if not facts:
        placeholder = phrases(lang)["placeholder"].format(what=bank["empty"])
        paragraphs.append({"text": placeholder, "fact_ids": []})
        questions.append(bank["question"])
    paragraphs.append({"text": _pick(bank["close"], seed, "close"), "fact_ids": []})
    return {"kind": "risks", "paragraphs": paragraphs, "risks": risks, "questions": questions}


_TARGET_RE = re.compile(
    r"(?:提升|提高|增长|增加|降低|下降|减少|压缩|缩短|控制|达到|突破|超过|不低于|不超过|降)?(?:到|至|为|在)?"
    r"(?P<target>\d[\d,.]*\s*(?:%|％|万元|亿元|万|亿|元|个百分点|家|人|单|天|分钟|小时|个|次|分)?)\s*(?:以上|以内|以下)?$"
)
_FROM_TO_RE = re.compile(
    r"(?:从|由)(?P<baseline>[^，,；;到至]+?)(?:提升|提高|增长|增加|降低|下降|减少|压缩|缩短)?(?:到|至)"
    r"(?P<target>[^，,；;。]+)"
)
_EN_FROM_TO_RE = re.compile(r"from (?P<baseline>[^,;]+?) to (?P<target>[^,;.]+?)(?= by | within | in |[,;.]|$)", re.I)


def parse_goal_text(text: str) -> dict[str, str | None]:
    """Best-effort metric/baseline/target/deadline from a goal sentence; None where absent."""
    fields: dict[str, str | None] = {"metric": None, "baseline": None, "target": None, "deadline": None}
    times = find_time_expressions(text)
    if times:
        fields["deadline"] = times[0][2]
    match = _FROM_TO_RE.search(text) or _EN_FROM_TO_RE.search(text)
    if match:
        fields["baseline"] = match.group("baseline").strip()
        fields["target"] = match.group("target").strip()
        head = text[: match.start()]
        for _, end, _ in times:
            if end <= match.start():
                head = text[end:match.start()]
        head = re.sub(r"^\s*(?:前|之前|内|以前|,|，|by|before)\s*", "", head).strip(" ，,的将把")
        fields["metric"] = _metric_name(head) or None
    return fields


_VERB_RE = re.compile(r"^(?:将|把|使|推动|力争|争取|raise|increase|grow|lift|improve|reduce|cut|lower|bring|"
                      r"boost|decrease|shorten)\s*", re.I)


def _metric_name(text: str) -> str:
    """A metric name without a leading verb, in sentence case for English."""
    return lower_first(_VERB_RE.sub("", text.strip()))


def lower_first(text: str) -> str:
    """'Empty running rate' → 'empty running rate'; acronyms and names with inner capitals stay."""
    first = text.split(" ")[0] if text else ""
    if first[:1].isupper() and first[1:].islower():
        return text[:1].lower() + text[1:]
    return text


def _goal_statement(goal: Payload, fact_text: str, lang: str) -> tuple[dict[str, Any], list[str]]:
    """A Goal dict and the questions for what is missing; values only ever come from the fact."""
    g = phrases(lang)["goals"]
    placeholder = phrases(lang)["placeholder"]
    questions: list[str] = []
    spec = goal.get("goal")
    if spec:
        metric, baseline, target = spec.get("metric"), spec.get("baseline"), spec.get("target")
        shown = lower_first(metric) if lang == "en" else metric
        deadline, owner = spec.get("deadline"), spec.get("owner")
        missing = [f for f, v in (("target", target), ("deadline", deadline), ("owner", owner)) if not v]
        fill = {f: placeholder.format(what=g["missing"][f]) for f in missing}
        tgt = target or fill["target"]
        if baseline:
            change = (g["down"] if _lower(target, baseline) else g["up"]).format(baseline=baseline, target=tgt)
        else:
            change = g["to"].format(target=tgt)
        statement = g["statement"].format(deadline=deadline or fill["deadline"], metric=shown, change=change,
                                    owner=owner or fill["owner"])
        for f in missing:
            questions.append(g["question"].format(goal=metric, field=g["missing"][f]))
        return {"statement": statement, "metric": metric, "baseline": baseline, "target": target,
                "deadline": deadline, "owner": owner, "fact_ids": [goal["id"]]}, questions
    parsed = parse_goal_text(fact_text)
    statement = _clean(fact_text)
    missing = []
    if not has_quantified_target(fact_text):
        missing.append("target")
    if not parsed["deadline"]:
        missing.append("deadline")
    if missing:
        sep = "；" if lang == "zh" else "; "
        filled = sep.join(g["missing_field"].format(field=g["missing"][f], placeholder=placeholder.format(
            what=g["missing"][f])) for f in missing)
        statement += g["missing_wrap"].format(fields=filled)
        questions += [g["question"].format(goal=_clean(fact_text), field=g["missing"][f]) for f in missing]
    return {"statement": _sentence(statement, lang), **parsed, "owner": None, "fact_ids": [goal["id"]]}, questions


def _lower(target: str | None, baseline: str | None) -> bool:
    def num(s: str | None) -> float | None:
        m = re.search(r"\d+(?:\.\d+)?", s or "")
        return float(m.group()) if m else None

    t, b = num(target), num(baseline)
    return t is not None and b is not None and t < b


def _goals(payload: Payload) -> dict[str, Any]:
    lang = payload.get("language", "zh")
    g = phrases(lang)["goals"]
    strategy: list[Payload] = payload.get("strategy") or []
    facts: list[Payload] = payload.get("facts") or []
    goal_facts = [f for f in facts if f.get("goal") or f.get("source") in ("goals", "facts")]
    other = [f for f in facts if f not in goal_facts]
    questions: list[str] = []
    if strategy:
        sep = phrases(lang)["list_sep"]
        lead = {"text": g["lead_strategy"].format(strategy=sep.join(_clean(s["text"]) for s in strategy)),
                "fact_ids": [s["id"] for s in strategy]}
    else:
        lead = {"text": g["lead_plain"], "fact_ids": []}
    goals = []
    for fact in goal_facts:
        goal, asked = _goal_statement(fact, fact["text"], lang)
        goals.append(goal)
        questions += asked
    paragraphs = [lead]
    if not goals:  # one goal item awaiting the user, so the goal list is never silently empty
        lead["text"] = g["empty_lead"]
        goals.append({"statement": phrases(lang)["placeholder"].format(what=g["empty"]), "fact_ids": []})
        questions.append(g["question_empty"])
    paragraphs += _weave(other, lang, "goals")
    paragraphs.append({"text": g["track"], "fact_ids": []})
    return {"kind": "goals", "paragraphs": paragraphs, "goals": goals, "questions": questions}


def _metrics(payload: Payload, lang: str) -> str:
    names = [m for m in payload.get("goal_metrics") or [] if m][:3]
    return join_list([f"“{n}”" if lang == "zh" else lower_first(n) for n in names], lang)


def join_list(items: list[str], lang: str) -> str:
    """a、b、c  /  a, b and c."""
    if lang != "en" or len(items) < 2:
        return str(phrases(lang)["list_sep"]).join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _opening(payload: Payload) -> dict[str, Any]:
    lang = payload.get("language", "zh")
    o = phrases(lang)["opening"]
    sep = phrases(lang)["list_sep"]
    titles = [s["title"] if lang == "zh" else lower_first(s["title"]) for s in payload.get("sections") or []
              if s["key"] != "summary"]
    strategy: list[Payload] = payload.get("strategy") or []
    metrics = _metrics(payload, lang)
    if strategy:
        key = o["key_strategy"].format(strategy=sep.join(_clean(s["text"]) for s in strategy),
                                       metrics=metrics or "")
        if not metrics:
            key = key.replace("，等目标", "，各项目标").replace("and goals such as  are", "and the goals are")
    elif metrics:
        key = o["key_metrics"].format(metrics=metrics)
    else:
        key = o["key_plain"]
    text = o["text"].format(company=payload.get("company", ""), period=payload.get("period", ""),
                            titles=join_list(titles, lang), key=key)
    return {"kind": "opening", "text": text, "fact_ids": [s["id"] for s in strategy]}


def _summary(payload: Payload) -> dict[str, Any]:
    lang = payload.get("language", "zh")
    s = phrases(lang)["summary"]
    sep = phrases(lang)["list_sep"]
    titles = [d["title"] if lang == "zh" else lower_first(d["title"]) for d in payload.get("section_digests") or []
              if d["key"] != "summary"]
    strategy: list[Payload] = payload.get("strategy") or []
    metrics = _metrics(payload, lang)
    company, period = payload.get("company", ""), payload.get("period", "")
    review = s["review"].format(period=period, company=company, titles=join_list(titles, lang),
                                goals=s["review_goals"].format(metrics=metrics) if metrics else "")
    paragraphs = [{"text": review, "fact_ids": []}]
    if strategy:
        outlook = s["outlook_strategy"].format(company=company, strategy=sep.join(_clean(x["text"]) for x in strategy))
    else:
        outlook = s["outlook_plain"].format(company=company)
    if payload.get("open_questions"):
        outlook += ("" if lang == "zh" else " ") + s["open_items"]
    paragraphs.append({"text": outlook, "fact_ids": [x["id"] for x in strategy]})
    return {"kind": "prose", "paragraphs": paragraphs, "bullets": [], "questions": []}


class OfflineModel:
    """The offline drafter behind the model seam: it reads the request's typed payload, no text round trip."""

    name = "offline"
    modes: tuple[str, ...] = ("native",)
    estimated_usage = True

    async def respond(self, request: ModelRequest) -> ModelResponse:
        """Draft the object the request's schema asks for."""
        args = draft(request.payload, request.schema.__name__)
        text = json.dumps(args, ensure_ascii=False)
        return ModelResponse(args, text, estimated_usage(request, text), "stop", provenance={"model": self.name})
