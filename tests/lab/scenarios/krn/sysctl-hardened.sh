#!/bin/sh
# Kernel network parameters hardened (CIS Debian 12 3.3.x) in /etc/sysctl.d/60-net-hardening.conf, applied at boot by systemd-sysctl, on all, default, eth0 and lo.
# controls: KRN-01 KRN-02 KRN-03 KRN-04 KRN-05 KRN-06 KRN-09
# state: pass
#
# Inside systemd-nspawn only the host's own network namespace is writable:
# systemd-sysctl.service (ConditionPathIsReadWrite=/proc/sys/net/) applies the
# net.* keys there.  kernel.randomize_va_space is the real machine's and
# read-only in the container (/proc/sys is mounted ro, /proc/sys/net rw):
# systemd-sysctl reads the value back when a write fails, so a machine already
# at 2 is silent success; any other value gives "Couldn't write ..., ignoring:
# Read-only file system" at debug level.  The service never fails on it
# (the after-boot script checks that, and the runtime values).
#
# eth0 is made by the lab (network.attach_host) before the host boots, so the
# kernel copied the namespace's `default` values into it before systemd-sysctl
# ran: without its own lines it would keep accept_redirects 1 (IPv4: `all` OR
# the interface's value decides when not forwarding), log_martians 0,
# IPv6 accept_ra 1 and so on; lo, made with the namespace, likewise.  The
# eth0 and lo lines below make every interface compliant; interfaces created
# later copy the hardened `default`.
cat > /etc/sysctl.d/60-net-hardening.conf <<'CONF'
# Hardened by the hardening-audit lab scenario krn/sysctl-hardened (CIS Debian 12 3.3.x).

# No routing.
net.ipv4.ip_forward = 0
net.ipv6.conf.all.forwarding = 0

# ICMP redirects: neither accepted nor sent.
net.ipv4.conf.all.accept_redirects = 0
net.ipv4.conf.default.accept_redirects = 0
net.ipv6.conf.all.accept_redirects = 0
net.ipv6.conf.default.accept_redirects = 0
net.ipv4.conf.all.secure_redirects = 0
net.ipv4.conf.default.secure_redirects = 0
net.ipv4.conf.all.send_redirects = 0
net.ipv4.conf.default.send_redirects = 0

# Source-routed packets refused.
net.ipv4.conf.all.accept_source_route = 0
net.ipv4.conf.default.accept_source_route = 0
net.ipv6.conf.all.accept_source_route = 0
net.ipv6.conf.default.accept_source_route = 0

# Strict reverse path filtering, SYN cookies, martians logged.
net.ipv4.conf.all.rp_filter = 1
net.ipv4.conf.default.rp_filter = 1
net.ipv4.tcp_syncookies = 1
net.ipv4.conf.all.log_martians = 1
net.ipv4.conf.default.log_martians = 1
net.ipv4.icmp_echo_ignore_broadcasts = 1
net.ipv4.icmp_ignore_bogus_error_responses = 1

# No IPv6 router advertisements.
net.ipv6.conf.all.accept_ra = 0
net.ipv6.conf.default.accept_ra = 0

# eth0 and lo exist before this file is applied (the lab creates eth0 before
# boot, the kernel lo with the namespace): they keep the values `default` had
# then unless named.
net.ipv4.conf.eth0.accept_redirects = 0
net.ipv4.conf.eth0.secure_redirects = 0
net.ipv4.conf.eth0.send_redirects = 0
net.ipv4.conf.eth0.accept_source_route = 0
net.ipv4.conf.eth0.rp_filter = 1
net.ipv4.conf.eth0.log_martians = 1
net.ipv6.conf.eth0.forwarding = 0
net.ipv6.conf.eth0.accept_redirects = 0
net.ipv6.conf.eth0.accept_source_route = 0
net.ipv6.conf.eth0.accept_ra = 0
net.ipv4.conf.lo.accept_redirects = 0
net.ipv4.conf.lo.secure_redirects = 0
net.ipv4.conf.lo.send_redirects = 0
net.ipv4.conf.lo.accept_source_route = 0
net.ipv4.conf.lo.rp_filter = 1
net.ipv4.conf.lo.log_martians = 1
net.ipv6.conf.lo.forwarding = 0
net.ipv6.conf.lo.accept_redirects = 0
net.ipv6.conf.lo.accept_source_route = 0
net.ipv6.conf.lo.accept_ra = 0

# Address space layout randomisation (read-only inside the container).
kernel.randomize_va_space = 2
CONF
chown root:root /etc/sysctl.d/60-net-hardening.conf
chmod 0644 /etc/sysctl.d/60-net-hardening.conf
