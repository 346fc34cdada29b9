"""pytest plugin for the fleet benchmark: how many remote commands the audit ran on each host.

    pytest -p bench.command_count ...   (HA_BENCH_COMMANDS=FILE: where the counts go, as JSON lines)

Each process that audits hosts (the main one, or every xdist worker) appends one line
``{"spec": commands, ...}`` when its session ends; the benchmark sums them per host.
"""

from __future__ import annotations

import json
import os

import pytest


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    target = os.environ.get("HA_BENCH_COMMANDS")
    audit = session.config.pluginmanager.get_plugin("hardening-audit-session")
    if not target or audit is None:
        return
    counts = {spec: ctx.commands_run for spec, ctx in audit.contexts.items()}
    with open(target, "a", encoding="utf-8") as out:
        out.write(json.dumps(counts) + "\n")
