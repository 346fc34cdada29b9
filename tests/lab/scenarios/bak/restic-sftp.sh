#!/bin/sh
# restic job "etc": /etc and /home to sftp:backup@backup-server:/srv/restic/hardened, daily persistent timer, forget --prune after each backup; password and environment files 0600 root.
# packages: restic
# needs: backup-server
# controls: BAK-01 BAK-02 BAK-03 BAK-04 BAK-05 BAK-06 BAK-07 BAK-08 BAK-09 BAK-10
# state: pass
#
# Needs bak/ssh-client first (root's ssh config and key for backup-server).
# The repository is initialised and the job run once after boot
# (restic-sftp.after-boot.sh): a fresh snapshot and a successful last run.
# --no-cache keeps ~/.cache/restic out of the picture (small repository).
install -d -m 0700 /etc/restic
(umask 077 && head -c 24 /dev/urandom | base64 > /etc/restic/etc.password)
chmod 0600 /etc/restic/etc.password

cat > /etc/restic/etc.env <<'EOF2'
RESTIC_REPOSITORY=sftp:backup@backup-server:/srv/restic/hardened
RESTIC_PASSWORD_FILE=/etc/restic/etc.password
EOF2
chmod 0600 /etc/restic/etc.env

cat > /etc/systemd/system/restic-etc.service <<'EOF2'
# Written by the hardening-audit lab scenario bak/restic-sftp.
[Unit]
Description=restic backup "etc" to the backup server
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
EnvironmentFile=/etc/restic/etc.env
ExecStart=/usr/bin/restic backup --no-cache /etc /home
ExecStart=/usr/bin/restic forget --no-cache --keep-daily 7 --keep-weekly 4 --prune
EOF2

cat > /etc/systemd/system/restic-etc.timer <<'EOF2'
# Written by the hardening-audit lab scenario bak/restic-sftp.
[Unit]
Description=Daily restic backup "etc"

[Timer]
OnCalendar=daily
Persistent=true

[Install]
WantedBy=timers.target
EOF2
systemctl enable restic-etc.timer
