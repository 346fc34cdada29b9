"""A cgroup of its own for each lab host.

With no systemd as PID 1 on the lab machine, nspawn puts every container's
systemd at the root of the cgroup tree, so all hosts would manage the same
/payload/system.slice directories: early units of different hosts collide
(status=219/CGROUP) and restarting a unit on one host would kill it on all.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
LAB_GROUP = "hardening-audit-lab"
FREEZE_TIMEOUT = 10


def hierarchies() -> list[Path]:
    """The hierarchies systemd uses: the unified one alone, or unified plus name=systemd (hybrid)."""
    if (CGROUP_ROOT / "cgroup.controllers").exists():
        return [CGROUP_ROOT]
    return [h for h in (CGROUP_ROOT / "unified", CGROUP_ROOT / "systemd") if (h / "cgroup.procs").exists()]


def create(machine: str) -> list[Path]:
    groups = []
    for hierarchy in hierarchies():
        group = hierarchy / LAB_GROUP / machine
        group.mkdir(parents=True, exist_ok=True)
        groups.append(group)
    return groups


def joiner(groups: list[Path]) -> Callable[[], None]:
    """A preexec function that moves the starting process (nspawn) into the host's groups."""

    def join() -> None:
        for group in groups:
            (group / "cgroup.procs").write_text("0")

    return join


def freeze(machine: str, frozen: bool) -> None:
    """Stop, or resume, every process of a host at once, as on a hung machine: its kernel still
    completes TCP handshakes on its listening sockets, but nothing answers (cgroup v2's freezer)."""
    for hierarchy in hierarchies():
        group = hierarchy / LAB_GROUP / machine
        if (group / "cgroup.freeze").exists():
            (group / "cgroup.freeze").write_text("1" if frozen else "0")
            wanted = f"frozen {int(frozen)}"
            deadline = time.monotonic() + FREEZE_TIMEOUT
            while wanted not in (group / "cgroup.events").read_text().splitlines():
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{group}: not {'frozen' if frozen else 'thawed'} after {FREEZE_TIMEOUT} s")
                time.sleep(0.05)
            return
    raise RuntimeError(f"no cgroup v2 freezer for {machine} (cgroup.freeze needs Linux 5.2 or later)")


def remove(machine_prefix: str) -> None:
    """Remove the groups of stopped hosts, deepest first (a cgroup is removed with rmdir)."""
    for hierarchy in hierarchies():
        lab = hierarchy / LAB_GROUP
        if not lab.is_dir():
            continue
        for machine in lab.glob(f"{machine_prefix}*"):
            for group in sorted((p for p in machine.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
                _rmdir(group)
            _rmdir(machine)
        if not any(lab.iterdir()):
            _rmdir(lab)


def _rmdir(path: Path) -> None:
    try:
        path.rmdir()
    except OSError:
        pass  # still populated: a later down removes it
