#!/bin/sh
# One snapshot of /etc only, dated 2024-01-01 03:00, then one run of the service that fails for real.
set -a
. /etc/restic/etc.env
set +a
if ! restic cat config --no-cache >/dev/null 2>&1; then
    restic init --no-cache
fi
if ! restic snapshots --no-cache --json | grep -q '"time"'; then
    restic backup --no-cache --time "2024-01-01 03:00:00" /etc
fi
if systemctl start restic-etc.service; then
    echo "restic-etc.service succeeded: this host needs its last run to have failed" >&2
    exit 1
fi
result=$(systemctl show --property=Result --value restic-etc.service)
if [ "$result" != exit-code ]; then
    echo "restic-etc.service: Result=$result, expected exit-code" >&2
    exit 1
fi
