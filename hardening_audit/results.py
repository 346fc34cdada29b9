"""The results document (``results.json``): the stable contract every other output follows."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .controls import SEVERITY_RANK
from .outcomes import ERROR, FAIL, PASS, STATUSES

SCHEMA = "hardening-audit/results/1"


@dataclass
class HostInfo:
    host: str
    hostname: str
    os: str


def score(counts: dict[str, int]) -> int | None:
    """Percentage of judged controls that passed: pass / (pass + fail + error).

    Not-applicable and waived results do not count either way. A host with no
    judged control has no score (null), rather than a perfect one.
    """
    judged = counts.get(PASS, 0) + counts.get(FAIL, 0) + counts.get(ERROR, 0)
    if judged == 0:
        return None
    return round(100 * counts.get(PASS, 0) / judged)


def count_statuses(results: list[dict[str, Any]]) -> dict[str, int]:
    tally = Counter(r["status"] for r in results)
    return {status: tally.get(status, 0) for status in STATUSES}


@dataclass
class RunResults:
    started: str
    baseline: str
    baseline_checksum: str
    tool_version: str
    auditor: str = ""
    finished: str = ""
    hosts: dict[str, HostInfo] = field(default_factory=dict)
    results: list[dict[str, Any]] = field(default_factory=list)
    waivers: list[dict[str, Any]] = field(default_factory=list)

    def add(self, host: HostInfo, result: dict[str, Any]) -> None:
        known = self.hosts.get(host.host)
        if known is None or (known.hostname == known.host and host.hostname != host.host):
            self.hosts[host.host] = host
        self.results.append(result)

    def for_host(self, host: str) -> list[dict[str, Any]]:
        return [r for r in self.results if r["host"] == host]

    def document(self) -> dict[str, Any]:
        hosts = []
        for spec, info in self.hosts.items():
            counts = count_statuses(self.for_host(spec))
            hosts.append(
                {"host": spec, "hostname": info.hostname, "os": info.os, "counts": counts, "score": score(counts)}
            )
        ordered = sorted(self.results, key=lambda r: (r["host"], r["control"]))
        return {
            "schema": SCHEMA,
            "run": {
                "started": self.started,
                "finished": self.finished,
                "baseline": self.baseline,
                "baseline_checksum": self.baseline_checksum,
                "tool_version": self.tool_version,
                "auditor": self.auditor,
            },
            "hosts": hosts,
            "results": ordered,
            **({"waivers": self.waivers} if self.waivers else {}),
        }

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.document(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(path)


def failed_by_severity(results: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """Failed control IDs grouped by severity, most severe first."""
    groups: dict[str, list[str]] = {}
    for r in sorted(results, key=lambda r: (SEVERITY_RANK[r["severity"]], r["control"])):
        if r["status"] == FAIL:
            groups.setdefault(r["severity"], []).append(r["control"])
    return list(groups.items())
