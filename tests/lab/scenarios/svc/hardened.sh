#!/bin/sh
# Services hardened: exim4 delivering locally and listening on loopback only (Debian's default), cron and at restricted to root through allow files with root-only job files, core dumps off for everyone (suid_dumpable persisted, hard core limit 0).
# packages: cron at exim4-daemon-light
# controls: SVC-01 SVC-02 SVC-03 SVC-04 SVC-06 SVC-07
# state: pass
#
# No legacy server or client and no unneeded network service is installed
# (SVC-01..03 pass by construction).  fs.suid_dumpable is the real machine's
# value (one kernel): the file below is what this host persists; the
# self-tests derive SVC-06's verdict from the machine's runtime value.
grep -qx "dc_local_interfaces='127.0.0.1 ; ::1'" /etc/exim4/update-exim4.conf.conf

cat > /etc/sysctl.d/60-coredump.conf <<'CONF'
# hardening-audit lab scenario svc/hardened: set-UID programs never dump core.
fs.suid_dumpable = 0
CONF
cat > /etc/security/limits.d/60-coredump.conf <<'CONF'
# hardening-audit lab scenario svc/hardened: no core files for anyone.
* hard core 0
CONF
chmod 0644 /etc/sysctl.d/60-coredump.conf /etc/security/limits.d/60-coredump.conf

# Only root may schedule jobs: empty allow files, no deny files.
rm -f /etc/cron.deny /etc/at.deny
install -m 0640 -o root -g root /dev/null /etc/cron.allow
install -m 0640 -o root -g root /dev/null /etc/at.allow
chmod 0600 /etc/crontab
chmod 0700 /etc/cron.hourly /etc/cron.daily /etc/cron.weekly /etc/cron.monthly /etc/cron.d
[ ! -e /etc/cron.yearly ] || chmod 0700 /etc/cron.yearly
chown root:root /etc/crontab /etc/cron.hourly /etc/cron.daily /etc/cron.weekly /etc/cron.monthly /etc/cron.d
