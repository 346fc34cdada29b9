#!/bin/sh
# Checks only (changes nothing): the fstab mounts are separate mounts with their options, account files at their modes, no world-writable, unowned or unexpected set-UID/GID file, and the services around them still work.
bad=""
mount_has() {  # target fstype option...
    target=$1 fstype=$2
    shift 2
    line=$(findmnt -rn -o TARGET,FSTYPE,OPTIONS --mountpoint "$target" | tail -n 1)
    if [ -z "$line" ]; then
        bad="$bad
$target: not a separate mount"
        return 0
    fi
    set -- "$@"
    got_type=$(printf '%s\n' "$line" | cut -d' ' -f2)
    options=",$(printf '%s\n' "$line" | cut -d' ' -f3),"
    [ "$got_type" = "$fstype" ] || bad="$bad
$target: file system $got_type, expected $fstype"
    for option in "$@"; do
        case $options in
            *",$option,"*) ;;
            *) bad="$bad
$target: no $option in $options" ;;
        esac
    done
}
mount_has /tmp tmpfs nodev nosuid noexec
mount_has /dev/shm tmpfs nodev nosuid noexec
mount_has /home overlay nodev nosuid
mount_has /var/tmp overlay nodev nosuid noexec
mount_has /var/log overlay nodev nosuid noexec

account=$(find /etc/passwd /etc/passwd- /etc/group /etc/group- /etc/shadow /etc/shadow- /etc/gshadow /etc/gshadow- \
    -maxdepth 0 -printf '%m %u %g %p\n' 2>&1)
printf '%s\n' "$account" | while read -r mode user group path; do
    case $path in
        /etc/passwd|/etc/passwd-|/etc/group|/etc/group-) [ "$mode $user $group" = "644 root root" ] ;;
        *) [ "$mode $user $group" = "640 root shadow" ] ;;
    esac || { echo "fs/hardened: $path is $mode $user:$group" >&2; exit 1; }
done || bad="$bad
account files: $account"

mounts=$(findmnt -rn -o TARGET,FSTYPE | awk '$2 == "overlay" || $2 == "tmpfs" || $2 ~ /^ext[234]$/ || $2 == "xfs" || $2 == "btrfs" { print $1 }' \
    | grep -v -e '^/run' -e '^/sys' -e '^/proc' -e '^/dev$')
# shellcheck disable=SC2086
found=$(find $mounts -xdev \( -type f -perm -0002 -printf 'ww %p\n' \) , \
    \( -type d -perm -0002 ! -perm -1000 -printf 'wd %p\n' \) , \
    \( \( -nouser -o -nogroup \) -printf 'uo %p\n' \) 2>&1)
[ -z "$found" ] || bad="$bad
$found"

for unit in systemd-journald.service ssh.service lab-remount-tmp.service restic-etc.service borg-srv.service; do
    case $unit in
        restic-*|borg-*) want=success ;;
        *) want=active ;;
    esac
    if [ "$want" = success ]; then
        state=$(systemctl show -p Result --value "$unit")
    else
        state=$(systemctl is-active "$unit" || true)
    fi
    [ "$state" = "$want" ] || bad="$bad
$unit: $state"
done
runuser -u auditor -- sudo -n true || bad="$bad
sudo -n as auditor fails"
journalctl -b --no-pager -n 1 -q >/dev/null || bad="$bad
journalctl fails"

if [ -n "$bad" ]; then
    echo "fs/hardened:$bad" >&2
    findmnt -rn -o TARGET,FSTYPE,OPTIONS >&2
    exit 1
fi
