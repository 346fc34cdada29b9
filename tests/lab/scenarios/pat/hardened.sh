#!/bin/sh
# Patching hardened: unattended-upgrades at Debian's defaults with 20auto-upgrades on and the apt-daily timers enabled; the only source is the lab mirror (deb822, Signed-By its key); lists fresh, ha-lab-tool 1.1 from the security suite, nothing pending.
# packages: unattended-upgrades
# needs: apt-mirror
# controls: PAT-01 PAT-02 PAT-03 PAT-05 PAT-06 PAT-07
# state: pass
#
# /etc/apt/sources.list.d/debian.sources names http://apt-mirror/debian
# (bookworm bookworm-updates) and http://apt-mirror/debian-security
# (bookworm-security), both Signed-By /etc/apt/keyrings/ha-lab-archive.gpg;
# apt-mirror resolves through /etc/hosts.  The key and the lists exist only
# once the mirror runs: hardened.after-boot.sh fetches them, installs
# ha-lab-tool 1.0 and ha-lab-extra, and runs the daily jobs once by hand, as
# their timers would: unattended-upgrade then upgrades ha-lab-tool to 1.1
# from the security suite.
#
# 20auto-upgrades and 50unattended-upgrades are the files the package's
# postinst wrote in the layer (debconf enable_auto_updates: true).  The
# timers keep Debian's schedule (randomized over 12 h and 1 h) and have no
# stamp yet: they do not fire at boot, and the apt periodic stamps the
# after-boot run leaves make a later run the same day a no-op.
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

[ "$(cat /etc/apt/apt.conf.d/20auto-upgrades)" = "$(cat /usr/share/unattended-upgrades/20auto-upgrades)" ]
cmp -s /etc/apt/apt.conf.d/50unattended-upgrades /usr/share/unattended-upgrades/50unattended-upgrades
systemctl enable apt-daily.timer apt-daily-upgrade.timer
