#!/bin/sh
# Logging and detection hardened: persistent journal, rsyslog forwarding everything over TCP to log-server, log files 0640, auditd with the CIS 6.2.3.x rules (immutable), CIS 6.2.2.x storage actions, logrotate, AIDE initialised with its daily timer, chrony synchronised from log-server, fail2ban guarding sshd, rkhunter daily.
# packages: rsyslog logrotate auditd aide aide-common chrony fail2ban rkhunter
# needs: log-server
# controls: LOG-01 LOG-02 LOG-03 LOG-04 LOG-05 LOG-06 LOG-07 LOG-08 LOG-09 LOG-10 LOG-11 LOG-12 DET-01 DET-02 DET-03 DET-04
# state: pass
#
# Container limits (systemd-nspawn), as the checks must report them:
# - The kernel audit interface belongs to the initial namespaces: auditd is
#   installed and enabled but cannot run (LOG-08's running part and LOG-09's
#   loaded rules are errors); auditd.service carries a drop-in
#   ConditionVirtualization=!container so that the host boots "running", not
#   "degraded" (the unit is skipped, not failed).
# - No CAP_SYS_TIME: log/chrony-in-container (applied first) lets chronyd run
#   with -x, measuring against its source without setting the clock.
#
# Runs after fw/nftables-hardened: the firewall filters outbound traffic, and
# forwarding needs tcp/514 to log-server, so this scenario adds one egress
# rule (ip daddr <log-server> tcp dport 514 accept) to /etc/nftables.conf.
# NTP (udp/123) is already allowed.  fail2ban's nftables action creates its
# table on the first ban only (the action has a per-family section, so
# fail2ban starts it on demand); the audit station 198.18.0.1 is in ignoreip.
#
# AIDE's database is made by the after-boot script (aideinit, Debian's full
# aide.conf: ~16 s), once every other scenario has run (pat/hardened installs
# packages after boot); the /var/log file modes are closed here (for the
# offline image made of this root) and again after boot.
server=$(printf '%s' "${LAB_HOSTS:-}" | awk '$1 == "log-server" { print $2 }')
if [ -z "$server" ]; then
    echo "log-server is not booted in this lab (LAB_HOSTS: ${LAB_HOSTS:-none})" >&2
    exit 1
fi
printf '%s\tlog-server\n' "$server" >> /etc/hosts

# --- LOG-02: journald keeps a persistent journal (/var/log/journal), explicitly.
install -d -m 0755 /etc/systemd/journald.conf.d
cat > /etc/systemd/journald.conf.d/50-hardening.conf <<'CONF'
# hardening-audit lab scenario log/hardened: persistent journal, passed on to rsyslog.
[Journal]
Storage=persistent
Compress=yes
ForwardToSyslog=yes
CONF
chmod 0644 /etc/systemd/journald.conf.d/50-hardening.conf

# --- LOG-01/03/04: rsyslog forwards everything to log-server over TCP.  The
# action has an in-memory queue of its own and retries for ever: a down or
# unreachable server never blocks local logging (nothing spools to disk).
grep -qx '\$FileCreateMode 0640' /etc/rsyslog.conf
cat > /etc/rsyslog.d/60-forward.conf <<'CONF'
# hardening-audit lab scenario log/hardened: everything to the central log host over TCP.
*.* action(type="omfwd" target="log-server" port="514" protocol="tcp"
           queue.type="LinkedList" queue.size="10000"
           action.resumeRetryCount="-1" action.resumeInterval="10")
CONF
chmod 0644 /etc/rsyslog.d/60-forward.conf
rsyslogd -N1 -f /etc/rsyslog.conf
systemctl is-enabled --quiet rsyslog.service

# The firewall (fw/nftables-hardened) drops outbound traffic not allowed: add tcp/514 to log-server.
grep -q '^		ip daddr 198.18.0.0/24 tcp dport 22 accept$' /etc/nftables.conf
sed -i "/^		ip daddr 198.18.0.0\/24 tcp dport 22 accept\$/a\\
		ip daddr $server tcp dport 514 accept" /etc/nftables.conf
grep -q "^		ip daddr $server tcp dport 514 accept\$" /etc/nftables.conf
unshare --net nft -c -f /etc/nftables.conf

# --- LOG-07: logrotate and its daily timer (enabled by the package).
systemctl enable logrotate.timer
# fail2ban's own log (logtarget /var/log/fail2ban.log) would be created 0644 at first start.
install -m 0640 -o root -g adm /dev/null /var/log/fail2ban.log

# --- LOG-08..11: auditd with the CIS Debian 12 6.2.3.x rules, immutable, and 6.2.2.x actions.
cat > /etc/audit/rules.d/50-scope.rules <<'RULES'
-w /etc/sudoers -p wa -k scope
-w /etc/sudoers.d -p wa -k scope
RULES
cat > /etc/audit/rules.d/50-user_emulation.rules <<'RULES'
-a always,exit -F arch=b64 -C euid!=uid -F auid!=unset -S execve -k user_emulation
-a always,exit -F arch=b32 -C euid!=uid -F auid!=unset -S execve -k user_emulation
RULES
cat > /etc/audit/rules.d/50-sudo.rules <<'RULES'
-w /var/log/sudo.log -p wa -k sudo_log_file
RULES
cat > /etc/audit/rules.d/50-time-change.rules <<'RULES'
-a always,exit -F arch=b64 -S adjtimex,settimeofday,clock_settime -k time-change
-a always,exit -F arch=b32 -S adjtimex,settimeofday,clock_settime -k time-change
-w /etc/localtime -p wa -k time-change
RULES
cat > /etc/audit/rules.d/50-system_locale.rules <<'RULES'
-a always,exit -F arch=b64 -S sethostname,setdomainname -k system-locale
-a always,exit -F arch=b32 -S sethostname,setdomainname -k system-locale
-w /etc/issue -p wa -k system-locale
-w /etc/issue.net -p wa -k system-locale
-w /etc/hosts -p wa -k system-locale
-w /etc/networks -p wa -k system-locale
-w /etc/network/ -p wa -k system-locale
RULES
cat > /etc/audit/rules.d/50-access.rules <<'RULES'
-a always,exit -F arch=b64 -S creat,open,openat,truncate,ftruncate -F exit=-EACCES -F auid>=1000 -F auid!=unset -k access
-a always,exit -F arch=b64 -S creat,open,openat,truncate,ftruncate -F exit=-EPERM -F auid>=1000 -F auid!=unset -k access
-a always,exit -F arch=b32 -S creat,open,openat,truncate,ftruncate -F exit=-EACCES -F auid>=1000 -F auid!=unset -k access
-a always,exit -F arch=b32 -S creat,open,openat,truncate,ftruncate -F exit=-EPERM -F auid>=1000 -F auid!=unset -k access
RULES
cat > /etc/audit/rules.d/50-identity.rules <<'RULES'
-w /etc/group -p wa -k identity
-w /etc/passwd -p wa -k identity
-w /etc/gshadow -p wa -k identity
-w /etc/shadow -p wa -k identity
-w /etc/security/opasswd -p wa -k identity
-w /etc/nsswitch.conf -p wa -k identity
-w /etc/pam.conf -p wa -k identity
-w /etc/pam.d -p wa -k identity
RULES
# CIS writes these with -F key= rather than -k: both forms mean the same.
cat > /etc/audit/rules.d/50-perm_mod.rules <<'RULES'
-a always,exit -F arch=b64 -S chmod,fchmod,fchmodat -F auid>=1000 -F auid!=unset -F key=perm_mod
-a always,exit -F arch=b64 -S chown,fchown,lchown,fchownat -F auid>=1000 -F auid!=unset -F key=perm_mod
-a always,exit -F arch=b32 -S chmod,fchmod,fchmodat -F auid>=1000 -F auid!=unset -F key=perm_mod
-a always,exit -F arch=b32 -S lchown,fchown,chown,fchownat -F auid>=1000 -F auid!=unset -F key=perm_mod
-a always,exit -F arch=b64 -S setxattr,lsetxattr,fsetxattr,removexattr,lremovexattr,fremovexattr -F auid>=1000 -F auid!=unset -F key=perm_mod
-a always,exit -F arch=b32 -S setxattr,lsetxattr,fsetxattr,removexattr,lremovexattr,fremovexattr -F auid>=1000 -F auid!=unset -F key=perm_mod
RULES
cat > /etc/audit/rules.d/50-mounts.rules <<'RULES'
-a always,exit -F arch=b64 -S mount -F auid>=1000 -F auid!=unset -k mounts
-a always,exit -F arch=b32 -S mount -F auid>=1000 -F auid!=unset -k mounts
RULES
cat > /etc/audit/rules.d/50-session.rules <<'RULES'
-w /var/run/utmp -p wa -k session
-w /var/log/wtmp -p wa -k session
-w /var/log/btmp -p wa -k session
RULES
cat > /etc/audit/rules.d/50-login.rules <<'RULES'
-w /var/log/lastlog -p wa -k logins
-w /var/run/faillock -p wa -k logins
RULES
cat > /etc/audit/rules.d/50-delete.rules <<'RULES'
-a always,exit -F arch=b64 -S rename,unlink,unlinkat,renameat -F auid>=1000 -F auid!=unset -F key=delete
-a always,exit -F arch=b32 -S rename,unlink,unlinkat,renameat -F auid>=1000 -F auid!=unset -F key=delete
RULES
cat > /etc/audit/rules.d/50-MAC-policy.rules <<'RULES'
-w /etc/apparmor/ -p wa -k MAC-policy
-w /etc/apparmor.d/ -p wa -k MAC-policy
RULES
cat > /etc/audit/rules.d/50-perm_chng.rules <<'RULES'
-a always,exit -F path=/usr/bin/chcon -F perm=x -F auid>=1000 -F auid!=unset -k perm_chng
-a always,exit -F path=/usr/bin/setfacl -F perm=x -F auid>=1000 -F auid!=unset -k perm_chng
-a always,exit -F path=/usr/bin/chacl -F perm=x -F auid>=1000 -F auid!=unset -k perm_chng
-a always,exit -F path=/usr/sbin/usermod -F perm=x -F auid>=1000 -F auid!=unset -k usermod
RULES
cat > /etc/audit/rules.d/50-kernel_modules.rules <<'RULES'
-a always,exit -F arch=b64 -S init_module,finit_module,delete_module,create_module,query_module -F auid>=1000 -F auid!=unset -k kernel_modules
-a always,exit -F path=/usr/bin/kmod -F perm=x -F auid>=1000 -F auid!=unset -k kernel_modules
RULES
cat > /etc/audit/rules.d/99-finalize.rules <<'RULES'
-e 2
RULES
chmod 0640 /etc/audit/rules.d/*.rules
# Compiles rules.d into /etc/audit/audit.rules; without --load it never talks to the kernel.
augenrules
[ "$(grep -v '^#' /etc/audit/audit.rules | grep -v '^$' | tail -n 1)" = "-e 2" ]
grep -qx -- '-w /etc/shadow -p wa -k identity' /etc/audit/audit.rules

# CIS 6.2.2.x.  space_left_action email: exim4 (svc/hardened) provides the
# sendmail auditd checks for at start-up; no package added for it.
[ -x /usr/lib/sendmail ] || [ -x /usr/sbin/sendmail ]
set_auditd() {
    grep -q "^$1 = " /etc/audit/auditd.conf
    sed -i "s/^$1 = .*/$1 = $2/" /etc/audit/auditd.conf
    grep -qx "$1 = $2" /etc/audit/auditd.conf
}
set_auditd max_log_file_action keep_logs
set_auditd space_left_action email
set_auditd action_mail_acct root
set_auditd admin_space_left_action single
set_auditd disk_full_action single
set_auditd disk_error_action single
systemctl is-enabled --quiet auditd.service
install -d -m 0755 /etc/systemd/system/auditd.service.d
cat > /etc/systemd/system/auditd.service.d/50-container.conf <<'CONF'
# hardening-audit lab: the kernel audit interface is not available inside a
# systemd-nspawn container; auditd would fail and leave the host degraded.
[Unit]
ConditionVirtualization=!container
CONF

# --- LOG-12: chrony from log-server (udp/123, allowed by the firewall), client only.
printf 'server log-server iburst\n' > /etc/chrony/sources.d/log-server.sources
cat > /etc/chrony/conf.d/50-hardening.conf <<'CONF'
# hardening-audit lab scenario log/hardened: a client only, no NTP or command port
# (chronyc as root uses /run/chrony/chronyd.sock).
port 0
cmdport 0
CONF
chmod 0644 /etc/chrony/sources.d/log-server.sources /etc/chrony/conf.d/50-hardening.conf
chronyd -p -f /etc/chrony/chrony.conf >/dev/null
systemctl is-enabled --quiet chrony.service

# --- DET-01/02: AIDE (database made after boot) and the daily check timer.
systemctl enable dailyaidecheck.timer

# --- DET-03: fail2ban's sshd jail, banning through nftables.
cat > /etc/fail2ban/jail.d/50-hardening.local <<'CONF'
# hardening-audit lab scenario log/hardened: sshd jail, bans through nftables
# (table inet f2b-table, made at the first ban).  The audit station is never banned.
[DEFAULT]
banaction = nftables
banaction_allports = nftables[type=allports]
ignoreip = 127.0.0.1/8 ::1 198.18.0.1

[sshd]
enabled = true
CONF
chmod 0644 /etc/fail2ban/jail.d/50-hardening.local
systemctl is-enabled --quiet fail2ban.service

# --- DET-04: rkhunter's daily cron job (cron from svc/hardened).  Its file
# properties database (/var/lib/rkhunter/db/rkhunter.dat) is the one the
# package made when the layer was built (rkhupd.sh): not refreshed for the
# scenarios' changes, which would cost ~10 s at every lab start.
grep -q '^CRON_DAILY_RUN=' /etc/default/rkhunter
sed -i 's/^CRON_DAILY_RUN=.*/CRON_DAILY_RUN="true"/' /etc/default/rkhunter
grep -qx 'CRON_DAILY_RUN="true"' /etc/default/rkhunter

# --- LOG-06: the log files package installation left (0644) closed to others; wtmp and lastlog keep 0664.
find /var/log -xdev -type f -perm /o=rwx ! -path /var/log/wtmp ! -path /var/log/lastlog -exec chmod o-rwx {} +
