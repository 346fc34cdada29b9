#!/bin/sh
# File system controls weak: /etc/shadow 0644, world-writable /srv/shared/notes.txt and /srv/drop (no sticky bit), /srv/orphan.dat owned by unknown uid/gid 4242, extra set-UID /usr/local/bin/suid-true; /tmp and /dev/shm as nspawn mounts them (no noexec).
# controls: FS-01 FS-02 FS-03 FS-04 FS-05 FS-06
# state: fail
chmod 0644 /etc/shadow

install -d -m 0755 /srv/shared
printf 'shared notes, writable by everyone\n' > /srv/shared/notes.txt
chmod 0666 /srv/shared/notes.txt

install -d -m 0755 /srv/drop
chmod 0777 /srv/drop

if getent passwd 4242 >/dev/null || getent group 4242 >/dev/null; then
    echo "fs/weak: uid or gid 4242 is taken" >&2
    exit 1
fi
printf 'orphaned data\n' > /srv/orphan.dat
chown 4242:4242 /srv/orphan.dat
chmod 0644 /srv/orphan.dat

cp /bin/true /usr/local/bin/suid-true
chown root:root /usr/local/bin/suid-true
chmod 4755 /usr/local/bin/suid-true
