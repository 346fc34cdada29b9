"""Parallel audits with pytest-xdist (``-n N``): hosts, not controls, are what is spread.

Every control of a host runs on the worker that has that host, so the host's facts are gathered
once and its connection is opened once, whatever ``--dist`` says. A worker takes whole hosts
and asks for the next host when it is done, so workers stay busy until the last hosts.

This schedules by the host in each test's node ID rather than with ``--dist loadgroup``: with
pytest 9.2 and pytest-xdist 3.8, loadgroup silently ignores its group marks (the node ID suffix
it relies on no longer takes effect) and spreads one group over all workers.
"""

from __future__ import annotations

import pytest
from xdist.scheduler import LoadScopeScheduling

# The parameter ID of a check without --hosts (testinfra's local host).
LOCAL = "local"


def host_of(nodeid: str) -> str:
    """``checks/test_ssh.py::test_ssh_01_root_login[paramiko://web1]`` -> ``paramiko://web1``."""
    name = nodeid.partition("::")[2]  # the parameter may hold "::" too (an IPv6 address)
    if not name.endswith("]") or "[" not in name:
        return LOCAL
    return name[name.index("[") + 1:-1]


class HostScheduling(LoadScopeScheduling):
    """xdist's scope scheduling with the host as the scope."""

    def _split_scope(self, nodeid: str) -> str:
        return host_of(nodeid)


def is_worker(config: pytest.Config) -> bool:
    """This process is an xdist worker: the controller writes the outputs, from the workers' reports."""
    return hasattr(config, "workerinput")
