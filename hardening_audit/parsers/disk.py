"""Where the file systems of a raw disk image are: a bare file system or an MBR/GPT partition table.

Pure functions over the image's bytes (read through a ``read(offset, size)``
callable), so the auditing side needs no partitioning tool and never writes.
"""

from __future__ import annotations

import struct
import uuid
from dataclasses import dataclass
from typing import Callable

SECTOR = 512
EXT_MAGIC_OFFSET = 1024 + 0x38
XFS_MAGIC = b"XFSB"
MBR_SIGNATURE = b"\x55\xaa"
MBR_PROTECTIVE = 0xEE
MBR_EXTENDED = (0x05, 0x0F, 0x85)
GPT_SIGNATURE = b"EFI PART"

# Partition types that can hold a Linux root file system.
MBR_LINUX = 0x83
GPT_LINUX_TYPES = {
    uuid.UUID("0fc63daf-8483-4772-8e79-3d69d8477de4"),  # Linux filesystem data
    uuid.UUID("4f68bce3-e8cd-4db1-96e7-fbcaf984b709"),  # root, x86-64
    uuid.UUID("b921b045-1df0-41c3-af44-4c6f280d3fae"),  # root, arm64
    uuid.UUID("44479540-f297-41b2-9af7-d131d5f0458a"),  # root, x86
}

Reader = Callable[[int, int], bytes]


class DiskLayoutError(ValueError):
    """The image holds no file system this audit can mount."""


@dataclass(frozen=True)
class FileSystemArea:
    offset: int  # bytes from the start of the image
    size: int | None  # None: to the end of the image
    fstype: str  # "ext4" (any ext2/3/4) or "xfs"
    partition: int | None  # 1-based partition number, None for a bare file system


def filesystem_type(read: Reader, offset: int) -> str | None:
    """The file system found at ``offset``, by its superblock magic."""
    if read(offset + EXT_MAGIC_OFFSET, 2) == b"\x53\xef":
        return "ext4"
    if read(offset, 4) == XFS_MAGIC:
        return "xfs"
    return None


def _mbr_entries(sector0: bytes) -> list[tuple[int, int, int, int]]:
    """(number, type, first LBA, sectors) of the four primary entries in use."""
    entries = []
    for index in range(4):
        entry = sector0[446 + 16 * index: 462 + 16 * index]
        kind = entry[4]
        first, count = struct.unpack_from("<II", entry, 8)
        if kind and count:
            entries.append((index + 1, kind, first, count))
    return entries


def _gpt_entries(read: Reader) -> list[tuple[int, uuid.UUID, int, int]]:
    """(number, type GUID, first LBA, last LBA) of the GPT entries in use."""
    header = read(SECTOR, 92)
    if header[:8] != GPT_SIGNATURE:
        raise DiskLayoutError("protective MBR without a GPT header at LBA 1 (only 512-byte sectors are read)")
    entries_lba, count, entry_size = struct.unpack_from("<QII", header, 72)
    if entry_size < 128 or count > 4096:
        raise DiskLayoutError(f"implausible GPT header: {count} entries of {entry_size} bytes")
    table = read(entries_lba * SECTOR, count * entry_size)
    entries = []
    for index in range(count):
        entry = table[index * entry_size: (index + 1) * entry_size]
        if len(entry) < 48:
            break
        kind = uuid.UUID(bytes_le=entry[:16])
        if kind.int == 0:
            continue
        first, last = struct.unpack_from("<QQ", entry, 32)
        entries.append((index + 1, kind, first, last))
    return entries


def filesystem_areas(read: Reader) -> list[FileSystemArea]:
    """The file systems that may be the image's root, in partition order.

    A file system at offset 0 is the whole image. Otherwise the partition
    table (GPT behind a protective MBR, or MBR primaries) is read and every
    Linux partition holding a known file system is listed.
    """
    bare = filesystem_type(read, 0)
    if bare is not None:
        return [FileSystemArea(0, None, bare, None)]
    sector0 = read(0, SECTOR)
    if sector0[510:512] != MBR_SIGNATURE:
        raise DiskLayoutError("neither a file system (ext4, xfs) nor a partition table (MBR or GPT) at its start")
    primaries = _mbr_entries(sector0)
    if any(kind == MBR_PROTECTIVE for _, kind, _, _ in primaries):
        candidates = [(number, first * SECTOR, (last - first + 1) * SECTOR)
                      for number, kind, first, last in _gpt_entries(read) if kind in GPT_LINUX_TYPES]
    else:
        candidates = [(number, first * SECTOR, count * SECTOR)
                      for number, kind, first, count in primaries if kind == MBR_LINUX]
    areas = []
    for number, offset, size in candidates:
        fstype = filesystem_type(read, offset)
        if fstype is not None:
            areas.append(FileSystemArea(offset, size, fstype, number))
    if not areas:
        raise DiskLayoutError("no Linux partition with an ext4 or xfs file system in the partition table")
    return areas
