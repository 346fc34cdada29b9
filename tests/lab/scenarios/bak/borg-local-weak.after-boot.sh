#!/bin/sh
# The repository's file system is mounted and is not the root's; borg init (encryption none) if needed; one successful run of the job.
if [ "$(findmnt -n -o FSTYPE --target /mnt/backup)" != tmpfs ]; then
    echo "/mnt/backup is not the tmpfs of mnt-backup.mount:" >&2
    findmnt --target /mnt/backup >&2
    exit 1
fi
set -a
. /etc/borg/srv.env
set +a
if ! borg info >/dev/null 2>&1; then
    borg init --encryption=none
fi
if ! systemctl start borg-srv.service; then
    journalctl --no-pager --unit=borg-srv.service --lines=30
    exit 1
fi
