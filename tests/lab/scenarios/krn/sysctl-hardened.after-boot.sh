#!/bin/sh
# Checks only (changes nothing): systemd-sysctl applied 60-net-hardening.conf, kernel.* included, without failing.
result=$(systemctl show -p Result --value systemd-sysctl.service)
state=$(systemctl show -p ActiveState --value systemd-sysctl.service)
if [ "$result/$state" != success/active ]; then
    journalctl -b -u systemd-sysctl.service --no-pager >&2 || true
    echo "krn/sysctl-hardened: systemd-sysctl.service is $state ($result)" >&2
    exit 1
fi
bad=""
check() {  # key expected
    value=$(sysctl -n "$1") || { bad="$bad $1=(unreadable)"; return 0; }
    [ "$value" = "$2" ] || bad="$bad $1=$value"
}
check net.ipv4.ip_forward 0
check net.ipv4.tcp_syncookies 1
check net.ipv4.icmp_echo_ignore_broadcasts 1
check net.ipv4.icmp_ignore_bogus_error_responses 1
for iface in all default eth0 lo; do
    for key in accept_redirects secure_redirects send_redirects accept_source_route; do
        check "net.ipv4.conf.$iface.$key" 0
    done
    check "net.ipv4.conf.$iface.rp_filter" 1
    check "net.ipv4.conf.$iface.log_martians" 1
    for key in forwarding accept_redirects accept_source_route accept_ra; do
        check "net.ipv6.conf.$iface.$key" 0
    done
done
if [ -n "$bad" ]; then
    echo "krn/sysctl-hardened: runtime values not applied:$bad" >&2
    exit 1
fi
