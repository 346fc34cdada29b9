#!/bin/sh
# Patching stale: unattended-upgrades removed with its configuration left (dpkg state rc), and an enabled backports source never fetched while the other sources are fresh.
# packages: unattended-upgrades
# needs: apt-mirror
# controls: PAT-01 PAT-03
# state: fail
#
# `dpkg -r` leaves 20auto-upgrades ("1" and "1") and 50unattended-upgrades
# (Debian's Origins-Pattern, which would allow the security suite): both are
# ucf-managed and go only with a purge.  The apt-daily timers are enabled.
# So the only PAT-01 failure is the package state.
#
# Sources: debian.sources as on hardened (fetched after boot, fresh) and
# /etc/apt/sources.list.d/backports.sources (http://apt-mirror/debian
# bookworm-backports, Signed-By the mirror key), which stale.after-boot.sh
# writes after the lists were fetched: no list of it exists under
# /var/lib/apt/lists.  ha-lab-tool 1.1 (no security update pending) and
# ha-lab-extra 1.0 (1.1 pending from bookworm-updates: not a security update).
mirror=$(printf '%s' "${LAB_HOSTS:-}" | awk '$1 == "apt-mirror" { print $2 }')
if [ -z "$mirror" ]; then
    echo "apt-mirror is not booted in this lab (LAB_HOSTS: ${LAB_HOSTS:-none})" >&2
    exit 1
fi
printf '%s\tapt-mirror\n' "$mirror" >> /etc/hosts

install -d -m 0755 /etc/apt/keyrings
cat > /etc/apt/sources.list.d/debian.sources <<'EOF'
Types: deb
URIs: http://apt-mirror/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /etc/apt/keyrings/ha-lab-archive.gpg

Types: deb
URIs: http://apt-mirror/debian-security
Suites: bookworm-security
Components: main
Signed-By: /etc/apt/keyrings/ha-lab-archive.gpg
EOF
chmod 0644 /etc/apt/sources.list.d/debian.sources

dpkg --remove unattended-upgrades
[ "$(dpkg-query -W -f='${db:Status-Abbrev}' unattended-upgrades)" = "rc " ]
[ -f /etc/apt/apt.conf.d/20auto-upgrades ] && [ -f /etc/apt/apt.conf.d/50unattended-upgrades ]
systemctl enable apt-daily.timer apt-daily-upgrade.timer
