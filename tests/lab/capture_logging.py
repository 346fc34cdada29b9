"""Capture journald, rsyslog, auditd, time sync and detection tools' state from booted lab hosts, for parser unit tests.

    python -m tests.lab up hardened log-server log-weak log-udp    # (or with --prefix=NAME)
    python -m tests.lab.capture_logging [--prefix=NAME] [HOST ...]

Each command runs as root inside the booted host, as the audit runs it (see
tests/lab/capture.py); the outputs go to tests/data/captured/logging/<host>/.
A command that fails keeps its stderr (<name>.stderr) and exit status
(<name>.rc): `ls -ld` of the journal directory a host does not use, the
audit, chrony, AIDE, rkhunter and fail2ban files and tools on hosts without
them.  auditctl-l.txt and auditctl-s.txt keep their stderr in any case: inside
systemd-nspawn the kernel audit interface is out of reach, and auditctl says
"Error - audit support not in kernel" / "Cannot open netlink audit socket" and
exits 1, exactly as on a kernel built without audit.  That is nspawn's seccomp
filter (every process of the container inherits it from PID 1: socket() of the
netlink audit family fails), which Lab.exec's nsenter does not carry: a bare
`auditctl -s` from there reaches the kernel and gets "Error sending status
request (Operation not permitted)", exit 255, which no audit ever sees.  So
auditctl runs through `sh -c` under the host's own systemd (systemd-run --pipe
--wait), as a descendant of its PID 1 like the audit's sudo.
The overlay upper directory of each host is snapshotted around its captures:
any change makes the script exit 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hardening_audit.facts.files import CAT_WITH_NAMES

from .capture import Capture, capture_main

OUTPUT_DIR = Path(__file__).resolve().parents[1] / "data" / "captured" / "logging"
HOSTS = ("hardened", "log-weak", "log-udp", "log-server")
# A command as a child of the host's PID 1, with the seccomp filter nspawn gave it (see above).
IN_HOST_SYSTEMD = "systemd-run --quiet --pipe --wait --collect"


def cat_with_names(*paths: str) -> str:
    """CAT_WITH_NAMES over paths (shell globs allowed), as the audit reads a set of files."""
    return f"set -- {' '.join(paths)}; {CAT_WITH_NAMES}"


CAPTURES = (
    Capture("journald-cat-config.txt", "systemd-analyze cat-config systemd/journald.conf"),
    Capture("journal-dirs.txt", "ls -ld /var/log/journal /run/log/journal"),
    Capture("rsyslog-files.txt", cat_with_names("/etc/rsyslog.conf", "/etc/rsyslog.d/*.conf")),
    Capture("ss-tulnp.txt", "ss -Htulnp"),
    Capture("var-log-files.txt", r"find /var/log -xdev -type f -printf '%m %u %g %p\n'"),
    Capture("audit-rules.txt", "cat /etc/audit/audit.rules"),
    Capture("auditctl-l.txt", f"{IN_HOST_SYSTEMD} sh -c 'auditctl -l'", keep_stderr=True),
    Capture("auditctl-s.txt", f"{IN_HOST_SYSTEMD} sh -c 'auditctl -s'", keep_stderr=True),
    Capture("auditd-conf.txt", "cat /etc/audit/auditd.conf"),
    Capture("chronyc-sources.txt", "chronyc -n -c sources"),
    Capture("timedatectl-show.txt", "timedatectl show"),
    Capture("list-unit-files.txt", "systemctl list-unit-files --no-legend --no-pager"),
    Capture("list-units.txt", "systemctl list-units --all --no-legend --no-pager --plain"),
    Capture("aide-conf-database.txt", "grep -E '^[[:space:]]*(database|gzip_dbout)' /etc/aide/aide.conf"),
    Capture("aide-lib.txt", "ls -l /var/lib/aide"),
    Capture("rkhunter-default.txt", "cat /etc/default/rkhunter"),
    Capture("fail2ban-sshd.txt", "fail2ban-client status sshd"),
)


def main(argv: list[str] | None = None) -> int:
    return capture_main(argv, prog="python -m tests.lab.capture_logging", description=__doc__.split("\n")[0],
                        output=OUTPUT_DIR, hosts=HOSTS, captures=CAPTURES)


if __name__ == "__main__":
    sys.exit(main())
