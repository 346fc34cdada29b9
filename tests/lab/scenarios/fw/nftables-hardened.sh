#!/bin/sh
# nftables firewall loaded at boot: inbound default drop, only established traffic, loopback, ICMP essentials and SSH from the lab network accepted; outbound default drop with an allowlist; IPv4 and IPv6 covered by one inet table.
# packages: nftables netbase
# controls: FW-01 FW-02 FW-03 FW-04 FW-05 FW-06 FW-07 FW-08 FW-09 FW-10 FW-11
# state: pass
#
# netbase (/etc/protocols, priority important, in every normal Debian install
# but not in minbase): nft resolves "ipv6-icmp" through it, when loading and
# when listing.
#
# SSH is admitted from the lab network only (FW-10 with admin_sources
# 198.18.0.0/24) and outbound traffic is filtered (FW-11 with egress: filtered).
#
# Debian's layout: /etc/nftables.conf is an executable nft script (0755) that
# nftables.service loads with `nft -f` before the network comes up.
cat > /etc/nftables.conf <<'EOF'
#!/usr/sbin/nft -f
# Written by the hardening-audit lab scenario fw/nftables-hardened.

flush ruleset

table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		ct state invalid drop
		iif "lo" accept
		iifname != "lo" ip saddr 127.0.0.0/8 drop
		iifname != "lo" ip6 saddr ::1 drop
		ip protocol icmp icmp type { echo-request, destination-unreachable, time-exceeded } accept
		meta l4proto ipv6-icmp accept
		ip saddr 198.18.0.0/24 tcp dport 22 ct state new accept
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
	}
	chain output {
		type filter hook output priority filter; policy drop;
		ct state established,related accept
		oif "lo" accept
		meta l4proto { icmp, ipv6-icmp } accept
		udp dport { 53, 123 } accept
		tcp dport { 53, 80, 443 } accept
		ip daddr 198.18.0.0/24 tcp dport 22 accept
	}
}
EOF
chown root:root /etc/nftables.conf
chmod 0755 /etc/nftables.conf
# Syntax only (-c), and in a throw-away network namespace: never the build machine's.
unshare --net nft -c -f /etc/nftables.conf
systemctl enable nftables.service
