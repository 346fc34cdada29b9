#!/bin/sh
# ha-lab-tool 1.0 and ha-lab-extra 1.1 installed, the daily jobs run once (unattended-upgrade brings ha-lab-tool to 1.1); then checks: nothing pending, the security suite labelled Debian-Security.
apt-get -q -y install ha-lab-tool=1.0 ha-lab-extra=1.1
# What apt-daily.service and apt-daily-upgrade.service run (their units may be
# skipped by ConditionACPower on a machine on battery): update stamp, a backup
# of extended_states, unattended-upgrade and its stamp.
/usr/lib/apt/apt.systemd.daily update
/usr/lib/apt/apt.systemd.daily install
apt-cache gencaches >/dev/null

[ "$(dpkg-query -W -f='${Version}' ha-lab-tool)" = 1.1 ] || {
    echo "pat/hardened: unattended-upgrade did not upgrade ha-lab-tool" >&2
    tail -n 30 /var/log/unattended-upgrades/unattended-upgrades.log >&2 || true
    exit 1
}
[ -f /var/lib/apt/periodic/update-stamp ] && [ -f /var/lib/apt/periodic/upgrade-stamp ]
apt-cache policy | grep -q 'o=Debian,a=oldstable-security,n=bookworm-security,l=Debian-Security,c=main'
pending=$(LANG=C apt-get -s -o Debug::NoLocking=1 dist-upgrade | grep '^Inst ' || true)
[ -z "$pending" ] || { echo "pat/hardened: pending: $pending" >&2; exit 1; }
[ "$(dpkg-query -W -f='${db:Status-Abbrev}' unattended-upgrades)" = "ii " ]
[ -z "$(dpkg --verify openssh-server openssh-client sudo passwd login libpam-modules libpam-runtime coreutils util-linux systemd apt dpkg | awk '$2 != "c"')" ]
[ ! -e /run/reboot-required ]
