#!/bin/sh
# borg job "srv": unencrypted (encryption none) local repository on a separate file system (tmpfs at /mnt/backup), weekly timer; prune present, fresh archive, last run succeeded.
# packages: borgbackup
# controls: BAK-01 BAK-06
# state: fail
#
# BAK-01 fails against the baseline's 24 hours (weekly); BAK-06 fails
# (encryption none).  Everything else passes: BAK-07 because the repository
# is on another file system than /srv/data and /etc/hostname (the tmpfs
# stands in for a backup disk; findmnt -T /mnt/backup/borg shows it), BAK-08
# because borg's default umask 0077 makes the repository root-only.
# After boot (borg-local-weak.after-boot.sh): borg init, one run of the job.
install -d -m 0755 /srv/data /srv/data/reports
printf 'lab data of %s\n' "$LAB_HOST" > /srv/data/README
printf 'quarter,total\nq1,10\nq2,12\n' > /srv/data/reports/2024.csv

install -d -m 0700 /etc/borg
cat > /etc/borg/srv.env <<'EOF2'
BORG_REPO=/mnt/backup/borg
EOF2
chmod 0600 /etc/borg/srv.env

install -d -m 0755 /mnt/backup
cat > /etc/systemd/system/mnt-backup.mount <<'EOF2'
# Written by the hardening-audit lab scenario bak/borg-local-weak.
[Unit]
Description=Backup file system (a tmpfs in the lab)

[Mount]
What=tmpfs
Where=/mnt/backup
Type=tmpfs
Options=mode=0700,size=64m

[Install]
WantedBy=local-fs.target
EOF2
systemctl enable mnt-backup.mount

cat > /etc/systemd/system/borg-srv.service <<'EOF2'
# Written by the hardening-audit lab scenario bak/borg-local-weak.
[Unit]
Description=borg backup "srv" to /mnt/backup/borg
RequiresMountsFor=/mnt/backup/borg

[Service]
Type=oneshot
EnvironmentFile=/etc/borg/srv.env
ExecStart=/usr/bin/borg create --stats ::{hostname}-{now} /srv/data /etc/hostname
ExecStart=/usr/bin/borg prune --list --keep-daily 7
EOF2

cat > /etc/systemd/system/borg-srv.timer <<'EOF2'
# Written by the hardening-audit lab scenario bak/borg-local-weak.
[Unit]
Description=Weekly borg backup "srv"

[Timer]
OnCalendar=weekly
Persistent=true

[Install]
WantedBy=timers.target
EOF2
systemctl enable borg-srv.timer
