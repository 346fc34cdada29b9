"""Thin, careful wrappers around the commands and kernel interfaces the lab uses."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from .paths import CHROOT_HELPER
from .progress import LabError

# What a chrooted command sees: no inherited locale, proxy or venv settings.
CHROOT_ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME": "/root",
    "LC_ALL": "C",
    "DEBIAN_FRONTEND": "noninteractive",
}


# Command -> the Debian package that provides it.
REQUIRED_COMMANDS = {
    "systemd-nspawn": "systemd-container",
    "debootstrap": "debootstrap",
    "ip": "iproute2",
    "ssh": "openssh-client",
    "ssh-keygen": "openssh-client",
    "unshare": "util-linux",
    "nsenter": "util-linux",
    "mount": "mount",
}


def require_root() -> None:
    if os.geteuid() != 0:
        raise LabError("the lab must run as root (it creates namespaces, mounts and containers)")


def require_commands() -> None:
    # debootstrap and chroot live in /usr/sbin, which a root shell started
    # through su or sudo may lack on its PATH.
    path = os.environ.get("PATH", "").split(os.pathsep)
    os.environ["PATH"] = os.pathsep.join(path + [d for d in ("/usr/local/sbin", "/usr/sbin", "/sbin") if d not in path])
    missing = {command: package for command, package in REQUIRED_COMMANDS.items() if shutil.which(command) is None}
    if missing:
        packages = " ".join(sorted(set(missing.values())))
        raise LabError(f"missing command(s) {', '.join(missing)}: apt-get install {packages}")


def run(
    argv: Sequence[str | os.PathLike],
    *,
    what: str | None = None,
    log: Path | None = None,
    **kwargs,
) -> subprocess.CompletedProcess:
    """Run a command; on failure raise LabError naming it and its output's tail (or its log)."""
    argv = [os.fspath(arg) for arg in argv]
    what = what or argv[0]
    kwargs.setdefault("text", True)
    if log is not None:
        with open(log, "a") as log_file:
            log_file.write(f"\n$ {' '.join(argv)}\n")
            log_file.flush()
            completed = subprocess.run(argv, check=False, stdout=log_file, stderr=subprocess.STDOUT, **kwargs)
        if completed.returncode != 0:
            raise LabError(f"{what} failed (exit {completed.returncode}): see {log}")
        return completed
    kwargs.setdefault("capture_output", "stdout" not in kwargs and "stderr" not in kwargs)
    completed = subprocess.run(argv, check=False, **kwargs)
    if completed.returncode != 0:
        output = "\n".join(filter(None, [completed.stdout, completed.stderr])) if kwargs["capture_output"] else ""
        tail = " | ".join(str(output).strip().splitlines()[-5:])
        raise LabError(f"{what} failed (exit {completed.returncode}): {tail or ' '.join(argv)}")
    return completed


def chroot_command(
    root: Path,
    argv: Sequence[str],
    *,
    overlay: tuple[str, Path, Path] | None = None,
    resolver: bool = False,
) -> list[str]:
    """argv run chrooted into root with /proc, /sys, /dev and /run mounted privately.

    overlay = (lowerdirs, upper, work) mounts an overlay on root first, in the
    same private namespace, so it cannot outlive the command.  resolver lends
    the machine's DNS configuration (read-only) to package downloads.
    """
    command = ["unshare", "--mount", "--propagation", "private", "sh", str(CHROOT_HELPER), str(root)]
    if resolver:
        command.append("--resolver")
    if overlay is not None:
        lowerdirs, upper, work = overlay
        command += ["--overlay", lowerdirs, str(upper), str(work)]
    return [*command, "--", *argv]


def run_chrooted(
    root: Path,
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    what: str | None = None,
    overlay: tuple[str, Path, Path] | None = None,
    resolver: bool = False,
    **kwargs,
) -> subprocess.CompletedProcess:
    return run(
        chroot_command(root, argv, overlay=overlay, resolver=resolver),
        env={**CHROOT_ENV, **(env or {})},
        what=what or f"{' '.join(argv[:2])} in {root}",
        **kwargs,
    )


# ---------------------------------------------------------------- mounts


def _unescape_mount_path(field: str) -> str:
    return field.encode().decode("unicode_escape") if "\\" in field else field


def mount_points() -> list[Path]:
    with open("/proc/self/mountinfo") as mountinfo:
        return [Path(_unescape_mount_path(line.split()[4])) for line in mountinfo]


def mount_points_under(directory: Path) -> list[Path]:
    """Mount points at or below directory, deepest first (the order to unmount them)."""
    found = [point for point in mount_points() if point == directory or directory in point.parents]
    return sorted(set(found), key=lambda point: len(point.parts), reverse=True)


def is_mount_point(path: Path) -> bool:
    return path in mount_points()


def unmount(path: Path) -> None:
    if subprocess.run(["umount", str(path)], capture_output=True).returncode == 0:
        return
    # Still busy a moment after its users died (e.g. a container that just
    # exited): detach it now, the kernel frees it when the last user goes.
    run(["umount", "--lazy", str(path)], what=f"umount {path}")


def unmount_all_under(directory: Path) -> None:
    for point in mount_points_under(directory):
        unmount(point)


def remove_tree(directory: Path) -> None:
    """rm -rf that refuses to descend into anything still mounted below directory."""
    if not directory.exists() and not directory.is_symlink():
        return
    unmount_all_under(directory)
    if mount_points_under(directory):
        raise LabError(f"refusing to delete {directory}: still has mounts below it")
    shutil.rmtree(directory)


# ---------------------------------------------------------------- processes


def process_argv(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return [arg.decode(errors="replace") for arg in cmdline.read().split(b"\0")[:-1]]
    except OSError:
        return []


def all_pids() -> Iterable[int]:
    return (int(name) for name in os.listdir("/proc") if name.isdigit())


def process_status(pid: int) -> dict[str, str]:
    try:
        with open(f"/proc/{pid}/status") as status:
            return dict(line.rstrip("\n").split(":\t", 1) for line in status if ":\t" in line)
    except OSError:
        return {}


def is_alive(pid: int) -> bool:
    """True while pid runs; a zombie counts as gone (it is reaped if it is our child)."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass
    state = process_status(pid).get("State", "")
    return bool(state) and not state.startswith("Z")


def own_lineage() -> set[int]:
    """This process and its ancestors: never signalled, even when they run inside a lab netns."""
    lineage, pid = set(), os.getpid()
    while pid > 0 and pid not in lineage:
        lineage.add(pid)
        pid = int(process_status(pid).get("PPid", "0"))
    return lineage


def terminate(pids: Iterable[int], *, timeout: float, sig: int = signal.SIGTERM) -> None:
    """Send sig to each pid, wait up to timeout for all to exit, then SIGKILL the rest."""
    pids = set(pids) - own_lineage()
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = {pid for pid in pids if is_alive(pid)}
        if not pids:
            return
        time.sleep(0.05)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while pids and time.monotonic() < deadline:
        pids = {pid for pid in pids if is_alive(pid)}
        time.sleep(0.05)
