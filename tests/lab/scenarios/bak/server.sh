#!/bin/sh
# Backup server: user backup logs in with the lab's backup client key and owns /srv/restic and /srv/borg; borg installed for `borg serve`.
# packages: borgbackup
# controls:
# state: pass
#
# sshd stays at Debian's defaults.  LAB_BACKUP_PUBKEY is the public half of
# the lab-wide backup key pair (<lab state dir>/backup_ed25519) that
# bak/ssh-client installs for root on the client hosts.
#
# `backup` is Debian's own system account (base-passwd, uid 34: home
# /var/backups, shell nologin, password '*'): it gets a shell, since sshd runs
# both `borg serve` and restic's sftp subsystem through it, and a home of its
# own for .ssh (borg serve may keep state there too).  restic creates each
# client's repository below /srv/restic over sftp, borg below /srv/borg.
: "${LAB_BACKUP_PUBKEY:?the lab passes its backup client public key}"

id backup >/dev/null
usermod --home /home/backup --shell /bin/sh backup
install -d -m 0700 -o backup -g backup /home/backup /home/backup/.ssh
printf '%s\n' "$LAB_BACKUP_PUBKEY" > /home/backup/.ssh/authorized_keys
chown backup:backup /home/backup/.ssh/authorized_keys
chmod 0600 /home/backup/.ssh/authorized_keys

install -d -m 0700 -o backup -g backup /srv/restic /srv/borg
test -x /usr/lib/openssh/sftp-server
command -v borg >/dev/null
