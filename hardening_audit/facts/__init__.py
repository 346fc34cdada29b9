"""Per-host facts. Importing this package registers every fact."""

from . import accounts, backups, filesystem, firewall, kernel, network, packages, patching, services, sshd, system  # noqa: F401  (registration)
from .core import FACTS, CommandRecord, Facts, HostContext, fact

__all__ = ["FACTS", "CommandRecord", "Facts", "HostContext", "fact"]
