"""Quality of the offline drafter's drafts, per case: the figures of issue 12's "Done when".

Run: python bench/offline_quality.py [--json FILE] [--show-repeats] [--with-unseen]
(prints figures; asserts nothing). It drafts every eval case (evals/cases/*/facts.yaml) and example
(examples/*.yaml) with the offline model, then reports per case:

- boilerplate: sentences that are not fact / derived / outlook-with-ids / placeholder / advice, ÷ all body sentences.
  `kind` reads the statement kinds the draft stores; `text` reads the Markdown the way a reviewer would (a sentence
  is a fact when it carries a fact's figures and most of its key terms, a placeholder when it holds 【待补充】 /
  [TO FILL], advice when it is worded as advice). Drafts without stored kinds (older drafters) have only `text`.
- fact share: fact and derived sentences ÷ all body sentences (same two readings).
- repeats: sentences of the drafter's own wording in this draft that also appear in another case's draft once
  company, period and digits are masked. Placeholders and the "应对："/"Response:" label are excepted, and so is a
  sentence that is a fact of its case word for word apart from a period lead of three characters or fewer
  (two facts files may state the same fact, e.g. "新品上市周期从45天缩短到30天"); those are counted apart as
  `shared facts`.
- length: draft characters ÷ reference characters (whitespace excluded), for cases with a reference.md.
- claims: findings of the critic's `claims` check, when that check is registered (else "–").
- eval: the same three figures as `drafter eval` computes them (drafter.evaluation.prose: boilerplate_ratio,
  fact_bearing_share, cross_case_repeats over the drafts of this run), when that module exists (else "–").

Works against any checkout of drafter on the path, so the same script measures an older drafter too:
`PYTHONPATH=/path/to/old/checkout python bench/offline_quality.py`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from drafter.critic.checks import check_against
from drafter.critic.coverage import fact_is_used
from drafter.critic.document import PLACEHOLDER_RE, from_overview, sentences
from drafter.critic.registry import registered
from drafter.draft.render_markdown import render
from drafter.evaluation.metrics import length_ratio
from drafter.facts.load import load_facts
from drafter.pipeline import WriteOptions, write_overview
from drafter.settings import ModelSettings

ROOT = Path(__file__).resolve().parent.parent
ADVICE = re.compile(r"建议|应当|^应|可考虑|不妨|(?i:\b(?:should|consider|could)\b)")
LABEL = re.compile(r"^(?:应对[:：]|Response:\s*)")
GOOD = {"fact", "derived", "placeholder", "advice", "outlook"}
TARGETS = {"zh": 0.15, "en": 0.25}


def classify_text(sentence: str, fact_texts: list[str]) -> str:
    """A sentence's kind as a reader of the Markdown would judge it."""
    if PLACEHOLDER_RE.search(sentence):
        return "placeholder"
    if ADVICE.search(sentence):
        return "advice"
    bare = LABEL.sub("", sentence).rstrip("。.")
    if any(fact_is_used(f, sentence) or f.strip().rstrip("。.") in bare for f in fact_texts):
        return "fact"
    return "other"


def _kinds_of(item: Any, fact_texts: list[str]) -> list[str] | None:
    statements = getattr(item, "statements", None)
    if statements:
        return [s.kind if s.kind != "outlook" or s.fact_ids else "other" for s in statements]
    return None


def stored_kinds(overview: Any, fact_texts: list[str]) -> list[str] | None:
    """Kinds per body sentence from the draft's statements; None when the draft stores none."""
    out: list[str] = []
    any_stored = False
    items: list[Any] = [overview.opening] if overview.opening is not None else []
    for section in overview.sections:
        content = section.content
        if content is None:
            continue
        items += list(content.paragraphs) + list(getattr(content, "bullets", []))
        for goal in getattr(content, "goals", []):
            out.append("fact" if goal.fact_ids else "placeholder")
        for risk in getattr(content, "risks", []):
            out.append("fact" if risk.fact_ids else "other")
            kind = getattr(risk, "response_kind", None)
            out.append("placeholder" if not risk.response else kind if kind in ("fact", "advice") else "other")
    for item in items:
        if not item.text.strip():
            continue
        kinds = _kinds_of(item, fact_texts)
        if kinds is None:
            out += [classify_text(s, fact_texts) for s in sentences(item.text)]
        else:
            any_stored = True
            out += kinds
    return out if any_stored else None


def body_sentences(markdown: str) -> list[str]:
    """The sentences of the opening and the sections (no title, no headings)."""
    lines = [ln for ln in markdown.splitlines() if not ln.startswith("#")]
    return sentences("\n".join(lines))


def mask(sentence: str, company: str, period: str) -> str:
    """A sentence with company, period and digits masked (how cross-case repeats are compared)."""
    text = sentence.replace(company, "<C>").replace(period, "<P>")
    return re.sub(r"\d+(?:[.,]\d+)*", "#", text)


def _eval_readings(name: str, overview: Any, facts: Any, evals: list[Any]) -> dict[str, Any]:
    """boilerplate and fact-bearing share as `drafter eval` computes them (None without drafter.evaluation.prose)."""
    try:
        from drafter.evaluation.prose import masked_sentences, overview_units
        from drafter.evaluation.prose import share as unit_share
    except ImportError:
        return {"boilerplate_eval": None, "fact_share_eval": None, "xcase_eval": None}
    units = overview_units(overview, facts)
    evals.append(masked_sentences(name, units, facts))
    return {"boilerplate_eval": round(unit_share(units, ("boilerplate",)) or 0.0, 3),
            "fact_share_eval": round(unit_share(units, ("fact", "derived")) or 0.0, 3), "xcase_eval": None}


def _residue(sentence: str, masked_facts: list[str]) -> str:
    """What is left of a sentence once the facts it quotes (masked) are taken out."""
    for f in masked_facts:
        if f:
            sentence = sentence.replace(f, "")
    return sentence.replace("<C>", "").replace("<P>", "")


def share(kinds: list[str], good: set[str]) -> float:
    return sum(1 for k in kinds if k in good) / len(kinds) if kinds else 0.0


def measure(paths: list[tuple[str, Path, Path | None]]) -> list[dict[str, Any]]:
    """Draft every facts file and measure it."""
    has_claims = any(c.name == "claims" for c in registered())
    rows: list[dict[str, Any]] = []
    evals: list[Any] = []
    masked: dict[str, set[str]] = {}
    own: dict[str, set[str]] = {}
    for name, path, reference in paths:
        facts = load_facts(path)
        overview = write_overview(facts, ModelSettings("offline"), WriteOptions(use_cache=False))
        md = render(overview)
        fact_texts = [f.text for f in facts.items]
        text_kinds = [classify_text(s, fact_texts) for s in body_sentences(md)]
        kinds = stored_kinds(overview, fact_texts)
        row: dict[str, Any] = {
            "case": name, "lang": facts.language, "sentences": len(text_kinds),
            "boilerplate_text": round(1 - share(text_kinds, GOOD), 3),
            "fact_share_text": round(share(text_kinds, {"fact"}), 3),
            "boilerplate_kind": round(1 - share(kinds, GOOD), 3) if kinds else None,
            "fact_share_kind": round(share(kinds, {"fact", "derived"}), 3) if kinds else None,
            "length_ratio": round(length_ratio(md, reference.read_text(encoding="utf-8-sig")), 3)
            if reference else None,
            "claims": None,
        }
        if has_claims:
            report = check_against(from_overview(overview), facts)
            row["claims"] = sum(1 for f in report.findings if f.check == "claims")
        row.update(_eval_readings(name, overview, facts, evals))
        masked_facts = sorted({mask(f.strip().rstrip("。."), facts.file.company, facts.file.period)
                               for f in fact_texts}, key=len, reverse=True)
        masked[name] = {mask(LABEL.sub("", s), facts.file.company, facts.file.period)
                        for s in body_sentences(md) if not PLACEHOLDER_RE.search(s)}
        masked[name] = {s for s in masked[name] if len(re.sub(r"\W", "", s)) >= 8}
        own[name] = {s for s in masked[name] if len(re.sub(r"\W", "", _residue(s, masked_facts))) > 3}
        rows.append(row)
    if evals:
        from drafter.evaluation.prose import cross_case

        found = cross_case(evals)
        for row in rows:
            row["xcase_eval"] = len(found[row["case"]])
    seen: dict[str, set[str]] = defaultdict(set)
    for name, items in masked.items():
        for s in items:
            seen[s].add(name)
    for row in rows:
        shared = sorted(s for s in masked[row["case"]] if len(seen[s]) > 1)
        row["repeated"] = [s for s in shared if s in own[row["case"]]]
        row["repeats"] = len(row["repeated"])
        row["shared_facts"] = len(shared) - row["repeats"]
    return rows


def cases(with_unseen: bool) -> list[tuple[str, Path, Path | None]]:
    out: list[tuple[str, Path, Path | None]] = []
    for d in sorted((ROOT / "evals" / "cases").iterdir()):
        if (d / "facts.yaml").is_file():
            ref = d / "reference.md"
            out.append((d.name, d / "facts.yaml", ref if ref.is_file() else None))
    out += [(f"example:{p.stem}", p, None) for p in sorted((ROOT / "examples").glob("*.yaml"))]
    if with_unseen:
        out += [(f"unseen:{p.stem}", p, None) for p in sorted((ROOT / "tests" / "data" / "unseen").glob("*.yaml"))]
    return out


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, help="also write the rows as JSON")
    parser.add_argument("--show-repeats", action="store_true", help="list the repeated sentences")
    parser.add_argument("--with-unseen", action="store_true", help="also draft tests/data/unseen/*.yaml")
    args = parser.parse_args(argv)
    rows = measure(cases(args.with_unseen))
    head = f"{'case':<28} {'lang':<4} {'sent':>4} {'boiler(kind)':>12} {'boiler(text)':>12} {'boiler(eval)':>12} " \
           f"{'facts(kind)':>11} {'facts(text)':>11} {'facts(eval)':>11} {'repeats':>7} {'xcase(eval)':>11} " \
           f"{'shared facts':>12} {'length':>6} {'claims':>6}"
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['case']:<28} {r['lang']:<4} {r['sentences']:>4} {_fmt(r['boilerplate_kind']):>12} "
              f"{_fmt(r['boilerplate_text']):>12} {_fmt(r['boilerplate_eval']):>12} "
              f"{_fmt(r['fact_share_kind']):>11} {_fmt(r['fact_share_text']):>11} {_fmt(r['fact_share_eval']):>11} "
              f"{r['repeats']:>7} {_fmt(r['xcase_eval']):>11} {r['shared_facts']:>12} {_fmt(r['length_ratio']):>6} "
              f"{_fmt(r['claims']):>6}")
    misses = []
    for r in rows:
        boiler = r["boilerplate_kind"] if r["boilerplate_kind"] is not None else r["boilerplate_text"]
        facts = r["fact_share_kind"] if r["fact_share_kind"] is not None else r["fact_share_text"]
        if boiler > TARGETS[r["lang"]]:
            misses.append(f"{r['case']}: boilerplate {boiler:.3f} > {TARGETS[r['lang']]}")
        if facts < 0.5:
            misses.append(f"{r['case']}: fact share {facts:.3f} < 0.5")
        if r["repeats"]:
            misses.append(f"{r['case']}: {r['repeats']} sentence(s) shared with another case")
        if r["length_ratio"] is not None and not 0.7 <= r["length_ratio"] <= 1.4:
            misses.append(f"{r['case']}: length ratio {r['length_ratio']:.3f} outside 0.7–1.4")
        if r["claims"]:
            misses.append(f"{r['case']}: {r['claims']} claims finding(s)")
    print(f"\ntargets: boilerplate ≤ {TARGETS['zh']} (zh) / ≤ {TARGETS['en']} (en), fact share ≥ 0.5, 0 repeats, "
          "length 0.7–1.4, 0 claims findings")
    print("\n".join(["misses:", *("  " + m for m in misses)]) if misses else "misses: none")
    if args.show_repeats:
        for r in rows:
            for s in r["repeated"]:
                print(f"  [{r['case']}] {s}")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
