"""The top of the report: run metadata, host x domain matrix, counts, failed controls, filters."""

from __future__ import annotations

from html import escape
from importlib import resources
from typing import Any

from ..outcomes import STATUSES
from . import document as doc
from .compare import HostChanges, totals
from .data import data_script
from .rows import STATUS_LABELS

FILTER_GROUPS = ("host", "domain", "severity", "status")


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def _rate_class(rate: int | None) -> str:
    if rate is None:
        return "rate-none"
    return "rate-good" if rate == 100 else "rate-fair" if rate >= 80 else "rate-poor" if rate >= 50 else "rate-bad"


def _rate_cell(host: str, domain: str, rate: tuple[int | None, int, int]) -> str:
    value, passed, judged = rate
    shown = "n/a" if value is None else f"{value}%"
    style = "" if value is None else f' style="background-color: hsl({round(value * 1.2)}, 65%, 82%)"'
    return (f'<td class="rate {_rate_class(value)}" data-host="{escape(host)}" data-domain="{escape(domain)}" '
            f'data-rate="{"" if value is None else value}"{style}>{shown}'
            f'<small>{passed}/{judged}</small></td>')


def _meta(run: dict[str, Any], document: dict[str, Any]) -> str:
    rows = [
        ("Audit started", run.get("started", "")), ("Audit finished", run.get("finished", "")),
        ("Baseline", run.get("baseline", "")), ("Baseline checksum", run.get("baseline_checksum", "")),
        ("Tool version", f"hardening-audit {run.get('tool_version', '')}"),
        ("Audited by", run.get("auditor", "") or "not recorded"),
        ("Hosts", str(len(document["hosts"]))),
        ("Controls", str(len({r["control"] for r in document["results"]}))),
        ("Results", str(len(document["results"]))),
    ]
    for index, source in enumerate(run.get("sources", []), 1):
        rows.append((f"Run {index}", f"{source.get('started', '')} to {source.get('finished', '')}, baseline "
                                     f"{source.get('baseline', '')} ({source.get('baseline_checksum', '')})"))
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return f'<table id="audit-run" class="audit-meta">{body}</table>'


def _counts(results: list[dict[str, Any]]) -> str:
    total = {s: sum(1 for r in results if r["status"] == s) for s in STATUSES}
    items = "".join(f'<li class="status-{s}" data-status="{s}"><b>{total[s]}</b> {STATUS_LABELS[s]}</li>'
                    for s in STATUSES)
    by_severity = doc.counts_by_severity(results)
    head = "".join(f"<th>{STATUS_LABELS[s]}</th>" for s in STATUSES)
    rows = "".join(
        f'<tr data-severity="{escape(sev)}"><th class="severity-{escape(sev)}">{escape(sev)}</th>'
        + "".join(f'<td class="status-{s}">{row[s]}</td>' for s in STATUSES) + "</tr>"
        for sev, row in by_severity.items()
    )
    return (f'<ul id="audit-counts" class="audit-counts">{items}</ul>'
            f'<table id="audit-severity" class="audit-grid"><tr><th>Severity</th>{head}</tr>{rows}</table>')


def _matrix(document: dict[str, Any]) -> str:
    domains, rates = doc.matrix(document)
    head = "".join(f"<th>{escape(d)}</th>" for d in domains)
    rows = []
    for host in document["hosts"]:
        spec = host["host"]
        score = "n/a" if host["score"] is None else f'{host["score"]}%'
        rows.append(
            f'<tr data-host="{escape(spec)}"><th class="matrix-host">{escape(spec)}'
            f'<small>{escape(host.get("hostname", ""))}, {escape(host.get("os", ""))}</small></th>'
            f'<td class="score {_rate_class(host["score"])}">{score}</td>'
            + "".join(_rate_cell(spec, d, rates[spec][d]) for d in domains) + "</tr>"
        )
    return (f'<div class="matrix-scroll"><table id="audit-matrix" class="audit-grid">'
            f'<tr><th>Host</th><th>Score</th>{head}</tr>{"".join(rows)}</table></div>'
            '<p class="audit-note">Pass rate per host and domain: passed / (passed + failed + errors); '
            "not applicable and waived results count neither way. Score: the same over every domain.</p>")


def _failed(results: list[dict[str, Any]]) -> str:
    failed = doc.failed(results)
    if not failed:
        return '<p id="audit-failed" class="audit-none">No control failed.</p>'
    rows = "".join(
        f'<tr data-severity="{escape(r["severity"])}"><td class="severity-{escape(r["severity"])}">'
        f'{escape(r["severity"])}</td><td>{escape(r["host"])}</td><td>{escape(r["control"])}</td>'
        f'<td>{escape(r["title"])}</td><td>{escape(r["message"])}</td><td>{escape(r["remediation"])}</td></tr>'
        for r in failed
    )
    return (f'<details open><summary>{len(failed)} failed result{"s" * (len(failed) != 1)}</summary>'
            f'<table id="audit-failed" class="audit-grid"><tr><th>Severity</th><th>Host</th><th>Control</th>'
            f'<th>Title</th><th>Found</th><th>Remediation</th></tr>{rows}</table></details>')


def comparison_html(changes: list[HostChanges], old_label: str) -> str:
    counts = totals(changes)
    rows = []
    for entry in changes:
        for label, group in (("newly failing", entry.newly_failing), ("newly passing", entry.newly_passing),
                             ("still failing", entry.still_failing)):
            for result, was in group:
                rows.append(
                    f'<tr data-change="{label.replace(" ", "-")}"><td>{escape(entry.host)}</td><td>{label}</td>'
                    f'<td>{escape(result["control"])}</td><td class="severity-{escape(result["severity"])}">'
                    f'{escape(result["severity"])}</td><td>{escape(was)} &rarr; {escape(result["status"])}</td>'
                    f'<td>{escape(result["message"])}</td></tr>')
    summary = ", ".join(f"{value} {key.replace('_', ' ')}" for key, value in counts.items())
    table = (f'<table class="audit-grid"><tr><th>Host</th><th>Change</th><th>Control</th><th>Severity</th>'
             f'<th>Status</th><th>Found</th></tr>{"".join(rows)}</table>') if rows else ""
    return (f'<section id="audit-comparison"><h2>Changes since {escape(old_label)}</h2>'
            f'<p>{escape(summary)}</p>{table}</section>')


def prefix_html(document: dict[str, Any], comparison: str = "") -> str:
    results = document["results"]
    return (
        f'<style>{_asset("report.css")}</style>'
        '<section id="audit-summary"><h2>Compliance summary</h2>'
        f'{_meta(document["run"], document)}{_counts(results)}'
        f'<h3>Hosts by domain</h3>{_matrix(document)}'
        f'<h3>Failed controls, most severe first</h3>{_failed(results)}</section>{comparison}'
    )


def filters_html(document: dict[str, Any]) -> str:
    values = {
        "host": [h["host"] for h in document["hosts"]],
        "domain": doc.domains_present(document["results"]),
        "severity": [s for s in doc.counts_by_severity(document["results"])],
        "status": [s for s in STATUSES if any(r["status"] == s for r in document["results"])],
    }
    groups = []
    for group in FILTER_GROUPS:
        boxes = "".join(
            f'<label><input type="checkbox" data-filter="{group}" value="{escape(v)}" checked> '
            f'{escape(STATUS_LABELS.get(v, v) if group == "status" else v)}</label>' for v in values[group])
        groups.append(f'<fieldset data-group="{group}"><legend>{group.capitalize()} '
                      f'<button type="button" data-all="{group}">all</button>'
                      f'<button type="button" data-none="{group}">none</button></legend>{boxes}</fieldset>')
    return (f'<form id="audit-filters"><h3>Filter the results</h3>{"".join(groups)}'
            f'<p id="audit-filter-count" aria-live="polite"></p></form>{data_script(document)}'
            f'<script>{_asset("report.js")}</script>')
