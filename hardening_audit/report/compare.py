"""What changed between two runs: per host, controls newly failing, newly passing and still failing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..controls import SEVERITY_RANK
from ..outcomes import ERROR, FAIL, PASS

# An error is as bad as a failure here: the control is not known to hold.
FAILING = (FAIL, ERROR)


@dataclass
class HostChanges:
    host: str
    newly_failing: list[tuple[dict[str, Any], str]] = field(default_factory=list)  # (new result, old status)
    newly_passing: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    still_failing: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    only_in: str = ""  # "old" or "new" when the host is in one run only


def _by_host(document: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    table: dict[str, dict[str, dict[str, Any]]] = {}
    for result in document["results"]:
        table.setdefault(result["host"], {})[result["control"]] = result
    return table


def _order(item: tuple[dict[str, Any], str]) -> tuple:
    return SEVERITY_RANK.get(item[0]["severity"], 99), item[0]["control"]


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[HostChanges]:
    before, after = _by_host(old), _by_host(new)
    changes = []
    for host in sorted(before.keys() | after.keys()):
        entry = HostChanges(host, only_in="old" if host not in after else "new" if host not in before else "")
        for control, result in after.get(host, {}).items():
            previous = before.get(host, {}).get(control)
            was = previous["status"] if previous else "absent"
            if result["status"] in FAILING:
                (entry.still_failing if was in FAILING else entry.newly_failing).append((result, was))
            elif result["status"] == PASS and was in FAILING:
                entry.newly_passing.append((result, was))
        for group in (entry.newly_failing, entry.newly_passing, entry.still_failing):
            group.sort(key=_order)
        changes.append(entry)
    return changes


def as_text(changes: list[HostChanges]) -> str:
    lines = []
    for entry in changes:
        note = {"old": " (not in the new run)", "new": " (new in this run)"}.get(entry.only_in, "")
        lines.append(f"{entry.host}{note}")
        for label, group in (("newly failing", entry.newly_failing), ("newly passing", entry.newly_passing),
                             ("still failing", entry.still_failing)):
            lines.append(f"  {label} ({len(group)})" + (":" if group else ""))
            for result, was in group:
                message = f": {result['message']}" if result["status"] != PASS and result["message"] else ""
                lines.append(f"    {result['control']} {result['severity']} {result['status']} (was {was}){message}")
    return "\n".join(lines)


def totals(changes: list[HostChanges]) -> dict[str, int]:
    return {
        "newly_failing": sum(len(c.newly_failing) for c in changes),
        "newly_passing": sum(len(c.newly_passing) for c in changes),
        "still_failing": sum(len(c.still_failing) for c in changes),
    }
