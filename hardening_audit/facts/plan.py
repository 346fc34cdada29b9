"""Which facts a run gathers up front (HostContext.gather): those taking no arguments, of the
fact modules the selected controls' domains read. Facts that take arguments (a backup job) and
facts read outside these modules are computed when a control first asks for them."""

from __future__ import annotations

import inspect

from .core import FACTS

SYSTEM_MODULES = ("system", "packages")
MODULES_BY_DOMAIN = {
    "firewall": ("firewall", "network"),
    "backups": ("backups",),
    "patching": ("patching",),
    "accounts": ("accounts",),
    "logging": ("logging",),
    "detection": ("logging",),
    "ssh": ("sshd",),
    "services": ("services", "network"),
    "kernel": ("kernel",),
    "filesystem": ("filesystem",),
}


def facts_to_gather(domains) -> list[str]:
    modules = {*SYSTEM_MODULES, *(module for domain in domains for module in MODULES_BY_DOMAIN.get(domain, ()))}
    return [name for name, provider in FACTS.items()
            if provider.__module__.rpartition(".")[2] in modules
            and len(inspect.signature(provider).parameters) == 1]
