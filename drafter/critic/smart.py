"""Rule-based SMART judgement of one goal statement (zh + en)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from drafter.numbers import Figure, extract_figures, normalize_with_offsets
from drafter.timeexpr import find_time_spans

__all__ = ["SmartMarks", "find_time_expressions", "has_quantified_target", "judge_goal"]


@dataclass(frozen=True)
class SmartMarks:
    """SMART marks for one goal; None means not judged."""

    specific: bool
    measurable: bool
    achievable: bool | None
    relevant: bool | None
    time_bound: bool
    reasons: tuple[str, ...]


_QUANTITY_KINDS = frozenset({"number", "percent", "amount", "count", "ratio", "duration"})
# Cues that put a level (the value the metric should reach) right before a figure.
_LEVEL_CUES = (
    r"提升到|提升至|提高到|提高至|增长到|增长至|增加到|增加至|降低到|降低至|降到|降至|减少到|减少至|下降到|下降至|缩短到"
    r"|缩短至|压缩到|压缩至|控制在|保持在|维持在|稳定在|达到|达成|达|突破|超过|超|不低于|不少于|不高于|不超过|不多于|高于"
    r"|低于|到|至|(?i:\breach(?:ing)?|\bhit|\bto|\bat\s+least|\bat\s+most|\bat\s+or\s+(?:above|below)|\bunder|\bbelow"
    r"|\babove|\bover|\bexceed(?:ing)?|\bno\s+(?:more|less|fewer)\s+than|\bat|\bwithin)"
)
# Cues that put a change (growth, reduction, delivered count) before a figure.
_CHANGE_CUES = (
    r"增长|提升|提高|增加|减少|降低|下降|缩短|压缩|节省|节约|新增|新开|开设|开展|完成|上线|推出|发布|落地|引入|招聘|培训|签约"
    r"|实现|获取|获得|拓展|发展|覆盖|开|建成|建设|打造|扩大|(?i:\bby|\bgrow(?:th)?|\bincrease|\braise|\bboost|\blift"
    r"|\breduce|\bcut|\blower|\bdecrease|\bdrop|\bachieve|\bdeliver|\bopen|\blaunch|\badd|\bhire|\bonboard|\bsign"
    r"|\brecruit|\btrain|\bgenerate|\bsave|\bship|\brelease|\bcomplete|\bhit)"
)
_WEAK_CUES = r"为|是|:|(?i:\btarget(?:ed)?(?:\s+of)?|\bgoal\s+of|\bof|\bis|\bbe)"
_BASELINE = (
    r"目前|当前|现为|现有|现在|现阶段|已有|已达|已经|去年|上年|上一年|同期|原为|原来|基线|基数|从|由|较|相比|比|"
    r"(?i:\bcurrently|\bcurrent|\bnow|\bfrom|\bbaseline|\blast\s+year|\bwas|\bversus|\bvs\.?|\btoday)"
)
_CUE_LEVEL = re.compile(rf"(?:{_LEVEL_CUES})\s*$")
_CUE_ANY = re.compile(rf"(?:{_LEVEL_CUES}|{_CHANGE_CUES})")
_CUE_WEAK = re.compile(rf"(?:{_WEAK_CUES})\s*$")
_BASE_RE = re.compile(_BASELINE)
_CLAUSE_BREAK = re.compile(r"[，,。；;！!？?\n]\s*(?![0-9])")
_ONE_DELIVERABLE = re.compile(
    r"(?:新开|开设|新增|上线|推出|发布|完成|招聘|引入|开通|建成|落地|签约|举办|开展)(?:了)?一[个家项款套名位座间条场次期轮批]"
    r"|翻一番|翻番|翻两番|翻倍|零(?:投诉|事故|差错|缺陷|客诉|安全事故)"
    r"|(?i:\b(?:double|triple|halve|zero\s+\w+|(?:open|launch|hire|add|sign|onboard|recruit|train|ship|release)"
    r"\s+(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+dozen)\s+(?:new\s+)?\w+))"
)
_MAX_GAP = 12
_DECREASE = re.compile(r"减少|降低|下降|缩短|压缩|降至|降到|(?i:\breduce|\bcut|\blower|\bdecrease|\bdrop)")

_ZH_METRIC = re.compile(
    r"(?<!效|概|坦|轻|草|直)率|占比|比例|单价|客单|金额|销售额|营业额|销量|营收|收入|利润|毛利|净利|成本|费用|预算|份额|"
    r"人数|数量|会员数|门店数|用户数|订单量|订单数|客流|GMV|NPS|ROI|KPI|SLA|DAU|MAU|ARPU|LTV|CAC|CSAT|满意度|活跃度|"
    r"评分|得分|周转|时长|时效|响应时间|交付周期|库存|坪效|人效|好评|差评|投诉|渗透|复购|留存|转化|粉丝数|下载量|"
    r"(?<!运营|工作|整体|管理|团队|组织|综合)效率|出勤|店效|毛利额|营业额"
)
_EN_METRIC = re.compile(
    r"(?i)\b(?:rate|ratio|margin|revenue|sales|profit|costs?|spend|budget|share|nps|csat|gmv|roi|kpi|sla|churn"
    r"|retention|conversion|repurchase|aov|average\s+order\s+value|basket\s+size|ticket\s+size|headcount|turnover"
    r"|attrition|satisfaction|lead\s+time|cycle\s+time|response\s+time|on-time|inventory|dau|mau|arpu|ltv"
    r"|cac|traffic|sign-?ups|downloads|footfall|store\s+count|member\s+count|number\s+of|subscribers"
    r"|complaints|throughput|utili[sz]ation|occupancy|yield|order\s+volume|basket|sales\s+per|per\s+store)\b"
)
_ZH_DELIVERABLE = re.compile(
    r"(?:上线|推出|发布|开设|新开|开业|建成|搭建|部署|落地|启动|开通|完成|实施|引入|签约|招聘|培训|改造|迁移|开发|建立|制定"
    r"|编制|出台|举办|开展|组建|接入|试点)[^，。；,;]{0,12}?"
    r"(?:小程序|APP|App|app|系统|平台|门店|店|功能|模块|渠道|官网|商城|网站|中心|仓库|仓|手册|SOP|制度|方案|课程|活动|项目|"
    r"工具|看板|报表|仪表盘|CRM|ERP|WMS|POS|OMS|BI|数据库|中台|社群|直播间|账号|专区|会员体系|会员计划|积分|认证|团队|"
    r"供应商|合同|协议|培训|标准|规范|流程)"
)
_EN_DELIVERABLE = re.compile(
    r"(?i)\b(?:launch|open|deploy|roll\s+out|release|ship|implement|migrate|build|introduce|hire|train|sign|complete"
    r"|publish|set\s+up|go\s+live\s+with|pilot|run)\b[^,.;]{0,40}?\b(?:app|application|platform|system|stores?"
    r"|shops?|outlets?|features?|program(?:me)?|crm|erp|wms|pos|portal|dashboard|training|courses?|site|website"
    r"|module|tool|sop|playbook|loyalty|pilot|campaigns?|people|staff|employees|managers|engineers|contracts?"
    r"|suppliers?|locations?|warehouse|channel)\b"
)
_VAGUE = re.compile(
    r"大幅|显著|持续|进一步|尽快|全面|努力|加强|提升整体水平|整体水平|做好|不断|积极|稳步|有效|明显|更好|"
    r"(?i:\bsignificantly|\bas\s+soon\s+as\s+possible|\basap|\bbetter|\bmore|\bgreatly|\bsubstantially|\bcontinue"
    r"|\bstrengthen|\benhance|\boverall)"
)
_STOP_BIGRAMS = frozenset(
    "提升 提高 优化 加强 实现 推动 驱动 持续 进一 一步 全面 管理 运营 工作 发展 建设 完善 确保 通过 以及 我们 公司 企业 "
    "年度 季度 目标 增长 降低 达到 整体 水平 能力 体系 机制 重点 方面 相关 进行 开展 做好 努力 不断 积极 有效 显著 大幅".split()
)
_EN_STOP = frozenset(
    "the and for with from into that this than then our their its are was were will shall should can could have has "
    "been being all any each more most less very much such also only over under between within across about after "
    "before during through improve increase grow growth reduce achieve drive ensure deliver make better best "
    "continue strengthen enhance overall target goal goals year quarter month week day days".split()
)


def find_time_expressions(text: str) -> list[tuple[int, int, str]]:
    """Find time expressions in text as (start, end, surface) with offsets into the original text."""
    norm, starts, ends = normalize_with_offsets(text)
    out: list[tuple[int, int, str]] = []
    for a, b in find_time_spans(norm):
        o_start, o_end = starts[a], ends[b - 1]
        out.append((o_start, o_end, text[o_start:o_end]))
    return out


def _clause_prefix(text: str, fig: Figure) -> str:
    """Text between the last clause break and the figure."""
    head = text[:fig.start]
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(head)]
    return head[breaks[-1]:] if breaks else head


def _is_quantity(fig: Figure, text: str) -> bool:
    if fig.kind not in _QUANTITY_KINDS:
        return False
    if fig.kind == "duration":  # "缩短到3天" is a target; "90天内" / "within 90 days" is a deadline
        prefix = _clause_prefix(text, fig)
        return not re.search(r"(?:内|之内|以内)$", fig.text) and bool(_CUE_LEVEL.search(prefix)) \
            and not re.search(r"(?i)\b(?:within|in)\s*$", prefix)
    return True


def _target_cue(text: str, fig: Figure) -> str | None:
    """Return "level", "change" or "weak" when fig is a target value, else None."""
    prefix = _clause_prefix(text, fig)
    cues = list(_CUE_ANY.finditer(prefix))
    if cues:
        gap = prefix[cues[-1].end():]
        if len(gap.strip()) <= _MAX_GAP and not _BASE_RE.search(gap) and not re.search(r"[0-9]", gap):
            return "level" if _CUE_LEVEL.fullmatch(cues[-1].group()) else "change"
    if _BASE_RE.search(prefix) or _BASE_RE.search(_clause_suffix(text, fig)):
        return None
    bare = not prefix.strip(" \t-*·、（(【[")
    if bare or _CUE_WEAK.search(prefix) or _ZH_METRIC.search(prefix[-4:]) or _EN_METRIC.search(prefix[-24:]):
        return "weak"
    return None


def _clause_suffix(text: str, fig: Figure) -> str:
    tail = text[fig.end:]
    m = _CLAUSE_BREAK.search(tail)
    return tail[:m.start()] if m else tail


def _targets(text: str) -> list[tuple[Figure, str]]:
    found: list[tuple[Figure, str]] = []
    for fig in extract_figures(text):
        if _is_quantity(fig, text):
            cue = _target_cue(text, fig)
            if cue is not None:
                found.append((fig, cue))
    return found


def has_quantified_target(text: str) -> bool:
    """True when text states a quantified target (a figure after a target cue, or a counted deliverable)."""
    return bool(_targets(text)) or bool(_ONE_DELIVERABLE.search(text))


def _baselines(text: str) -> list[Figure]:
    out = []
    for fig in extract_figures(text):
        if fig.kind in ("number", "percent", "amount", "count") and _target_cue(text, fig) is None:
            prefix = _clause_prefix(text, fig)
            if _BASE_RE.search(prefix[-8:]):
                out.append(fig)
    return out


def _achievable(text: str, targets: list[tuple[Figure, str]]) -> tuple[bool | None, str]:
    for fig, cue in targets:
        if fig.unit == "%" and fig.value is not None and fig.value > (900 if cue == "change" else 100):
            return False, f"{fig.text} > {'10x' if cue == 'change' else '100%'}"
    baselines = _baselines(text)
    decrease = bool(_DECREASE.search(text))
    for fig, cue in reversed(targets):
        base = next((b for b in baselines if b.start < fig.start and _same_family(b, fig)), None)
        if base is None or base.value is None or fig.value is None or base.value <= 0:
            continue
        level = fig.value
        if fig.unit == "pp":
            level = base.value - fig.value if decrease else base.value + fig.value
        elif cue == "change" and fig.unit == "%":
            level = base.value * (1 - fig.value / 100 if decrease else 1 + fig.value / 100)
        elif cue == "change":
            level = base.value - fig.value if decrease else base.value + fig.value
        if base.unit == "%" and level > 100:
            return False, f"{base.text} → {fig.text}"
        ratio = level / base.value
        if ratio > 10:
            return False, f"{base.text} → {fig.text}"
        return (True, "") if 1 / 3 <= ratio <= 3 else (None, "")
    return None, ""


def _same_family(a: Figure, b: Figure) -> bool:
    pct = {"%", "pp"}
    return (a.unit in pct) == (b.unit in pct) and (a.unit == b.unit or a.unit in ("", "个") or b.unit in ("", "个")
                                                   or (a.unit in pct and b.unit in pct))


def _terms(text: str) -> set[str]:
    terms: set[str] = set()
    for run in re.findall(r"[\u4e00-\u9fff]+", text):
        terms.update(run[i:i + 2] for i in range(len(run) - 1))
    terms.difference_update(_STOP_BIGRAMS)
    for word in re.findall(r"[A-Za-z][A-Za-z-]+", text.lower()):
        if len(word) >= 3 and word not in _EN_STOP:
            terms.add(word[:-1] if word.endswith("s") and len(word) > 4 else word)
    return terms


def judge_goal(text: str, lang: str = "zh", strategy_terms: Sequence[str] = ()) -> SmartMarks:
    """Judge one goal statement against the SMART rules."""
    zh = lang != "en"
    norm = normalize_with_offsets(text)[0]
    targets = _targets(text)
    measurable = bool(targets) or bool(_ONE_DELIVERABLE.search(text))
    specific = bool(_ZH_METRIC.search(norm) or _EN_METRIC.search(norm) or _ZH_DELIVERABLE.search(norm)
                    or _EN_DELIVERABLE.search(norm) or any(f.kind in ("count", "amount") for f, _ in targets))
    time_bound = bool(find_time_spans(norm))
    achievable, why = _achievable(text, targets)
    relevant: bool | None = None
    if strategy_terms:
        pool: set[str] = set()
        for term in strategy_terms:
            pool |= _terms(term)
        relevant = bool(_terms(text) & pool)
    reasons: list[str] = []
    if not specific:
        vague = "、".join(dict.fromkeys(m.group() for m in _VAGUE.finditer(text))) if zh else \
            ", ".join(dict.fromkeys(m.group() for m in _VAGUE.finditer(text)))
        reasons.append((f"未指明具体指标或交付物（{vague}）" if vague else "未指明具体指标或交付物") if zh else
                       (f"no concrete metric or deliverable ({vague})" if vague else "no concrete metric or deliverable"))
    if not measurable:
        if any(f.kind in _QUANTITY_KINDS - {"duration"} for f in extract_figures(text)):
            reasons.append("只有现状数值，缺少目标值" if zh else "states a current figure but no target value")
        else:
            reasons.append("缺少量化目标值" if zh else "no quantified target")
    if achievable is False:
        reasons.append(f"目标值明显不切实际（{why}）" if zh else f"target is clearly unrealistic ({why})")
    if relevant is False:
        reasons.append("与战略方向或KPI无共同关键词" if zh else "shares no key term with the strategy or KPIs")
    if not time_bound:
        reasons.append("缺少完成时限" if zh else "no deadline or time frame")
    return SmartMarks(specific, measurable, achievable, relevant, time_bound, tuple(reasons))
