#!/bin/sh
# The disk samples behind tests/data/captured/disk/: sparse image files in the
# current directory, made without loop devices or mounts.
set -eu

# bare-ext4: ext4 on the whole 16 MiB image
truncate -s 16M bare-ext4.img
mkfs.ext4 -q -F bare-ext4.img

# bare-xfs: xfs on the whole image; mkfs.xfs 6.1 refuses less than 300 MiB
truncate -s 300M bare-xfs.img
mkfs.xfs -q -f bare-xfs.img

# gpt-esp-ext4: EFI system partition (1 MiB at 1 MiB), then a Linux filesystem partition at 2 MiB (13 MiB) with ext4
truncate -s 16M gpt-esp-ext4.img
printf 'label: gpt\nstart=2048, size=2048, type=U\nstart=4096, size=26624, type=L\n' | sfdisk -q gpt-esp-ext4.img
mkfs.ext4 -q -F -E offset=2097152 gpt-esp-ext4.img 13312k

# gpt-ext4-empty-xfs: Linux filesystem partitions: 1 (14 MiB at 1 MiB) with ext4, 2 (1 MiB at 15 MiB) with nothing,
# 3 (300 MiB at 16 MiB, type "Linux root x86-64") with xfs, made in a file of its own and copied in (sparse)
truncate -s 317M gpt-ext4-empty-xfs.img
printf 'label: gpt\nstart=2048, size=28672, type=L\nstart=30720, size=2048, type=L\nstart=32768, size=614400, type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709\n' \
  | sfdisk -q gpt-ext4-empty-xfs.img
mkfs.ext4 -q -F -E offset=1048576 gpt-ext4-empty-xfs.img 14336k
truncate -s 300M xfs.part
mkfs.xfs -q -f xfs.part
dd if=xfs.part of=gpt-ext4-empty-xfs.img bs=1M seek=16 conv=notrunc,sparse status=none
rm xfs.part

# gpt-swap-only: one Linux swap partition (14 MiB at 1 MiB) with a swap signature
truncate -s 16M gpt-swap-only.img
printf 'label: gpt\nstart=2048, size=28672, type=S\n' | sfdisk -q gpt-swap-only.img
truncate -s 14M swap.part
mkswap -q swap.part
dd if=swap.part of=gpt-swap-only.img bs=1M seek=1 conv=notrunc,sparse status=none
rm swap.part

# mbr-swap-ext4: dos label, swap (type 82, 2 MiB at 1 MiB) with a swap signature, then Linux (type 83, 13 MiB at 3 MiB) with ext4
truncate -s 16M mbr-swap-ext4.img
printf 'label: dos\nstart=2048, size=4096, type=82\nstart=6144, size=26624, type=83\n' | sfdisk -q mbr-swap-ext4.img
truncate -s 2M swap.part
mkswap -q swap.part
dd if=swap.part of=mbr-swap-ext4.img bs=1M seek=1 conv=notrunc,sparse status=none
rm swap.part
mkfs.ext4 -q -F -E offset=3145728 mbr-swap-ext4.img 13312k

# mbr-logical-ext4: dos label, 1 NTFS-typed primary (type 7, 1 MiB at 1 MiB, empty), 2 extended (type 5, 2 MiB to the end)
# holding logical 5 swap (type 82, 2 MiB at 3 MiB) with a swap signature and logical 6 Linux (type 83, 10 MiB at 6 MiB) with ext4
truncate -s 16M mbr-logical-ext4.img
printf 'label: dos\nstart=2048, size=2048, type=7\nstart=4096, size=28672, type=5\nstart=6144, size=4096, type=82\nstart=12288, size=20480, type=83\n' \
  | sfdisk -q mbr-logical-ext4.img
truncate -s 2M swap.part
mkswap -q swap.part
dd if=swap.part of=mbr-logical-ext4.img bs=1M seek=3 conv=notrunc,sparse status=none
rm swap.part
mkfs.ext4 -q -F -E offset=6291456 mbr-logical-ext4.img 10240k

# mbr-over-stale-ext4: ext4 on the whole image, then (sfdisk in a script wipes no old signature; it warns) a dos label
# with one Linux partition (type 83, 15 MiB at 1 MiB) and a new ext4 in it; the old superblock at 1 KiB stays
truncate -s 16M mbr-over-stale-ext4.img
mkfs.ext4 -q -F mbr-over-stale-ext4.img
printf 'label: dos\nstart=2048, size=30720, type=83\n' | sfdisk -q mbr-over-stale-ext4.img
mkfs.ext4 -q -F -E offset=1048576 mbr-over-stale-ext4.img 15360k

# empty: 1 MiB of zeros
truncate -s 1M empty.img
