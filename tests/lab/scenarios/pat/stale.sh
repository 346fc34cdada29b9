#!/bin/sh
# Patching stale: unattended-upgrades removed with its configuration left (dpkg state rc), and an enabled backports source never fetched while the other sources are fresh.
# packages: unattended-upgrades
# controls: PAT-01 PAT-03
# state: fail
#
# `dpkg -r` leaves 20auto-upgrades ("1" and "1") and 50unattended-upgrades
# (Debian's Origins-Pattern, which would allow the security suite): both are
# ucf-managed and go only with a purge.  The apt-daily timers are enabled.
# So the only PAT-01 failure is the package state.
#
# Sources: pat/mirror-client's (fetched after boot, fresh) and
# /etc/apt/sources.list.d/backports.sources (http://apt-mirror/debian
# bookworm-backports, Signed-By the mirror key), which stale.after-boot.sh
# writes after the lists were fetched: no list of it exists under
# /var/lib/apt/lists.  ha-lab-tool 1.1 (no security update pending) and
# ha-lab-extra 1.0 (1.1 pending from bookworm-updates: not a security update).

dpkg --remove unattended-upgrades
[ "$(dpkg-query -W -f='${db:Status-Abbrev}' unattended-upgrades)" = "rc " ]
[ -f /etc/apt/apt.conf.d/20auto-upgrades ] && [ -f /etc/apt/apt.conf.d/50unattended-upgrades ]
systemctl enable apt-daily.timer apt-daily-upgrade.timer
