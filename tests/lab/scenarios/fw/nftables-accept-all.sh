#!/bin/sh
# Two firewall managers enabled (nftables and netfilter-persistent), and a second nftables base chain that accepts all new inbound traffic.
# packages: nftables netbase iptables iptables-persistent
# controls: FW-02 FW-09
# state: fail
#
# netbase (/etc/protocols, priority important, in every normal Debian install
# but not in minbase): nft resolves "ipv6-icmp" through it, when loading and
# when listing.
#
# /etc/nftables.conf holds fw/nftables-hardened's inet filter table plus a
# table "ip extra" whose input chain (priority filter + 10) accepts every new
# connection.  A packet must be accepted by every base chain on its hook, so
# the drop policy of inet filter still decides here; the extra chain is the
# kind of leftover an audit should flag all the same.
cat > /etc/nftables.conf <<'EOF'
#!/usr/sbin/nft -f
# Written by the hardening-audit lab scenario fw/nftables-accept-all.

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
		tcp dport 22 ct state new accept
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
	}
	chain output {
		type filter hook output priority filter; policy accept;
	}
}

table ip extra {
	chain input {
		type filter hook input priority filter + 10; policy accept;
		ct state new accept
	}
}
EOF
chown root:root /etc/nftables.conf
chmod 0755 /etc/nftables.conf
unshare --net nft -c -f /etc/nftables.conf
systemctl enable nftables.service

# The second manager: netfilter-persistent restoring permissive iptables rules
# (iptables-nft: tables "ip filter" and "ip6 filter" with ACCEPT policies).
install -d -m 0755 /etc/iptables
for family in v4 v6; do
    cat > /etc/iptables/rules.$family <<'EOF'
# Written by the hardening-audit lab scenario fw/nftables-accept-all.
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
EOF
done
chmod 0640 /etc/iptables/rules.v4 /etc/iptables/rules.v6
systemctl enable netfilter-persistent.service
# Both units run before network-pre.target with no order between them, and
# /etc/nftables.conf starts with `flush ruleset`: if nftables.service ran
# second it would wipe netfilter-persistent's tables.  Order them so every
# boot ends with both managers' tables loaded.
install -d -m 0755 /etc/systemd/system/netfilter-persistent.service.d
cat > /etc/systemd/system/netfilter-persistent.service.d/lab-after-nftables.conf <<'EOF'
# Written by the hardening-audit lab scenario fw/nftables-accept-all.
[Unit]
After=nftables.service
EOF
