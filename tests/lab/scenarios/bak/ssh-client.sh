#!/bin/sh
# root's SSH client for the backup server: the lab's backup key, backup-server mapped to its lab address, strict host key checking, no host key updates.
# needs: backup-server
# controls:
# state: pass
#
# LAB_BACKUP_KEY is the private half of the lab-wide backup key pair that
# bak/server authorizes for user backup; LAB_HOSTS lists "name address" of
# the lab's booted hosts.  root's known_hosts is written after boot
# (ssh-client.after-boot.sh): the backup server's host keys exist only once
# every host is prepared.
#
# UpdateHostKeys no: OpenSSH would otherwise add keys the server announces to
# known_hosts, and reading a repository must not change the client.
: "${LAB_BACKUP_KEY:?the lab passes its backup client key}"
: "${LAB_BACKUP_PUBKEY:?the lab passes its backup client public key}"

server=$(printf '%s' "${LAB_HOSTS:-}" | awk '$1 == "backup-server" { print $2 }')
if [ -z "$server" ]; then
    echo "backup-server is not booted in this lab (LAB_HOSTS: ${LAB_HOSTS:-none})" >&2
    exit 1
fi

install -d -m 0700 /root/.ssh
printf '%s' "$LAB_BACKUP_KEY" > /root/.ssh/id_backup
chmod 0600 /root/.ssh/id_backup
printf '%s\n' "$LAB_BACKUP_PUBKEY" > /root/.ssh/id_backup.pub
chmod 0644 /root/.ssh/id_backup.pub

cat > /root/.ssh/config <<EOF2
# Written by the hardening-audit lab scenario bak/ssh-client.
Host backup-server
    HostName $server
    User backup
    IdentityFile /root/.ssh/id_backup
    IdentitiesOnly yes
    BatchMode yes
    StrictHostKeyChecking yes
    UpdateHostKeys no
    ConnectTimeout 10
EOF2
chmod 0600 /root/.ssh/config
