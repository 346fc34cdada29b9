#!/bin/sh
# File system controls hardened: account files at Debian's modes, separate /tmp, /dev/shm (nodev,nosuid,noexec), /home (nodev,nosuid), /var/tmp and /var/log (nodev,nosuid,noexec) from /etc/fstab.
# controls: FS-01 FS-02 FS-03 FS-04 FS-05 FS-06
# state: pass
#
# FS-02/03/04 hold by construction: minbase plus this host's packages have no
# world-writable file, no world-writable directory without the sticky bit and
# no unowned file; the set-UID/set-GID files present here are the allowlist the
# default baseline ships (tests/data/captured/filesystem/hardened/scan.txt).
# The after-boot script checks all of it, and the mounts, read-only.
# FS-07 is not applicable: the lab has no bootloader (no /boot at all).
#
# /home, /var/tmp and /var/log become self bind mounts, so nothing that is
# already there is hidden.  systemd-nspawn mounts /tmp and /dev/shm itself
# (tmpfs, nosuid,nodev) before the container's systemd starts; the fstab
# lines below are for the container's systemd.  What wins, as booted:
# - /dev/shm: fstab.  systemd-remount-fs.service remounts API file systems
#   (/dev/shm among them) with their fstab options: nosuid,nodev,noexec.
# - /tmp: nspawn's tmpfs.  tmp.mount (from fstab) finds /tmp already mounted
#   and counts as active without remounting: nosuid,nodev, exec.  On a real
#   machine tmp.mount would mount it with the fstab options; here
#   lab-remount-tmp.service (before local-fs.target) remounts /tmp with them,
#   the lab's stand-in for that.
chown root:root /etc/passwd /etc/group
chmod 0644 /etc/passwd /etc/group
chown root:shadow /etc/shadow /etc/gshadow
chmod 0640 /etc/shadow /etc/gshadow
for backup in passwd- group-; do
    if [ -e "/etc/$backup" ]; then chown root:root "/etc/$backup"; chmod 0644 "/etc/$backup"; fi
done
for backup in shadow- gshadow-; do
    if [ -e "/etc/$backup" ]; then chown root:shadow "/etc/$backup"; chmod 0640 "/etc/$backup"; fi
done

grep -q '^# hardening-audit lab: fs/hardened' /etc/fstab 2>/dev/null || cat >> /etc/fstab <<'FSTAB'
# hardening-audit lab: fs/hardened (CIS Debian 12 1.1.2.x)
tmpfs     /tmp      tmpfs  nodev,nosuid,noexec,mode=1777  0 0
tmpfs     /dev/shm  tmpfs  nodev,nosuid,noexec            0 0
/home     /home     none   bind,nodev,nosuid              0 0
/var/tmp  /var/tmp  none   bind,nodev,nosuid,noexec       0 0
/var/log  /var/log  none   bind,nodev,nosuid,noexec       0 0
FSTAB

cat > /etc/systemd/system/lab-remount-tmp.service <<'UNIT'
[Unit]
Description=Remount /tmp with its /etc/fstab options (systemd-nspawn mounts /tmp itself)
DefaultDependencies=no
After=tmp.mount systemd-remount-fs.service
Before=local-fs.target
ConditionPathIsMountPoint=/tmp

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/mount -o remount,nodev,nosuid,noexec /tmp

[Install]
WantedBy=local-fs.target
UNIT
systemctl enable lab-remount-tmp.service
