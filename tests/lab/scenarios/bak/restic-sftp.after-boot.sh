#!/bin/sh
# Initialise the repository on the backup server if needed, then run the job once: a fresh snapshot and a successful last run.
set -a
. /etc/restic/etc.env
set +a
if ! restic cat config --no-cache >/dev/null 2>&1; then
    restic init --no-cache
fi
if ! systemctl start restic-etc.service; then
    journalctl --no-pager --unit=restic-etc.service --lines=30
    exit 1
fi
