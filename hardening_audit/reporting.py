"""The terminal summary of a run."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .outcomes import STATUSES
from .report.rows import STATUS_LABELS
from .results import RunResults, count_statuses, failed_by_severity, score


def tally(counts: Mapping[str, int]) -> str:
    """``pass 80  fail 3  n/a 20  waived 0  error 1``"""
    return "  ".join(f"{STATUS_LABELS[s]} {counts.get(s, 0)}" for s in STATUSES)


def summary_lines(run: RunResults, report_dir: Path) -> list[str]:
    lines = []
    for spec, info in run.hosts.items():
        results = run.for_host(spec)
        counts = count_statuses(results)
        host_score = score(counts)
        shown_score = "-" if host_score is None else f"{host_score}%"
        lines.append(f"{spec} ({info.hostname}, {info.os}): {tally(counts)}  score {shown_score}")
        for severity, ids in failed_by_severity(results):
            lines.append(f"    failed {severity}: {', '.join(ids)}")
        errors = sorted({r["message"] for r in results if r["status"] == "error"})
        for message in errors[:3]:
            lines.append(f"    error: {message}")
        if len(errors) > 3:
            lines.append(f"    ... {len(errors) - 3} more distinct errors (see results.json)")
    for name in ("compliance.html", "results.json", "junit.xml"):
        lines.append(f"report: {report_dir / name}")
    return lines
