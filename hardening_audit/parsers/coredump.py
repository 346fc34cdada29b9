"""Core dump configuration: pam_limits files and systemd-coredump's coredump.conf."""

from __future__ import annotations

from .systemd import parse_cat_config

LIMITS_CONF = "/etc/security/limits.conf"


def everyone_hard_core_limit(files: list[tuple[str, str]]) -> tuple[str, str] | None:
    """(value, file) of the hard ``core`` limit set for every user (domain ``*``), or None.

    pam_limits reads limits.conf, then limits.d/*.conf in name order, as if they
    were one file; a later line for the same domain, type and item wins. Type
    ``-`` sets both the soft and the hard limit.
    """
    found = None
    for path, text in files:
        for line in text.splitlines():
            fields = line.split("#", 1)[0].split()
            if len(fields) == 4 and fields[0] == "*" and fields[1] in ("hard", "-") and fields[2] == "core":
                found = (fields[3], path)
    return found


def parse_coredump_config(text: str) -> dict[str, str]:
    """``systemd-analyze cat-config systemd/coredump.conf``: the [Coredump] settings, later files winning."""
    return parse_cat_config(text, "Coredump")
