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

import argparse
import re
import socket
import sys
import time
from pathlib import Path

from .capture_firewall import _running_lab
from .lab import Lab
from .progress import LabError
from .snapshot import diff, snapshot

OUTPUT_DIR = Path(__file__).resolve().parents[1] / "data" / "captured" / "filesystem"
HOSTS = ("hardened", "fs-weak")
TIMEOUT = 300

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

# (file name, command, keep stderr even on success)
CAPTURES: tuple[tuple[str, str, bool], ...] = (
    ("findmnt.txt", "findmnt -rn -o TARGET,FSTYPE,OPTIONS", False),
    ("find-account-files.txt", f"find {ACCOUNT_FILES} -maxdepth 0 -printf '%m %u %g %y %p\\n'", False),
    ("scan-mounts.txt", MOUNTS, False),
    ("scan.txt", SCAN, True),
    ("boot.txt", "ls -l /boot", False),
)


def _leaks(directory: Path) -> list[str]:
    """Captured files naming the build machine (its host name): to look at by hand."""
    names = {socket.gethostname(), socket.getfqdn()} - {"localhost", ""}
    patterns = {name: re.compile(rf"(?<![\w.-]){re.escape(name)}(?![\w-])") for name in names}
    found = []
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            text = path.read_text(errors="replace")
            found += [f"{path}: mentions {name!r}" for name, pattern in patterns.items() if pattern.search(text)]
    return found


def _run(lab: Lab, host: str, directory: Path, name: str, command: str, keep_stderr: bool) -> str:
    started = time.monotonic()
    result = lab.exec(host, ["sh", "-c", command], text=False, timeout=TIMEOUT)
    elapsed = time.monotonic() - started
    (directory / name).write_bytes(result.stdout)
    if keep_stderr or result.returncode != 0:
        (directory / f"{name}.stderr").write_bytes(result.stderr)
    lines = result.stdout.count(b"\n")
    if result.returncode != 0:
        (directory / f"{name}.rc").write_text(f"{result.returncode}\n")
        message = result.stderr.decode(errors="replace").strip().splitlines()
        return f"  {name}: exit {result.returncode} ({elapsed:.2f} s): {message[-1] if message else '(no stderr)'}"
    return f"  {name}: {len(result.stdout)} bytes, {lines} lines ({elapsed:.2f} s)"


def capture_host(lab: Lab, host: str, directory: Path) -> tuple[list[str], list[str]]:
    """Every capture of host into directory (emptied first); returns (summary lines, changes made)."""
    state = lab.exec(host, ["systemctl", "is-system-running", "--wait"], timeout=TIMEOUT).stdout.strip()
    lines = [f"  (system {state})"]
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.iterdir():
        if old.is_file():
            old.unlink()
    before = snapshot(lab.upper_dir(host))
    for name, command, keep_stderr in CAPTURES:
        lines.append(_run(lab, host, directory, name, command, keep_stderr))
    changes = [f"{host}: {change}" for change in diff(before, snapshot(lab.upper_dir(host)))]
    return lines, changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.lab.capture_filesystem", description=__doc__.split("\n")[0])
    parser.add_argument("--prefix", default="ha", help="prefix of the running lab (default: ha)")
    parser.add_argument("--output", type=Path, default=OUTPUT_DIR, help=f"default: {OUTPUT_DIR}")
    parser.add_argument("hosts", nargs="*", metavar="HOST", help=f"default: {' '.join(HOSTS)}")
    options = parser.parse_args(argv)
    changes: list[str] = []
    try:
        lab = _running_lab(options.prefix)
        hosts = options.hosts or list(HOSTS)
        missing = [host for host in hosts if host not in lab.booted_hosts]
        if missing:
            raise LabError(
                f"not booted in lab {options.prefix!r}: {', '.join(missing)} "
                f"(python -m tests.lab --prefix={options.prefix} up {' '.join(hosts)})"
            )
        for host in hosts:
            print(f"{host}:")
            lines, found = capture_host(lab, host, options.output / host)
            print("\n".join(lines))
            changes += found
    except LabError as error:
        print(f"capture: error: {error}", file=sys.stderr)
        return 1
    for leak in _leaks(options.output):
        print(f"capture: warning: {leak}", file=sys.stderr)
    for change in changes:
        print(f"capture: not read-only: {change}", file=sys.stderr)
    return 1 if changes else 0


if __name__ == "__main__":
    sys.exit(main())
