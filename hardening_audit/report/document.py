"""Reading, merging and summarising results documents (``results.json``)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from ..controls import DOMAINS, SEVERITY_RANK
from ..outcomes import ERROR, FAIL, PASS, STATUSES
from ..results import SCHEMA, count_statuses, score

DOMAIN_ORDER = list(DOMAINS.values())


class DocumentError(Exception):
    """A file that is not a results document this version can read."""


def load(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DocumentError(f"{path}: {error}") from None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise DocumentError(f"{path}: not a hardening-audit results document (schema {SCHEMA})")
    return document


def merge(documents: list[dict[str, Any]]) -> dict[str, Any]:
    """One document from several runs. A (host, control) present in more than one run keeps the
    result of the run that finished last; each source run is listed under run.sources."""
    ordered = sorted(documents, key=lambda d: d["run"].get("finished") or d["run"].get("started") or "")
    if len(ordered) == 1:
        return ordered[0]
    results: dict[tuple[str, str], dict[str, Any]] = {}
    hosts: dict[str, dict[str, Any]] = {}
    for document in ordered:
        for result in document["results"]:
            results[result["host"], result["control"]] = result
        for host in document["hosts"]:
            hosts[host["host"]] = host
    merged_results = sorted(results.values(), key=lambda r: (r["host"], r["control"]))
    merged_hosts = []
    for spec, host in hosts.items():
        counts = count_statuses([r for r in merged_results if r["host"] == spec])
        merged_hosts.append({**host, "counts": counts, "score": score(counts)})
    first, last = ordered[0]["run"], ordered[-1]["run"]
    run = {
        "started": first.get("started", ""),
        "finished": last.get("finished", ""),
        "baseline": ", ".join(dict.fromkeys(d["run"].get("baseline", "") for d in ordered)),
        "baseline_checksum": ", ".join(dict.fromkeys(d["run"].get("baseline_checksum", "") for d in ordered)),
        "tool_version": ", ".join(dict.fromkeys(d["run"].get("tool_version", "") for d in ordered)),
        "auditor": ", ".join(dict.fromkeys(d["run"].get("auditor", "") for d in ordered if d["run"].get("auditor"))),
        "sources": [d["run"] for d in ordered],
    }
    return {"schema": SCHEMA, "run": run, "hosts": merged_hosts, "results": merged_results}


def domains_present(results: list[dict[str, Any]]) -> list[str]:
    present = {r["domain"] for r in results}
    return [d for d in DOMAIN_ORDER if d in present] + sorted(present - set(DOMAIN_ORDER))


def pass_rate(results: list[dict[str, Any]]) -> tuple[int | None, int, int]:
    """(percentage or None, passed, judged) where judged = pass + fail + error."""
    tally = Counter(r["status"] for r in results)
    judged = tally[PASS] + tally[FAIL] + tally[ERROR]
    return (None if judged == 0 else round(100 * tally[PASS] / judged)), tally[PASS], judged


def matrix(document: dict[str, Any]) -> tuple[list[str], dict[str, dict[str, tuple[int | None, int, int]]]]:
    """Domains in catalog order and, per host and domain, its pass rate."""
    cells: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for result in document["results"]:
        cells[result["host"]][result["domain"]].append(result)
    domains = domains_present(document["results"])
    return domains, {
        host["host"]: {domain: pass_rate(cells[host["host"]][domain]) for domain in domains}
        for host in document["hosts"]
    }


def counts_by_severity(results: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for result in results:
        row = table.setdefault(result["severity"], dict.fromkeys(STATUSES, 0))
        row[result["status"]] += 1
    return dict(sorted(table.items(), key=lambda item: SEVERITY_RANK.get(item[0], 99)))


def failed(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Failed results, most severe first, then by host and control."""
    return sorted((r for r in results if r["status"] == FAIL),
                  key=lambda r: (SEVERITY_RANK.get(r["severity"], 99), r["host"], r["control"]))
