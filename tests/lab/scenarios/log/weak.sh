#!/bin/sh
# Logging weak: volatile journal (a later drop-in overrides a persistent one), rsyslog forwarding to a host nobody listens on (198.18.0.250) and accepting remote logs on tcp/514 and udp/514, a world-readable /var/log/app.log, no log rotation, no auditd, no AIDE, no time sync.
# packages: rsyslog
# controls: LOG-02 LOG-03 LOG-05 LOG-06 LOG-07 LOG-08 LOG-09 LOG-10 LOG-11 LOG-12 DET-01 DET-02 DET-03 DET-04
# state: fail
#
# journald reads journald.conf, then its drop-ins in name order, the last
# value winning: 10-persistent.conf says persistent, 60-volatile.conf
# volatile.  The journal lives in /run/log/journal; /var/log/journal (which
# Debian ships) stays empty.
# 198.18.0.250 is in the lab subnet but no host has it: TCP connects time
# out.  The forwarding action has its own in-memory queue, so rsyslog never
# blocks on it.  rsyslog ships /etc/logrotate.d/rsyslog, but logrotate is
# not installed.
install -d -m 0755 /etc/systemd/journald.conf.d
cat > /etc/systemd/journald.conf.d/10-persistent.conf <<'CONF'
# hardening-audit lab scenario log/weak: overridden by 60-volatile.conf.
[Journal]
Storage=persistent
CONF
cat > /etc/systemd/journald.conf.d/60-volatile.conf <<'CONF'
# hardening-audit lab scenario log/weak: the journal is lost at every reboot.
[Journal]
Storage=volatile
CONF
chmod 0644 /etc/systemd/journald.conf.d/*.conf

cat > /etc/rsyslog.d/50-remote-input.conf <<'CONF'
# hardening-audit lab scenario log/weak: accepts syslog from anyone, TCP and UDP.
module(load="imtcp")
input(type="imtcp" port="514")
module(load="imudp")
input(type="imudp" port="514")
CONF
cat > /etc/rsyslog.d/60-forward.conf <<'CONF'
# hardening-audit lab scenario log/weak: forwards to a host that is not the baseline's log server.
*.* action(type="omfwd" target="198.18.0.250" port="514" protocol="tcp"
           queue.type="LinkedList" queue.size="10000"
           action.resumeRetryCount="-1" action.resumeInterval="30")
CONF
chmod 0644 /etc/rsyslog.d/50-remote-input.conf /etc/rsyslog.d/60-forward.conf
rsyslogd -N1 -f /etc/rsyslog.conf
systemctl is-enabled --quiet rsyslog.service

# An application log readable by everyone.
printf '%s\n' "lab-app: started (hardening-audit lab scenario log/weak)" > /var/log/app.log
chown root:root /var/log/app.log
chmod 0644 /var/log/app.log
