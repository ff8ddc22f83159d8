"""The facts a user gives, in one typed form: the file as written, and each fact with its id and section."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from drafter.facts.catalog import SECTION_KEYS

SECTION_LIST_KEYS = tuple(k for k in SECTION_KEYS if k not in ("goals", "summary"))


def _listify(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return [value]
    return value


def _stringify(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


class GoalSpec(BaseModel):
    """A goal given as a mapping; any field may be missing and then becomes a question."""

    model_config = ConfigDict(extra="forbid")

    metric: str = Field(description="What is measured, e.g. 外卖订单占比.")
    baseline: str | None = Field(None, description="Where the metric stands now.")
    target: str | None = Field(None, description="The value to reach.")
    deadline: str | None = Field(None, description="When the target must be reached.")
    owner: str | None = Field(None, description="Who is accountable.")

    _coerce = field_validator("metric", "baseline", "target", "deadline", "owner", mode="before")(_stringify)


Str = str


class FactsFile(BaseModel):
    """The facts file a user writes: company, period and short facts of any kind."""

    model_config = ConfigDict(extra="forbid", title="drafter facts file")

    company: str = Field(min_length=1, description="Company name.")
    period: str = Field(min_length=1, description="The period the overview covers, e.g. 2025年第四季度.")
    industry: str | None = Field(None, description="Industry, e.g. 连锁咖啡零售.")
    language: Literal["zh", "en"] = Field("zh", description="Language of the overview.")
    audience: str | None = Field(None, description="Who reads the overview, e.g. 公司管理层.")
    strategy: list[Str] = Field(default_factory=list, description="Strategic direction (used for SMART relevance).")
    facts: list[Str] = Field(default_factory=list, description="Short facts of any kind; routed to sections.")
    goals: list[Str | GoalSpec] = Field(default_factory=list, description="Goals: strings or mappings.")
    processes: list[Str] = Field(default_factory=list)
    team: list[Str] = Field(default_factory=list)
    data: list[Str] = Field(default_factory=list)
    resources: list[Str] = Field(default_factory=list)
    risks: list[Str] = Field(default_factory=list)
    customers: list[Str] = Field(default_factory=list)
    technology: list[Str] = Field(default_factory=list)
    performance: list[Str] = Field(default_factory=list)
    improvement: list[Str] = Field(default_factory=list)
    sections: list[Literal[SECTION_KEYS]] | None = Field(  # type: ignore[valid-type]
        None, description="Override the sections written, in this order."
    )

    @field_validator("strategy", "facts", "goals", *SECTION_LIST_KEYS, mode="before")
    @classmethod
    def _as_list(cls, value: Any) -> Any:
        value = _listify(value)
        return [_stringify(v) for v in value] if isinstance(value, list) else value

    @field_validator("company", "period", "industry", "audience", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return _stringify(value)


class Fact(BaseModel):
    """One fact with its stable id and the section it was routed to."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Stable id: F1, F2, … in file order.")
    source: str = Field("facts", description="The key it came from: facts, goals, strategy or a section key.")
    section: str = Field(description="The section that uses it.")
    text: str
    goal: GoalSpec | None = None
    line: int | None = None


class Facts(BaseModel):
    """A loaded facts file: the validated file plus the numbered facts."""

    model_config = ConfigDict(extra="forbid")

    path: str
    file: FactsFile
    items: list[Fact]
    digest: str
    warnings: list[str] = Field(default_factory=list, description="What is valid but probably not meant, by line.")

    @property
    def language(self) -> str:
        """Overview language."""
        return self.file.language

    def for_section(self, key: str) -> list[Fact]:
        """Facts routed to `key`."""
        return [f for f in self.items if f.section == key]

    def by_id(self) -> dict[str, Fact]:
        """Facts keyed by id."""
        return {f.id: f for f in self.items}

    def sections_with_facts(self) -> set[str]:
        """Keys that have at least one fact."""
        return {f.section for f in self.items}

    def source_texts(self) -> list[str]:
        """All text a figure may legitimately come from (metadata and facts)."""
        meta = [self.file.company, self.file.period, self.file.industry or "", self.file.audience or ""]
        return [m for m in meta if m] + [f.text for f in self.items]


def goal_text(goal: GoalSpec, lang: str) -> str:
    """One-line rendering of a goal mapping, using only its given fields."""
    if lang == "en":
        parts = [goal.metric]
        parts += [f"baseline {goal.baseline}"] if goal.baseline else []
        parts += [f"target {goal.target}"] if goal.target else []
        parts += [f"by {goal.deadline}"] if goal.deadline else []
        parts += [f"owner {goal.owner}"] if goal.owner else []
        return ", ".join(parts)
    parts = [goal.metric]
    parts += [f"基线{goal.baseline}"] if goal.baseline else []
    parts += [f"目标{goal.target}"] if goal.target else []
    parts += [f"截止{goal.deadline}"] if goal.deadline else []
    parts += [f"负责{goal.owner}"] if goal.owner else []
    return "，".join(parts)
