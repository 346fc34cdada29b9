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
