#!/bin/sh
# Services weak: telnetd under inetd, the telnet client, avahi started through its socket unit only, exim4 listening on every address, cron and at with Debian's defaults (deny files, /etc/crontab 0644), no core dump limit.
# packages: inetutils-telnetd telnet avahi-daemon exim4-daemon-light cron at
# controls: SVC-01 SVC-02 SVC-03 SVC-04 SVC-06 SVC-07
# state: fail
#
# avahi-daemon.service is disabled and avahi-daemon.socket enabled: the
# service still starts on the first connection to its socket, so it counts
# as enabled (SVC-02).
sed -i "s/^dc_local_interfaces=.*/dc_local_interfaces=''/" /etc/exim4/update-exim4.conf.conf
grep -qx "dc_local_interfaces=''" /etc/exim4/update-exim4.conf.conf
update-exim4.conf

systemctl disable avahi-daemon.service
systemctl enable avahi-daemon.socket
case "$(systemctl is-enabled avahi-daemon.service || true)" in disabled|indirect) ;; *) exit 1 ;; esac

# Installed in a chroot, the telnet entry is left switched off ("#<off>#").
sed -i 's/^#<off># telnet\t/telnet\t/' /etc/inetd.conf
grep -q '^telnet' /etc/inetd.conf
