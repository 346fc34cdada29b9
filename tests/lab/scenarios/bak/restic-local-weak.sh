#!/bin/sh
# restic job "etc" left weak: local repository on the root file system, world-readable password file, no timer, no forget/prune, one old snapshot of /etc only, last run failed.
# packages: restic
# controls: BAK-01 BAK-02 BAK-03 BAK-07 BAK-08 BAK-09 BAK-10
# state: fail
#
# BAK-04 (check), BAK-05 (/etc/hostname reads back) and BAK-06 (restic
# always encrypts) still pass.  After boot (restic-local-weak.after-boot.sh)
# the repository gets one snapshot of /etc dated 2024-01-01 03:00 (the
# baseline wants /etc and /root, at most 26 hours old) and the service is
# started once, and fails: it reads its paths from --files-from
# /etc/restic/etc.files, which does not exist, so restic exits 1 before it
# opens the repository.  (A read-only repository, e.g. ProtectSystem=strict
# without ReadWritePaths, fails too, but only after restic 0.14 has retried
# creating its lock for ~45 s.)
install -d -m 0755 /etc/restic
printf 'lab-weak-password\n' > /etc/restic/etc.password
chmod 0644 /etc/restic/etc.password

cat > /etc/restic/etc.env <<'EOF2'
RESTIC_REPOSITORY=/var/backups/restic
RESTIC_PASSWORD_FILE=/etc/restic/etc.password
EOF2
chmod 0644 /etc/restic/etc.env
rm -f /etc/restic/etc.files

cat > /etc/systemd/system/restic-etc.service <<'EOF2'
# Written by the hardening-audit lab scenario bak/restic-local-weak.
[Unit]
Description=restic backup "etc" to /var/backups/restic

[Service]
Type=oneshot
EnvironmentFile=/etc/restic/etc.env
ExecStart=/usr/bin/restic backup --no-cache --files-from=/etc/restic/etc.files
EOF2
