"""Eval outputs: results.json, summary.json, junit.xml, report.md, and the baseline file and its diff."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from drafter.errors import InputError
from drafter.evaluation.cases import checkout_root, directory_hash, files_hash
from drafter.evaluation.metrics import GATE_BY_LANGUAGE, GATES, METRICS, chrf_signature
from drafter.evaluation.runner import EvalRun, Row

PACKAGES = ("drafter", "pydantic", "langchain-core", "rouge-score", "sacrebleu")
BASELINE_FORMAT = "drafter.eval-baseline/1"


def versions() -> dict[str, str | None]:
    """Python and the package versions the scores depend on (None when a package is not installed)."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def git_sha(cwd: Path | None = None) -> str | None:
    """HEAD of the checkout drafter runs from, with `-dirty` when it has changes; None without git."""
    where = cwd or checkout_root()
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, timeout=5,
                             check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=where,
                               capture_output=True, text=True, timeout=5, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{sha}-dirty" if sha and dirty else sha or None


def fmt(metric: str, value: float | None, mean: bool = False, digits: int = 3) -> str:
    """A metric value for tables (a mean of counts keeps one decimal)."""
    spec = METRICS[metric]
    if mean and spec.count and value is not None:
        return f"{value:.1f}"
    return spec.format(value, digits)


def aggregates(run: EvalRun) -> dict[str, dict[str, Any]]:
    """Per metric over cases: mean, min, max, n applicable, and gate pass/fail/skip counts."""
    out: dict[str, dict[str, Any]] = {}
    for name, spec in METRICS.items():
        rows = [r for r in run.rows if r.metric == name]
        values = [r.value for r in rows if r.value is not None]
        entry: dict[str, Any] = {
            "kind": "gate" if name in GATES else "signal",
            "description": spec.description,
            "n": len(values),
            "mean": round(sum(values) / len(values), 4) if values else None,
            "min": spec.json_value(min(values)) if values else None,
            "max": spec.json_value(max(values)) if values else None,
        }
        if name in GATES:
            if name in GATE_BY_LANGUAGE:
                entry["threshold_by_language"] = dict(GATE_BY_LANGUAGE[name])
            entry.update(op=GATES[name][0], threshold=GATES[name][1],
                         passed=sum(1 for r in rows if r.passed is True),
                         failed=sum(1 for r in rows if r.passed is False),
                         skipped=sum(1 for r in rows if r.passed is None))
        else:
            entry["tolerance"] = spec.tolerance
        if spec.run_level:
            entry["run_level"] = True
        out[name] = entry
    return out


def summary(run: EvalRun, diff: BaselineDiff | None = None) -> dict[str, Any]:
    """summary.json: aggregates, versions, git sha, hashes of the cases (and recordings), chrF signature."""
    opts = run.options
    data: dict[str, Any] = {
        "format": "drafter.eval-summary/1",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": opts.model,
        "saboteur": opts.saboteur,
        "mode": "replay" if opts.replays else opts.mode,
        "strict": opts.strict,
        "overlap": opts.overlap,
        "gates_enforced": not opts.measure,
        "cases": [c.name for c in run.cases],
        "cases_hash": files_hash(run.cases),
        "totals": {"passed": run.passed, "failed": run.failed, "skipped": run.skipped},
        "metrics": aggregates(run),
        "chrf_signature": chrf_signature(),
        "rouge": "rouge-score RougeScorer(['rougeL']) F1; tokens: Han characters, Latin words, numbers",
        "versions": versions(),
        "git_sha": git_sha(),
        "seconds": round(run.seconds, 2),
    }
    if opts.replays or opts.mode == "record":
        data["recordings"] = {
            "directory": str(opts.recordings_dir), "hash": directory_hash(opts.recordings_dir),
            "hits": sum(r.hits for r in run.results), "misses": sum(r.misses for r in run.results),
            "saved": sum(r.recorded for r in run.results),
        }
    if diff is not None:
        data["baseline"] = {"file": str(diff.path), "regressions": len(diff.regressions),
                            "changes": [c.to_json() for c in diff.changes]}
    return data


def junit_xml(run: EvalRun) -> str:
    """One <testcase> per case × gated metric; not-applicable gates are <skipped/>."""
    gate_rows = [r for r in run.rows if r.metric in GATES]
    suite = ET.Element("testsuite", name="drafter-eval", tests=str(len(gate_rows)), failures=str(run.failed),
                       errors="0", skipped=str(run.skipped), time=f"{run.seconds:.3f}")
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="model", value=run.options.model)
    if run.options.saboteur:
        ET.SubElement(props, "property", name="saboteur", value=run.options.saboteur)
    seconds = {res.case.name: res.seconds for res in run.results}
    for row in gate_rows:
        op, threshold = GATES[row.metric][0], row.threshold
        case = ET.SubElement(suite, "testcase", classname=f"drafter.eval.{row.case}", name=row.metric,
                             time=f"{seconds.get(row.case, 0.0) / len(GATES):.3f}")
        message = f"{row.metric} = {fmt(row.metric, row.value)} (gate {op} {fmt(row.metric, threshold)})"
        if row.passed is False:
            ET.SubElement(case, "failure", message=message, type="gate").text = row.details
        elif row.passed is None:
            ET.SubElement(case, "skipped", message=row.details)
        else:
            ET.SubElement(case, "system-out").text = f"{message}: {row.details}"
    root = ET.Element("testsuites", tests=suite.get("tests", "0"), failures=str(run.failed))
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def gate_text(metric: str, digits: int = 3) -> str:
    """`<= 0.150` for a gate, `<= 0.150 (zh), 0.250 (en)` when its threshold depends on the draft's language."""
    op, threshold = GATES[metric]
    by_language = GATE_BY_LANGUAGE.get(metric)
    if by_language:
        return f"{op} " + ", ".join(f"{fmt(metric, t, digits=digits)} ({lang})" for lang, t in by_language.items())
    return f"{op} {fmt(metric, threshold, digits=digits)}"


def report_markdown(run: EvalRun, diff: BaselineDiff | None = None) -> str:
    """report.md: the gates, a case × metric table, every failure with its reason, and the baseline diff."""
    names = list(METRICS)
    saboteur = f", saboteur `{run.options.saboteur}`" if run.options.saboteur else ""
    lines = [f"# drafter eval — {len(run.cases)} case(s), model `{run.options.model}`{saboteur}", "",
             f"**{run.passed} passed, {run.failed} failed** (case × gate), {run.skipped} not applicable; "
             f"{run.seconds:.1f} s." + (" Measured only: the gates are reported, not enforced." if run.options.measure
                                        else ""), "", "## Gates", "", "| metric | gate | meaning |", "|---|---|---|"]
    lines += [f"| {n} | {gate_text(n)} | {METRICS[n].description} |" for n in GATES]
    lines += ["", "Regression signals (never gate): "
              + ", ".join(f"{m.name} (tolerance {m.tolerance})" for m in METRICS.values() if m.name not in GATES)
              + ".", "", "## Results", "", "| case | " + " | ".join(names) + " |",
              "|---|" + "---|" * len(names)]
    for res in run.results:
        cells = [(fmt(r.metric, r.value) + (" ✗" if r.passed is False else "")) for r in res.rows]
        lines.append(f"| {res.case.name} | " + " | ".join(cells) + " |")
    means = aggregates(run)
    lines.append("| **mean** | " + " | ".join(fmt(n, means[n]["mean"], mean=True) for n in names) + " |")
    errored = {res.case.name: res.error for res in run.results if res.error is not None}
    failures = [r for r in run.rows if r.passed is False and r.case not in errored]
    if errored:
        lines += ["", "## Cases that could not be drafted", ""]
        lines += [f"- **{case}**: {error}" for case, error in errored.items()]
    unusable = [(res.case.name, note) for res in run.results for note in res.invalid_recordings]
    if unusable:
        lines += ["", "## Unusable recordings (counted as misses)", ""]
        lines += [f"- {case}: {note}" for case, note in unusable]
    if failures:
        lines += ["", "## Failed gates", ""]
        lines += [f"- **{r.case}** {r.metric} = {fmt(r.metric, r.value)}: {r.details}" for r in failures]
    injected = [(res.case.name, note) for res in run.results for note in res.injected]
    if run.options.saboteur:
        lines += ["", f"## What the saboteur `{run.options.saboteur}` did", ""]
        lines += [f"- {case}: {note}" for case, note in injected] or ["- nothing: no draft had a part it breaks."]
    skipped = [r for r in run.rows if r.metric in GATES and r.passed is None]
    if skipped:
        lines += ["", "## Not applicable", ""]
        lines += [f"- {r.case} {r.metric}: {r.details}" for r in skipped]
    if diff is not None:
        lines += ["", f"## Against the baseline `{diff.path}`", ""]
        lines += [f"- {c.describe()}" for c in diff.changes] or ["- no metric moved."]
        lines += [f"- note: {n}" for n in diff.notes]
    return "\n".join(lines) + "\n"


def write_outputs(run: EvalRun, out: Path, diff: BaselineDiff | None = None) -> list[Path]:
    """Write results.json, summary.json, junit.xml, report.md and drafts/<case>.md into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "results.json": json.dumps([r.to_json() for r in run.rows], ensure_ascii=False, indent=1) + "\n",
        "summary.json": json.dumps(summary(run, diff), ensure_ascii=False, indent=1) + "\n",
        "junit.xml": junit_xml(run),
        "report.md": report_markdown(run, diff),
    }
    written = []
    for name, text in files.items():
        written.append(_write(out / name, text))
    drafts = out / "drafts"
    drafts.mkdir(exist_ok=True)
    for res in run.results:
        _write(drafts / f"{res.case.name.replace('/', '__')}.md", res.markdown)
    return written


def _write(path: Path, text: str) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


# --- baseline --------------------------------------------------------------------------------------------------


def baseline_json(run: EvalRun) -> dict[str, Any]:
    """The baseline: every case's metric values for this model and these case files."""
    return {
        "format": BASELINE_FORMAT,
        "model": run.options.model,
        "cases_hash": files_hash(run.cases),
        "metrics": {res.case.name: {r.metric: _baseline_value(r) for r in res.rows} for res in run.results},
    }


def _baseline_value(row: Row) -> float | int | None:
    if row.value is None:
        return None
    return round(row.value) if METRICS[row.metric].count else round(row.value, 4)


def write_baseline(run: EvalRun, path: Path) -> Path:
    """Write the baseline file (stable key order, so diffs in review stay small)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return _write(path, json.dumps(baseline_json(run), ensure_ascii=False, indent=1) + "\n")


def load_baseline(path: Path) -> dict[str, Any]:
    """Read and check a baseline file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such baseline; create one with `drafter eval --write-baseline {path}`.") \
            from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: invalid JSON in the baseline: {exc.msg}.") from None
    if not isinstance(data, dict) or data.get("format") != BASELINE_FORMAT:
        raise InputError(f"{path}: not a drafter eval baseline (format {BASELINE_FORMAT} expected).")
    return data


@dataclass(frozen=True)
class Change:
    """One metric of one case that moved against the baseline."""

    case: str
    metric: str
    before: float | None
    after: float | None
    regression: bool

    def describe(self) -> str:
        """`case metric: before → after (±delta)`, flagged when it is a regression."""
        delta = "" if self.before is None or self.after is None else f" ({self.after - self.before:+.3f})"
        flag = f"REGRESSION (tolerance {METRICS[self.metric].tolerance})" if self.regression else "changed"
        before, after = fmt(self.metric, self.before), fmt(self.metric, self.after)
        return f"{flag}: {self.case} {self.metric} {before} → {after}{delta}"

    def to_json(self) -> dict[str, Any]:
        """For summary.json."""
        return {"case": self.case, "metric": self.metric, "before": self.before, "after": self.after,
                "regression": self.regression}


@dataclass
class BaselineDiff:
    """Every moved metric, which of them regress beyond tolerance, and notes (new or missing cases)."""

    path: Path
    changes: list[Change]
    notes: list[str]

    @property
    def regressions(self) -> list[Change]:
        """Changes worse than the metric's tolerance."""
        return [c for c in self.changes if c.regression]


def regressed(metric: str, before: float | None, after: float | None) -> bool:
    """True when `after` is worse than `before` by more than the metric's tolerance."""
    spec = METRICS[metric]
    if before is None:
        return False
    if after is None:
        return True
    if spec.direction == "higher":
        worse = before - after
    elif spec.direction == "lower":
        worse = after - before
    else:
        worse = abs(after - 1.0) - abs(before - 1.0)
    return worse > spec.tolerance + 1e-9


def compare(run: EvalRun, path: Path) -> BaselineDiff:
    """Compare this run with the baseline in `path`."""
    data = load_baseline(path)
    base: dict[str, dict[str, float | None]] = data.get("metrics") or {}
    notes = []
    if data.get("model") != run.options.model:
        notes.append(f"the baseline was made with model {data.get('model')}, this run uses {run.options.model}")
    changes = []
    seen = set()
    same_cases = {c.name for c in run.cases} == set(base)
    run_level = [m.name for m in METRICS.values() if m.run_level]
    if not same_cases and run_level:
        notes.append(f"{', '.join(run_level)} not compared: they depend on every case of the run, and this run's "
                     "cases differ from the baseline's")
    skipped = set(run_level) if not same_cases else set()
    if not run.options.overlap:
        skipped |= {m.name for m in METRICS.values() if m.overlap}
        notes.append("overlap signals not compared: this run did not compute them (--no-overlap)")
    for row in run.rows:
        seen.add(row.case)
        if row.case not in base or row.metric in skipped:
            continue
        before = base[row.case].get(row.metric)
        if _same(before, row.value):
            continue
        changes.append(Change(row.case, row.metric, before, row.value, regressed(row.metric, before, row.value)))
    notes += [f"case {c} is not in the baseline" for c in dict.fromkeys(r.case for r in run.rows) if c not in base]
    not_run = [c for c in base if c not in seen]
    if not_run:
        notes.append(f"{len(not_run)} baseline case(s) not run: {', '.join(not_run)}")
    return BaselineDiff(path, changes, notes)


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) < 5e-4  # below the three decimals shown: not worth a line in the diff

