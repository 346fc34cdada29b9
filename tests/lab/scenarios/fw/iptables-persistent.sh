#!/bin/sh
# iptables rules restored at boot by netfilter-persistent: IPv4 inbound default drop with SSH, loopback and ping allowed; IPv6 left wide open (all policies ACCEPT, no rules).
# packages: iptables iptables-persistent nftables netbase
# controls: FW-04 FW-05 FW-06
# state: fail
#
# IPv6 open: no IPv6 inbound default deny (FW-04), ::1 from outside not
# dropped (FW-05), IPv6 FORWARD ACCEPT (FW-06); IPv4 alone would pass them.
#
# nftables and netbase are here because every normal Debian install has them
# (priority important; minbase has neither): nftables.service stays disabled,
# and `nft list ruleset` shows what iptables-nft made of the rules.
#
# The layer build answers iptables-persistent's autosave questions "no"
# (rootfs.DEBCONF_SELECTIONS), so /etc/iptables holds only what is written here.
# iptables on bookworm is iptables-nft: the rules end up as nftables tables
# "ip filter" and "ip6 filter".
install -d -m 0755 /etc/iptables

cat > /etc/iptables/rules.v4 <<'EOF'
# Written by the hardening-audit lab scenario fw/iptables-persistent.
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:LAB-ICMP - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -s 127.0.0.0/8 ! -i lo -j DROP
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -j ACCEPT
-A INPUT -p icmp -j LAB-ICMP
-A LAB-ICMP -p icmp --icmp-type echo-request -j ACCEPT
-A LAB-ICMP -j RETURN
COMMIT
EOF

# Deliberately weak: nothing filters IPv6.
cat > /etc/iptables/rules.v6 <<'EOF'
# Written by the hardening-audit lab scenario fw/iptables-persistent.
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
EOF
chmod 0640 /etc/iptables/rules.v4 /etc/iptables/rules.v6

# Syntax check in a throw-away network namespace (never the build machine's).
unshare --net sh -c 'iptables-restore --test /etc/iptables/rules.v4 && ip6tables-restore --test /etc/iptables/rules.v6'
systemctl enable netfilter-persistent.service
