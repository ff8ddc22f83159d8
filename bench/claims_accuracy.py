"""Claims check figures: false findings on hand-written references (dev), precision/recall on the frozen seeded set,
and what it reports on today's offline drafts. Prints figures; asserts nothing.

Run: python bench/claims_accuracy.py [--sweep]   (--sweep varies the thresholds on the dev texts only)
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drafter.critic import claims  # noqa: E402
from drafter.critic.document import from_markdown, from_overview, sentences  # noqa: E402
from drafter.facts.load import load_facts  # noqa: E402
from drafter.facts.model import Facts  # noqa: E402

WITH_GROUNDING = False  # also count grounding's unsupported figures (the critic as a whole)


def findings_for(markdown: str, facts: Facts) -> list[str]:
    """Evidence sentences of the claims findings on a Markdown overview."""
    from drafter.critic.grounding import check_grounding

    doc = from_markdown(markdown, facts.language)
    found = [f.evidence for f in claims.check_claims(doc, facts.items, facts.source_texts())]
    if WITH_GROUNDING:
        found += [f.evidence for f in check_grounding(doc, facts.source_texts())]
    return found


def references() -> tuple[int, int, list[str]]:
    """(sentences, false findings, examples) on the eval cases' hand-written references."""
    total, flagged, examples = 0, 0, []
    for case in sorted((ROOT / "evals" / "cases").iterdir()):
        facts = load_facts(next(case.glob("facts.*")))
        text = (case / "reference.md").read_text(encoding="utf-8")
        total += len(sentences(text))
        found = findings_for(text, facts)
        flagged += len(found)
        examples += [f"{case.name}: {e}" for e in found]
    return total, flagged, examples


def dev_labels() -> None:
    """Findings per label on the references' sentences, labelled in evals/dev/reference_labels.yaml (a dev set)."""
    from collections import Counter

    labels = yaml.safe_load((ROOT / "evals" / "dev" / "reference_labels.yaml").read_text(encoding="utf-8"))
    evidence: dict[str, list[str]] = {}
    for case in sorted((ROOT / "evals" / "cases").iterdir()):
        facts = load_facts(next(case.glob("facts.*")))
        evidence[case.name] = findings_for((case / "reference.md").read_text(encoding="utf-8"), facts)
    flagged: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for item in labels:
        sentence = item["sentence"].strip()
        total[item["label"]] += 1
        flagged[item["label"]] += any(sentence[:20] in e or e[:20] in sentence for e in evidence[item["case"]])
    print("references by label (dev): " + ", ".join(f"{k} {flagged[k]}/{total[k]}" for k in sorted(total)))


def frozen() -> dict[str, float]:
    """Sentence-level precision and recall of invented claims on evals/frozen/claims (frozen: never tuned on)."""
    tp = fp = fn = 0
    misses, false = [], []
    for doc_dir in sorted((ROOT / "evals" / "frozen" / "claims").iterdir()):
        if not doc_dir.is_dir():
            continue
        facts = load_facts(doc_dir / "facts.yaml")
        text = (doc_dir / "overview.md").read_text(encoding="utf-8")
        labels = yaml.safe_load((doc_dir / "labels.yaml").read_text(encoding="utf-8"))
        evidence = findings_for(text, facts)

        def hit(sentence: str, evidence: list[str] = evidence) -> bool:
            core = sentence.strip()[:40]
            return any(core[:20] in e or e[:20] in sentence for e in evidence)

        for item in labels:
            invented = item["label"] == "invented"
            flagged = hit(item["sentence"])
            tp += invented and flagged
            fp += flagged and not invented
            fn += invented and not flagged
            if invented and not flagged:
                misses.append(f"{doc_dir.name} [{item.get('kind')}] {item['sentence'][:70]}")
            if flagged and not invented:
                false.append(f"{doc_dir.name} [{item['label']}] {item['sentence'][:70]}")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    print(f"frozen seeded set: {tp} caught, {fn} missed, {fp} false → precision {precision:.2f}, recall {recall:.2f}")
    for m in misses:
        print(f"   missed: {m}")
    for m in false:
        print(f"   false:  {m}")
    return {"precision": precision, "recall": recall}


def offline_drafts() -> None:
    """Claims findings on today's offline drafts of the examples and eval cases."""
    from drafter.critic.checks import review
    from drafter.pipeline import WriteOptions, write_overview
    from drafter.settings import ModelSettings

    paths = sorted((ROOT / "examples").glob("*.yaml")) + sorted((ROOT / "evals" / "cases").glob("*/facts.*"))
    total = 0
    for path in paths:
        facts = load_facts(path)
        overview = write_overview(facts, ModelSettings("offline"), WriteOptions(max_rounds=0, use_cache=False))
        found = [f for f in review(overview, facts) if f.check == "claims"]
        total += len(found)
        label = path.parent.name if path.name.startswith("facts") else path.stem
        print(f"offline draft {label}: {len(found)} claims finding(s)" + "".join(
            f"\n   {f.code}: {f.evidence[:80]}" for f in found[:3]))
    _ = from_overview
    print(f"offline drafts: {total} claims finding(s) in {len(paths)} drafts")


def main() -> int:
    if "--sweep" in sys.argv:
        for fact_t in (0.4, 0.5, 0.6):
            for assert_t in (0.5, 0.6, 0.7):
                claims.FACT_SUPPORT, claims.ASSERTION_SUPPORT = fact_t, assert_t
                total, flagged, _ = references()
                print(f"fact ≥ {fact_t}, assertion ≥ {assert_t}: {flagged} false finding(s) in {total} reference "
                      "sentences (dev)")
        return 0
    global WITH_GROUNDING
    total, flagged, examples = references()
    print(f"references (dev, hand-written): {flagged} finding(s) in {total} sentences")
    dev_labels()
    frozen()
    WITH_GROUNDING = True
    print("with grounding (unsupported figures) counted too:")
    dev_labels()
    frozen()
    WITH_GROUNDING = False
    offline_drafts()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
