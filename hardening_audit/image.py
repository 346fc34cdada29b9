"""Offline targets: a root file system directory or a raw disk image, audited without booting it.

Each image is mounted read-only in a private mount namespace that one child
process (the holder) keeps alive; commands run in that namespace, chrooted
into the image, through testinfra's ``image://NAME`` backend. When the audit
ends the mounts are undone explicitly; when it fails or is killed the holder
dies with it (parent-death signal), the kernel drops the namespace's mounts,
and the loop device that mount(8) attached for a disk image is released with
them (mount sets it to clear itself).

The chroot sees a private /dev (null, zero, full, random, urandom) and /tmp,
both in memory, (and an empty /run), and no /proc or /sys of the auditing machine: nothing
of the running system that audits can pass for the image's.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from testinfra.backend import BACKENDS
from testinfra.backend.base import BaseBackend, CommandResult

from .parsers.disk import DiskLayoutError, FileSystemArea, filesystem_areas

READ_ONLY_MOUNT_OPTIONS = {"ext4": "ro,noload", "xfs": "ro,norecovery"}
DEVICE_NODES = {"null": (1, 3), "zero": (1, 5), "full": (1, 7), "random": (1, 8), "urandom": (1, 9)}
CHROOT_ENVIRONMENT = ("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "LANG=C.UTF-8")
PR_SET_PDEATHSIG = 1
HOLDER_START_TIMEOUT = 10.0


class ImageError(Exception):
    """An image that cannot be attached; the message names the image and why."""


def _die_with_parent() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class AttachedImage:
    """One image, mounted read-only in the holder's mount namespace."""

    def __init__(self, source: str):
        self.source = Path(source)
        self.holder: subprocess.Popen | None = None
        self.stage: Path | None = None
        self.area: FileSystemArea | None = None

    @property
    def root(self) -> Path:
        assert self.stage is not None
        return self.stage / "root"

    @property
    def kind(self) -> str:
        return "directory" if self.source.is_dir() else "disk image"

    def attach(self) -> None:
        if not self.source.exists():
            raise ImageError(f"{self.source}: no such file or directory")
        if not (self.source.is_dir() or self.source.is_file()):
            raise ImageError(f"{self.source}: neither a root file system directory nor a disk image file")
        if os.geteuid() != 0:
            raise ImageError(f"{self.source}: auditing an image needs root (it is mounted read-only to be read)")
        areas = None if self.source.is_dir() else self._areas()
        self.stage = Path(tempfile.mkdtemp(prefix="hardening-audit-image-"))
        try:
            self._start_holder()
            self._in_namespace("mount", "-t", "tmpfs", "-o", "mode=0700", "hardening-audit-image", str(self.stage))
            self._in_namespace("mkdir", str(self.root))
            if areas is None:
                self._in_namespace("mount", "--bind", "-o", "ro", str(self.source), str(self.root))
            else:
                self._mount_root_partition(areas)
            self._private_scratch()
        except BaseException:
            self.detach()
            raise

    def _areas(self) -> list[FileSystemArea]:
        with open(self.source, "rb") as image:
            def read(offset: int, size: int) -> bytes:
                image.seek(offset)
                return image.read(size)
            try:
                return filesystem_areas(read)
            except DiskLayoutError as exc:
                raise ImageError(f"{self.source}: {exc}") from None

    def _start_holder(self) -> None:
        own = os.readlink("/proc/self/ns/mnt")
        self.holder = subprocess.Popen(
            ["unshare", "--mount", "--propagation", "private", "--", "sleep", "infinity"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + HOLDER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.holder.poll() is not None:
                error = self.holder.stderr.read().decode(errors="replace").strip() if self.holder.stderr else ""
                raise ImageError(f"{self.source}: cannot make a private mount namespace: {error}")
            try:
                if os.readlink(f"/proc/{self.holder.pid}/ns/mnt") != own:
                    return
            except OSError:
                pass
            time.sleep(0.005)
        raise ImageError(f"{self.source}: the mount namespace holder did not start")

    def _in_namespace(self, *argv: str) -> subprocess.CompletedProcess:
        assert self.holder is not None
        result = subprocess.run(["nsenter", "--target", str(self.holder.pid), "--mount", "--", *argv],
                                stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise ImageError(f"{self.source}: {' '.join(argv[:2])} failed: {detail[-1] if detail else result.returncode}")
        return result

    def _mount_root_partition(self, areas: list[FileSystemArea]) -> None:
        """Mount the first Linux file system of the image that holds /etc/os-release."""
        for area in areas:
            options = [READ_ONLY_MOUNT_OPTIONS[area.fstype], "loop", f"offset={area.offset}"]
            if area.size is not None:
                options.append(f"sizelimit={area.size}")
            self._in_namespace("mount", "-t", area.fstype, "-o", ",".join(options), str(self.source), str(self.root))
            probe = subprocess.run(["nsenter", "--target", str(self.holder.pid), "--mount", "--",
                                    "test", "-e", str(self.root / "etc/os-release"), "-o",
                                    "-e", str(self.root / "usr/lib/os-release")])
            if probe.returncode == 0:
                self.area = area
                return
            self._in_namespace("umount", str(self.root))
        found = ", ".join(f"partition {a.partition}" if a.partition else "the whole image" for a in areas)
        raise ImageError(f"{self.source}: no root file system (with /etc/os-release) in {found}")

    def _private_scratch(self) -> None:
        """In-memory /dev, /tmp and /run over the image's own, so commands that need them never write into it.

        /run holds only sshd's privilege separation directory, which ``sshd -T`` insists on.
        """
        for directory in ("dev", "tmp", "run"):
            probe = subprocess.run(["nsenter", "--target", str(self.holder.pid), "--mount", "--",
                                    "test", "-d", str(self.root / directory)])
            if probe.returncode != 0:
                raise ImageError(f"{self.source}: the image has no /{directory} directory")
        self._in_namespace("mount", "-t", "tmpfs", "-o", "mode=0755,nosuid,noexec", "image-dev", str(self.root / "dev"))
        for name, (major, minor) in DEVICE_NODES.items():
            node = str(self.root / "dev" / name)
            self._in_namespace("mknod", "-m", "0666", node, "c", str(major), str(minor))
        self._in_namespace("mount", "-t", "tmpfs", "-o", "mode=1777,nosuid,nodev", "image-tmp", str(self.root / "tmp"))
        self._in_namespace("mount", "-t", "tmpfs", "-o", "mode=0755,nosuid,nodev", "image-run", str(self.root / "run"))
        self._in_namespace("mkdir", "-m", "0755", str(self.root / "run/sshd"))

    def command_line(self, command: str) -> tuple[str, tuple[str, ...]]:
        """A shell command line (with its %s arguments) that runs ``command`` inside the image."""
        assert self.holder is not None
        env = " ".join(["%s"] * len(CHROOT_ENVIRONMENT))
        return (f"nsenter --target %s --mount -- chroot %s /usr/bin/env -i {env} /bin/sh -c %s",
                (str(self.holder.pid), str(self.root), *CHROOT_ENVIRONMENT, command))

    def detach(self) -> None:
        """Unmount everything, end the namespace, remove the mount point; safe to call twice."""
        if self.holder is not None:
            if self.holder.poll() is None and self.stage is not None:
                subprocess.run(["nsenter", "--target", str(self.holder.pid), "--mount", "--",
                                "umount", "--recursive", str(self.stage)],
                               stdin=subprocess.DEVNULL, capture_output=True)
                self.holder.kill()
            self.holder.wait()
            if self.holder.stderr:
                self.holder.stderr.close()
            self.holder = None
        if self.stage is not None:
            try:
                self.stage.rmdir()
            except OSError:
                pass
            self.stage = None


ATTACHED: dict[str, AttachedImage] = {}


def attach_images(sources: list[str]) -> list[str]:
    """Attach each image and return its testinfra host spec (``image://NAME``)."""
    specs = []
    for source in sources:
        base = Path(source.rstrip("/")).name or "root"
        name, number = base, 1
        while name in ATTACHED:
            number += 1
            name = f"{base}-{number}"
        image = AttachedImage(source)
        image.attach()
        ATTACHED[name] = image
        specs.append(f"image://{name}")
    return specs


def detach_images() -> None:
    while ATTACHED:
        _, image = ATTACHED.popitem()
        image.detach()


class ImageBackend(BaseBackend):
    """testinfra backend for ``image://NAME``: commands run chrooted into an attached image."""

    NAME = "image"
    offline = True

    def __init__(self, name: str, *args, **kwargs):
        self.name = name
        super().__init__(name, *args, **kwargs)

    def run(self, command: str, *args: str, **kwargs) -> CommandResult:
        image = ATTACHED.get(self.name)
        if image is None or image.holder is None:
            raise RuntimeError(f"image {self.name} is not attached (give it with --image PATH)")
        line, arguments = image.command_line(self.get_command(command, *args))
        return self.run_local(line, *arguments)


def install() -> None:
    BACKENDS["image"] = f"{__name__}.ImageBackend"
