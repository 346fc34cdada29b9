"""Files of shell variable assignments: os-release, /etc/default/*, ufw.conf, firewalld.conf."""

from __future__ import annotations

import shlex


def parse_shell_assignments(text: str) -> dict[str, str]:
    """KEY=value lines as a POSIX shell reads them (quotes removed, comments ignored)."""
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, raw = line.partition("=")
        try:
            words = shlex.split(raw, comments=True)
        except ValueError:
            words = [raw.strip("\"'")]
        values[key.strip()] = words[0] if words else ""
    return values
