"""Write the compact fixture (<name>.json) of each sample disk image given on the command line.

Run as ``python3 capture.py DIR/*.img`` from this folder (needs sfdisk). A
fixture keeps, as offset -> base64, every 512-byte sector that is not all
zeros in the parts of the image that describe it:

- an image without a partition table (``sfdisk --json`` finds none): its first 2 KiB;
- an image with one: its first 2 KiB (MBR; GPT header), the GPT entry array
  (where the header at LBA 1 says it is), the first 2 KiB of each partition,
  where the ext superblock magic (at 1080) and xfs's (at 0) are, and all of an
  extended partition but its logical partitions past their first 2 KiB
  (that is where the EBRs are).

Every other byte of the image reads as zero, as the test's loader does.
"""

from __future__ import annotations

import base64
import json
import struct
import subprocess
import sys
from pathlib import Path

SECTOR = 512
KEEP_AT_PARTITION_START = 2048
EXTENDED = {"5", "f", "85"}


def kept_ranges(image: Path) -> tuple[list[tuple[int, int]], str]:
    """The byte ranges to keep, merged and in order, and the image's partition table as ``sfdisk --dump`` shows it."""
    dump = subprocess.run(["sfdisk", "--json", str(image)], capture_output=True, text=True, check=False)
    if dump.returncode != 0:
        return [(0, KEEP_AT_PARTITION_START)], ""
    table = json.loads(dump.stdout)["partitiontable"]
    partitions = [(p["start"] * SECTOR, (p["start"] + p["size"]) * SECTOR, p["type"].lower() in EXTENDED)
                  for p in table["partitions"]]
    ranges = [(0, KEEP_AT_PARTITION_START)]
    with open(image, "rb") as disk:
        disk.seek(SECTOR)
        header = disk.read(92)
    if header[:8] == b"EFI PART":
        entries_lba, count, entry_size = struct.unpack_from("<QII", header, 72)
        ranges.append((entries_lba * SECTOR, entries_lba * SECTOR + count * entry_size))
    for start, end, extended in partitions:
        if not extended:
            ranges.append((start, start + KEEP_AT_PARTITION_START))
            continue
        position = start
        for inner_start, inner_end, _ in sorted(partitions):
            if start <= inner_start < end and (inner_start, inner_end) != (start, end):
                ranges.append((position, inner_start + KEEP_AT_PARTITION_START))
                position = inner_end
        if position < end:
            ranges.append((position, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    layout = subprocess.run(["sfdisk", "--dump", str(image)], capture_output=True, text=True, check=True).stdout
    return merged, "".join(line + "\n" for line in layout.splitlines() if not line.startswith("device:"))


def capture(image: Path) -> dict:
    size = image.stat().st_size
    ranges, layout = kept_ranges(image)
    runs: dict[int, bytearray] = {}
    with open(image, "rb") as disk:
        for start, end in ranges:
            run_start = None
            for offset in range(start, end, SECTOR):
                disk.seek(offset)
                sector = disk.read(min(SECTOR, end - offset))
                if sector.strip(b"\0"):
                    if run_start is None:
                        run_start = offset
                        runs[run_start] = bytearray()
                    runs[run_start] += sector
                else:
                    run_start = None
    return {
        "image": image.name,
        "size": size,
        "layout": layout,
        "data": {str(offset): base64.b64encode(bytes(data)).decode() for offset, data in sorted(runs.items())},
    }


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        image = Path(argument)
        target = Path(__file__).resolve().parent / f"{image.stem}.json"
        target.write_text(json.dumps(capture(image), indent=1) + "\n")
        print(target.name, target.stat().st_size)
