#!/bin/sh
# Patching weak: unattended-upgrades installed but switched off by a later apt.conf.d file, a [trusted=yes] source, the security update of ha-lab-tool pending, a reboot required, a non-conffile of passwd modified.
# packages: unattended-upgrades
# controls: PAT-01 PAT-02 PAT-05 PAT-06 PAT-07
# state: fail
#
# Sources: pat/mirror-client's (applied first) plus /etc/apt/sources.list.d/vendor.list, one line
# "deb [trusted=yes] http://apt-mirror/vendor bookworm main", a repository
# with an unsigned Release only.  Every list is fetched after boot (PAT-03
# passes).  weak.after-boot.sh installs ha-lab-tool 1.0 and ha-lab-extra 1.0:
# ha-lab-tool 1.1 (Debian-Security) and ha-lab-extra 1.1 (bookworm-updates)
# are pending, and creates /run/reboot-required and .pkgs (/run is a tmpfs).
#
# 20auto-upgrades (from the package, "1" and "1") is overridden by
# /etc/apt/apt.conf.d/60lab-no-unattended-upgrade: Unattended-Upgrade "0",
# read later; Update-Package-Lists stays "1", the timers are enabled.
#
# /usr/share/doc/passwd/README.Debian (passwd, not a conffile) gets one line
# more: `dpkg --verify passwd` reports it, and only it, as "??5??????".

printf 'deb [trusted=yes] http://apt-mirror/vendor bookworm main\n' > /etc/apt/sources.list.d/vendor.list
chmod 0644 /etc/apt/sources.list.d/vendor.list

[ "$(cat /etc/apt/apt.conf.d/20auto-upgrades)" = "$(cat /usr/share/unattended-upgrades/20auto-upgrades)" ]
cat > /etc/apt/apt.conf.d/60lab-no-unattended-upgrade <<'EOF'
// hardening-audit lab scenario pat/weak: no unattended upgrades (overrides 20auto-upgrades).
APT::Periodic::Unattended-Upgrade "0";
EOF
chmod 0644 /etc/apt/apt.conf.d/60lab-no-unattended-upgrade
eval "$(apt-config shell unattended APT::Periodic::Unattended-Upgrade lists APT::Periodic::Update-Package-Lists)"
[ "$unattended/$lists" = 0/1 ]
systemctl enable apt-daily.timer apt-daily-upgrade.timer

printf '\nLocal note (hardening-audit lab scenario pat/weak): this file was edited after installation.\n' \
    >> /usr/share/doc/passwd/README.Debian
