"""File-system snapshots of a host root, to prove that an audit changed nothing.

snapshot(root) records, per path relative to root: type, mode, owner, size
and content hash (or link target, or device number); diff() turns two
snapshots into human-readable lines.  Timestamps are left out on purpose:
reading a file updates its atime, and the question is whether content or
metadata that matters changed.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

# Paths that change on a booted host without anyone auditing it.  Each prefix
# matches the path itself and everything below it.
DEFAULT_VOLATILE: tuple[str, ...] = (
    # journald keeps a persistent journal (Debian ships /var/log/journal); every
    # login, sudo call and sshd message of the audit itself lands there.
    "var/log/journal",
    # sudo's own log (Defaults logfile, ACC-12): the audit's sudo calls append to it.
    "var/log/sudo.log",
    # A syslog daemon (rsyslog, inetutils-syslogd) writes the same login and sudo messages.
    "var/log/auth.log",
    "var/log/syslog",
    "var/log/messages",
    "var/log/daemon.log",
    "var/log/user.log",
    # rsyslog files cron's messages (cron.*) apart: cron's hourly run adds a line.
    "var/log/cron.log",
    # A central log host (log-server) files forwarded messages here: every audit login on a forwarding host.
    "var/log/remote",
    # fail2ban records in its database how far it has read the logs it watches
    # (auth.log grows with every audit login).
    "var/lib/fail2ban/fail2ban.sqlite3",
    # chronyd rewrites its drift file at most once an hour while it follows a
    # source (hardened: about an hour after boot), and at exit.
    "var/lib/chrony",
    # Login accounting: interactive (pty) logins append to wtmp and lastlog,
    # failed ones to btmp.
    "var/log/wtmp",
    "var/log/btmp",
    "var/log/lastlog",
    # tmpfs inside a booted host (the snapshot sees the empty directories under
    # the mounts) or scratch space by definition; systemd puts PrivateTmp dirs
    # (var/tmp/systemd-private-*) here at boot.
    "run",
    "tmp",
    "var/tmp",
    # Persistent timers record their last run here (the base image disables
    # Debian's periodic timers; a scenario that enables one brings stamps).
    "var/lib/systemd/timers",
    # Rewritten at boot and shutdown by systemd-random-seed; skipped inside
    # containers, listed for the day the same audit runs against a VM.
    "var/lib/systemd/random-seed",
)
# Observed on idle booted lab hosts (bookworm, 90 s after boot): nothing
# changed at all.  Boot itself, before any snapshot is taken, adds
# var/lib/systemd/linger (logind), var/tmp/systemd-private-*, a wtmp boot
# record and the journal files.


Entry = tuple  # (type, mode, uid, gid, size, detail)


def _is_volatile(relative: str, volatile: tuple[str, ...]) -> bool:
    return any(relative == prefix or relative.startswith(prefix + "/") for prefix in volatile)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _entry(path: Path, info: os.stat_result) -> Entry:
    mode = info.st_mode
    permissions = stat.S_IMODE(mode)
    if stat.S_ISREG(mode):
        return ("file", permissions, info.st_uid, info.st_gid, info.st_size, _sha256(path))
    if stat.S_ISLNK(mode):
        return ("symlink", permissions, info.st_uid, info.st_gid, info.st_size, os.readlink(path))
    if stat.S_ISDIR(mode):
        # A directory's size depends on the file system, not on anything the audit did.
        return ("dir", permissions, info.st_uid, info.st_gid, None, None)
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "char" if stat.S_ISCHR(mode) else "block"
        return (kind, permissions, info.st_uid, info.st_gid, None, f"{os.major(info.st_rdev)}:{os.minor(info.st_rdev)}")
    kind = "fifo" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "other"
    return (kind, permissions, info.st_uid, info.st_gid, None, None)


def snapshot(root: Path, volatile: tuple[str, ...] = DEFAULT_VOLATILE) -> dict[str, Entry]:
    """Every path under root (relative, without leading '/') that is not volatile."""
    root = Path(root)
    entries: dict[str, Entry] = {}
    stack = [""]
    while stack:
        relative_dir = stack.pop()
        with os.scandir(root / relative_dir) as listing:
            for item in listing:
                relative = f"{relative_dir}/{item.name}" if relative_dir else item.name
                if _is_volatile(relative, volatile):
                    continue
                info = item.stat(follow_symlinks=False)
                entries[relative] = _entry(Path(item.path), info)
                if stat.S_ISDIR(info.st_mode):
                    stack.append(relative)
    return entries


_FIELDS = ("type", "mode", "uid", "gid", "size", "content")


def _describe_change(before: Entry, after: Entry) -> str:
    changes = []
    for field, old, new in zip(_FIELDS, before, after, strict=True):
        if old == new:
            continue
        if field == "mode":
            changes.append(f"mode {old:04o}->{new:04o}")
        elif field == "content":
            label = "target" if before[0] == after[0] == "symlink" else "content"
            changes.append(f"{label} {old}->{new}" if label == "target" else "content")
        else:
            changes.append(f"{field} {old}->{new}")
    return ", ".join(changes)


def diff(before: dict[str, Entry], after: dict[str, Entry]) -> list[str]:
    """Lines such as "added x", "removed y", "changed z (mode 0644->0600)", sorted by path."""
    lines = []
    for path in sorted(before.keys() | after.keys()):
        if path not in before:
            lines.append(f"added {path}")
        elif path not in after:
            lines.append(f"removed {path}")
        elif before[path] != after[path]:
            lines.append(f"changed {path} ({_describe_change(before[path], after[path])})")
    return lines
