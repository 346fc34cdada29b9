#!/bin/sh
# Checks only (changes nothing): the persisted router values and the /etc override applied, the runtime-only unit ran.
[ "$(systemctl show -p Result --value systemd-sysctl.service)" = success ]
[ "$(systemctl show -p Result --value lab-runtime-sysctl.service)/$(systemctl show -p ActiveState --value lab-runtime-sysctl.service)" = success/active ] || {
    systemctl status --no-pager lab-runtime-sysctl.service >&2 || true
    exit 1
}
[ "$(sysctl -n net.ipv4.ip_forward net.ipv4.conf.all.accept_redirects net.ipv4.conf.all.send_redirects \
        net.ipv4.conf.all.rp_filter net.ipv4.tcp_syncookies net.ipv4.icmp_ignore_bogus_error_responses \
      | tr '\n' ' ')" = "1 1 1 0 1 1 " ]
