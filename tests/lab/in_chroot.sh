#!/bin/sh
# Run a command chrooted into a root file system, inside the private mount
# namespace that the caller creates with `unshare --mount`.  Every mount made
# here (optional overlay, /proc, /dev, /sys, /run) belongs to that namespace
# and disappears with the process, even if it is killed: an interrupted build
# or scenario can never leave a mount behind.
#
# Usage: in_chroot.sh ROOT [--resolver] [--overlay LOWERDIRS UPPER WORK] -- COMMAND [ARG...]
#   --resolver  lends the machine's /etc/resolv.conf, read-only, for apt (builds only)
#   --overlay   mounts an overlayfs on ROOT first (used to build package layers)
set -eu

root=$1
shift
resolver=no
if [ "$1" = "--resolver" ]; then
    resolver=yes
    shift
fi
if [ "$1" = "--overlay" ]; then
    # metacopy and redirect_dir stay off so the upper dir is a plain,
    # self-contained layer that any later mount can stack, whatever the
    # kernel's defaults are.
    mount -t overlay overlay \
        -o "lowerdir=$2,upperdir=$3,workdir=$4,redirect_dir=off,metacopy=off" "$root"
    shift 4
fi
[ "$1" = "--" ] && shift

mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --rbind /dev "$root/dev"
# A tmpfs on /run keeps helper state (e.g. /run/sshd for `sshd -t`) out of the
# image; inside a booted host /run is a tmpfs too.
mount -t tmpfs -o mode=0755 tmpfs "$root/run"
if [ "$resolver" = yes ]; then
    # Images carry an empty resolv.conf; bind over it, so the image keeps it empty.
    [ -e "$root/etc/resolv.conf" ] || : > "$root/etc/resolv.conf"
    mount --bind /etc/resolv.conf "$root/etc/resolv.conf"
    mount -o remount,bind,ro "$root/etc/resolv.conf"
fi
exec chroot "$root" "$@"
