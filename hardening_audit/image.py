"""Offline targets: a root file system directory, a raw disk image or a podman image, audited
without booting or starting it.

Each image is mounted read-only in a private mount namespace that one child
process (the holder) keeps alive; commands run in that namespace, chrooted
into the image, through testinfra's ``image://NAME`` backend. When the audit
ends the mounts are undone explicitly; when it fails or is killed the holder
dies with it (parent-death signal), the kernel drops the namespace's mounts,
and the loop device that mount(8) attached for a disk image is released with
them (mount sets it to clear itself). Nothing is created outside the
namespace: the image is staged on a tmpfs that covers an existing directory
(/mnt, say) in the namespace only. A podman image's layers are stacked by a
read-only overlay mount of our own: podman's storage is only read, and no
container is created.

The chroot sees a private /dev (null, zero, full, random, urandom) and /tmp,
both in memory, (and an empty /run), and no /proc or /sys of the auditing machine: nothing
of the running system that audits can pass for the image's.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

from testinfra.backend import BACKENDS
from testinfra.backend.base import BaseBackend, CommandResult

from .parsers.disk import DiskLayoutError, FileSystemArea, filesystem_areas
from .parsers.podman import PodmanLayoutError, image_layers
from .timeouts import TimedLocalRun

READ_ONLY_MOUNT_OPTIONS = {"ext4": "ro,noload", "xfs": "ro,norecovery"}
DEVICE_NODES = {"null": (1, 3), "zero": (1, 5), "full": (1, 7), "random": (1, 8), "urandom": (1, 9)}
CHROOT_ENVIRONMENT = ("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "LANG=C.UTF-8")
PR_SET_PDEATHSIG = 1
HOLDER_START_TIMEOUT = 10.0
PODMAN_PREFIX = "podman:"
# mount(2) passes its options in one page.
MOUNT_OPTIONS_MAX = 4000
# Directories the namespace may cover with its staging tmpfs: the first that holds none of the
# paths the image is read from (covering it hides it in the namespace, and only there).
STAGE_CANDIDATES = ("/mnt", "/media", "/srv", "/opt", "/var/tmp")


class ImageError(Exception):
    """An image that cannot be attached; the message names the image and why."""


def _die_with_parent() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class AttachedImage:
    """One image, mounted read-only in the holder's mount namespace."""

    def __init__(self, source: str):
        self.spec = source
        self.podman_image = source.removeprefix(PODMAN_PREFIX) if source.startswith(PODMAN_PREFIX) else None
        self.source = Path(source)
        self.holder: subprocess.Popen | None = None
        self.stage: Path | None = None
        self.area: FileSystemArea | None = None

    @property
    def name(self) -> str:
        """The host name of the image in ``image://NAME``: its file name, or podman-REPOSITORY[-TAG]."""
        if self.podman_image is None:
            return Path(self.spec.rstrip("/")).name or "root"
        repository, _, tag = self.podman_image.rpartition("/")[2].partition(":")
        name = repository if tag in ("", "latest") else f"{repository}-{tag}"
        return "podman-" + re.sub(r"[^A-Za-z0-9._-]+", "-", name)

    @property
    def root(self) -> Path:
        assert self.stage is not None
        return self.stage / "root"

    def attach(self) -> None:
        mount_root, read_from = self._plan()
        self.stage = _stage_outside(read_from, self.spec)
        try:
            self._start_holder()
            self._in_namespace("mount", "-t", "tmpfs", "-o", "mode=0700", "hardening-audit-image", str(self.stage))
            self._in_namespace("mkdir", str(self.root))
            mount_root()
            self._private_scratch()
        except BaseException:
            self.detach()
            raise

    def _plan(self):
        """Check the image and return how to mount its root; nothing is mounted yet."""
        if os.geteuid() != 0:
            raise ImageError(f"{self.spec}: auditing an image needs root (it is mounted read-only to be read)")
        if self.podman_image is not None:
            layers = self._podman_layers()
            return (lambda: self._mount_layers(layers)), layers
        if not self.source.exists():
            raise ImageError(f"{self.spec}: no such file or directory")
        if self.source.is_dir():
            return (lambda: self._mount_read_only_tree(str(self.source))), [str(self.source)]
        if not self.source.is_file():
            raise ImageError(f"{self.spec}: neither a root file system directory nor a disk image file")
        areas = self._areas()
        return (lambda: self._mount_root_partition(areas)), [str(self.source)]

    def _areas(self) -> list[FileSystemArea]:
        with open(self.source, "rb") as image:
            def read(offset: int, size: int) -> bytes:
                image.seek(offset)
                return image.read(size)
            try:
                return filesystem_areas(read)
            except DiskLayoutError as exc:
                raise ImageError(f"{self.spec}: {exc}") from None

    def _podman_layers(self) -> list[str]:
        if shutil.which("podman") is None:
            raise ImageError(f"{self.spec}: podman is not installed")
        result = subprocess.run(["podman", "image", "inspect", "--format", "{{json .GraphDriver}}", "--",
                                 self.podman_image], stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if result.returncode != 0:
            detail = result.stderr.strip().splitlines()
            reason = detail[-1].removeprefix("Error: ") if detail else f"exit status {result.returncode}"
            raise ImageError(f"{self.spec}: podman image inspect: {reason}")
        try:
            return image_layers(result.stdout)
        except PodmanLayoutError as exc:
            raise ImageError(f"{self.spec}: {exc}") from None

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
                raise ImageError(f"{self.spec}: cannot make a private mount namespace: {error}")
            try:
                if os.readlink(f"/proc/{self.holder.pid}/ns/mnt") != own:
                    return
            except OSError:
                pass
            time.sleep(0.005)
        raise ImageError(f"{self.spec}: the mount namespace holder did not start")

    def _nsenter(self, *argv: str) -> subprocess.CompletedProcess:
        """Run a command in the holder's mount namespace (outside the chroot)."""
        assert self.holder is not None
        return subprocess.run(["nsenter", "--target", str(self.holder.pid), "--mount", "--", *argv],
                              stdin=subprocess.DEVNULL, capture_output=True, text=True)

    def _in_namespace(self, *argv: str) -> subprocess.CompletedProcess:
        """The same, failing with an ImageError that names the command."""
        result = self._nsenter(*argv)
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise ImageError(f"{self.spec}: {' '.join(argv[:2])} failed: {detail[-1] if detail else result.returncode}")
        return result

    def _has_os_release(self) -> bool:
        probe = self._nsenter("test", "-e", str(self.root / "etc/os-release"), "-o",
                              "-e", str(self.root / "usr/lib/os-release"))
        return probe.returncode == 0

    def _require_os_release(self) -> None:
        if not self._has_os_release():
            raise ImageError(f"{self.spec}: not a root file system (no /etc/os-release)")

    def _mount_read_only_tree(self, directory: str) -> None:
        self._in_namespace("mount", "--bind", "-o", "ro", directory, str(self.root))
        self._require_os_release()

    def _mount_layers(self, layers: list[str]) -> None:
        """Stack the layers read-only: with no upper directory an overlay mount cannot be written
        to, and it needs two layers at least; one layer is a read-only bind mount."""
        if len(layers) == 1:
            self._mount_read_only_tree(layers[0])
            return
        options = "ro,lowerdir=" + ":".join(layers)
        if len(options) > MOUNT_OPTIONS_MAX:
            raise ImageError(f"{self.spec}: its {len(layers)} layers are more than one mount can stack; "
                             "audit a squashed copy (podman build --squash-all)")
        self._in_namespace("mount", "-t", "overlay", "-o", options, "hardening-audit-layers", str(self.root))
        self._require_os_release()

    def _mount_root_partition(self, areas: list[FileSystemArea]) -> None:
        """Mount the first Linux file system of the image that holds /etc/os-release."""
        for area in areas:
            options = [READ_ONLY_MOUNT_OPTIONS[area.fstype], "loop", f"offset={area.offset}"]
            if area.size is not None:
                options.append(f"sizelimit={area.size}")
            self._in_namespace("mount", "-t", area.fstype, "-o", ",".join(options), str(self.source), str(self.root))
            if self._has_os_release():
                self.area = area
                return
            self._in_namespace("umount", str(self.root))
        found = ", ".join(f"partition {a.partition}" if a.partition else "the whole image" for a in areas)
        raise ImageError(f"{self.spec}: no root file system (with /etc/os-release) in {found}")

    def _private_scratch(self) -> None:
        """In-memory /dev, /tmp and /run over the image's own, so commands that need them never write into it.

        /run holds only sshd's privilege separation directory, which ``sshd -T`` insists on.
        """
        for directory in ("dev", "tmp", "run"):
            if self._nsenter("test", "-d", str(self.root / directory)).returncode != 0:
                raise ImageError(f"{self.spec}: the image has no /{directory} directory")
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
        """Unmount everything (releasing a loop device at once) and end the namespace; safe to call twice."""
        if self.holder is not None:
            if self.holder.poll() is None:
                if self.stage is not None:
                    self._nsenter("umount", "--recursive", str(self.stage))
                self.holder.kill()
            self.holder.wait()
            if self.holder.stderr:
                self.holder.stderr.close()
            self.holder = None
        self.stage = None


def _stage_outside(paths: list[str], spec: str) -> Path:
    """The directory to cover with the staging tmpfs: one that none of the image's paths lie in."""
    real = [Path(os.path.realpath(path)) for path in paths]
    for candidate in map(Path, STAGE_CANDIDATES):
        if candidate.is_dir() and not candidate.is_symlink() and \
                not any(path == candidate or candidate in path.parents for path in real):
            return candidate
    raise ImageError(f"{spec}: no directory to stage it in ({', '.join(STAGE_CANDIDATES)} all hold it or are missing)")


ATTACHED: dict[str, AttachedImage] = {}


def attach_images(sources: list[str]) -> list[str]:
    """Attach each image and return its testinfra host spec (``image://NAME``)."""
    specs = []
    for source in sources:
        image = AttachedImage(source)
        name, number = image.name, 1
        while name in ATTACHED:
            number += 1
            name = f"{image.name}-{number}"
        image.attach()
        ATTACHED[name] = image
        specs.append(f"image://{name}")
    return specs


def detach_except(names: set[str]) -> None:
    for name in [name for name in ATTACHED if name not in names]:
        ATTACHED.pop(name).detach()


def detach_images() -> None:
    detach_except(set())


class ImageBackend(TimedLocalRun, BaseBackend):
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
