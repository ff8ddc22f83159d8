"""Pydantic draft models: what each chain returns and what `overview.json` stores."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from drafter.facts.model import Fact

FactIds = Annotated[
    list[str],
    Field(default_factory=list, description="Ids of the facts this text uses (F1, F2, …); empty when it uses none."),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


StatementKind = Literal["fact", "derived", "advice", "outlook", "placeholder"]
DerivationOp = Literal["difference", "change", "percent_change", "ratio", "share", "gap"]


class Derivation(_Model):
    """How a derived figure was computed from figures of the cited facts, so a check can redo the arithmetic."""

    op: DerivationOp = Field(description="difference/change (b − a), percent_change ((b − a) / a), ratio (a / b), "
                                         "share (a / b as %), gap (target − current).")
    inputs: list[str] = Field(description="The input figures exactly as the cited facts write them, in order.")
    result: str = Field(description="The derived figure exactly as the statement writes it.")


class Statement(_Model):
    """One sentence of drafted prose and what licenses it (nothing is invented: every sentence has a kind)."""

    text: str = Field(description="One sentence.")
    kind: StatementKind = Field(
        description="fact: says what its cited facts say (≥ 1 id); derived: a figure computed from cited facts, "
                    "with its derivation; advice: what the company should or could do, worded as advice, never as "
                    "done; outlook: a plan or next step a cited fact states (or a goal's own deadline); "
                    "placeholder: 【待补充：…】/[TO FILL: …] with its question.")
    fact_ids: FactIds
    derivation: Derivation | None = Field(None, description="Required for derived statements.")
    question: str | None = Field(None, description="For a placeholder: the question that fills it.")


def join_sentences(texts: Sequence[str]) -> str:
    """Sentences as one paragraph: no space after Chinese punctuation, one space after Latin."""
    out = ""
    for text in (t.strip() for t in texts):
        if not text:
            continue
        out += text if not out or not out[-1].isascii() else " " + text
    return out


class _Cited(_Model):
    """Text drafted as statements; `text` and `fact_ids` follow from them when they are given."""

    text: str = Field("", description="The whole text; filled from the statements when they are given.")
    fact_ids: FactIds
    statements: list[Statement] = Field(
        default_factory=list, description="The text sentence by sentence, each with its kind and fact ids.")

    @model_validator(mode="after")
    def _from_statements(self) -> _Cited:
        if self.statements:
            self.text = join_sentences([s.text for s in self.statements])
            self.fact_ids = list(dict.fromkeys(i for s in self.statements for i in s.fact_ids))
        return self


class Paragraph(_Cited):
    """A prose paragraph and the facts it rests on."""


class Bullet(_Cited):
    """A list item and the facts it rests on."""


class Goal(_Model):
    """One operating goal, decomposed so SMART can be checked field by field."""

    statement: str = Field(
        description="The goal as one sentence. Missing parts are written as 【待补充：…】 / [TO FILL: …]."
    )
    metric: str | None = Field(None, description="What is measured, e.g. 会员复购率; null when the facts lack it.")
    baseline: str | None = Field(None, description="Current value, copied from the facts; null when unknown.")
    target: str | None = Field(None, description="Value to reach, copied from the facts; null when unknown.")
    deadline: str | None = Field(None, description="When, copied from the facts; null when unknown.")
    owner: str | None = Field(None, description="Who is accountable, copied from the facts; null when unknown.")
    fact_ids: FactIds


class Risk(_Model):
    """A risk with the response its facts give, or none (the draft then asks for it)."""

    description: str = Field(description="The risk, from the facts.")
    response: str | None = Field(
        None, description="The response a cited fact gives; null when no fact gives one (never invent one). A "
                          "suggestion of your own goes in response_kind=advice, worded as advice.")
    response_kind: Literal["fact", "advice"] | None = Field(
        None, description="fact: a cited fact states this response; advice: a suggestion, worded as advice.")
    owner: str | None = Field(None, description="Who handles it, when the facts say.")
    fact_ids: FactIds


class ProseSection(_Model):
    """A section written as paragraphs and optional bullets."""

    kind: Literal["prose"] = "prose"
    paragraphs: list[Paragraph] = Field(description="Two to four paragraphs; facts woven into the prose.")
    bullets: list[Bullet] = Field(default_factory=list, description="Optional list of key points.")
    questions: list[str] = Field(
        default_factory=list, description="Questions for the user about information the facts lack."
    )


class GoalsSection(_Model):
    """The operating goals section: a lead paragraph, the goals, and how they are tracked."""

    kind: Literal["goals"] = "goals"
    paragraphs: list[Paragraph] = Field(description="Lead paragraph(s) on how the goals were set (SMART).")
    goals: list[Goal] = Field(description="Every goal from the facts, one entry each.")
    questions: list[str] = Field(default_factory=list, description="Questions about missing targets, deadlines…")


class RisksSection(_Model):
    """Risk management: a lead paragraph and each risk with its response."""

    kind: Literal["risks"] = "risks"
    paragraphs: list[Paragraph] = Field(description="Lead paragraph(s) on how risks are managed.")
    risks: list[Risk] = Field(description="Every risk from the facts.")
    questions: list[str] = Field(default_factory=list, description="Questions for the user.")


class Opening(_Cited):
    """The opening paragraph: who the company is, the period's main thread, and what the overview covers."""

    kind: Literal["opening"] = "opening"


SectionContent = Annotated[ProseSection | GoalsSection | RisksSection, Field(discriminator="kind")]


def cited(content: object) -> list[Paragraph | Bullet | Goal | Risk | Opening]:
    """Every item of a section (or the opening) that carries fact ids."""
    if isinstance(content, Opening):
        return [content]
    items: list[Paragraph | Bullet | Goal | Risk | Opening] = []
    for name in ("paragraphs", "bullets", "goals", "risks"):
        items += list(getattr(content, name, []))
    return items


def fact_ids_of(content: object) -> set[str]:
    """The fact ids a section (or the opening) cites."""
    return {i for item in cited(content) for i in item.fact_ids}
CONTENT_MODELS: dict[str, type[ProseSection] | type[GoalsSection] | type[RisksSection]] = {
    "prose": ProseSection,
    "summary": ProseSection,
    "goals": GoalsSection,
    "risks": RisksSection,
}


class Finding(_Model):
    """One critic finding (the `check --json` contract)."""

    check: Literal["smart", "coverage", "grounding", "claims", "language", "repetition", "content", "llm"]
    code: str | None = Field(None, description="Stable code of the finding, e.g. smart.not-time-bound.")
    severity: Literal["error", "warning", "info"]
    section: str | None = None
    message: str
    evidence: str = ""


class SectionVersion(_Model):
    """One stored version of a section."""

    n: int
    parent: int | None = Field(None, description="The version that was current when this one was made.")
    created: str
    model: str
    instruction: str | None = None
    origin: Literal["draft", "critique", "revise", "edit", "undo", "migrate", "update"] = Field(
        "draft", description="What made this version; migrate: kept from a section's content when an older "
                             "overview.json was read; update: redrafted because the facts it uses changed.")
    content: SectionContent
    status: Literal["clean", "warnings", "errors", "unchecked"] = "unchecked"


class Section(_Model):
    """A section of the overview: its versions, and which one is current."""

    key: str
    title: str
    state: Literal["ok", "failed", "stale"] = "ok"
    current: int | None = Field(None, description="Number of the current version in history; its content is the "
                                                   "section's content.")
    error: str | None = None
    history: list[SectionVersion] = Field(default_factory=list)
    proposal: SectionVersion | None = Field(
        None, description="A redraft made when the facts changed under a version edited by hand; `drafter revise "
                          "DIR SECTION` shows it as a diff to accept or reject.")

    @property
    def version(self) -> SectionVersion | None:
        """The current version (None before the section is drafted)."""
        if self.current is None or not 0 < self.current <= len(self.history):
            return None
        return self.history[self.current - 1]

    @property
    def content(self) -> SectionContent | None:
        """The current version's content (None when there is none)."""
        version = self.version
        return version.content if version is not None else None


FORMAT = "drafter.overview/2"
FORMAT_1 = "drafter.overview/1"
_CONTENT: TypeAdapter[SectionContent] = TypeAdapter(SectionContent)


def _same_content(a: Any, b: Any) -> bool:
    """True when two stored contents (dicts or models) hold the same section."""
    try:
        return _CONTENT.validate_python(a) == _CONTENT.validate_python(b)
    except ValueError:  # leave invalid content to the normal validation error
        return bool(a == b)


def migrate_section(data: dict[str, Any], stamp: str, model: str) -> dict[str, Any]:
    """A format 1 section without its stored `content`, which history now holds.

    Content that equals the current version is dropped. Content with no history, or content that differs from
    the current version, becomes a new current version (origin "migrate"), so nothing is lost.
    """
    if "content" not in data:
        return data
    data = dict(data)
    content = data.pop("content")
    if content is None:
        return data
    history = list(data.get("history") or [])
    current = data.get("current")
    known = isinstance(current, int) and 0 < current <= len(history)
    previous = history[current - 1] if isinstance(current, int) and known else None
    if isinstance(previous, dict) and _same_content(previous.get("content"), content):
        return data
    n = len(history) + 1
    history.append({"n": n, "parent": current if known else None, "created": stamp,
                    "model": "unknown" if history else model, "origin": "migrate", "content": content})
    data["history"], data["current"] = history, n
    return data


class Question(_Model):
    """Something the user must supply; the draft shows a placeholder for it."""

    section: str
    text: str


class UsageEntry(_Model):
    """Usage of one chain run (all attempts)."""

    section: str
    stage: str
    round: int = 0
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cached_input_tokens: int = Field(0, description="Prompt tokens the provider served from its prefix cache.")
    cached: bool = False


class Usage(_Model):
    """The usage ledger."""

    estimated: bool = Field(False, description="True when tokens were estimated (offline/mock models).")
    entries: list[UsageEntry] = Field(default_factory=list)

    @property
    def calls(self) -> int:
        """Model calls in total."""
        return sum(e.calls for e in self.entries)

    @property
    def tokens(self) -> int:
        """Prompt plus completion tokens in total."""
        return sum(e.input_tokens + e.output_tokens for e in self.entries)

    def cost(self, price: dict[str, float] | None) -> float | None:
        """Cost from a price table entry {input, output} per million tokens; None without one."""
        if not price:
            return None
        fresh = [e for e in self.entries if not e.cached]
        return (sum(e.input_tokens for e in fresh) * float(price.get("input", 0))
                + sum(e.output_tokens for e in fresh) * float(price.get("output", 0))) / 1e6


class Overview(_Model):
    """The draft state written to `overview.json`."""

    format: Literal["drafter.overview/2"] = "drafter.overview/2"
    title: str
    company: str
    period: str
    language: Literal["zh", "en"]
    model: str
    created: str
    updated: str
    facts_path: str | None = None
    facts_digest: str
    facts: list[Fact]
    industry: str | None = None
    audience: str | None = None
    strategy: list[str] = Field(default_factory=list)
    sections_override: list[str] | None = None
    opening: Opening | None = None
    opening_stale: bool = False
    closing_inputs: str | None = Field(
        None, description="Digest of what the opening and summary were drafted from (the goals' metrics, the open "
                          "questions, each section's cited facts); when the sections no longer give it, they are "
                          "out of date.")
    sections: list[Section]
    findings: list[Finding] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)
    rounds: int = 0
    usage: Usage = Field(default_factory=Usage)
    markdown_sha256: str | None = Field(
        None, description="sha256 of the overview.md rendered from this file when it was saved (absent in files "
                          "written by older releases), so a hand-edited or half-written overview.md is noticed.")

    @model_validator(mode="before")
    @classmethod
    def _migrate(cls, data: Any) -> Any:
        """Read format 1 files, where each section also stored its current content."""
        if not isinstance(data, dict) or not isinstance(data.get("sections"), list):
            return data
        if not any(isinstance(s, dict) and "content" in s for s in data["sections"]) \
                and data.get("format") != FORMAT_1:
            return data
        data = dict(data)
        if data.get("format") == FORMAT_1:
            data["format"] = FORMAT
        stamp, model = data.get("updated") or data.get("created") or "", data.get("model") or "unknown"
        data["sections"] = [migrate_section(s, stamp, model) if isinstance(s, dict) else s for s in data["sections"]]
        return data

    def section(self, key: str) -> Section:
        """The section with `key` (KeyError when absent)."""
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)
