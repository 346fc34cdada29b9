"""Where the file systems of a raw disk image are, on sample images made with sfdisk, mkfs.ext4, mkfs.xfs and mkswap.

The samples are stored compactly (tests/data/captured/disk/README.md): the
sectors that describe the image, every other byte reads as zero. Expected
offsets and sizes come from the sfdisk scripts in make-samples.sh there, in
512-byte sectors.
"""

from __future__ import annotations

import base64
import json
import re
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from hardening_audit.parsers.disk import (
    DiskLayoutError,
    FileSystemArea,
    filesystem_areas,
    filesystem_type,
)

CAPTURED = Path(__file__).resolve().parents[1] / "data" / "captured" / "disk"
SECTOR = 512
MIB = 1024 * 1024

Reader = Callable[[int, int], bytes]


def captured_disk(name: str) -> Reader:
    """``read(offset, size)`` over a sample: its stored bytes, zeros elsewhere, nothing past the image's end."""
    fixture = json.loads((CAPTURED / f"{name}.json").read_text())
    image_size = fixture["size"]
    chunks = [(int(offset), base64.b64decode(data)) for offset, data in fixture["data"].items()]

    def read(offset: int, size: int) -> bytes:
        end = min(offset + size, image_size)
        if end <= offset:
            return b""
        result = bytearray(end - offset)
        for start, data in chunks:
            low, high = max(start, offset), min(start + len(data), end)
            if low < high:
                result[low - offset: high - offset] = data[low - start: high - start]
        return bytes(result)

    return read


def overwritten(read: Reader, at: int, data: bytes) -> Reader:
    """``read`` with ``data`` written at ``at``: a sample damaged on purpose."""
    def damaged(offset: int, size: int) -> bytes:
        result = bytearray(read(offset, size))
        for index, byte in enumerate(data):
            if 0 <= at + index - offset < len(result):
                result[at + index - offset] = byte
        return bytes(result)

    return damaged


def mbr_entry(kind: int, first: int, count: int) -> bytes:
    """A 16-byte MBR/EBR partition entry (no CHS addresses, not bootable)."""
    return struct.pack("<B3sB3sII", 0, b"\0\0\0", kind, b"\0\0\0", first, count)


def test_captured_samples_are_small_and_name_their_image():
    total = 0
    for path in CAPTURED.glob("*.json"):
        fixture = json.loads(path.read_text())
        assert fixture["image"] == f"{path.stem}.img"
        total += path.stat().st_size
    assert total < 100_000


# Bare file systems: the whole image.

def test_bare_ext4_is_the_whole_image():
    assert filesystem_areas(captured_disk("bare-ext4")) == [FileSystemArea(0, None, "ext4", None)]


def test_bare_xfs_is_the_whole_image():
    assert filesystem_areas(captured_disk("bare-xfs")) == [FileSystemArea(0, None, "xfs", None)]


# GPT.

def test_gpt_skips_the_efi_system_partition_and_finds_ext4_in_partition_2():
    # start=2048, size=2048, type=U / start=4096, size=26624, type=L
    assert filesystem_areas(captured_disk("gpt-esp-ext4")) == [
        FileSystemArea(offset=2 * MIB, size=26624 * SECTOR, fstype="ext4", partition=2)]


def test_gpt_lists_each_linux_partition_with_a_file_system_in_order_and_leaves_out_the_empty_one():
    # 1: start=2048, size=28672, type=L (ext4); 2: start=30720, size=2048, type=L (nothing);
    # 3: start=32768, size=614400, type=Linux root x86-64 (xfs)
    assert filesystem_areas(captured_disk("gpt-ext4-empty-xfs")) == [
        FileSystemArea(offset=1 * MIB, size=14 * MIB, fstype="ext4", partition=1),
        FileSystemArea(offset=16 * MIB, size=300 * MIB, fstype="xfs", partition=3),
    ]


def test_gpt_with_only_a_swap_partition_has_no_file_system():
    with pytest.raises(DiskLayoutError, match=re.escape(
            "no Linux partition with an ext4 or xfs file system in the partition table")):
        filesystem_areas(captured_disk("gpt-swap-only"))


def test_protective_mbr_without_a_gpt_header_is_refused():
    read = overwritten(captured_disk("gpt-esp-ext4"), SECTOR, bytes(SECTOR))
    with pytest.raises(DiskLayoutError, match=re.escape(
            "protective MBR without a GPT header at LBA 1 (only 512-byte sectors are read)")):
        filesystem_areas(read)


def test_gpt_header_with_an_implausible_entry_size_is_refused_without_reading_the_table():
    # Size of a partition entry: 4 bytes at offset 84 of the header.
    read = overwritten(captured_disk("gpt-esp-ext4"), SECTOR + 84, struct.pack("<I", 2**31))
    with pytest.raises(DiskLayoutError, match="^implausible GPT header: 128 entries of 2147483648 bytes$"):
        filesystem_areas(read)


# MBR.

def test_mbr_skips_the_swap_partition_and_finds_ext4_in_partition_2():
    # start=2048, size=4096, type=82 / start=6144, size=26624, type=83
    assert filesystem_areas(captured_disk("mbr-swap-ext4")) == [
        FileSystemArea(offset=3 * MIB, size=26624 * SECTOR, fstype="ext4", partition=2)]


def test_mbr_logical_partitions_are_found_and_numbered_from_5():
    # 1: type 7; 2: start=4096, size=28672, type=5 (extended) holding
    # 5: start=6144, size=4096, type=82 and 6: start=12288, size=20480, type=83 (ext4)
    assert filesystem_areas(captured_disk("mbr-logical-ext4")) == [
        FileSystemArea(offset=12288 * SECTOR, size=20480 * SECTOR, fstype="ext4", partition=6)]


def test_ebr_chain_that_links_back_to_its_start_ends():
    # The second EBR (LBA 10240) gets a link back to the first (the extended partition's start, relative 0).
    read = overwritten(captured_disk("mbr-logical-ext4"), 10240 * SECTOR + 446 + 16, mbr_entry(0x05, 0, 28672))
    assert filesystem_areas(read) == [
        FileSystemArea(offset=12288 * SECTOR, size=20480 * SECTOR, fstype="ext4", partition=6)]


def test_partition_table_wins_over_the_superblock_an_earlier_whole_image_ext4_left_at_1_kib():
    read = captured_disk("mbr-over-stale-ext4")
    assert filesystem_type(read, 0) == "ext4"  # the old superblock, which sfdisk left in place
    # start=2048, size=30720, type=83
    assert filesystem_areas(read) == [FileSystemArea(offset=1 * MIB, size=30720 * SECTOR, fstype="ext4", partition=1)]


def test_boot_sector_with_a_boot_indicator_other_than_0_or_0x80_is_no_partition_table():
    read = overwritten(captured_disk("mbr-swap-ext4"), 446, b"\x01")
    with pytest.raises(DiskLayoutError, match=re.escape(
            "neither a file system (ext4, xfs) nor a partition table (MBR or GPT) at its start")):
        filesystem_areas(read)


# Neither.

def test_all_zero_image_is_neither_a_file_system_nor_a_partition_table():
    with pytest.raises(DiskLayoutError, match=re.escape(
            "neither a file system (ext4, xfs) nor a partition table (MBR or GPT) at its start")):
        filesystem_areas(captured_disk("empty"))


# filesystem_type at partition starts.

def test_filesystem_type_at_each_partition_start():
    read = captured_disk("gpt-ext4-empty-xfs")
    assert [filesystem_type(read, start * SECTOR) for start in (2048, 30720, 32768)] == ["ext4", None, "xfs"]


def test_swap_signature_is_no_file_system():
    assert filesystem_type(captured_disk("gpt-swap-only"), 2048 * SECTOR) is None
    assert filesystem_type(captured_disk("mbr-swap-ext4"), 2048 * SECTOR) is None
