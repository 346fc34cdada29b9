#!/bin/sh
# ha-lab-tool 1.1 and ha-lab-extra 1.0 installed, the daily jobs run once; then the backports source is added and never fetched; checks.
apt-get -q -y install ha-lab-tool ha-lab-extra=1.0
/usr/lib/apt/apt.systemd.daily update
/usr/lib/apt/apt.systemd.daily install

cat > /etc/apt/sources.list.d/backports.sources <<'EOF'
Types: deb
URIs: http://apt-mirror/debian
Suites: bookworm-backports
Components: main
Signed-By: /etc/apt/keyrings/ha-lab-archive.gpg
EOF
chmod 0644 /etc/apt/sources.list.d/backports.sources
apt-cache gencaches >/dev/null

[ "$(dpkg-query -W -f='${Version}' ha-lab-tool)" = 1.1 ]
[ -f /var/lib/apt/periodic/update-stamp ] && [ ! -e /var/lib/apt/periodic/upgrade-stamp ]
[ -f /var/lib/apt/lists/apt-mirror_debian_dists_bookworm_InRelease ]
! ls /var/lib/apt/lists/ | grep -q backports
pending=$(LANG=C apt-get -s -o Debug::NoLocking=1 dist-upgrade | grep '^Inst ' || true)
[ "$pending" = "Inst ha-lab-extra [1.0] (1.1 Debian:12-updates/oldstable-updates [all])" ] || {
    echo "pat/stale: unexpected pending updates: $pending" >&2
    exit 1
}
[ "$(dpkg-query -W -f='${db:Status-Abbrev}' unattended-upgrades)" = "rc " ]
[ -z "$(dpkg --verify openssh-server openssh-client sudo passwd login libpam-modules libpam-runtime coreutils util-linux systemd apt dpkg | awk '$2 != "c"')" ]
