"""Capture real kernel parameters and sysctl configuration from booted lab hosts, for parser unit tests.

    python -m tests.lab up hardened krn-weak ssh-weak    # (or with --prefix=NAME; brings backup-server)
    python -m tests.lab.capture_kernel [--prefix=NAME] [HOST ...]

Each command runs as root inside the booted host (Lab.exec: the host's own
binaries and files), through `sh -c` as the audit's sudo runs it.  Its stdout
goes, byte for byte, to tests/data/captured/kernel/<host>/<name>; when it
fails its stderr goes to <name>.stderr and its exit status to <name>.rc as
well.  kernel-values.txt keeps its stderr in any case: `sysctl -n` of a key
the kernel lacks (kernel.yama.ptrace_scope on a kernel without Yama, as on
the machine these were captured on) prints "sysctl: cannot stat ..." to
stderr, still prints the other values in order, one a line, without the
missing one (so lines cannot be matched to keys by position alone), and
exits 1.  A host's directory is emptied first.

Inside systemd-nspawn the net.* values are the host's own network namespace;
kernel.* values (sysctl-a.txt, kernel-values.txt) are those of the machine the
lab runs on, read-only in the container: they differ from one build machine
to the next.  sysctl-files.txt lists /etc/sysctl.d/99-sysctl.conf and
/etc/sysctl.conf both: Debian's 99-sysctl.conf is a symlink to it.

The overlay upper directory of each host is snapshotted around its captures:
any change is reported and makes the script exit 1.  Nothing is edited
afterwards; the script only warns if the build machine's host name shows up
in a capture (in sysctl-a.txt only the values are searched: a machine named
"vm" would otherwise match every vm.* key).
"""

from __future__ import annotations

import sys
from pathlib import Path

from .capture import Capture, capture_main

OUTPUT_DIR = Path(__file__).resolve().parents[1] / "data" / "captured" / "kernel"
HOSTS = ("hardened", "krn-weak", "ssh-weak")

KERNEL_KEYS = (
    "kernel.randomize_va_space",
    "kernel.kptr_restrict",
    "kernel.dmesg_restrict",
    "kernel.yama.ptrace_scope",
    "kernel.unprivileged_bpf_disabled",
    "kernel.perf_event_paranoid",
)

SYSCTL_FILES = (
    "for f in /usr/lib/sysctl.d/*.conf /run/sysctl.d/*.conf /etc/sysctl.d/*.conf /etc/sysctl.conf; "
    'do [ -f "$f" ] && { printf "### %s\\n" "$f"; cat -- "$f"; echo; }; done; true'
)

CAPTURES = (
    Capture("sysctl-a.txt", "sysctl -a --ignore 2>/dev/null"),
    Capture("kernel-values.txt", f"sysctl -n {' '.join(KERNEL_KEYS)}", keep_stderr=True),
    Capture("sysctl-files.txt", SYSCTL_FILES),
    Capture("ip-link.txt", "ip -o link show"),
)


def main(argv: list[str] | None = None) -> int:
    return capture_main(argv, prog="python -m tests.lab.capture_kernel", description=__doc__.split("\n")[0],
                        output=OUTPUT_DIR, hosts=HOSTS, captures=CAPTURES, values_only=("sysctl-a.txt",))


if __name__ == "__main__":
    sys.exit(main())
