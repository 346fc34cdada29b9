"""Offline images made from the lab's prepared (never booted) roots: directories and raw disks.

``img-hardened`` becomes a directory and a bare ext4 disk image; ``img-weak``
a directory and a GPT disk (an EFI system partition, then the root file
system in partition 2). The hardened root is also imported into the local
podman: as one layer, and with a second layer that lets root log in over SSH. ``mkfs.ext4 -d`` fills a file system from a
directory without mounting anything, ``-E offset`` puts it inside a
partition; nothing here needs a loop device.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from hardening_audit.parsers.podman import image_layers

MIB = 1024 * 1024
ROOT_PARTITION_START = 2 * MIB
GPT_LAYOUT = "label: gpt\nstart=2048, size=2048, type=U\nstart=4096, type=L\n"
PODMAN_REPOSITORY = "localhost/hardening-audit-lab/img-hardened"
# The second layer: a drop-in read before the hardened one (sshd keeps the first value it reads).
ROOT_LOGIN_DROP_IN = "PermitRootLogin yes\n"


@dataclass(frozen=True)
class LabImages:
    hardened_dir: Path
    hardened_disk: Path  # bare ext4
    weak_dir: Path
    weak_disk: Path  # GPT, root file system in partition 2


def _run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    assert proc.returncode == 0, f"{' '.join(argv)}: {proc.stderr.strip()}"
    return proc


def _copy_tree(source: Path, target: Path) -> None:
    target.mkdir()
    _run(["cp", "-a", f"{source}/.", str(target)])


def _filesystem_bytes(tree: Path) -> int:
    used = int(_run(["du", "-sb", str(tree)]).stdout.split()[0])
    return (used * 3 // 2 // MIB + 128) * MIB


def _bare_ext4(tree: Path, disk: Path) -> None:
    size = _filesystem_bytes(tree)
    _run(["truncate", "-s", str(size), str(disk)])
    _run(["mkfs.ext4", "-q", "-F", "-L", "root", "-d", str(tree), str(disk)])


def _gpt_ext4(tree: Path, disk: Path) -> None:
    size = _filesystem_bytes(tree)
    _run(["truncate", "-s", str(ROOT_PARTITION_START + size + MIB), str(disk)])  # + the backup GPT
    _run(["sfdisk", "--quiet", str(disk)], input=GPT_LAYOUT)
    _run(["mkfs.ext4", "-q", "-F", "-L", "root", "-E", f"offset={ROOT_PARTITION_START}", "-d", str(tree),
          str(disk), f"{size // 1024}k"])


def build_lab_images(lab, directory: Path) -> LabImages:
    images = LabImages(directory / "img-hardened", directory / "img-hardened.raw",
                       directory / "img-weak", directory / "img-weak.raw")
    _copy_tree(lab.root("img-hardened"), images.hardened_dir)
    _copy_tree(lab.root("img-weak"), images.weak_dir)
    _bare_ext4(images.hardened_dir, images.hardened_disk)
    _gpt_ext4(images.weak_dir, images.weak_disk)
    return images


@dataclass(frozen=True)
class PodmanImages:
    hardened: str  # one layer: podman import of the hardened root
    root_login: str  # hardened plus a layer with PermitRootLogin yes


@contextmanager
def podman_lab_images(hardened_dir: Path, scratch: Path):
    """The hardened root as podman images; removed again afterwards."""
    images = PodmanImages(PODMAN_REPOSITORY, f"{PODMAN_REPOSITORY}:root-login")
    tar = subprocess.Popen(["tar", "-C", str(hardened_dir), "--numeric-owner", "-c", "."], stdout=subprocess.PIPE)
    try:
        _run(["podman", "import", "--quiet", "-", images.hardened], stdin=tar.stdout)
    finally:
        tar.stdout.close()
        assert tar.wait() == 0, "tar of the hardened root failed"
    context = scratch / "root-login"
    context.mkdir()
    (context / "00-root-login.conf").write_text(ROOT_LOGIN_DROP_IN)
    (context / "00-root-login.conf").chmod(0o600)  # COPY keeps the mode; SSH-14 wants 0600
    (context / "Containerfile").write_text(
        f"FROM {images.hardened}\nCOPY 00-root-login.conf /etc/ssh/sshd_config.d/00-root-login.conf\n")
    _run(["podman", "build", "--quiet", "--pull=never", "--network=none", "-t", images.root_login, str(context)])
    try:
        yield images
    finally:
        subprocess.run(["podman", "rmi", "--force", images.root_login, images.hardened], capture_output=True)


def podman_layers(image: str) -> list[Path]:
    inspected = _run(["podman", "image", "inspect", "--format", "{{json .GraphDriver}}", image]).stdout
    return [Path(path) for path in image_layers(inspected)]


def podman_state() -> tuple[str, str]:
    """podman's containers and its image mounts: an audit adds to neither."""
    return (_run(["podman", "ps", "--all", "--quiet"]).stdout, _run(["podman", "image", "mount"]).stdout)


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as image:
        for block in iter(lambda: image.read(MIB), b""):
            digest.update(block)
    return digest.hexdigest()


def tree_manifest(root: Path) -> dict[str, tuple]:
    """Every entry under a directory: type, mode, owner, size, modification time, and file contents' digest."""
    manifest = {}
    for directory, subdirectories, files in os.walk(root):
        for name in [*subdirectories, *files]:
            path = Path(directory, name)
            stat = path.lstat()
            content = file_digest(path) if path.is_file() and not path.is_symlink() else os.readlink(path) \
                if path.is_symlink() else None
            manifest[str(path.relative_to(root))] = (stat.st_mode, stat.st_uid, stat.st_gid, stat.st_size,
                                                     stat.st_mtime_ns, content)
    stat = root.lstat()
    manifest["."] = (stat.st_mode, stat.st_uid, stat.st_gid, stat.st_mtime_ns)
    return manifest


def attachments_of(*images: Path) -> list[str]:
    """What an image audit may leave behind: loop devices backed by these files, mount namespaces
    that still hold an image mount (in any process). None once an audit has ended."""
    loops = _run(["losetup", "--list", "--noheadings", "--output", "NAME,BACK-FILE"]).stdout
    left = [f"loop {line.strip()}" for line in loops.splitlines() if any(str(image) in line for image in images)]
    seen = set()
    for process in Path("/proc").glob("[0-9]*"):
        try:
            namespace = os.readlink(process / "ns/mnt")
            if namespace in seen:
                continue
            seen.add(namespace)
            mounts = (process / "mountinfo").read_text()
        except OSError:
            continue
        if "hardening-audit-image" in mounts or any(str(image) in mounts for image in images):
            left.append(f"mount namespace {namespace} of process {process.name}")
    return left
