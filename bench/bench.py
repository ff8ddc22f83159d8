"""Speed figures: start-up, offline write, the critical path with a slow mocked model, shared prompt prefix, evals.

Run: python bench/bench.py   (prints figures; asserts nothing — compare ratios measured in one run)
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "coffee.yaml"
LATENCY = 0.5


def best_of(cmd: list[str], runs: int = 5, env: dict[str, str] | None = None) -> tuple[float, float]:
    """(min, median) wall seconds of a command."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def concurrency() -> None:
    """Mocked model with DRAFTER_MOCK_LATENCY: --concurrency 1 against the default, and the critical path."""
    from drafter.facts.load import load_facts
    from drafter.pipeline import WriteOptions, write_overview
    from drafter.settings import DEFAULTS, ModelSettings

    facts = load_facts(EXAMPLE)
    default = int(DEFAULTS["concurrency"])
    os.environ["DRAFTER_MOCK_LATENCY"] = "0"
    start = time.perf_counter()
    write_overview(facts, ModelSettings("mock"), WriteOptions(concurrency=default))
    zero = time.perf_counter() - start
    os.environ["DRAFTER_MOCK_LATENCY"] = str(LATENCY)
    results = {}
    for label, jobs in (("--concurrency 1", 1), ("--concurrency 8", 8), (f"default ({default})", default)):
        start = time.perf_counter()
        overview = write_overview(facts, ModelSettings("mock"), WriteOptions(concurrency=jobs))
        results[label] = time.perf_counter() - start
    sections = len(overview.sections) - 1
    print(f"mocked model at {LATENCY}s/call, {sections} sections + summary + opening, {overview.usage.calls} calls, "
          f"{overview.rounds} revise round(s)")
    for label, seconds in results.items():
        print(f"  {label:<16} {seconds:6.2f} s")
    wall = results[f"default ({default})"]
    bound = zero + 2 * LATENCY  # the sections at once, then the opening and summary at once
    print(f"  speed-up {results['--concurrency 1'] / wall:.1f}x; critical path: wall / (wall at zero latency "
          f"{zero:.2f} s + 2 × latency) = {wall / bound:.2f} (1.00 = nothing waits that need not)")
    os.environ.pop("DRAFTER_MOCK_LATENCY")


def shared_prefix() -> None:
    """How much of each section prompt is a prefix every call shares (what provider prefix caches reuse)."""
    from drafter.facts.load import load_facts
    from drafter.llm import chains
    from drafter.llm.prompts import shared_prefix_share
    from drafter.pipeline import new_overview

    for path in sorted((ROOT / "examples").glob("*.yaml")):
        facts = load_facts(path)
        keys = [s.key for s in new_overview(facts, "offline").sections]
        prompts = [chains.section_prompt(facts, k, keys) for k in keys if k != "summary"]
        mean = sum(len("\n".join(m.content for m in p.messages())) for p in prompts) / len(prompts)
        print(f"shared prefix {path.name}: {shared_prefix_share(prompts):.0%} of the mean section prompt "
              f"({mean:.0f} characters, {len(prompts)} calls; goal ≥ 60 %)")


def startup_and_offline() -> None:
    """`drafter --help` and an offline write, as a user runs them."""
    exe = shutil.which("drafter") or str(Path(sys.executable).parent / "drafter")
    low, med = best_of([exe, "--help"])
    print(f"drafter --help: min {low:.3f} s, median {med:.3f} s (goal ≤ 0.15 s)")
    with tempfile.TemporaryDirectory() as tmp:
        low, med = best_of([exe, "write", str(EXAMPLE), "-o", tmp, "--force", "--json"])
    print(f"drafter write examples/coffee.yaml (offline, whole process): min {low:.3f} s, median {med:.3f} s "
          "(goal ≤ 0.4 s)")
    from drafter.draft.render_markdown import render
    from drafter.facts.load import load_facts
    from drafter.pipeline import write_overview
    from drafter.settings import ModelSettings

    facts = load_facts(EXAMPLE)
    write_overview(facts, ModelSettings("offline"))  # warm
    start = time.perf_counter()
    overview = write_overview(facts, ModelSettings("offline"))
    took = time.perf_counter() - start
    print(f"offline write in-process: {took:.3f} s; {overview.usage.calls} calls, {overview.usage.tokens} tokens "
          f"(estimated), {len(render(overview))} characters")


def eval_suite() -> None:
    """The offline eval suite, as CI runs it."""
    exe = shutil.which("drafter") or str(Path(sys.executable).parent / "drafter")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        proc = subprocess.run([exe, "eval", "--out", tmp], capture_output=True, text=True, cwd=ROOT)
        took = time.perf_counter() - start
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr.strip()[-200:]
    print(f"drafter eval (all cases, mock): {took:.2f} s — {last}")


def main() -> int:
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    startup_and_offline()
    concurrency()
    shared_prefix()
    eval_suite()
    return 0


if __name__ == "__main__":
    sys.exit(main())
