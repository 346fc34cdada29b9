"""Capture real mount tables, account file modes and one-pass file system scans from booted lab hosts, for parser unit tests.

    python -m tests.lab up hardened fs-weak      # (or with --prefix=NAME; brings backup-server)
    python -m tests.lab.capture_filesystem [--prefix=NAME] [HOST ...]

Each command runs as root inside the booted host (Lab.exec: the host's own
binaries and files), through `sh -c` as the audit's sudo runs it.  Its stdout
goes, byte for byte, to tests/data/captured/filesystem/<host>/<name>; when it
fails its stderr goes to <name>.stderr and its exit status to <name>.rc as
well (scan.txt keeps its stderr in any case).  A host's directory is emptied
first.

scan.txt is the audit's one-pass scan (FS-02 world-writable files and
directories without the sticky bit, FS-03 unowned files, FS-04 set-UID/GID
files) over MOUNTS, the targets of every local, non-pseudo file system in
findmnt (scan-mounts.txt lists them, in order, each once).  Worth knowing
when parsing it:

- tmpfs counts as local: /tmp, /dev/shm, but also nspawn's /dev, /run,
  /sys, /sys/fs/cgroup, /run/host and the single-file /proc/kmsg mount;
  /run/host/os-release and /run/host/incoming are the build machine's own
  ext4, bind-mounted read-only by nspawn (listed twice by findmnt).
- -xdev compares device numbers: a self bind mount (hardened's /home,
  /var/tmp, /var/log) has the root's device, so `find / -xdev` goes into it
  and the same path can appear twice (once from /, once from its own mount).
- World-writable directories with the sticky bit (/tmp, /var/tmp, /dev/shm)
  are fine by FS-02 and do not appear.

boot.txt is `ls -l /boot`: the lab has no bootloader (FS-07 not applicable),
but base-files ships an empty /boot, so it reads "total 0" (exit 0).

The overlay upper directory of each host is snapshotted around its captures:
any change is reported and makes the script exit 1.  The script warns if the
build machine's host name shows up in a capture.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .capture import Capture, capture_main

OUTPUT_DIR = Path(__file__).resolve().parents[1] / "data" / "captured" / "filesystem"
HOSTS = ("hardened", "fs-weak")

ACCOUNT_FILES = (
    "/etc/passwd /etc/passwd- /etc/group /etc/group- /etc/shadow /etc/shadow- /etc/gshadow /etc/gshadow-"
)

# Pseudo and network file systems: never scanned.  Everything else findmnt lists (tmpfs included) is.
SKIPPED_FSTYPES = (
    "proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "mqueue", "debugfs", "tracefs", "securityfs",
    "pstore", "bpf", "autofs", "binfmt_misc", "configfs", "fusectl", "hugetlbfs", "efivarfs", "nsfs",
    "nfs", "nfs4", "cifs", "smb3", "sshfs", "fuse.sshfs",
)

MOUNTS = (
    "findmnt -rn -o TARGET,FSTYPE | awk -v skip='"
    + " ".join(SKIPPED_FSTYPES)
    + "' 'BEGIN { n = split(skip, s, \" \"); for (i = 1; i <= n; i++) pseudo[s[i]] = 1 }"
    " !($2 in pseudo) && !seen[$1]++ { print $1 }'"
)

SCAN = (
    f"find $({MOUNTS}) -xdev"
    " \\( -type f -perm -0002 -printf 'ww %m %u %g %p\\n' \\) ,"
    " \\( -type d -perm -0002 ! -perm -1000 -printf 'wd %m %u %g %p\\n' \\) ,"
    " \\( \\( -nouser -o -nogroup \\) -printf 'uo %U %G %p\\n' \\) ,"
    " \\( -type f \\( -perm -4000 -o -perm -2000 \\) -printf 'su %m %u %g %p\\n' \\)"
)

CAPTURES = (
    Capture("findmnt.txt", "findmnt -rn -o TARGET,FSTYPE,OPTIONS"),
    Capture("find-account-files.txt", f"find {ACCOUNT_FILES} -maxdepth 0 -printf '%m %u %g %y %p\\n'"),
    Capture("scan-mounts.txt", MOUNTS),
    Capture("scan.txt", SCAN, keep_stderr=True),
    Capture("boot.txt", "ls -l /boot"),
)


def main(argv: list[str] | None = None) -> int:
    return capture_main(argv, prog="python -m tests.lab.capture_filesystem", description=__doc__.split("\n")[0],
                        output=OUTPUT_DIR, hosts=HOSTS, captures=CAPTURES)


if __name__ == "__main__":
    sys.exit(main())
