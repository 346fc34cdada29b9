#!/bin/sh
# Central log host: rsyslog receives syslog over TCP 514 (imtcp) and files each sender's messages under /var/log/remote/<hostname>/; chronyd serves the lab's time (local stratum 8) to 198.18.0.0/24.
# packages: rsyslog chrony
# controls: LOG-05
# state: pass
#
# The lab's only log server (the baseline marks it log_server: true): its
# listener on tcp/514 is its job.  Remote messages go through their own
# ruleset, so they never mix with the host's own files; a file per sender,
# /var/log/remote/<HOSTNAME>/syslog.log (0640 root:adm, directories 0750),
# the host name taken from the message and made safe for a path.
# Only TCP: log-udp's UDP datagrams reach a closed port and are dropped.
cat > /etc/rsyslog.d/10-remote.conf <<'CONF'
# hardening-audit lab scenario log/server: receive syslog over TCP, one directory per sender.
module(load="imtcp")
template(name="RemoteHostFile" type="string" string="/var/log/remote/%HOSTNAME:::secpath-replace%/syslog.log")
ruleset(name="remote") {
    action(type="omfile" dynaFile="RemoteHostFile" dirCreateMode="0750" fileCreateMode="0640"
           dirOwner="root" dirGroup="adm" fileOwner="root" fileGroup="adm")
}
input(type="imtcp" port="514" ruleset="remote")
CONF
chmod 0644 /etc/rsyslog.d/10-remote.conf
install -d -m 0750 -o root -g adm /var/log/remote
rsyslogd -N1 -f /etc/rsyslog.conf

# chronyd as the lab's NTP server (after log/chrony-in-container): it serves
# the local clock at stratum 8.
cat > /etc/chrony/conf.d/50-lab-server.conf <<'CONF'
# hardening-audit lab scenario log/server: the lab's time source.
local stratum 8
allow 198.18.0.0/24
CONF
chronyd -p -f /etc/chrony/chrony.conf >/dev/null
systemctl is-enabled --quiet rsyslog.service
systemctl is-enabled --quiet chrony.service
