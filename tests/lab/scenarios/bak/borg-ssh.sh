#!/bin/sh
# borg job "srv": /srv/data and /etc/hostname to ssh://backup@backup-server/srv/borg/hardened (repokey), daily timer, prune after each backup; passphrase and environment files 0600 root.
# packages: borgbackup
# needs: backup-server
# controls: BAK-01 BAK-02 BAK-03 BAK-04 BAK-05 BAK-06 BAK-07 BAK-08 BAK-09 BAK-10
# state: pass
#
# Needs bak/ssh-client first (root's ssh config and key for backup-server:
# no BORG_RSH needed).  The repository is initialised and the job run once
# after boot (borg-ssh.after-boot.sh).
install -d -m 0755 /srv/data /srv/data/reports
printf 'lab data of %s\n' "$LAB_HOST" > /srv/data/README
printf 'quarter,total\nq1,10\nq2,12\n' > /srv/data/reports/2024.csv
head -c 4096 /dev/urandom > /srv/data/blob.bin

install -d -m 0700 /etc/borg
(umask 077 && head -c 24 /dev/urandom | base64 > /etc/borg/passphrase)
chmod 0600 /etc/borg/passphrase

cat > /etc/borg/srv.env <<'EOF2'
BORG_REPO=ssh://backup@backup-server/srv/borg/hardened
BORG_PASSCOMMAND="cat /etc/borg/passphrase"
EOF2
chmod 0600 /etc/borg/srv.env

cat > /etc/systemd/system/borg-srv.service <<'EOF2'
# Written by the hardening-audit lab scenario bak/borg-ssh.
[Unit]
Description=borg backup "srv" to the backup server
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
EnvironmentFile=/etc/borg/srv.env
ExecStart=/usr/bin/borg create --stats ::{hostname}-{now} /srv/data /etc/hostname
ExecStart=/usr/bin/borg prune --list --keep-daily 7
EOF2

cat > /etc/systemd/system/borg-srv.timer <<'EOF2'
# Written by the hardening-audit lab scenario bak/borg-ssh.
[Unit]
Description=Daily borg backup "srv"

[Timer]
OnCalendar=daily
Persistent=true

[Install]
WantedBy=timers.target
EOF2
systemctl enable borg-srv.timer
