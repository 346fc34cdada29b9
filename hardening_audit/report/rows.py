"""The results table: the columns this tool adds to pytest-html's, and a result's expanded details."""

from __future__ import annotations

from html import escape
from typing import Any

from ..controls import SEVERITY_RANK
from ..outcomes import ERROR, FAIL, NOT_APPLICABLE, PASS, WAIVED

COLUMNS = ("host", "control", "severity", "domain", "title", "status")
STATUS_LABELS = {PASS: "pass", FAIL: "fail", NOT_APPLICABLE: "n/a", WAIVED: "waived", ERROR: "error"}
# pytest-html sorts a column by the cell's inner HTML: a hidden rank in front orders severities
# critical > ... > info and statuses worst first, instead of alphabetically.
STATUS_RANK = {ERROR: 0, FAIL: 1, WAIVED: 2, NOT_APPLICABLE: 3, PASS: 4}
REFERENCE_NAMES = {"cis": "CIS Debian Linux 12 Benchmark v1.1.0", "ssg": "OpenSCAP rule", "seed": "Requirement"}
SSG_PREFIX = "xccdf_org.ssgproject.content_rule_"


def header_cells() -> list[str]:
    return [f'<th class="sortable" data-column-type="{name}">{name.capitalize()}</th>' for name in COLUMNS]


def _cell(name: str, value: str, text: str | None = None, rank: int | None = None, extra_class: str = "") -> str:
    key = f'<span class="sort-key">{rank}</span>' if rank is not None else ""
    classes = f"col-{name}" + (f" {extra_class}" if extra_class else "")
    return f'<td class="{classes}" data-value="{escape(value)}">{key}{escape(text if text is not None else value)}</td>'


def cells(result: dict[str, Any] | None) -> list[str]:
    if result is None:
        return [f'<td class="col-{name}" data-value=""></td>' for name in COLUMNS]
    status, severity = result["status"], result["severity"]
    return [
        _cell("host", result["host"]),
        _cell("control", result["control"]),
        _cell("severity", severity, rank=SEVERITY_RANK.get(severity, 9), extra_class=f"severity-{severity}"),
        _cell("domain", result["domain"]),
        _cell("title", result["title"]),
        _cell("status", status, STATUS_LABELS.get(status, status), STATUS_RANK.get(status, 9), f"status-{status}"),
    ]


def references_text(references: dict[str, list[str]]) -> list[str]:
    lines = []
    for kind, values in references.items():
        shown = [SSG_PREFIX + v for v in values] if kind == "ssg" else values
        lines.append(f"{REFERENCE_NAMES.get(kind, kind)}: {', '.join(shown)}")
    return lines


def outcome(result: dict[str, Any]) -> str:
    """The finding as one sentence: the status and the check's expected-vs-found message or reason."""
    status, message = result["status"], result["message"]
    if status == PASS:
        return "Pass: the requirement holds."
    label = {FAIL: "Fail", ERROR: "Error (could not check)", NOT_APPLICABLE: "Not applicable",
             WAIVED: "Waived"}.get(status, status)
    return f"{label}: {message}" if message else label


def details(result: dict[str, Any]) -> str:
    """A placeholder the report's script fills from the page's data when the row is expanded: the
    details of thousands of rows would otherwise be built into the page, and rebuilt by pytest-html
    on every sort and toggle."""
    return (f'<div class="audit-detail status-{escape(result["status"])}" data-host="{escape(result["host"])}" '
            f'data-control="{escape(result["control"])}"></div>')
