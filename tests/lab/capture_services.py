"""Capture the package database, unit states and service settings from booted lab hosts, for parser unit tests.

    python -m tests.lab up hardened svc-weak    # (or with --prefix=NAME; brings backup-server)
    python -m tests.lab.capture_services [--prefix=NAME] [HOST ...]

Each command runs as root inside the booted host, as the audit runs it (see
tests/lab/capture.py); the outputs go to tests/data/captured/services/<host>/.
The overlay upper directory of each host is snapshotted around its captures:
any change makes the script exit 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hardening_audit.facts.services import CRON_PATHS, SYSV_RUNLEVEL_DIRS
from hardening_audit.parsers.listing import FIND_FORMAT
from hardening_audit.parsers.packages import DPKG_QUERY_FORMAT

from .capture import Capture, capture_main

OUTPUT_DIR = Path(__file__).resolve().parents[1] / "data" / "captured" / "services"
HOSTS = ("hardened", "svc-weak")

LIMITS_FILES = (
    "for f in /etc/security/limits.conf /etc/security/limits.d/*.conf; "
    'do [ -f "$f" ] && { printf "### %s\\n" "$f"; cat -- "$f"; echo; }; done; true'
)

CAPTURES = (
    Capture("dpkg-query.txt", f"dpkg-query -W -f '{DPKG_QUERY_FORMAT}'"),
    Capture("list-unit-files.txt", "systemctl list-unit-files --no-legend --no-pager"),
    Capture("show-triggers.txt", "systemctl show --property=Id,Triggers -- "
            "$(systemctl list-unit-files --no-legend --no-pager --state=enabled '*.timer' '*.socket' '*.path' "
            "| cut -d' ' -f1)"),
    Capture("rc-links.txt", f"find {' '.join(SYSV_RUNLEVEL_DIRS)} -maxdepth 1 -name 'S*' -printf '%f\\n'"),
    Capture("limits-files.txt", LIMITS_FILES),
    Capture("cron-files.txt", f"find {' '.join(CRON_PATHS)} -maxdepth 0 -printf '{FIND_FORMAT}' 2>/dev/null; true"),
    Capture("ss-tulnp.txt", "ss -Htulnp"),
)


def main(argv: list[str] | None = None) -> int:
    return capture_main(argv, prog="python -m tests.lab.capture_services", description=__doc__.split("\n")[0],
                        output=OUTPUT_DIR, hosts=HOSTS, captures=CAPTURES)


if __name__ == "__main__":
    sys.exit(main())
