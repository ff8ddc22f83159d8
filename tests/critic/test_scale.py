"""The critic's work grows linearly with the facts: figure comparisons are counted (not timed) at n and 4n facts.

Comparing every draft figure with every source figure, or every fact's figures with every figure of the draft,
makes the count grow 16-fold when the facts grow 4-fold; an index keeps it near 4-fold.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from drafter.critic.checks import check_against
from drafter.critic.document import from_markdown
from drafter.draft.render_markdown import render
from drafter.facts.load import load_facts
from drafter.pipeline import WriteOptions, write_overview
from drafter.settings import ModelSettings
from drafter.text import figures

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from scale import facts_yaml  # noqa: E402 - the benchmark's own facts, so the test and the figures agree


def comparisons(n: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    path = tmp_path / f"facts_{n}.yaml"
    path.write_text(facts_yaml(n), encoding="utf-8")
    facts = load_facts(path)
    overview = write_overview(facts, ModelSettings(name="offline"), WriteOptions(use_cache=False, max_rounds=0))
    markdown = render(overview)
    count = 0
    real = figures.figures_match

    def counted(*args: Any, **kwargs: Any) -> bool:
        nonlocal count
        count += 1
        return real(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(figures, "figures_match", counted)
        check_against(from_markdown(markdown, facts.language), facts)
    return count


def test_figure_comparisons_grow_linearly_with_the_facts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small, large = comparisons(60, tmp_path, monkeypatch), comparisons(240, tmp_path, monkeypatch)
    assert small > 0
    assert large < 6 * small, f"{small} comparisons at 60 facts, {large} at 240: more than linear"


def test_the_figure_index_answers_as_a_scan_of_every_figure() -> None:
    """Over every figure of the eval cases' facts and references (dates, years, %, 个百分点, amounts, ratios)."""
    root = Path(__file__).resolve().parents[2] / "evals" / "cases"
    texts = [p.read_text(encoding="utf-8") for p in sorted(root.glob("*/*.yaml")) + sorted(root.glob("*/*.md"))]
    pool = [f for t in texts[: len(texts) // 2] for f in figures.extract_figures(t)]
    asked = [f for t in texts for f in figures.extract_figures(t)]
    index = figures.FigureIndex(pool)
    assert len(pool) > 200 and len(asked) > 450
    for strict in (False, True):
        for fig in asked:
            assert index.matches(fig, strict=strict) == any(figures.figures_match(fig, p, strict=strict)
                                                            for p in pool), (fig, strict)
