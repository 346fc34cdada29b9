#!/bin/sh
# Accounts hardened: password ageing, yescrypt, pwquality, faillock, logged sudo, su for sugroup only, clean homes.
# packages: libpam-pwquality cracklib-runtime
# controls: ACC-01 ACC-02 ACC-03 ACC-04 ACC-05 ACC-06 ACC-07 ACC-08 ACC-09 ACC-10 ACC-11 ACC-12 ACC-13 ACC-14 ACC-15 ACC-16
# state: pass
#
# Users with a login shell: root (locked, '*' as debootstrap leaves it),
# auditor (base/auditor: key only, NOPASSWD sudo, allowlisted in the lab
# baseline) and alice (a password user, uid 1001, lab-only password).
# Public-key SSH logins and NOPASSWD sudo never run PAM's auth stack, so
# pam_faillock there only ever sees the account phase.

# --- /etc/login.defs: Debian's file, five lines changed.
set_def() {
    grep -q "^$1[[:space:]]" /etc/login.defs
    sed -i "s/^$1[[:space:]].*/$1\t$2/" /etc/login.defs
    grep -q "^$1	$2\$" /etc/login.defs
}
set_def PASS_MAX_DAYS 365
set_def PASS_MIN_DAYS 1
set_def PASS_WARN_AGE 7
set_def ENCRYPT_METHOD YESCRYPT
set_def UMASK 027

# --- Accounts that stay unused this long after their password expires are disabled.
useradd -D -f 45
grep -qx 'INACTIVE=45' /etc/default/useradd

# --- pwquality: the package's pam-auth-update profile put pam_pwquality into
# common-password when the layer was built.
grep -Eq '^password[[:space:]].*pam_pwquality\.so' /etc/pam.d/common-password
grep -Eq '^password[[:space:]].*pam_unix\.so.*[[:space:]]yescrypt([[:space:]]|$)' /etc/pam.d/common-password
# cracklib-runtime (recommended by libcrack2; the lab's layers install no
# recommends) builds the dictionary pwquality's dictcheck loads: without it every
# password change by a user fails with "error loading dictionary".
printf '%s\n' 'Lab-only-Alice-pw-2024!' | cracklib-check | grep -q ': OK$'
install -d -m 0755 /etc/security/pwquality.conf.d
cat > /etc/security/pwquality.conf.d/50-hardening.conf <<'CONF'
# Hardened by the hardening-audit lab scenario acc/hardened.
minlen = 14
minclass = 4
CONF
chmod 0644 /etc/security/pwquality.conf.d/50-hardening.conf

# --- alice: a password user.  chpasswd goes through PAM (common-password:
# pam_unix ... yescrypt); login.defs says YESCRYPT too.  Lab-only password.
useradd --uid 1001 --user-group --create-home --shell /bin/bash alice
chmod 0750 /home/alice
printf 'alice:%s\n' 'Lab-only-Alice-pw-2024!' | chpasswd
grep -q '^alice:\$y\$' /etc/shadow
chage -M 365 -m 1 -W 7 -I 45 alice

# --- pam_faillock through pam-auth-update: two profiles, since preauth must
# come before pam_unix (higher priority than unix's 256) and authfail after it
# (lower priority).  Both are Primary, so pam_unix's success=N jumps over authfail.
cat > /usr/share/pam-configs/faillock <<'PROFILE'
Name: Lock accounts after failed logins (pam_faillock, hardening-audit lab)
Default: no
Priority: 0
Auth-Type: Primary
Auth:
	[default=die]	pam_faillock.so authfail
Account-Type: Additional
Account:
	required	pam_faillock.so
PROFILE
cat > /usr/share/pam-configs/faillock_preauth <<'PROFILE'
Name: Refuse locked accounts before asking (pam_faillock preauth, hardening-audit lab)
Default: no
Priority: 1024
Auth-Type: Primary
Auth:
	required	pam_faillock.so preauth
PROFILE
pam-auth-update --package --enable faillock faillock_preauth
# preauth, pam_unix, authfail in this order; the account line present.
order=$(awk '$1 == "auth" && /pam_faillock\.so preauth/ { print "preauth" }
             $1 == "auth" && /pam_unix\.so/ { print "unix" }
             $1 == "auth" && $2 == "[default=die]" && /pam_faillock\.so authfail/ { print "authfail" }' \
        /etc/pam.d/common-auth | tr '\n' ' ')
if [ "$order" != "preauth unix authfail " ]; then
    cat /etc/pam.d/common-auth >&2
    echo "acc/hardened: common-auth has '$order', not preauth, unix, authfail" >&2
    exit 1
fi
grep -Eq '^auth[[:space:]]+required[[:space:]]+pam_faillock\.so preauth' /etc/pam.d/common-auth
grep -Eq '^account[[:space:]]+required[[:space:]]+pam_faillock\.so' /etc/pam.d/common-account
for key in deny unlock_time; do grep -Eq "^#[[:space:]]*$key[[:space:]]*=" /etc/security/faillock.conf; done
sed -i -e 's/^#[[:space:]]*deny[[:space:]]*=.*/deny = 5/' \
       -e 's/^#[[:space:]]*unlock_time[[:space:]]*=.*/unlock_time = 900/' /etc/security/faillock.conf
grep -qx 'deny = 5' /etc/security/faillock.conf
grep -qx 'unlock_time = 900' /etc/security/faillock.conf

# --- sudo: every command logged, always in a pseudo-terminal.
cat > /etc/sudoers.d/50-hardening <<'SUDOERS'
# Hardened by the hardening-audit lab scenario acc/hardened.
Defaults logfile=/var/log/sudo.log
Defaults use_pty
SUDOERS
chown root:root /etc/sudoers.d/50-hardening
chmod 0440 /etc/sudoers.d/50-hardening
visudo --check --quiet

# --- su: only members of the (empty) group sugroup.
groupadd sugroup
grep -Eq '^#[[:space:]]*auth[[:space:]]+required[[:space:]]+pam_wheel\.so$' /etc/pam.d/su
sed -i 's/^#[[:space:]]*auth[[:space:]]\+required[[:space:]]\+pam_wheel\.so$/auth       required   pam_wheel.so use_uid group=sugroup/' /etc/pam.d/su
grep -Eq '^auth[[:space:]]+required[[:space:]]+pam_wheel\.so use_uid group=sugroup$' /etc/pam.d/su

# --- root stays locked; homes of login users exist, are theirs, not group/other-writable.
grep -Eq '^root:(\*|!)' /etc/shadow
chmod go-w /root /home/auditor /home/alice
for home in /root /home/auditor /home/alice; do
    for dotfile in .rhosts .netrc .forward; do
        rm -f "$home/$dotfile"
    done
done
