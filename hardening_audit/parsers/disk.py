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
MAX_LOGICAL_PARTITIONS = 128  # bounds a looping or runaway EBR chain

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


def _is_partition_table(sector: bytes) -> bool:
    """An MBR (or EBR): the 0x55AA signature and a boot indicator of 0x00 or 0x80 in all four entries.

    The boot indicator test is the kernel's (block/partitions/msdos.c): it tells
    a partition table from a boot sector that merely ends in 0x55AA.
    """
    return sector[510:512] == MBR_SIGNATURE and all(sector[446 + 16 * index] in (0x00, 0x80) for index in range(4))


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


def _logical_entries(read: Reader, extended_first: int, number: int) -> list[tuple[int, int, int, int]]:
    """(number, type, first LBA, sectors) of the logical partitions in the extended partition at ``extended_first``.

    Each EBR holds a logical partition (its start relative to that EBR) and a
    link to the next EBR (relative to the extended partition); logical
    partitions are numbered in chain order from ``number`` (5 for the first
    extended partition), as Linux numbers them.
    """
    entries = []
    ebr = extended_first
    seen = set()
    while ebr not in seen and len(seen) < MAX_LOGICAL_PARTITIONS:
        seen.add(ebr)
        sector = read(ebr * SECTOR, SECTOR)
        if not _is_partition_table(sector):
            break
        following = None
        for _, kind, first, count in _mbr_entries(sector):
            if kind in MBR_EXTENDED:
                if following is None:
                    following = extended_first + first
            else:
                entries.append((number, kind, ebr + first, count))
                number += 1
        if following is None:
            break
        ebr = following
    return entries


def _gpt_entries(read: Reader) -> list[tuple[int, uuid.UUID, int, int]]:
    """(number, type GUID, first LBA, last LBA) of the GPT entries in use."""
    header = read(SECTOR, 92)
    if header[:8] != GPT_SIGNATURE:
        raise DiskLayoutError("protective MBR without a GPT header at LBA 1 (only 512-byte sectors are read)")
    entries_lba, count, entry_size = struct.unpack_from("<QII", header, 72)
    if entry_size < 128 or entry_size % 128 or entry_size > 4096 or count > 4096:
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
        if first and last >= first:
            entries.append((index + 1, kind, first, last))
    return entries


def filesystem_areas(read: Reader) -> list[FileSystemArea]:
    """The file systems that may be the image's root, in partition order.

    A partition table (GPT behind a protective MBR, or MBR primaries and the
    logical partitions of an extended one) is read and every Linux partition
    holding a known file system is listed. Without one, a file system at
    offset 0 is the whole image. The table comes first because partitioning
    tools leave an old file system's superblock behind (sfdisk only warns
    about it), while a file system made on the whole image clears sector 0.
    """
    sector0 = read(0, SECTOR)
    primaries = _mbr_entries(sector0) if _is_partition_table(sector0) else []
    if not primaries:
        bare = filesystem_type(read, 0)
        if bare is not None:
            return [FileSystemArea(0, None, bare, None)]
        if not _is_partition_table(sector0):
            raise DiskLayoutError("neither a file system (ext4, xfs) nor a partition table (MBR or GPT) at its start")
    if any(kind == MBR_PROTECTIVE for _, kind, _, _ in primaries):
        candidates = [(number, first * SECTOR, (last - first + 1) * SECTOR)
                      for number, kind, first, last in _gpt_entries(read) if kind in GPT_LINUX_TYPES]
    else:
        logicals: list[tuple[int, int, int, int]] = []
        for _, kind, first, _ in primaries:
            if kind in MBR_EXTENDED:
                logicals += _logical_entries(read, first, 5 + len(logicals))
        candidates = [(number, first * SECTOR, count * SECTOR)
                      for number, kind, first, count in primaries + logicals if kind == MBR_LINUX]
    areas = []
    for number, offset, size in candidates:
        fstype = filesystem_type(read, offset)
        if fstype is not None:
            areas.append(FileSystemArea(offset, size, fstype, number))
    if not areas:
        raise DiskLayoutError("no Linux partition with an ext4 or xfs file system in the partition table")
    return areas
