"""How write and check grow with the number of facts: time and peak memory at 500 / 2,000 / 8,000 facts and at
the facts file's size cap, with the growth factor per doubling (2.0 is linear, 4.0 quadratic).

Run: python bench/scale.py [--sizes 500 2000 8000] [--no-cap]   (prints figures; asserts nothing)

Each fact carries figures (an amount and a percentage, or a goal's baseline and target) and the facts are spread
over the catalog's sections, so the draft, the critic's grounding and coverage checks and the revision rounds all
see thousands of figures.
"""

from __future__ import annotations

import argparse
import gc
import math
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KEYS = ("goals", "processes", "team", "data", "improvement", "risks")
TOPICS = ("华东仓", "华南仓", "门店", "线上", "车队", "客服", "采购", "质检")


def fact(i: int) -> str:
    """A short fact with two figures (an amount and a percentage), distinct for each i."""
    topic = TOPICS[i % len(TOPICS)]
    return f"{topic}{i}号营收{(i * 13) % 900 + 100}.{i % 10}万元，增长{i % 40 + 1}.{i % 7}%"


def facts_yaml(n: int) -> str:
    """A facts file with n facts (goals get deadline-bearing aims, the rest plain facts)."""
    per: dict[str, list[str]] = {k: [] for k in KEYS}
    for i in range(n):
        key = KEYS[i % len(KEYS)]
        text = fact(i) if key != "goals" else f"2026年6月底前{i}号准点率从{80 + i % 10}%升到{91 + i % 8}%"
        per[key].append(text)
    lines = ["company: 星河物流", "period: 2025年第四季度"]
    for key, items in per.items():
        lines.append(f"{key}:")
        lines += [f"  - {t}" for t in items]
    return "\n".join(lines) + "\n"


def measure(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(seconds, peak MiB, result) of one call."""
    gc.collect()
    tracemalloc.start()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, result


def run(n: int | None, text: str, workdir: Path) -> dict[str, float]:
    from drafter.critic.checks import check_against
    from drafter.critic.document import from_markdown
    from drafter.draft.render_markdown import render
    from drafter.facts.load import load_facts
    from drafter.pipeline import WriteOptions, write_overview
    from drafter.settings import ModelSettings

    path = workdir / f"facts_{n or 'cap'}.yaml"
    path.write_text(text, encoding="utf-8")
    load_s, load_mb, facts = measure(lambda: load_facts(path))
    write_s, write_mb, overview = measure(lambda: write_overview(facts, ModelSettings(name="offline"),
                                                                 WriteOptions(use_cache=False)))
    markdown = render(overview)
    check_s, check_mb, report = measure(lambda: check_against(from_markdown(markdown, facts.language), facts))
    return {"facts": float(len(facts.items)), "bytes": float(len(text.encode())), "load_s": load_s,
            "load_mb": load_mb, "write_s": write_s, "write_mb": write_mb, "check_s": check_s, "check_mb": check_mb,
            "rounds": float(overview.rounds), "findings": float(len(report.findings))}


def cap_text() -> str:
    """The largest facts file the loader accepts (just under its size cap)."""
    from drafter.facts import load

    cap = int(getattr(load, "MAX_FACTS_BYTES", 512 * 1024))
    n = 1000
    while len(facts_yaml(n * 2).encode()) < cap:
        n *= 2
    low, high = n, n * 2
    while high - low > 50:
        mid = (low + high) // 2
        low, high = (mid, high) if len(facts_yaml(mid).encode()) < cap else (low, mid)
    return facts_yaml(low)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 8000])
    parser.add_argument("--no-cap", action="store_true", help="skip the run at the size cap")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            rows.append(run(n, facts_yaml(n), Path(tmp)))
        if not args.no_cap:
            rows.append(run(None, cap_text(), Path(tmp)))
    head = f"{'facts':>6} {'KiB':>6} {'load s':>7} {'write s':>8} {'check s':>8} {'load MiB':>9} {'write MiB':>10} " \
           f"{'check MiB':>10} {'rounds':>6}"
    print(head)
    for r in rows:
        print(f"{r['facts']:6.0f} {r['bytes'] / 1024:6.0f} {r['load_s']:7.2f} {r['write_s']:8.2f} {r['check_s']:8.2f} "
              f"{r['load_mb']:9.1f} {r['write_mb']:10.1f} {r['check_mb']:10.1f} {r['rounds']:6.0f}")
    print("\ngrowth per doubling of facts (time ratio ^ (1 / log2 of the size ratio); 2.0 is linear, 4.0 quadratic):")
    for a, b in zip(rows, rows[1:], strict=False):
        doublings = math.log2(b["facts"] / a["facts"])
        if doublings <= 0:
            continue
        parts = []
        for name in ("load_s", "write_s", "check_s", "write_mb"):
            if a[name] > 0:
                parts.append(f"{name} ×{(b[name] / a[name]) ** (1 / doublings):.2f}")
        print(f"  {a['facts']:.0f} → {b['facts']:.0f}: " + ", ".join(parts))


if __name__ == "__main__":
    main()
