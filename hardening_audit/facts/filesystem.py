"""Filesystems: mounts, protected files, and one scan of every local filesystem."""

from __future__ import annotations

from ..parsers.filesystem import NETWORK_FILESYSTEMS, PSEUDO_FILESYSTEMS, Mount, ScanResult, parse_findmnt, parse_scan
from ..parsers.listing import FileStat
from .core import HostContext, fact
from .files import stat_paths
from .system import require_root

ACCOUNT_FILES = ("/etc/passwd", "/etc/passwd-", "/etc/group", "/etc/group-",
                 "/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-")
BOOTLOADER_FILES = ("/boot/grub/grub.cfg", "/boot/grub/user.cfg", "/boot/grub2/grub.cfg", "/boot/grub2/user.cfg")
# One pass over the local filesystems answers FS-02, FS-03 and FS-04 together.
SCAN = [
    "(", "-type", "f", "-perm", "-0002", "-printf", "ww %m %u %g %p\\n", ")", ",",
    "(", "-type", "d", "-perm", "-0002", "!", "-perm", "-1000", "-printf", "wd %m %u %g %p\\n", ")", ",",
    "(", "(", "-nouser", "-o", "-nogroup", ")", "-printf", "uo %U %G %p\\n", ")", ",",
    "(", "-type", "f", "(", "-perm", "-4000", "-o", "-perm", "-2000", ")", "-printf", "su %m %u %g %p\\n", ")",
]


@fact
def mounts(ctx: HostContext) -> list[Mount]:
    """The mounted file systems; on an image, the ones /etc/fstab mounts at boot."""
    if ctx.offline:
        return parse_findmnt(ctx.run_argv(["findmnt", "--fstab", "-rn", "-o", "TARGET,FSTYPE,OPTIONS"], ok=(0, 1)).stdout)
    return parse_findmnt(ctx.run_argv(["findmnt", "-rn", "-o", "TARGET,FSTYPE,OPTIONS"]).stdout)


@fact
def account_file_stats(ctx: HostContext) -> list[FileStat]:
    return stat_paths(ctx, ACCOUNT_FILES)


# A live scan walks from / and does not descend into kernel interfaces or network shares: it needs
# no mount table first, so it runs with the first round of commands.
NOT_LOCAL = sorted(PSEUDO_FILESYSTEMS | NETWORK_FILESYSTEMS)
SKIP_NOT_LOCAL = ["(", *[word for fstype in NOT_LOCAL for word in ("-o", "-fstype", fstype)][1:], ")", "-prune", "-o"]


def live_scan(predicates: list[str]) -> list[str]:
    """``find`` over every local filesystem of a running host, with these predicates."""
    return ["find", "/", *SKIP_NOT_LOCAL, "(", *predicates, ")"]


@fact
def filesystem_scan(ctx: HostContext) -> ScanResult:
    """World-writable, unowned and set-UID/GID files on every local filesystem (not /proc, /sys, NFS...)."""
    if ctx.offline:
        # An image is one file system: the scan stays on it (fstab's entries are not mounted).
        out = ctx.run_argv(["find", "/", "-xdev", *SCAN], ok=(0, 1))
    else:
        out = ctx.run_argv(live_scan(SCAN), ok=(0, 1))
    # After the scan, not before: asking first would hold the scan back by a round.
    require_root(ctx)
    return parse_scan(out.stdout)


@fact
def bootloader_files(ctx: HostContext) -> list[FileStat]:
    return stat_paths(ctx, BOOTLOADER_FILES)
