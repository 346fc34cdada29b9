#!/bin/sh
# ha-lab-tool 1.0 and ha-lab-extra 1.0 installed, the daily jobs run once (unattended-upgrade off), /run/reboot-required; then checks: the security update pending, exactly the modified passwd file reported by dpkg --verify.
apt-get -q -y install ha-lab-tool=1.0 ha-lab-extra=1.0
/usr/lib/apt/apt.systemd.daily update
/usr/lib/apt/apt.systemd.daily install
apt-cache gencaches >/dev/null
# What a kernel or libc upgrade leaves behind (update-notifier-common's notify-reboot-required).
printf '*** System restart required ***\n' > /run/reboot-required
printf 'libc6\n' > /run/reboot-required.pkgs
chmod 0644 /run/reboot-required /run/reboot-required.pkgs

[ "$(dpkg-query -W -f='${Version}' ha-lab-tool)" = 1.0 ]
[ -f /var/lib/apt/periodic/update-stamp ] && [ ! -e /var/lib/apt/periodic/upgrade-stamp ]
[ -f /var/lib/apt/lists/apt-mirror_vendor_dists_bookworm_Release ]
pending=$(LANG=C apt-get -s -o Debug::NoLocking=1 dist-upgrade | grep '^Inst ' | sort)
printf '%s\n' "$pending" | grep -q '^Inst ha-lab-tool \[1\.0\] (1\.1 Debian-Security:12/oldstable-security \[all\])$' || {
    echo "pat/weak: security update not pending as expected: $pending" >&2
    exit 1
}
printf '%s\n' "$pending" | grep -q '^Inst ha-lab-extra \[1\.0\] (1\.1 Debian:12-updates/oldstable-updates \[all\])$'
[ "$(printf '%s\n' "$pending" | wc -l)" = 2 ]
[ "$(dpkg-query -W -f='${db:Status-Abbrev}' unattended-upgrades)" = "ii " ]
[ "$(dpkg --verify passwd | awk '$2 != "c"')" = "??5??????   /usr/share/doc/passwd/README.Debian" ]
[ -z "$(dpkg --verify openssh-server openssh-client sudo login libpam-modules libpam-runtime coreutils util-linux systemd apt dpkg | awk '$2 != "c"')" ]
