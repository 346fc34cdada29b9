#!/bin/sh
# firewalld running at boot (nftables back end): default zone public allowing only ssh.
# packages: firewalld nftables netbase
# controls: FW-01 FW-02 FW-03 FW-04 FW-06 FW-07 FW-08 FW-09
# state: pass
#
# FW-05 is left out: firewalld accepts lo and drops spoofed ::1 (IPv6
# rpfilter) but has no rule for 127.0.0.0/8 arriving elsewhere (the kernel
# drops those as martians).  Its default deny is a final
# `reject with icmpx admin-prohibited` rule in base chains whose policy is accept.
# `firewall-cmd --get-active-zones` prints nothing: no interface is bound to
# a zone (no NetworkManager), so the default zone takes every interface.
#
# netbase (/etc/protocols) is not optional: without it firewalld's stock
# config fails to load ("INVALID_PROTOCOL: esp") and the daemon gives up.
# minbase lacks it; a normal Debian install has it (priority important), as it
# has nftables, which gives the audit `nft` to read firewalld's ruleset with.
#
# firewall-offline-cmd edits the permanent configuration without the daemon:
# it writes /etc/firewalld/zones/public.xml (the stock zone less
# dhcpv6-client).  Run in a throw-away network namespace all the same.
unshare --net firewall-offline-cmd --zone=public --remove-service-from-zone=dhcpv6-client >/dev/null
grep -q '<service name="ssh"/>' /etc/firewalld/zones/public.xml
# (`! grep` would not stop a `sh -e` script.)
if grep -q 'dhcpv6-client' /etc/firewalld/zones/public.xml; then exit 1; fi
grep -qx 'DefaultZone=public' /etc/firewalld/firewalld.conf
grep -qx 'FirewallBackend=nftables' /etc/firewalld/firewalld.conf
systemctl enable firewalld.service
