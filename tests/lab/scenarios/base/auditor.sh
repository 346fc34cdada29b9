#!/bin/sh
# The audit account every SSH-based check logs in as: key only, passwordless sudo, no special group.
# controls:
# state: pass
#
# Applied to every host first.  LAB_CLIENT_PUBKEY holds the lab's client public key.
: "${LAB_CLIENT_PUBKEY:?the lab passes its client public key}"

if ! id auditor >/dev/null 2>&1; then
    useradd --create-home --user-group --shell /bin/bash auditor
fi
# '*' rather than useradd's locked '!': sshd refuses key logins to locked
# accounts whenever a scenario turns UsePAM off.
usermod --password '*' auditor

install -d -m 0700 -o auditor -g auditor /home/auditor/.ssh
printf '%s\n' "$LAB_CLIENT_PUBKEY" > /home/auditor/.ssh/authorized_keys
chown auditor:auditor /home/auditor/.ssh/authorized_keys
chmod 0600 /home/auditor/.ssh/authorized_keys

# Whether root may log in is for the sshd scenarios to decide.
install -d -m 0700 /root/.ssh
printf '%s\n' "$LAB_CLIENT_PUBKEY" > /root/.ssh/authorized_keys
chmod 0600 /root/.ssh/authorized_keys

printf 'auditor ALL=(ALL) NOPASSWD: ALL\n' > /etc/sudoers.d/auditor
chmod 0440 /etc/sudoers.d/auditor
visudo --check --quiet --file=/etc/sudoers.d/auditor

# The lab has no internet access: every host starts without package sources
# (the image keeps the deb.debian.org ones its build used, unreachable here)
# and without lists, so that no patching control judges the image build; the
# pat/* scenarios bring their own sources, from the lab's apt-mirror.
# lists/partial is apt's own directory (dpkg --verify apt reports it missing):
# the image build removed it, it is made again as apt makes it.
rm -f /etc/apt/sources.list /etc/apt/sources.list.d/*
find /var/lib/apt/lists -mindepth 1 -maxdepth 1 ! -name lock ! -name partial -exec rm -rf -- {} +
install -d -m 0700 -o _apt -g root /var/lib/apt/lists/partial
