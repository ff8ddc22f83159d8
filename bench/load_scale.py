"""How facts loading scales: time and peak memory at 500 / 2,000 / 8,000 facts and at the 512 KiB size cap.

For each format (YAML, JSON, TOML) and size it prints
  parse   parsing plus the key → line map and the character/depth/number checks (what grows with the file),
  load    the whole of load_facts, which also validates and routes every fact to a section,
  peak    the peak memory tracemalloc sees during load_facts (measured in a separate run),
and, between successive sizes, the growth per doubling of the fact count (1.0× per doubling would be constant
time, 2.0× linear, 4.0× quadratic). It prints figures and asserts nothing.

    python bench/load_scale.py                 # all formats
    python bench/load_scale.py --formats json  # one format
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
import tracemalloc
from pathlib import Path

from drafter.facts.guard import check_values
from drafter.facts.load import MAX_FACTS_BYTES, load_facts, parse_text

SIZES = (500, 2_000, 8_000)


def fact(i: int) -> str:
    return f"第{i % 4 + 1}季度门店{i}号营收增长{i % 37}%"


def render(fmt: str, n: int) -> str:
    items = [fact(i) for i in range(n)]
    if fmt == "json":
        return json.dumps({"company": "星河咖啡", "period": "2025年第四季度", "facts": items}, ensure_ascii=False,
                          indent=1)
    if fmt == "toml":
        return 'company = "星河咖啡"\nperiod = "2025年第四季度"\nfacts = [\n' + "".join(
            f'  "{s}",\n' for s in items) + "]\n"
    return "company: 星河咖啡\nperiod: 2025年第四季度\nfacts:\n" + "".join(f"  - {s}\n" for s in items)


def at_cap(fmt: str) -> int:
    """The largest fact count whose file stays within MAX_FACTS_BYTES."""
    low, high = 1, 200_000
    while low < high:
        mid = (low + high + 1) // 2
        if len(render(fmt, mid).encode()) <= MAX_FACTS_BYTES:
            low = mid
        else:
            high = mid - 1
    return low


def measure(path: Path, text: str) -> tuple[float, float, float]:
    start = time.perf_counter()
    data, lines = parse_text(text, path)
    check_values(data, lines, path)
    parse = time.perf_counter() - start
    start = time.perf_counter()
    load_facts(path)
    load = time.perf_counter() - start
    tracemalloc.start()
    load_facts(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return parse, load, peak / 2**20


def per_doubling(t1: float, t2: float, n1: int, n2: int) -> str:
    if t1 <= 0 or n2 <= n1:
        return "   –"
    return f"{(t2 / t1) ** (1 / math.log2(n2 / n1)):4.1f}×"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--formats", default="yaml,json,toml", help="comma-separated: yaml, json, toml")
    args = parser.parse_args()
    print(f"{'format':6} {'facts':>7} {'KiB':>6} {'parse s':>9} {'/doubling':>9} {'load s':>9} {'/doubling':>9} "
          f"{'peak MiB':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.formats.split(","):  # warm-up: imports and first-call caches stay out of the figures
            warm = Path(tmp) / f"warm.{fmt}"
            warm.write_text(render(fmt, 50), encoding="utf-8")
            load_facts(warm)
        for fmt in args.formats.split(","):
            previous: tuple[int, float, float] | None = None
            for n in (*SIZES, at_cap(fmt)):
                text = render(fmt, n)
                path = Path(tmp) / f"facts.{fmt}"
                path.write_text(text, encoding="utf-8")
                parse, load, peak = measure(path, text)
                grow_parse = per_doubling(previous[1], parse, previous[0], n) if previous else "   –"
                grow_load = per_doubling(previous[2], load, previous[0], n) if previous else "   –"
                size = len(text.encode()) / 1024
                label = f"{n}" + ("*" if n not in SIZES else "")
                print(f"{fmt:6} {label:>7} {size:6.0f} {parse:9.3f} {grow_parse:>9} {load:9.2f} {grow_load:>9} "
                      f"{peak:9.1f}", flush=True)
                previous = (n, parse, load)
    print("* the largest file within the 512 KiB cap")


if __name__ == "__main__":
    main()
