"""Terminal summary and the HTML report's extra columns."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from .outcomes import STATUSES
from .results import RunResults, count_statuses, failed_by_severity, score

HTML_COLUMNS = ("Host", "Control", "Severity", "Domain", "Status")
STATUS_LABELS = {"pass": "pass", "fail": "fail", "not_applicable": "n/a", "waived": "waived", "error": "error"}


def html_header() -> list[str]:
    return [f'<th class="sortable" data-column-type="{name.lower()}">{name}</th>' for name in HTML_COLUMNS]


def html_cells(audit: dict[str, Any] | None) -> list[str]:
    if audit is None:
        return ['<td class="col-host"></td>'] * len(HTML_COLUMNS)
    values = (audit["host"], audit["control"], audit["severity"], audit["domain"], audit["status"])
    return [
        f'<td class="col-{name.lower()}">{escape(str(value))}</td>'
        for name, value in zip(HTML_COLUMNS, values)
    ]


def html_details(audit: dict[str, Any], evidence: str) -> str:
    """What an auditor reads when a result row is expanded (escaped HTML text)."""
    references = "; ".join(f"{kind.upper()} {', '.join(values)}" for kind, values in audit["references"].items())
    lines = [
        f"{audit['control']} {audit['title']} ({audit['severity']}, level {audit['level']})",
        f"Status: {audit['status']}" + (f": {audit['message']}" if audit["message"] else ""),
        f"Why: {audit['rationale']}",
        f"Remediation: {audit['remediation']}",
        f"References: {references or 'none'}",
        "",
        "Evidence:",
        evidence,
    ]
    return escape("\n".join(lines))


def summary_lines(run: RunResults, report_dir: Path) -> list[str]:
    lines = []
    for spec, info in run.hosts.items():
        results = run.for_host(spec)
        counts = count_statuses(results)
        host_score = score(counts)
        tally = "  ".join(f"{STATUS_LABELS[s]} {counts[s]}" for s in STATUSES)
        shown_score = "-" if host_score is None else f"{host_score}%"
        lines.append(f"{spec} ({info.hostname}, {info.os}): {tally}  score {shown_score}")
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
