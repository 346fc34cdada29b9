"""Which facts a run gathers up front (HostContext.gather): those taking no arguments, of the
fact modules the selected controls' domains read, and the facts of each declared backup job.
Other facts are computed when a control first asks for them."""

from __future__ import annotations

import inspect

from .backups import Job
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


# The facts every backup control reads of each job (the restore of level 2 is left to BAK-05).
JOB_FACTS = ("backup_schedule", "backup_snapshots", "backup_newest_paths", "backup_encryption", "backup_devices",
             "backup_secrets", "backup_last_run", "backup_job_definition")


def job_facts_to_gather(domains, settings) -> list[tuple]:
    """(fact, job[, argument]) of each job the host's baseline declares, when backups are selected."""
    if "backups" not in domains:
        return []
    verify_data = Job.integrity_reads_data(settings.backups)
    return [key for job in Job.declared(settings.backups)
            for key in [*((name, job) for name in JOB_FACTS), ("backup_integrity", job, verify_data)]]


def facts_to_gather(domains) -> list[str]:
    modules = {*SYSTEM_MODULES, *(module for domain in domains for module in MODULES_BY_DOMAIN.get(domain, ()))}
    return [name for name, provider in FACTS.items()
            if provider.__module__.rpartition(".")[2] in modules
            and len(inspect.signature(provider).parameters) == 1]
