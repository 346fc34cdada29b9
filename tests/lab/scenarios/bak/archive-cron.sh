#!/bin/sh
# Plain tar archive job "etc-archive" run by cron: a fresh, complete archive with retention, but unencrypted and on the root file system.
# packages: cron
# controls: BAK-01 BAK-02 BAK-03 BAK-04 BAK-05 BAK-06 BAK-07 BAK-08 BAK-10
# state: fail
#
# By itself this job passes BAK-01 (daily cron entry, cron enabled), BAK-02,
# BAK-03, BAK-04 (the archive lists cleanly), BAK-05 and BAK-10 (its cron line
# deletes archives older than 14 days); it fails BAK-06 (plain archives, no
# encrypted destination), BAK-07 (same filesystem as /etc) and BAK-08 (tar
# leaves the archives 0644: world-readable copies of /etc/shadow).
# BAK-09 does not judge it: cron records no result.
install -d -m 0700 /var/backups/archive
cat > /etc/cron.d/etc-archive <<'EOF2'
# Daily plain archive of /etc, 14 days kept.
SHELL=/bin/sh
30 2 * * * root tar -czf /var/backups/archive/etc-$(date +\%F).tar.gz /etc 2>/dev/null; find /var/backups/archive -name '*.tar.gz' -mtime +14 -delete
EOF2
chmod 0644 /etc/cron.d/etc-archive
systemctl enable cron.service
