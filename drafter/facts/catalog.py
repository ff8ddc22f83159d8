"""The section catalog: keys, titles, order, selection and routing of flat facts to sections."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

Lang = Literal["zh", "en"]


@dataclass(frozen=True)
class SectionSpec:
    """One catalog entry."""

    key: str
    zh: str
    en: str
    required: bool
    kind: Literal["goals", "risks", "prose", "summary"] = "prose"
    keywords: tuple[str, ...] = ()
    aliases: tuple[str, ...] = field(default=())

    def title(self, lang: str) -> str:
        """Title in the given language."""
        return self.en if lang == "en" else self.zh


CATALOG: tuple[SectionSpec, ...] = (
    SectionSpec(
        "goals", "运营目标", "Operating goals", True, "goals",
        ("目标", "提升到", "提升至", "提高到", "达到", "降至", "降低到", "target", "goal", "reach"),
        ("目标", "运营目标", "goal", "goals", "objectives", "operating goals"),
    ),
    SectionSpec(
        "processes", "运营流程", "Processes", True, "prose",
        ("流程", "标准化", "SOP", "配送", "交付", "出品", "排班", "审批", "工单", "环节", "周期",
         "process", "workflow", "fulfil", "delivery", "turnaround", "dispatch"),
        ("流程", "运营流程", "process", "processes", "workflow"),
    ),
    SectionSpec(
        "team", "团队协作", "Team and collaboration", True, "prose",
        ("团队", "员工", "职工", "人员", "招聘", "培训", "小组", "协作", "跨部门", "店长", "教师", "老师", "离职",
         "例会", "晨会", "早会", "team", "staff", "employees", "hire", "training", "headcount", "turnover", "forum",
         "stand-up"),
        ("团队", "协作", "团队协作", "团队构成", "团队结构", "team", "collaboration", "people"),
    ),
    SectionSpec(
        "data", "数据分析", "Data and KPIs", True, "prose",
        ("数据", "指标", "KPI", "营收", "收入", "销售额", "客单价", "转化率", "毛利", "GMV", "同比", "环比",
         "占比", "日均", "月均", "revenue", "sales", "KPI", "metric", "conversion", "margin", "dashboard"),
        ("数据", "数据分析", "关键指标", "指标", "data", "kpi", "kpis", "metrics", "analytics"),
    ),
    SectionSpec(
        "resources", "资源管理", "Resource management", False, "prose",
        ("预算", "成本", "库存", "采购", "资金", "设备", "仓库", "仓储", "海外仓", "冷库", "产能", "投资", "租赁",
         "场地",
         "物料", "费用", "支出", "budget", "cost", "inventory", "procurement", "warehouse", "capex", "spend",
         "capacity", "refurbishment"),
        ("资源", "资源管理", "resource", "resources", "resource management"),
    ),
    SectionSpec(
        "risks", "风险管理", "Risk management", False, "risks",
        ("风险", "合规", "安全", "竞争", "波动", "隐患", "事故", "舆情", "断供", "监管", "纠纷", "警告",
         "risk", "compliance", "incident", "outage", "competition", "regulator"),
        ("风险", "风险管理", "应对", "risk", "risks", "risk management"),
    ),
    SectionSpec(
        "customers", "客户关系管理", "Customer relationships", False, "prose",
        ("客户", "会员", "用户", "顾客", "患者", "业主", "家长", "满意度", "NPS", "复购", "留存", "口碑", "CRM", "回访",
         "投诉", "评分", "customer", "member", "client", "NPS", "retention", "churn", "loyalty", "satisfaction",
         "review", "complaint"),
        ("客户", "客户关系", "客户关系管理", "CRM", "customer", "customers", "customer relationships"),
    ),
    SectionSpec(
        "technology", "技术应用", "Technology", False, "prose",
        ("系统", "小程序", "App", "APP", "数字化", "AI", "自动化", "上线", "平台", "软件", "ERP", "SaaS",
         "system", "app", "automation", "platform", "software", "digital", "ERP", "AI"),
        ("技术", "技术应用", "数字化", "technology", "tech", "systems"),
    ),
    SectionSpec(
        "performance", "绩效与激励", "Performance and incentives", False, "prose",
        ("绩效", "考核", "激励", "奖金", "提成", "晋升", "评优", "薪酬",
         "performance", "incentive", "bonus", "commission", "appraisal", "OKR"),
        ("绩效", "激励", "绩效与激励", "绩效评估", "performance", "incentives", "performance and incentives"),
    ),
    SectionSpec(
        "improvement", "持续改进与创新", "Continuous improvement", True, "prose",
        ("改进", "优化", "创新", "试点", "复盘", "迭代", "新品",
         "improve", "pilot", "innovation", "retrospective", "iterate"),
        ("改进", "创新", "持续改进", "持续优化", "持续改进与创新", "优化策略", "improvement", "continuous improvement",
         "innovation"),
    ),
    SectionSpec(
        "summary", "总结与展望", "Summary and outlook", True, "summary",
        (),
        ("总结", "展望", "总结与展望", "summary", "outlook", "conclusion", "summary and outlook"),
    ),
)

SECTION_KEYS: tuple[str, ...] = tuple(s.key for s in CATALOG)
OPENING = "opening"  # where profile facts (who the company is) are routed: the opening paragraph, not a section
_BY_KEY = {s.key: s for s in CATALOG}
ZH_NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五")


def spec(key: str) -> SectionSpec:
    """The catalog entry for `key` (KeyError when unknown)."""
    return _BY_KEY[key]


def numbered_title(index: int, key: str, lang: str) -> str:
    """Heading text for the section at 0-based `index`: `一、运营目标` or `1. Operating goals`."""
    title = spec(key).title(lang)
    return f"{index + 1}. {title}" if lang == "en" else f"{ZH_NUMERALS[index]}、{title}"


def select_sections(with_facts: Iterable[str], override: Sequence[str] | None = None) -> list[str]:
    """Sections of the document in order: required ones, optional ones with facts, or the override."""
    if override:
        keys = list(dict.fromkeys(override))
        if "summary" in keys:  # drafted last, so it is always last in the document
            keys.remove("summary")
            keys.append("summary")
        return keys
    have = set(with_facts)
    return [s.key for s in CATALOG if s.required or s.key in have]


def route_fact(text: str, candidates: Sequence[str] = SECTION_KEYS, fallback: str | None = None) -> str:
    """Pick the section a flat fact belongs to, by keyword hits (ties go to the earlier section).

    Keywords are words of two or more characters (a single 人 would send 个人存款 to the team). Without a hit the
    fact goes to `fallback` when given and selected, else to data when it has a figure.
    """
    lowered = text.lower()
    best, best_score = "", 0
    for key in candidates:
        if key in ("summary", "goals"):
            continue
        score = sum(_hits(lowered, kw.lower()) for kw in spec(key).keywords)
        if score > best_score:
            best, best_score = key, score
    if best:
        return best
    if fallback and fallback in candidates:
        return fallback
    return "data" if re.search(r"\d", text) and "data" in candidates else _first_present(candidates)


def _hits(text: str, keyword: str) -> int:
    if keyword.isascii():
        return len(re.findall(rf"(?<![a-z]){re.escape(keyword)}", text))
    return text.count(keyword)


def _first_present(candidates: Sequence[str]) -> str:
    for key in ("processes", "data", "improvement"):
        if key in candidates:
            return key
    return next(k for k in candidates if k != "summary")


def match_heading(heading: str) -> str | None:
    """Map a heading such as `一、明确运营目标`, `## 3. Data` or `风险管理与应对策略` to a catalog key."""
    text = re.sub(r"^[#\s]*", "", heading).strip()
    text = re.sub(r"^(?:[一二三四五六七八九十]+|\d+)\s*[、.．)）:：]\s*", "", text).strip().lower()
    if not text:
        return None
    best: tuple[int, str] | None = None
    for s in CATALOG:
        for alias in (s.zh.lower(), s.en.lower(), *(a.lower() for a in s.aliases)):
            if alias and alias in text:
                score = len(alias)
                if best is None or score > best[0]:
                    best = (score, s.key)
    return best[1] if best else None
