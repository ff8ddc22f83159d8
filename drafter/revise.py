"""Revising one section: propose (one model call + critic), accept as a new version, history, undo, hand edits."""

from __future__ import annotations

import asyncio
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drafter import critic, i18n
from drafter.critic.document import PLACEHOLDER_RE
from drafter.draft.model import (
    Bullet,
    Finding,
    Goal,
    GoalsSection,
    Overview,
    Paragraph,
    ProseSection,
    Risk,
    RisksSection,
    Section,
    SectionContent,
)
from drafter.draft.render_markdown import section_body
from drafter.draft.text import unescape
from drafter.errors import InputError, ModelError
from drafter.facts.catalog import spec
from drafter.facts.load import load_facts
from drafter.facts.model import Facts, FactsFile
from drafter.llm import chains
from drafter.llm.offline import parse_goal_text
from drafter.llm.protocol import Model
from drafter.llm.registry import get_model
from drafter.pipeline import (
    Runner,
    clean_ids,
    closing_inputs,
    collect_questions,
    goal_metrics,
    make_current,
    now,
    section_digests,
    set_version,
)
from drafter.settings import ModelSettings


@dataclass
class Proposal:
    """A redrafted section waiting for accept / reject / edit."""

    key: str
    content: SectionContent
    before: str
    after: str
    findings: list[Finding]
    calls: int
    note: str = ""

    @property
    def changed(self) -> bool:
        """True when the text differs from the current version."""
        return self.before != self.after


def facts_for(overview: Overview) -> Facts:
    """The draft's facts: the facts file when it still matches, else the record kept in overview.json."""
    if overview.facts_path and Path(overview.facts_path).is_file():
        try:
            facts = load_facts(overview.facts_path)
        except InputError:
            facts = None
        if facts is not None and facts.digest == overview.facts_digest:
            return facts
    file = FactsFile(company=overview.company, period=overview.period, language=overview.language,
                     industry=overview.industry, audience=overview.audience, strategy=overview.strategy,
                     sections=overview.sections_override)
    return Facts(path=overview.facts_path or "overview.json", file=file, items=list(overview.facts),
                 digest=overview.facts_digest)


def find_section(overview: Overview, key: str) -> Section:
    """The section with `key`, or an InputError listing the keys there are."""
    try:
        return overview.section(key)
    except KeyError:
        keys = ", ".join(s.key for s in overview.sections)
        raise InputError(i18n._("no section '{name}' in this draft; sections: {sections}.").format(
            name=key, sections=keys)) from None


def section_findings(overview: Overview, facts: Facts, key: str) -> list[Finding]:
    """The critic's findings for one section."""
    return [f for f in critic.review(overview, facts) if f.section == key]


def status_of(findings: list[Finding]) -> str:
    """clean / warnings / errors."""
    severities = {f.severity for f in findings}
    return "errors" if "error" in severities else "warnings" if "warning" in severities else "clean"


def propose(overview: Overview, key: str, instruction: str | None, settings: ModelSettings,
            model: Model | None = None) -> Proposal:
    """Redraft one section against its critique and the instruction (one model call), then check it."""
    section = find_section(overview, key)
    facts = facts_for(overview)
    lang = overview.language
    current = section.content
    critique = [f"[{f.check}] {f.message} {f.evidence}".strip() for f in overview.findings
                if f.section == key and f.severity in ("error", "warning")]
    revision = {"previous": current.model_dump(mode="json") if current else None, "critique": critique,
                "instruction": instruction}
    keys = [s.key for s in overview.sections]
    runner = Runner(model or get_model(settings), settings, lang, 1)
    known = {f.id for f in facts.items}
    if key == "summary":
        prompt = chains.summary_prompt(facts, section_digests(overview), goal_metrics(overview.sections),
                                       [q.text for q in collect_questions(overview.sections)], revision)
        schema: type[Any] = ProseSection
    else:
        prompt = chains.section_prompt(facts, key, keys, revision)
        schema = chains.section_schema(key)
    content = clean_ids(asyncio.run(runner.run(schema, prompt, key, "revise")), known)
    note = ""
    if instruction and settings.is_fake:
        note = ("The offline model cannot follow free-text instructions; the section was redrafted against its "
                "critique instead. Use --model openai:<name> to apply the instruction, or `drafter edit`."
                if lang == "en" else
                "离线模型无法执行自由文本的修改要求，已按审校意见重新起草本节；如需按要求修改，请使用 "
                "--model openai:<模型名>，或用 drafter edit 手动编辑。")
    trial = overview.model_copy(deep=True)
    set_version(trial.section(key), content, settings.name, "revise", instruction)
    findings = section_findings(trial, facts, key)
    before = section_body(current, lang) if current else ""
    return Proposal(key, content, before, section_body(content, lang), findings,
                    sum(e.calls for e in runner.usage.entries), note)


def pending_proposal(overview: Overview, key: str) -> Proposal | None:
    """The redraft the facts update left beside a section edited by hand, as a proposal (no model call)."""
    section = find_section(overview, key)
    if section.proposal is None or section.content is None:
        return None
    lang = overview.language
    content = section.proposal.content
    trial = overview.model_copy(deep=True)
    set_version(trial.section(key), content, section.proposal.model, "update")
    note = ("这是事实变化后重新起草的版本；当前版本是手工修改的，接受后手工修改将被替换（历史中仍保留）。"
            if lang == "zh" else "This redraft was made when the facts changed; the current version was edited by "
                                 "hand and stays in the history if you accept.")
    return Proposal(key, content, section_body(section.content, lang), section_body(content, lang),
                    section_findings(trial, facts_for(overview), key), 0, note)


def reject_proposal(overview: Overview, key: str) -> None:
    """Drop the pending redraft of a section (its current version stays)."""
    find_section(overview, key).proposal = None
    overview.updated = now()


def mark_staleness(overview: Overview) -> bool:
    """Mark the opening and summary out of date exactly when the sections no longer give what they were drafted
    from (so an undo back to that state makes them current again); True when they are out of date."""
    if overview.closing_inputs is None:
        return overview.opening_stale
    stale = closing_inputs(overview) != overview.closing_inputs
    overview.opening_stale = stale
    for s in overview.sections:
        if s.key == "summary" and s.state in ("ok", "stale") and s.content is not None:
            s.state = "stale" if stale else "ok"
    return stale


def stale_note(overview: Overview, directory: Path | str) -> str | None:
    """What to say when the opening or summary are out of date with the sections (None when they are not)."""
    summary = next((s for s in overview.sections if s.key == "summary"), None)
    if not overview.opening_stale and not (summary is not None and summary.state == "stale"):
        return None
    return i18n._("the opening and summary are out of date with the sections; refresh them with "
                  "`drafter revise {directory} --refresh-summary`").format(directory=directory)


def accept(overview: Overview, key: str, content: SectionContent, model: str, instruction: str | None,
           origin: str = "revise") -> None:
    """Store `content` as the section's new current version; mark opening/summary stale when affected."""
    facts = facts_for(overview)
    section = find_section(overview, key)
    before = closing_inputs(overview)
    section.proposal = None  # a pending redraft is answered by whatever is accepted now
    version = set_version(section, content, model, origin, instruction)
    if overview.closing_inputs is not None:
        mark_staleness(overview)
    elif key != "summary" and closing_inputs(overview) != before:  # a draft from before the digest was kept
        overview.opening_stale = True
        if any(s.key == "summary" for s in overview.sections):
            overview.section("summary").state = "stale"
    if key == "summary":
        section.state = "ok"
    overview.findings = critic.review(overview, facts)
    overview.questions = collect_questions(overview.sections)
    version.status = status_of([f for f in overview.findings if f.section == key])  # type: ignore[assignment]
    overview.updated = now()


def refresh_summary(overview: Overview, settings: ModelSettings, model: Model | None = None) -> int:
    """Redraft the opening and the summary from the current sections (two model calls); returns calls.

    A part that fails keeps what it had and stays marked out of date; the overview is updated with what succeeded
    and then `RefreshFailed` says what failed (the caller saves first, so a refreshed opening is not lost)."""
    from drafter.pipeline import draft_closing

    facts = facts_for(overview)
    runner = Runner(model or get_model(settings), settings, overview.language, 2)
    summary = next((s for s in overview.sections if s.key == "summary"), None)
    before = (summary.state, summary.error) if summary is not None else None
    failed = asyncio.run(draft_closing(runner, facts, overview, {f.id for f in facts.items}))
    if "opening" not in failed:
        overview.opening_stale = False
    if summary is not None and before is not None:
        if "summary" in failed:
            summary.state, summary.error = before  # the summary it had, still marked as it was
        elif summary.state == "stale":
            summary.state = "ok"
    overview.findings = critic.review(overview, facts)
    overview.usage.entries += runner.usage.entries
    overview.updated = now()
    calls = sum(e.calls for e in runner.usage.entries)
    if failed:
        raise RefreshFailed(failed, calls)
    return calls


class RefreshFailed(ModelError):  # noqa: N818 - reads as what happened
    """The opening or the summary could not be redrafted; what succeeded is in the overview."""

    def __init__(self, failed: dict[str, str], calls: int) -> None:
        parts = " and ".join(failed)
        first = next(iter(failed.values()))
        super().__init__(f"could not refresh the {parts} ({first}); it stays marked out of date: run "
                         "`drafter revise DIR --refresh-summary` again once the model answers.")
        self.failed = failed
        self.calls = calls


def undo(overview: Overview, key: str) -> int:
    """Make the version that preceded the current one current again (history is kept); returns its number."""
    section = find_section(overview, key)
    current = section.version
    if current is None or current.parent is None:
        raise InputError(i18n._("section '{key}' has no earlier version to restore.").format(key=key))
    make_current(section, section.history[current.parent - 1])
    if key == "summary" and overview.closing_inputs is None:
        section.state = "ok"
    mark_staleness(overview)
    overview.findings = critic.review(overview, facts_for(overview))
    overview.questions = collect_questions(overview.sections)
    overview.updated = now()
    return current.parent


def diff(before: str, after: str, before_name: str = "current", after_name: str = "proposed") -> list[str]:
    """Unified diff lines of a section's Markdown."""
    return list(difflib.unified_diff(before.splitlines(), after.splitlines(), before_name, after_name, lineterm="",
                                     n=1))


class EditParseError(InputError):
    """A hand-edited section body that cannot be read back; `line` is 1-based in the edited text."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.reason = message


_LIST_ITEM = re.compile(r"^\s*[-*+]\s+")
_RESPONSE = re.compile(r"应对[:：]|Response:\s*")


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """The blank-line separated blocks of `text`, each with the number of its first line."""
    blocks: list[tuple[int, list[str]]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            if blocks and blocks[-1][1]:
                blocks.append((0, []))
            continue
        if not blocks or not blocks[-1][1]:
            if blocks:
                blocks.pop()
            blocks.append((n, []))
        blocks[-1][1].append(line)
    return [b for b in blocks if b[1]]


def parse_section_markdown(text: str, key: str, facts: Facts) -> SectionContent:
    """Turn a hand-edited section body back into its model; fact ids are re-derived from the text.

    The body has the shape drafter renders: for goals and risks an optional lead paragraph, the list, then
    paragraphs; for other sections paragraphs, then an optional list. What does not fit raises EditParseError
    with the line it is on."""
    from drafter.critic.coverage import fact_is_used

    lang = facts.language
    kind = spec(key).kind
    own = facts.for_section(key) + [f for f in facts.items if f.section != key]
    blocks = _blocks(text)
    if not blocks:
        raise EditParseError(1, i18n._("the edited section is empty; nothing was saved."))

    def ids(fragment: str) -> list[str]:
        return [f.id for f in own if fact_is_used(f.text, fragment)]

    listed = "goals" if kind == "goals" else "risks" if kind == "risks" else "list items"
    paragraphs: list[Paragraph] = []
    items: list[tuple[int, str]] = []
    lead: bool | None = None  # goals and risks: whether a paragraph comes before the list
    for first, lines in blocks:
        for n, ln in enumerate(lines, first):
            if ln.lstrip().startswith("#"):
                raise EditParseError(n, "a heading inside the section; the section's heading is drafter's, "
                                        "leave it out (write a literal # as \\#).")
        if all(_LIST_ITEM.match(ln) for ln in lines):  # list structure is read before unescaping
            if kind in ("goals", "risks") and lead is None:
                if len(paragraphs) > 1:
                    raise EditParseError(first, f"{len(paragraphs)} paragraphs before the {listed}; at most one "
                                                "paragraph can come before the list, the others go after it.")
                lead = bool(paragraphs)
            elif kind in ("goals", "risks") and len(paragraphs) > int(bool(lead)):
                raise EditParseError(first, f"a second list after a paragraph; the {listed} of this section are "
                                            "one list.")
            items += [(n, unescape(_LIST_ITEM.sub("", ln).strip())) for n, ln in enumerate(lines, first)]
        else:
            if items and kind not in ("goals", "risks"):
                raise EditParseError(first, "a paragraph after the list; in this section the list comes last.")
            joined = unescape(" ".join(ln.strip() for ln in lines) if lang == "en" else
                              "".join(ln.strip() for ln in lines))
            paragraphs.append(Paragraph(text=joined, fact_ids=ids(unescape("\n".join(lines)))))
    questions = [m for m in PLACEHOLDER_RE.findall(unescape(text))]
    if kind in ("goals", "risks") and items and not lead:
        paragraphs.insert(0, Paragraph(text="", fact_ids=[]))  # the list comes first: an empty lead paragraph
    if kind == "goals":
        goals = []
        for _, item in items:
            fields = parse_goal_text(item)
            goals.append(Goal(statement=item, metric=fields["metric"], baseline=fields["baseline"],
                              target=fields["target"], deadline=fields["deadline"], fact_ids=ids(item)))
        return GoalsSection(paragraphs=paragraphs or [Paragraph(text="", fact_ids=[])], goals=goals,
                            questions=questions)
    if kind == "risks":
        risks = []
        for n, item in items:
            parts = _RESPONSE.split(item, maxsplit=1)  # [description] or [description, response]
            desc = parts[0].strip().rstrip("。.").strip()
            response = parts[1].strip() if len(parts) > 1 else ""
            if not desc:
                raise EditParseError(n, "a risk with no description; write the risk before the response "
                                        f"({'Response:' if lang == 'en' else '应对：'}).")
            if PLACEHOLDER_RE.fullmatch(response):
                response = ""  # the placeholder drafter writes for a risk with no response
            risks.append(Risk(description=desc, response=response or None, fact_ids=ids(item)))
        return RisksSection(paragraphs=paragraphs or [Paragraph(text="", fact_ids=[])], risks=risks,
                            questions=questions)
    return ProseSection(paragraphs=paragraphs, bullets=[Bullet(text=i, fact_ids=ids(i)) for _, i in items],
                        questions=questions)
