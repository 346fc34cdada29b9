"""Per-host facts. Importing this package registers every fact."""

from . import (  # noqa: F401  (registration)
    accounts, backups, filesystem, firewall, kernel, logging, network, packages, patching, services, sshd, system,
)
from .core import FACTS, CommandRecord, Facts, HostContext, fact

__all__ = ["FACTS", "CommandRecord", "Facts", "HostContext", "fact"]
