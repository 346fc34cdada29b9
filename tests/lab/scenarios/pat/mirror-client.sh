#!/bin/sh
# A client of the lab's apt-mirror: its only package source is the mirror (deb822 debian.sources, bookworm and bookworm-updates from /debian, bookworm-security from /debian-security, Signed-By the mirror's key), apt-mirror resolving through /etc/hosts.
# needs: apt-mirror
# controls:
# state: pass
#
# The key and the lists exist only once the mirror runs:
# mirror-client.after-boot.sh fetches the key and runs apt-get update.  The
# pat/* scenarios that follow on the same host add their own sources before
# boot, and their own steps after this one's.
mirror=$(printf '%s' "${LAB_HOSTS:-}" | awk '$1 == "apt-mirror" { print $2 }')
if [ -z "$mirror" ]; then
    echo "apt-mirror is not booted in this lab (LAB_HOSTS: ${LAB_HOSTS:-none})" >&2
    exit 1
fi
printf '%s\tapt-mirror\n' "$mirror" >> /etc/hosts

install -d -m 0755 /etc/apt/keyrings
cat > /etc/apt/sources.list.d/debian.sources <<'SOURCES'
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
SOURCES
chmod 0644 /etc/apt/sources.list.d/debian.sources
