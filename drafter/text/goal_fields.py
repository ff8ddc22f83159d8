"""A goal sentence read into its fields: metric, baseline, target, deadline, owner and direction; two goals fused in
one string split apart; a fact's current value of a goal's metric (pure functions, zh + en).

Used by routing (facts/load.py) and the offline drafter. The SMART judge reads goals through text/goals.py and
text/goal_slots.py; nothing here changes what it decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from drafter.text.figures import Figure, extract_figures, normalize_with_offsets
from drafter.text.goals import _QUANTITY_KINDS, _SPECIAL_TARGET, _terms, find_time_expressions

_OWNER_RE = re.compile(
    r"[，,；;]?\s*(?:由|交由)(?P<zh>[^，,。；;]{1,30}?)(?:牵头|共同|统一)?负责$"
    r"|[，,；;]\s*(?:责任(?:部门|人)|负责(?:部门|人))\s*[为是:：]\s*(?P<zh2>[^，,。；;]{1,30})$"
    r"|[,;]?\s*(?i:(?:owned|led|run|driven)\s+by)\s+(?P<en>[^,;.]{2,60})$"
    r"|[,;]\s*(?i:owner:?)\s+(?P<en2>[^,;.]{2,60})$"
)
_LEAD_WORDS = re.compile(r"^(?:将|把|使|让|推动|力争|争取|确保|实现|努力|进一步|持续|全面|(?i:the)\s+)+")
_UP_VERBS = "提升|提高|增长|增加|扩大|拉升|改善"
_DOWN_VERBS = "降低|下降|减少|压缩|缩短|降"
_LEVEL_ZH = re.compile(
    rf"(?P<verb>(?:{_UP_VERBS}|{_DOWN_VERBS})(?:到|至)|降至|降到|控制在|保持在|维持在|稳定在|达到|达|突破|超过|不低于|不少于|不超过|不高于"
    rf"|(?:{_UP_VERBS}|{_DOWN_VERBS}))\s*$"
)
_EN_VERB = (r"raise|increase|grow|lift|improve|boost|reduce|cut|lower|decrease|shorten|bring(?:\s+down)?|reach|hit"
            r"|keep|hold|maintain|achieve")
_EN_GOAL_RE = re.compile(
    rf"(?i)^\s*(?P<verb>{_EN_VERB})\s+(?P<metric>.+?)(?:\s+from\s+(?P<baseline>[^,;]+?))?\s+to\s+(?P<target>[^,;]+?)\s*$"
)
_EN_VAGUE_RE = re.compile(rf"(?i)^\s*(?P<verb>{_EN_VERB})\s+(?P<metric>[^,;]+?)\s*$")
_ZH_VAGUE_RE = re.compile(rf"^(?P<verb>{_UP_VERBS}|{_DOWN_VERBS}|优化|加强|控制)(?P<metric>[^，,；;。]{{2,30}})$")
_DEADLINE_TAIL = re.compile(r"(?:之前|以前|前|内|底前)$")
_SPLIT_RE = re.compile(
    r"[；;]|，(?:并且?|同时)?(?:将|把)?|、(?=[^、，]*?(?:从|由)[^、，]*?\d)|并(?:将|把)|以及"
    r"|(?i:,?\s+and\s+(?=(?:raise|increase|grow|lift|improve|boost|reduce|cut|lower|decrease|shorten|bring|reach)\b))"
)


@dataclass(frozen=True)
class GoalFields:
    """The slots of one goal sentence; None where the sentence does not say. `direction`: +1 raise, -1 reduce."""

    metric: str | None = None
    baseline: str | None = None
    target: str | None = None
    deadline: str | None = None
    owner: str | None = None
    direction: int = 0
    target_is_change: bool = False  # "增长20%": the target is an amount of change, not a level


def goal_owner(text: str) -> tuple[str | None, str]:
    """(owner, the text without its owner clause): "…，由质量部负责", "…, owned by the packhouse manager"."""
    stripped = text.strip().rstrip("。.；;")
    m = _OWNER_RE.search(stripped)
    if not m:
        return None, stripped
    owner = next(g for g in (m.group("zh"), m.group("zh2"), m.group("en"), m.group("en2")) if g)
    owner = re.sub(r"(?i)^the\s+", "", owner.strip())
    return owner, stripped[:m.start()].rstrip(" ，,")


def goal_deadline(text: str) -> tuple[str | None, str, str]:
    """(deadline as written, its span in the text with 前/by, the text without it)."""
    spans = find_time_expressions(text)
    chosen = None
    for start, end, surface in spans:
        tail = text[end:end + 2]
        if _DEADLINE_TAIL.search(surface) or re.match(r"(?:之|以)?前|底前", tail) or re.match(r"(?i)\s*by\b", surface) \
                or re.search(r"(?i)\bby\s*$", text[max(0, start - 4):start]):
            chosen = (start, end + len(re.match(r"(?:之|以)?前|", tail).group()))  # type: ignore[union-attr]
            break
    if chosen is None:
        dated = [(s, e) for s, e, t in spans if re.search(r"\d|季度|年底|年末|月底", t)]
        if not dated:
            return None, "", text
        chosen = dated[0]
    start, end = chosen
    if re.search(r"(?i)\bby\s*$", text[max(0, start - 4):start]):
        start = text.rfind("by", 0, start)
    span = text[start:end]
    value = re.sub(r"(?i)^\s*(?:by|before|于|在)\s*", "", span)
    value = re.sub(r"(?:之前|以前|前)$", "", value).strip(" ,")
    rest = (text[:start] + " " + text[end:]).strip(" ，,")
    return value or None, span, re.sub(r"\s{2,}", " ", rest)


def _direction_of(verb: str, baseline: str | None, target: str | None) -> int:
    a = extract_figures(baseline or "")
    b = extract_figures(target or "")
    if a and b and a[0].value is not None and b[0].value is not None and a[0].value != b[0].value:
        return 1 if b[0].value > a[0].value else -1
    if re.search(rf"{_DOWN_VERBS}|(?i:reduce|cut|lower|decrease|shorten|bring\s+down)", verb):
        return -1
    if re.search(rf"{_UP_VERBS}|(?i:raise|increase|grow|lift|boost)", verb) and verb != "改善":
        return 1
    return 0


def _clean_metric(text: str) -> str | None:
    metric = _LEAD_WORDS.sub("", text.strip(" ，,:：的")).strip(" ，,:：的")
    return metric or None


def read_goal(text: str) -> GoalFields:
    """The slots of a goal sentence ("2025年12月31日前会员复购率从28%提升到35%，由会员运营部负责" → 会员复购率 …)."""
    owner, rest = goal_owner(text)
    deadline, _, core = goal_deadline(rest)
    core = core.strip(" ，,")
    if core.isascii():
        m = _EN_GOAL_RE.match(core)
        if m:
            baseline, target = m.group("baseline"), m.group("target").strip()
            return GoalFields(_clean_metric(m.group("metric")), baseline.strip() if baseline else None, target,
                             deadline, owner, _direction_of(m.group("verb"), baseline, target))
        m = _EN_VAGUE_RE.match(core)
        if m and not extract_figures(core):
            return GoalFields(_clean_metric(m.group("metric")), None, None, deadline, owner,
                             _direction_of(m.group("verb"), None, None))
    change = _from_to(core)
    if change is not None:
        metric, baseline, target, verb = change
        return GoalFields(_clean_metric(metric), baseline, target, deadline, owner,
                         _direction_of(verb, baseline, target))
    for fig in extract_figures(core):
        if fig.kind not in _QUANTITY_KINDS:
            continue
        cue = _LEVEL_ZH.search(core[:fig.start])
        if cue is None:
            continue
        verb = cue.group("verb")
        is_change = bool(re.fullmatch(rf"{_UP_VERBS}|{_DOWN_VERBS}", verb))
        target = core[cue.start():fig.end] if is_change else fig.text
        return GoalFields(_clean_metric(core[:cue.start()]), None, target, deadline, owner,
                         _direction_of(verb, None, None), is_change)
    special = _SPECIAL_TARGET.search(core)
    if special and special.start() > 0:
        lead = re.search(rf"(?:{_UP_VERBS}|{_DOWN_VERBS})$", core[:special.start()])
        start = lead.start() if lead else special.start()
        return GoalFields(_clean_metric(core[:start]), None, core[start:special.end()], deadline, owner,
                         _direction_of(core[start:special.end()], None, None), True)
    m = _ZH_VAGUE_RE.match(_LEAD_WORDS.sub("", core))
    if m:
        return GoalFields(_clean_metric(m.group("metric")), None, None, deadline, owner,
                         _direction_of(m.group("verb"), None, None))
    return GoalFields(None, None, None, deadline, owner, 0)


_ZH_FROM_TO = re.compile(
    rf"(?:从|由)\s*(?P<a>[^，,；;。从由]+?)\s*(?P<verb>{_UP_VERBS}|{_DOWN_VERBS}|升)?\s*(?:到|至)\s*(?P<b>[^，,；;。]+?)\s*"
    r"(?:以内|以下|以上)?$"
)


def _from_to(core: str) -> tuple[str, str, str, str] | None:
    m = _ZH_FROM_TO.search(core)
    if not m:
        return None
    a, b = m.group("a").strip(), m.group("b").strip()
    fa, fb = extract_figures(a), extract_figures(b)
    if len(fa) != 1 or len(fb) != 1 or fa[0].text != a or fb[0].text != b:
        return None
    return core[:m.start()], a, b, m.group("verb") or ""


def _has_target(part: str) -> bool:
    parts = read_goal(part)
    return bool(parts.metric and parts.target)


def split_goals(text: str) -> list[str]:
    """Two goals fused in one string, as two strings that share its deadline and owner; else [text]."""
    owner, rest = goal_owner(text)
    deadline, span, core = goal_deadline(rest)
    pieces = [p.strip(" ，,") for p in _SPLIT_RE.split(core) if p and p.strip(" ，,")]
    merged: list[str] = []
    for piece in pieces:
        if merged and not _has_target(piece):
            merged[-1] += "，" + piece if not piece.isascii() else ", " + piece
        else:
            merged.append(piece)
    goals = [p for p in merged if _has_target(p)]
    if len(goals) < 2 or len(goals) != len(merged):
        return [text]
    out = []
    for piece in merged:
        if piece.isascii():
            when = f" {span.strip()}" if span else ""
            who = f", owned by {owner}" if owner else ""
            out.append(f"{piece[:1].upper()}{piece[1:]}{when}{who}")
        else:
            when = span if span and span.endswith(("前", "内")) else (f"{span}前" if span else "")
            who = f"，由{owner}负责" if owner else ""
            out.append(f"{when}{piece}{who}")
    return out


_GENERIC_TERMS = frozenset("门店 客户 用户 公司 企业 业务 服务 运营 管理 提升 提高 发展 方向 重点 市场 产品 收入 "
                           "体系 能力 占比 "
                           "成本 比例 平均 "
                           "company customer customers business service services growth cost costs share rate time "
                           "average total".split())


def shared_terms(a: str, b: str) -> set[str]:
    """Content terms two texts share (CJK bigrams, English words), generic business words left out."""
    return set(_term_set(a) & _term_set(b)) - _GENERIC_TERMS


@lru_cache(maxsize=16384)  # a goal's metric is compared with every fact
def _term_set(text: str) -> frozenset[str]:
    return frozenset(_terms(normalize_with_offsets(text)[0]))


def metric_value(text: str, metric: str) -> Figure | None:
    """The figure a fact reports for `metric` ("外卖订单占比达到26%" → 26%), when it states a current value."""
    if not metric:
        return None
    at = text.lower().find(metric.lower())
    if at < 0:
        return None
    after = at + len(metric)
    for fig in extract_figures(text):
        if fig.start < after or fig.kind not in _QUANTITY_KINDS:
            continue
        gap = text[after:fig.start]
        if re.search(r"[，,；;。]|目标|target", gap) or len(gap) > 12:
            return None
        return fig
    return None
