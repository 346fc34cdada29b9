"""Parse mount tables and the one-pass filesystem scan."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Filesystems that hold no files of the host's own: kernel interfaces and network shares.
PSEUDO_FILESYSTEMS = frozenset({
    "proc", "sysfs", "devtmpfs", "cgroup", "cgroup2", "devpts", "mqueue", "debugfs", "tracefs", "securityfs",
    "pstore", "bpf", "autofs", "binfmt_misc", "configfs", "fusectl", "hugetlbfs", "efivarfs", "nsfs",
    "rpc_pipefs", "nfsd", "selinuxfs", "ramfs",
})
NETWORK_FILESYSTEMS = frozenset({"nfs", "nfs4", "cifs", "smb3", "smbfs", "sshfs", "fuse.sshfs", "9p", "ceph",
                                 "glusterfs", "fuse.glusterfs", "davfs", "fuse.s3fs"})


@dataclass(frozen=True)
class Mount:
    target: str
    fstype: str
    options: frozenset[str]

    @property
    def local(self) -> bool:
        return self.fstype not in PSEUDO_FILESYSTEMS and self.fstype not in NETWORK_FILESYSTEMS


def _unescape(text: str) -> str:
    return re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), text)


def parse_findmnt(text: str) -> list[Mount]:
    """``findmnt -rn -o TARGET,FSTYPE,OPTIONS``."""
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            mounts.append(Mount(_unescape(fields[0]), fields[1], frozenset(fields[2].split(","))))
    return mounts


@dataclass
class ScanResult:
    world_writable_files: list[str] = field(default_factory=list)
    open_directories: list[str] = field(default_factory=list)  # world-writable without the sticky bit
    unowned: list[str] = field(default_factory=list)  # "path (uid U, gid G)"
    setid: list[tuple[str, str]] = field(default_factory=list)  # (path, mode)


def parse_scan(text: str) -> ScanResult:
    """Lines tagged ww/wd/uo/su by the one-pass find of the filesystem fact.

    A bind mount of a directory of the same filesystem is scanned twice: each line counts once.
    """
    result = ScanResult()
    for line in dict.fromkeys(text.splitlines()):
        tag, _, rest = line.partition(" ")
        if tag == "ww":
            result.world_writable_files.append(rest.split(" ", 3)[3])
        elif tag == "wd":
            result.open_directories.append(rest.split(" ", 3)[3])
        elif tag == "uo":
            uid, gid, path = rest.split(" ", 2)
            result.unowned.append(f"{path} (uid {uid}, gid {gid})")
        elif tag == "su":
            mode, _, _, path = rest.split(" ", 3)
            result.setid.append((path, mode))
        elif line.strip():
            raise ValueError(f"unexpected scan line: {line!r}")
    return result
