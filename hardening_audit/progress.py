"""Progress of a multi-host run: a line per host as its last control is judged, with its counts,
the seconds its controls took and how many of the run's hosts are done.

It reads the same reports the results come from, so it works alike in one pytest process and in
the xdist controller (workers print nothing of their own).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

import pytest

from .parallel import host_of
from .reporting import tally


class HostProgress:
    def __init__(self) -> None:
        self.expected: Counter[str] = Counter()
        self.statuses: dict[str, Counter[str]] = defaultdict(Counter)
        self.seconds: dict[str, float] = defaultdict(float)
        self.finished = 0

    def expect(self, nodeids: Iterable[str]) -> None:
        """The run's items, once collected: how many controls each host has."""
        self.expected = Counter(host_of(nodeid) for nodeid in nodeids)

    def record(self, report: pytest.TestReport) -> str | None:
        """The line to show when this report completes its host; None otherwise, and on one-host runs."""
        host = host_of(report.nodeid)
        self.seconds[host] += report.duration
        audit = getattr(report, "audit", None)
        if audit is None or len(self.expected) < 2:
            return None
        self.statuses[host][audit["status"]] += 1
        if sum(self.statuses[host].values()) != self.expected[host]:
            return None
        self.finished += 1
        return (f"[{self.finished}/{len(self.expected)} hosts] {host} done in {self.seconds[host]:.1f} s: "
                f"{tally(self.statuses[host])}")
