"""Installed software: the package database, read once per host."""

from __future__ import annotations

from ..parsers.packages import DPKG_QUERY_FORMAT, Package, parse_dpkg_query
from .core import HostContext, fact


@fact
def packages(ctx: HostContext) -> dict[str, Package]:
    """Every package the database knows, present or removed with its configuration left.

    Debian family only for now: without dpkg-query the fact is an error
    ("command not found"), so no control built on it can pass.
    """
    return parse_dpkg_query(ctx.run_argv(["dpkg-query", "-W", "-f", DPKG_QUERY_FORMAT]).stdout)


def installed(ctx: HostContext, name: str) -> bool:
    """Whether the package's files are on the host (not removed, not only its configuration left)."""
    package = ctx.value("packages").get(name)
    return bool(package and package.present)
