#!/bin/sh
# Logs forwarded to log-server over UDP only (legacy selector syntax `*.* @log-server:514`); AIDE installed but never initialised.
# packages: rsyslog aide aide-common
# needs: log-server
# controls: LOG-03 LOG-04 DET-01
# state: fail
#
# LOG-03 holds (the baseline's log server is the target, by the name that
# resolves through /etc/hosts), LOG-04 (TCP) fails.  log-server only
# listens on TCP: the datagrams are dropped there.
# aide-common's postinst enabled dailyaidecheck.timer (Debian's default) but
# nobody ran aideinit: /var/lib/aide holds no aide.db.
server=$(printf '%s' "${LAB_HOSTS:-}" | awk '$1 == "log-server" { print $2 }')
if [ -z "$server" ]; then
    echo "log-server is not booted in this lab (LAB_HOSTS: ${LAB_HOSTS:-none})" >&2
    exit 1
fi
printf '%s\tlog-server\n' "$server" >> /etc/hosts

printf '# hardening-audit lab scenario log/udp-forward: everything to log-server, UDP.\n*.* @log-server:514\n' \
    > /etc/rsyslog.d/60-forward.conf
chmod 0644 /etc/rsyslog.d/60-forward.conf
rsyslogd -N1 -f /etc/rsyslog.conf
systemctl is-enabled --quiet rsyslog.service

[ -x /usr/bin/aide ]
[ ! -e /var/lib/aide/aide.db ]
systemctl is-enabled --quiet dailyaidecheck.timer
