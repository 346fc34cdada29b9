#!/bin/sh
# Kernel network parameters weak: IPv4 routing and redirects persisted, rp_filter 0 (an /etc file overriding a vendor file of the same name), SYN cookies and bogus-ICMP ignoring set at runtime only, the rest at the kernel's defaults.
# controls: KRN-01 KRN-02 KRN-03 KRN-04 KRN-05 KRN-06 KRN-09
# state: fail
#
# Persisted: /etc/sysctl.d/60-router.conf (ip_forward 1, all.accept_redirects 1,
# all.send_redirects 1); /usr/lib/sysctl.d/50-vendor.conf (all.rp_filter 2) is
# shadowed by /etc/sysctl.d/50-vendor.conf (all.rp_filter 0): same name, /etc wins.
# Runtime only: lab-runtime-sysctl.service runs `sysctl -w` for tcp_syncookies
# and icmp_ignore_bogus_error_responses after systemd-sysctl, before the
# network; no sysctl.d file names them (both are also the values a new
# network namespace starts with).
cat > /etc/sysctl.d/60-router.conf <<'CONF'
# Weakened by the hardening-audit lab scenario krn/weak: this host routes.
net.ipv4.ip_forward = 1
net.ipv4.conf.all.accept_redirects = 1
net.ipv4.conf.all.send_redirects = 1
CONF
cat > /usr/lib/sysctl.d/50-vendor.conf <<'CONF'
# Vendor default (hardening-audit lab scenario krn/weak): loose reverse path filtering.
net.ipv4.conf.all.rp_filter = 2
CONF
cat > /etc/sysctl.d/50-vendor.conf <<'CONF'
# Local override of /usr/lib/sysctl.d/50-vendor.conf (hardening-audit lab scenario krn/weak).
net.ipv4.conf.all.rp_filter = 0
CONF
chmod 0644 /etc/sysctl.d/60-router.conf /usr/lib/sysctl.d/50-vendor.conf /etc/sysctl.d/50-vendor.conf

test -x /usr/sbin/sysctl
cat > /etc/systemd/system/lab-runtime-sysctl.service <<'UNIT'
# hardening-audit lab scenario krn/weak: kernel values set at runtime, never persisted.
[Unit]
Description=Lab runtime-only kernel parameters (not in sysctl.d)
DefaultDependencies=no
After=systemd-sysctl.service
Before=network-pre.target sysinit.target shutdown.target
Wants=network-pre.target
Conflicts=shutdown.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/sbin/sysctl -w net.ipv4.tcp_syncookies=1 net.ipv4.icmp_ignore_bogus_error_responses=1

[Install]
WantedBy=sysinit.target
UNIT
chmod 0644 /etc/systemd/system/lab-runtime-sysctl.service
systemctl enable lab-runtime-sysctl.service
# Debian's /etc/sysctl.conf mentions tcp_syncookies only in a comment.
! grep -rEqs '^[[:space:]]*-?net\.ipv4\.(tcp_syncookies|icmp_ignore_bogus_error_responses)' \
    /etc/sysctl.conf /etc/sysctl.d /run/sysctl.d /usr/lib/sysctl.d
