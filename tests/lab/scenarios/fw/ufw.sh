#!/bin/sh
# ufw enabled at boot: incoming and routed denied, outgoing allowed, loopback and SSH allowed, spoofed loopback sources denied; IPv4 and IPv6.
# packages: ufw nftables netbase
# controls: FW-01 FW-02 FW-03 FW-04 FW-05 FW-06 FW-07 FW-08 FW-09
# state: pass
#
# nftables and netbase are here because every normal Debian install has them
# (priority important; minbase has neither): nftables.service stays disabled,
# and `nft list ruleset` shows what iptables-nft made of the rules.
#
# ufw's own commands work offline in the chroot while ufw is disabled: they
# only rewrite /etc/default/ufw and /etc/ufw/user{,6}.rules (with the
# "### tuple ###" lines ufw reads its rules back from).  Each runs in a
# throw-away network namespace anyway, so nothing can reach the build
# machine's netfilter.  `ufw enable` would load the rules at once: instead
# ENABLED=yes in ufw.conf makes ufw.service load them at boot.
for rule in \
    "default deny incoming" \
    "default allow outgoing" \
    "default deny routed" \
    "allow in on lo" \
    "deny in from 127.0.0.0/8" \
    "deny in from ::1" \
    "allow 22/tcp"; do
    # shellcheck disable=SC2086 # word splitting wanted: one ufw command per string
    unshare --net ufw $rule >/dev/null
done
grep -qx 'IPV6=yes' /etc/default/ufw
grep -qx 'DEFAULT_INPUT_POLICY="DROP"' /etc/default/ufw
grep -qx 'DEFAULT_FORWARD_POLICY="DROP"' /etc/default/ufw
grep -qx 'DEFAULT_OUTPUT_POLICY="ACCEPT"' /etc/default/ufw
grep -qx '### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in' /etc/ufw/user.rules
grep -qx '### tuple ### deny any any ::/0 any ::1 in' /etc/ufw/user6.rules

# `ufw status verbose` then says "disabled (routed)", not "deny (routed)":
# ufw prints "disabled" whenever the kernel does not forward (ip_forward 0),
# whatever DEFAULT_FORWARD_POLICY says.
sed -i 's/^ENABLED=no$/ENABLED=yes/' /etc/ufw/ufw.conf
grep -qx 'ENABLED=yes' /etc/ufw/ufw.conf
systemctl enable ufw.service
