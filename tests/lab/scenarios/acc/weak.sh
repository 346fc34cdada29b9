#!/bin/sh
# Accounts left weak: a second UID 0, an empty password, a duplicate UID, a system account with a shell, an MD5 hash, NOPASSWD sudo for a group of users, a world-writable home, a .netrc.
# controls: ACC-01 ACC-02 ACC-03 ACC-04 ACC-05 ACC-06 ACC-07 ACC-08 ACC-09 ACC-10 ACC-11 ACC-12 ACC-14 ACC-15 ACC-16
# state: fail
#
# Otherwise Debian's defaults: login.defs untouched (PASS_MAX_DAYS 99999,
# PASS_MIN_DAYS 0, ENCRYPT_METHOD SHA512, UMASK 022), INACTIVE=-1, no
# pwquality, no faillock, su open to all, sudo without a log file (Debian's
# sudoers already says `Defaults use_pty`), root locked ('*').  All
# passwords are lab-only throwaways.

# A second UID 0 account.
useradd --non-unique --uid 0 --gid 0 --no-create-home --home-dir /root --shell /bin/bash toor

# legacy: an MD5-crypt hash ($1$); chpasswd -c bypasses PAM and login.defs.
useradd --uid 1001 --user-group --create-home --shell /bin/bash legacy
printf 'legacy:%s\n' 'lab-only-legacy' | chpasswd -c MD5
grep -q '^legacy:\$1\$' /etc/shadow
# A .netrc in legacy's home (fake machine line: nothing real).
printf 'machine ftp.example.invalid login legacy password lab-only-not-a-secret\n' > /home/legacy/.netrc
chown legacy:legacy /home/legacy/.netrc
chmod 0600 /home/legacy/.netrc

# bob and carol share UID 1002; bob's home is world-writable.
useradd --uid 1002 --user-group --create-home --shell /bin/bash bob
useradd --non-unique --uid 1002 --gid bob --create-home --shell /bin/bash carol
chmod 0777 /home/bob

# guest: an empty password field.
useradd --uid 1003 --user-group --create-home --shell /bin/bash guest
passwd --delete guest
grep -q '^guest::' /etc/shadow

# A system account with a login shell.
usermod --shell /bin/sh daemon

# NOPASSWD sudo for everyone in a User_Alias.
cat > /etc/sudoers.d/90-ops <<'SUDOERS'
# Weakened by the hardening-audit lab scenario acc/weak.
User_Alias OPS = bob, legacy
OPS ALL=(ALL) NOPASSWD: ALL
SUDOERS
chown root:root /etc/sudoers.d/90-ops
chmod 0440 /etc/sudoers.d/90-ops
visudo --check --quiet
