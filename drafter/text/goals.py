"""Goal statements as text: target cues, baselines, deliverables, vague aims and time expressions (pure functions).

Shared by the critic's SMART judge and the offline drafter, so neither imports the other.
"""

from __future__ import annotations

import re

from drafter.text.figures import Figure, extract_figures, normalize_with_offsets
from drafter.text.time_expressions import find_time_spans

_QUANTITY_KINDS = frozenset({"number", "percent", "amount", "count", "ratio", "duration"})


def _en(words: str) -> str:
    """Case-insensitive English alternation with word boundaries on both sides."""
    return rf"(?i:\b(?:{words})\b)"


# Cues that put a level (the value a metric should reach or stay within) right before a figure.
_LEVEL_CUES = (
    r"提升到|提升至|提高到|提高至|增长到|增长至|增加到|增加至|扩大到|扩大至|降低到|降低至|降到|降至|减少到|减少至|下降到|下降至"
    r"|缩短到|缩短至|压缩到|压缩至|控制在|保持在|维持在|稳定在|达到|达成|达|突破|超过|超|不低于|不少于|不高于|不超过|不多于"
    r"|高于|低于|到|至|进入|保持|维持|" + _en(
        r"reach(?:es|ing)?|hit(?:s|ting)?|to|at\s+least|at\s+most|at\s+or\s+(?:above|below)|under|below|above|over"
        r"|exceed(?:s|ing)?|no\s+(?:more|less|fewer)\s+than|at|within|maintain(?:s|ing)?|keep(?:s|ing)?|sustain"
        r"|hold(?:s|ing)?|of\s+at\s+least")
)
# Cues that put a change (growth, reduction, delivered count) before a figure.
_CHANGE_CUES = (
    r"增长|提升|提高|增加|减少|降低|下降|缩短|压缩|节省|节约|新增|新开|新签|开设|开展|完成|上线|推出|发布|落地|引入|招聘|培训"
    r"|认证|签约|实现|获取|获得|拓展|覆盖|建成|扩大|举办|开通|开发|吸引|交付|触达|打造|减半|部署"
    r"|推广|安装|" + _en(
        r"by|grow(?:s|ing)?|increas(?:e|es|ing)|rais(?:e|es|ing)|boost(?:s|ing)?|lift(?:s|ing)?|reduc(?:e|es|ing)"
        r"|cut(?:s|ting)?|lower(?:s|ing)?|decreas(?:e|es|ing)|drop(?:s|ping)?|achiev(?:e|es|ing)|deliver(?:s|ing)?"
        r"|open(?:s|ing)?|launch(?:es|ing)?|add(?:s|ing)?|hir(?:e|es|ing)|onboard(?:s|ing)?|sign(?:s|ing)?"
        r"|recruit(?:s|ing)?|train(?:s|ing)?|generat(?:e|es|ing)|sav(?:e|es|ing)|ship(?:s|ping)?|releas(?:e|es|ing)"
        r"|complet(?:e|es|ing)|run(?:s|ning)?|publish(?:es|ing)?|win|acquir(?:e|es|ing)|clos(?:e|es|ing)|bring"
        r"|roll(?:s|ing)?\s+out|deploy(?:s|ing)?|install(?:s|ing)?|implement(?:s|ing)?|introduc(?:e|es|ing)")
)
_WEAK_CUES = r"目标值?(?:为|是|:)?|力争|争取|确保|" + _en(
    r"target(?:ed)?(?:\s+(?:of|is))?:?|goal(?:\s+(?:of|is))?:?"
)
_BASELINE = (
    r"目前|当前|现为|现有|现在|现阶段|已有|已达|已经|去年|上年|上一年|上个?季度|上个?月|上周|同期|原为|原来"
    r"|基线|基数|从|由|较|相比|比|历史|" + _en(
        r"currently|current|now|from|baseline|last\s+(?:year|quarter|month|week)|was|were|versus"
        r"|vs|today|at\s+the\s+moment|right\s+now|so\s+far|previous(?:ly)?")
)
_CUE_LEVEL = re.compile(rf"(?:{_LEVEL_CUES})\s*$")
_CUE_ANY = re.compile(rf"(?:{_LEVEL_CUES}|{_CHANGE_CUES})")
_CUE_WEAK = re.compile(rf"(?:{_WEAK_CUES})\s*$")
_BASE_RE = re.compile(_BASELINE)
_CLAUSE_BREAK = re.compile(r"[，,。；;！!？?\n]\s*(?![0-9])")
_SPECIAL_TARGET = re.compile(
    r"(?:新开|开设|新增|上线|推出|发布|完成|招聘|引入|开通|建成|落地|签约|举办|开展|召开|组织)了?"
    r"一[个家项款套名位座间条场次期轮批]|翻一番|翻番|翻两番|翻倍|减半|(?:提高|提升|增加|增长|降低|减少|下降|压缩)(?:了)?一半"
    r"|[万千]分之[一二两三四五六七八九十\d]+|零(?:投诉|事故|差错|缺陷|客诉|安全事故)"
    r"|(?:为|降为|降至|降到|控制为)零|清零|" + _en(
        r"doubl(?:e|es|ing)|tripl(?:e|es|ing)|halv(?:e|es|ing)|zero\s+(?:defects|incidents|complaints|accidents|errors"
        r"|stockouts|downtime)|by\s+(?:a\s+|one\s+)?(?:half|third|quarter|fifth)|(?:open|launch|hire|add|sign|onboard"
        r"|recruit|train|ship|release)\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+dozen)"
        r"\s+(?:new\s+)?[\w-]+")
)
_MAX_GAP = 12
_DECREASE = re.compile(
    r"减少|降低|下降|缩短|压缩|降至|降到|" + _en(r"reduc\w*|cut\w*|lower\w*|decreas\w*|drop\w*")
)

_ZH_METRIC = (
    r"(?<![效概坦轻草直])率|占比|比例|单价|客单|金额|销售额|营业额|销量|营收|收入|利润|毛利|净利|成本|费用|预算|份额|人数|数量"
    r"|订单量|订单数|客流|GMV|NPS|ROI|KPI|SLA|DAU|MAU|ARPU|LTV|CAC|CSAT|ARR|MRR|活跃度|评分|得分|周转|时长|时效|响应时间"
    r"|交付周期|库存|坪效|人效|好评|差评|投诉|客诉|渗透|复购|留存|转化|粉丝数|下载量|(?<!运营|工作|整体|管理|团队|组织|综合)效率"
    r"|出勤|店效|排名|事故|差错|损耗|缺货|周期|用时|耗时|天数|产能|产量|单量|件数|房价|客房收入|满座|上座|入住|准点|破损"
    r"|能耗|(?<![质力能考])量(?!化)"
)
_EN_METRIC = _en(
    r"rate|ratio|margin|revenue|sales|profit|cost|spend|budget|share|nps|csat|gmv|roi|kpis?|sla|churn|retention"
    r"|conversion|repurchase|aov|average\s+order\s+value|basket\s+size|ticket\s+size|headcount|turnover|attrition"
    r"|satisfaction\s+score|lead\s+time|cycle\s+time|response\s+time|resolution|on-time|inventory|dau|mau|arpu|ltv"
    r"|cac|traffic|sign-?ups|downloads|footfall|store\s+count|member\s+count|number\s+of|subscribers|complaints"
    r"|throughput|utili[sz]ation|occupancy|uptime|abandonment|availability|accuracy|errors|ranking"
)
_ZH_OBJECT = (
    r"规则|看板|流程|工具|机制|系统|小程序|APP|App|app|平台|版本|认证|路线|供应链|选型|ERP|CRM|POS|WMS|OMS|SaaS|仓库|仓储"
    r"|仓管|陈列|分层|会员体系|会员计划|积分|功能|模块|渠道|制度|课程|带教|排班|布局|收银|报表|手册|SOP|官网|商城|网站|社群"
    r"|直播间|账号|专区|预案|合同|供应商|店长|储值卡|标签|数据库|中台|考核"
)
_EN_OBJECT = _en(
    r"rules|dashboard|process|tool|system|app|application|platform|version|compliance|certification|vendor|erp|crm"
    r"|pos|sop|ticketing|checkout|features?|payment\s+methods?|loyalty|review|redesign|report|experiments?|rota"
    r"|portal|integration|playbook|training|warehouse|suppliers?|contracts?|website|pricing\s+page|self-service"
)
_ZH_DELIVERABLE = (
    r"(?:上线|推出|发布|开设|新开|开业|建成|搭建|部署|落地|启动|开通|完成|实施|引入|签约|招聘|培训|改造|迁移|开发|建立|制定"
    r"|编制|出台|举办|组建|接入|试点|召开)[^，。；,;]{0,12}?(?:门店|店|中心|方案|活动|项目|团队|标准|规范|培训|上市|装修"
    r"|改造|升级|迁移|开业|例会|会议)"
)
_CONCRETE = re.compile("|".join((_ZH_METRIC, _EN_METRIC, _ZH_OBJECT, _EN_OBJECT, _ZH_DELIVERABLE)))
_METRIC_END = re.compile(rf"(?:{_ZH_METRIC}|{_EN_METRIC})\s*$")
_VAGUE_AIM = re.compile(
    r"管理|成绩|水平|体验|质量|影响力|知名度|竞争力|执行力|凝聚力|效益|结构|形象|氛围|更好|更上一层楼|"
    + _en(r"better|excellence|awareness|presence|morale|experience|quality|next\s+level")
)
_AIM = re.compile(
    r"要|需|争取|力争|加强|提升|提高|改善|优化|"
    + _en(r"want|wants|need|needs|should|aim|strive|make|take|improve|keep|do")
)
_VAGUE = re.compile(
    r"大幅|显著|持续|进一步|尽快|全面|努力|加强|提升整体水平|整体水平|做好|不断|积极|稳步|有效|明显"
    r"|更好|更上一层楼|"
    + _en(r"significantly|as\s+soon\s+as\s+possible|asap|better|more|greatly|substantially|continue"
          r"|strengthen|enhance|overall|where\s+possible|going\s+forward|excellence")
)
_STOP_BIGRAMS = frozenset(
    "提升 提高 优化 加强 实现 推动 驱动 持续 进一 一步 全面 管理 运营 工作 发展 建设 完善 确保 "
    "通过 以及 我们 公司 企业 年度 季度 目标 增长 降低 达到 整体 水平 能力 体系 机制 重点 方面 "
    "相关 进行 开展 做好 努力 不断 积极 有效 显著 大幅".split()
)
_EN_STOP = frozenset(
    "the and for with from into that this than then our their its are was were will shall should can could "
    "have has been being all any each more most less very much such also only over under between within "
    "across about after before during through improve increase grow growth reduce achieve drive ensure "
    "deliver make better best continue strengthen enhance overall target goal goals year quarter month "
    "week day days".split()
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


def _clause_suffix(text: str, fig: Figure) -> str:
    tail = text[fig.end:]
    m = _CLAUSE_BREAK.search(tail)
    return tail[:m.start()] if m else tail


def _target_cue(text: str, fig: Figure) -> str | None:
    """Return "level", "change" or "weak" when fig reads as a target value, else None."""
    prefix = _clause_prefix(text, fig)
    if fig.kind == "duration":  # "缩短至3天" is a target; "三个月内" / "within 90 days" is a period
        cue = _CUE_LEVEL.search(prefix)
        return "level" if cue and not re.fullmatch(r"(?i)within|in|到|至", cue.group().strip()) else None
    cues = list(_CUE_ANY.finditer(prefix))
    if cues:
        gap = prefix[cues[-1].end():]
        width = len(re.sub(r"[A-Za-z]+", "ww", gap.strip()))  # an English word weighs ~two Han characters
        if width <= _MAX_GAP and not _BASE_RE.search(gap) and not re.search(r"[0-9]", gap):
            return "level" if _CUE_LEVEL.fullmatch(cues[-1].group()) else "change"
    if _BASE_RE.search(prefix) or _BASE_RE.search(_clause_suffix(text, fig)):
        return None
    if not prefix.strip(" \t-*·、:（(【[") or _CUE_WEAK.search(prefix) or _METRIC_END.search(prefix):
        return "weak"
    return None


def _targets(text: str) -> list[tuple[Figure, str]]:
    found: list[tuple[Figure, str]] = []
    for fig in extract_figures(text):
        if fig.kind in _QUANTITY_KINDS:
            cue = _target_cue(text, fig)
            if cue is not None:
                found.append((fig, cue))
    return found


# English goals are often imperative: "Replace 5,000 lines", "Answer 80% of calls", "run six late-night openings".
_EN_IMPERATIVE_QUANTITY = re.compile(
    r"(?i)(?:^|[,;:]\s*|\band\s+)(?:[a-z]+\s+){0,1}?(?!(?:is|are|was|were|has|have|stands|runs|remains|sits)\b)"
    r"[a-z]+(?:\s+(?:up|down|out|in|on))?\s+(?:at\s+least\s+|over\s+|more\s+than\s+|all\s+|another\s+)?"
    r"(?:[$€¥]?\d[\d,.]*\s*(?:%|percent|k|m|bn|million|thousand)?|(?:one|two|three|four|five|six|seven|eight|nine|ten"
    r"|eleven|twelve|fifteen|twenty|thirty|fifty|a\s+dozen|a\s+hundred)|zero)\s+[a-z][\w-]*"
)
_EN_DESCRIPTIVE_START = re.compile(r"(?i)^\s*(?:our|the|we|it|there|this|that|currently|today|at\s+present)\b")


def has_quantified_target(text: str) -> bool:
    """True when text states a quantified target (a figure after a target cue, or a counted deliverable)."""
    if _targets(text) or _SPECIAL_TARGET.search(text):
        return True
    if text.isascii() and not _EN_DESCRIPTIVE_START.search(text):
        for m in _EN_IMPERATIVE_QUANTITY.finditer(text):
            if not _BASE_RE.search(m.group()) and not re.search(r"(?i)\b(?:from|currently|current)\b", m.group()):
                return True
    return False


def _baselines(text: str) -> list[Figure]:
    return [fig for fig in extract_figures(text)
            if fig.kind in _QUANTITY_KINDS - {"ratio"} and _target_cue(text, fig) is None
            and _BASE_RE.search(_clause_prefix(text, fig)[-8:])]


def _same_family(a: Figure, b: Figure) -> bool:
    pct = {"%", "pp"}
    if (a.unit in pct) != (b.unit in pct):
        return False
    return a.unit == b.unit or a.unit in ("", "个") or b.unit in ("", "个") or a.unit in pct


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
        if fig.unit == "pp" or (cue == "change" and fig.unit != "%"):
            level = base.value - fig.value if decrease else base.value + fig.value
        elif cue == "change":
            level = base.value * (1 - fig.value / 100 if decrease else 1 + fig.value / 100)
        if base.unit == "%" and level > 100:
            return False, f"{base.text} → {fig.text}"
        ratio = level / base.value
        if ratio > 10:
            return False, f"{base.text} → {fig.text}"
        return (True, "") if 1 / 3 <= ratio <= 3 else (None, "")
    return None, ""


# A deliverable: an action verb with a concrete object (any noun phrase that is not a vague quality).
_ZH_ACTION = re.compile(
    r"(?:完成|提交|上线|推出|发布|开设|建成|搭建|部署|落地|启动|开通|实施|引入|引进|导入|签约|改造|迁移|开发|建立|制定|编制|出台"
    r"|举办|组建|接入|召开|通过|更换|改版|归档|升级|建设|安装|换装|替换|上市|翻新|装修|验收|取得|获得|开展|组织)"
    r"(?P<object>[^，。；,;！!？?]{2,24})"
)
_EN_ACTION = re.compile(
    r"(?i)\b(?:introduce|document|upgrade|complete|finish|pass|launch|migrate|deploy|implement|publish|submit|build"
    r"|set\s+up|roll\s+out|install|replace|open|certify|digiti[sz]e|automate|consolidate|renovate|refurbish|retrofit"
    r"|standardi[sz]e|draft|sign|obtain|achieve\s+certification|go\s+live\s+with|release|ship|integrate|adopt"
    r"|reopen|inspect|run|answer|welcome|process|recruit|hire|train|audit|test|relaunch|expand)\b"
    r"\s+(?P<object>[A-Za-z0-9][^,;.]{2,60})"
)
_VAGUE_OBJECT = re.compile(
    r"^(?:的)?(?:明显|显著|较大|更大|更多|一定|各项|全部|所有|相关|整体|全年|本职)*(?:的)?(?:工作|任务|目标|水平|管理|体验"
    r"|质量|氛围|形象|事情|事项|努力|成效|成绩|效果|进展|突破|效率|能力|积极性)"
    r"|^(?:(?:the|our|all|some|more|any|overall)\s+)*(?:things|work|everything|stuff|tasks|goals|job|improvements?"
    r"|performance|experience|quality|morale|results?)\b",
    re.I,
)


def _deliverable(text: str) -> bool:
    """An action on a concrete object (完成病历电子化归档, Upgrade workstations to Windows 11)."""
    for match in (*_ZH_ACTION.finditer(text), *_EN_ACTION.finditer(text)):
        obj = match.group("object").strip()
        if not _VAGUE_OBJECT.search(obj) and not _VAGUE.fullmatch(obj):
            return True
    return False


def _is_specific(text: str, measurable: bool) -> bool:
    """Concrete metric or deliverable, unless it only appears in a fact clause next to a vague aim."""
    if measurable:
        return True
    clauses = [c for c in re.split(r"[，,；;。！!？?\n]", text) if c.strip()]
    if any(_deliverable(c) for c in clauses):
        return True
    concrete = [c for c in clauses if _CONCRETE.search(c)]
    if not concrete:
        return False
    facts_only = all(_BASE_RE.search(c) or any(f.kind in _QUANTITY_KINDS for f in extract_figures(c))
                     for c in concrete)
    vague_aim = any(_VAGUE_AIM.search(c) and _AIM.search(c) and not _CONCRETE.search(c) for c in clauses)
    return not (facts_only and vague_aim)


def _terms(text: str) -> set[str]:
    terms: set[str] = set()
    for run in re.findall(r"[\u4e00-\u9fff]+", text):
        terms.update(run[i:i + 2] for i in range(len(run) - 1))
    terms.difference_update(_STOP_BIGRAMS)
    for word in re.findall(r"[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]|[A-Za-z]", text.lower()):
        if word.isdigit() or not re.search(r"[a-z]", word):
            continue
        if (len(word) >= 3 or word.isalnum() and any(c.isdigit() for c in word)) and word not in _EN_STOP:
            terms.add(word[:-1] if word.endswith("s") and len(word) > 4 else word)
    return terms
