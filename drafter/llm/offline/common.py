"""What every part of the offline drafter shares: the phrase bank, the facts of the run, and statement builders.

Every sentence the offline drafter writes is a statement with a kind (fact, derived, advice, outlook, placeholder)
and the ids of the facts it rests on; the builders here are the only way sentences are made.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from typing import Any

import yaml

from drafter.llm.offline import english
from drafter.text.fact_kinds import Period, has_time, parse_period
from drafter.text.figures import extract_figures, is_supported

Payload = dict[str, Any]
Stmt = dict[str, Any]

_TRAILING = "。；;，,.！!　 "


@cache
def phrases(lang: str) -> dict[str, Any]:
    """The phrase bank for `lang`."""
    text = (resources.files("drafter") / "phrases" / f"{'en' if lang == 'en' else 'zh'}.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def clean(text: str) -> str:
    """A fact's text without trailing punctuation."""
    return text.strip().rstrip(_TRAILING)


def pick(options: list[str], *seed: str) -> str:
    """A deterministic choice among variants (the same facts always give the same draft)."""
    if not options:
        return ""
    digest = hashlib.sha256("|".join(seed).encode()).digest()
    return options[digest[0] % len(options)]


SUPPORT_MARGIN = 0.6  # above the claims check's own bar for a fact statement (0.5), so a draft never sits on it
PLACEHOLDER_TEXT = re.compile(r"【待补充[:：][^】]*】|\[TO FILL:[^\]]*\]")
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9'-]+|[0-9]+[A-Za-z]+[A-Za-z0-9]*")
_STOP = frozenset("the a an and or of to in on for with by at from as is are was were be been this that these those "
                  "its "
                  "it our we their they has have had will would can could should may per than then also into over "
                  "under about more most less each every all any which who whose while during".split())


def _tokens(text: str) -> set[str]:
    """Content tokens: Han bigrams (a lone Han character as itself) and Latin words, lower-cased."""
    text = PLACEHOLDER_TEXT.sub("", text)
    out: set[str] = set()
    for run in _CJK.findall(text):
        out |= {run[i:i + 2] for i in range(len(run) - 1)} if len(run) > 1 else {run}
    return out | {w.lower() for w in _LATIN.findall(text) if w.lower() not in _STOP}


@dataclass
class Ctx:
    """One request: its language and company, the facts of the whole run, and the facts of this task."""

    payload: Payload
    all_facts: list[Payload] = field(default_factory=list)

    @property
    def lang(self) -> str:
        """zh or en."""
        return "en" if self.payload.get("language") == "en" else "zh"

    @property
    def company(self) -> str:
        """The company name."""
        return str(self.payload.get("company") or "")

    @property
    def period(self) -> str:
        """The period as the facts file writes it."""
        return str(self.payload.get("period") or "")

    @property
    def subject(self) -> str:
        """The company as the subject of a sentence ("公司" when its name would read as a figure, e.g. 零部件)."""
        return self.bank["company_fallback"] if extract_figures(self.company) else self.company

    @property
    def industry(self) -> str:
        """The industry, when given."""
        return str(self.payload.get("industry") or "")

    @cached_property
    def span(self) -> Period:
        """The period parsed: year and months."""
        return parse_period(self.period)

    @property
    def bank(self) -> dict[str, Any]:
        """The phrase bank."""
        return phrases(self.lang)

    @property
    def task_facts(self) -> list[Payload]:
        """The facts routed to this task's section."""
        return list(self.payload.get("facts") or [])

    @cached_property
    def facts(self) -> list[Payload]:
        """Every fact of the run (the task's own facts when the run's are not known)."""
        if self.all_facts:
            return self.all_facts
        seen = {f["id"] for f in self.task_facts}
        return self.task_facts + [s | {"source": "strategy", "section": "summary"}
                                  for s in self.payload.get("strategy") or [] if s["id"] not in seen]

    @cached_property
    def strategy(self) -> list[Payload]:
        """The strategy facts."""
        return [f for f in self.facts if f.get("source") == "strategy"] or list(self.payload.get("strategy") or [])

    def in_section(self, key: str) -> list[Payload]:
        """The run's facts routed to `key`."""
        return [f for f in self.facts if f.get("section") == key]

    def t(self, path: str, **values: Any) -> str:
        """A template of the bank, filled."""
        node: Any = self.bank
        for part in path.split("."):
            node = node[part]
        return str(node).format(**values)

    def placeholder(self, what: str) -> str:
        """【待补充：…】 / [TO FILL: …]."""
        return self.t("placeholder", what=what)

    def quote(self, text: str) -> str:
        """“…” around a quoted fact (zh) or "…" (en)."""
        return self.t("quote", text=clean(text))

    def join(self, items: list[str], sep: str = "list_sep", plain: bool = False) -> str:
        """a、b和c  /  a, b and c (plain: a、b、c in Chinese, for lists inside a sentence that has its own 和)."""
        items = [i for i in items if i]
        if len(items) < 2:
            return "".join(items)
        glue = str(self.bank[sep])
        if plain and self.lang == "zh":
            return glue.join(items)
        last = f" {self.bank['and']} " if self.lang == "en" else str(self.bank["and"])
        if self.lang == "en" and len(items) > 2:
            last = f", {self.bank['and']} "
        return glue.join(items[:-1]) + last + items[-1]

    @property
    def lead(self) -> str:
        """本季度 / 上半年 / 本年度 … ; In Q3 2025."""
        unit = self.span.unit
        if unit == "half":
            unit = "half_1" if self.span.months == (1, 6) else "half_2"
        return self.t(f"period_lead.{unit}", period=self.period)

    def sentence(self, text: str) -> str:
        """One sentence: the right end mark, and an upper-case start in English."""
        text = text.strip()
        if self.lang == "en":
            text = english.upper_first(text.rstrip(" ;,"))
            return text if text.endswith((".", "!", "?")) else text + "."
        text = text.rstrip("，；,; ")
        return text if text.endswith(("。", "！", "？")) else text + "。"

    def fact_sentence(self, fact: Payload, lead: bool = False) -> str:
        """A fact written as a sentence of the draft, in its own words (with the period's lead when it has no time)."""
        text = clean(fact["text"])
        if self.lang == "en":
            return self.sentence(english.clause(text, self.subject))
        if lead and not has_time(text):
            text = self.lead + text
        return self.sentence(text)


    def by_id(self, ids: list[str]) -> list[Payload]:
        """The run's facts with these ids."""
        wanted = set(ids)
        return [f for f in self.facts if f["id"] in wanted]

    def grounded(self, text: str, ids: list[str], margin: float = SUPPORT_MARGIN) -> bool:
        """True when a sentence is mostly the cited facts' own words and carries only their figures.

        The drafter's framing words ("下文先列出…", "By …") must stay a small part of a fact statement; a framing
        sentence that would be mostly the drafter's own words is left out instead.
        """
        cited = [f["text"] for f in self.by_id(ids)]
        meta = [str(self.payload.get(k) or "") for k in ("company", "period", "industry", "audience")]
        pool: set[str] = set().union(*(_tokens(t) for t in cited + meta))
        own = _tokens(text)
        if own and len(own & pool) / len(own) < margin:
            return False
        figures = [fig for t in cited for fig in extract_figures(t)]
        return all(is_supported(fig, figures) for fig in extract_figures(PLACEHOLDER_TEXT.sub("", text)))


_ZH_VERB_START = re.compile(r"^(?:本季度|本年度|本期|全年|上半年|下半年|第[一二三四]季度|20\d\d年\d{1,2}月)?"
                            r"(?:试点|上线|推行|新增|建成|开设|组建|开放|推出|实行|受理|完成|收到|安装|部署|开通|租用|举办|召开)了?")
_ZH_STOP = re.compile(r"由|从|改为|达到|提升|提高|降|增长|增加|上涨|参加|上线|试点|实行|执行|实施|与|[，,；;（(]|\d|"
                      r"为|将|于|每周|每日|每月|"
                      r"全部|统一|覆盖|发生|收到|完成|配备|挂钩|占")
_ZH_TIME = re.compile(r"^(?:本季度|本年度|本期|全年|上半年|下半年|第[一二三四]季度末?|20\d\d年\d{1,2}月)")
_EN_STOP = re.compile(r"(?i)\s+(?:of|was|were|is|are|now|moved|reached|covers|averaged|tied|between|with|on|for|in|at"
                      r"|across|failed|flagged|released|installed|piloted|cut|set|booked|delivered|marketed|start)\b")


def topic(text: str, lang: str) -> str | None:
    """What a fact is about, in its own words ("试点燕麦奶低糖系列，覆盖12家门店" → 燕麦奶低糖系列)."""
    text = clean(text)
    if lang == "en":
        of = re.match(r"(?i)^((?:pilot|trial|refurbishment|review|rollout)\s+of\s+[^\d,;]+?)(?:\s+(?:on|in|with|at|"
                      r"for|across)\b|$)",
                      text)
        if of:
            return english.lower_first(of.group(1).strip())
        head = _EN_STOP.split(text, maxsplit=1)[0].strip()
        if head[:1].isdigit() or len(head) < 3:
            return None
        return english.lower_first(head)
    text = re.sub(r"^在[^，,。]{1,12}?(?=试点|租用|设有|开设|运营|推行)", "", _ZH_TIME.sub("", text))
    launched = re.search(r"(?:上线|建成|安装|部署|开通|启用)了?(?P<obj>[^，,。；\d]{2,12})", text)
    meeting = re.search(r"(?:参加|召开|实行|举行)(?P<obj>[^，,。；\d]{2,10}?(?:例会|晨会|早会|会议|评审会|"
                        r"恳谈会))", text)
    m = _ZH_VERB_START.match(text)
    body = text[m.end():] if m and m.end() else text
    head = _ZH_STOP.split(body, maxsplit=1)[0].strip()
    if (launched or meeting) and (len(head) < 3 or head in _GENERIC_TOPICS):
        head = (launched or meeting).group("obj")  # type: ignore[union-attr]
    head = re.sub(r"(?:同比|环比|全年|本季度|平均)$", "", head)
    return head if 2 <= len(head) <= 12 and head not in _GENERIC_TOPICS else None


_GENERIC_TOPICS = frozenset("门店 店长 公司 员工 团队 客户 用户 部门".split())


# --- statement builders -------------------------------------------------------------------------------------------

def fact(text: str, ids: list[str]) -> Stmt:
    """A sentence that says what its cited facts say."""
    return {"text": text, "kind": "fact", "fact_ids": list(dict.fromkeys(ids))}


def derived(text: str, ids: list[str], op: str, inputs: list[str], result: str) -> Stmt:
    """A sentence with a figure computed from its cited facts, and how it was computed."""
    return {"text": text, "kind": "derived", "fact_ids": list(dict.fromkeys(ids)),
            "derivation": {"op": op, "inputs": inputs, "result": result}}


def advice(text: str, ids: list[str]) -> Stmt:
    """What the company should or could do, worded as advice."""
    return {"text": text, "kind": "advice", "fact_ids": list(dict.fromkeys(ids))}


def outlook(text: str, ids: list[str]) -> Stmt:
    """A plan or next step a cited fact states (or a goal's own deadline)."""
    return {"text": text, "kind": "outlook", "fact_ids": list(dict.fromkeys(ids))}


def placeholder(text: str, question: str) -> Stmt:
    """A 【待补充：…】 sentence and the question that fills it."""
    return {"text": text, "kind": "placeholder", "fact_ids": [], "question": question}


def paragraph(statements: list[Stmt], lang: str) -> Payload:
    """A paragraph made of statements (its text and fact ids follow from them)."""
    from drafter.draft.model import join_sentences

    return {"text": join_sentences([s["text"] for s in statements]), "statements": statements,
            "fact_ids": list(dict.fromkeys(i for s in statements for i in s["fact_ids"]))}


def empty_paragraph() -> Payload:
    """An empty lead paragraph (the renderer skips it, so a list comes first)."""
    return {"text": "", "fact_ids": [], "statements": []}
